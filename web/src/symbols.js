// NATO-style unit symbols after APP-6/MIL-STD-2525 (simplified): friendly units in a blue
// rectangle, hostile units in a red diamond, a category icon inside and the brigade echelon
// mark (X) above. Drawn in a local frame centred on (0, 0), 32 × 22 px for a full unit.

export const FRIENDLY_FILL = "#80e0ff";
export const HOSTILE_FILL = "#ff8080";
const W = 32;
const H = 22;

export function normaliseCategory(c) {
  const k = String(c ?? "").toLowerCase().replace(/[^a-z]/g, "");
  if (k.startsWith("armo")) return "armoured";
  if (k.startsWith("mech")) return "mechanised";
  if (k.startsWith("motor")) return "motorised";
  if (k.startsWith("air") && k.includes("def")) return "air_defence";
  if (k.startsWith("airb") || k.includes("para") || k.includes("airassault")) return "airborne";
  if (k.includes("rocket") || k.includes("mlrs")) return "rocket_artillery";
  if (k.includes("artill")) return "artillery";
  if (k.includes("territ")) return "territorial";
  if (k.includes("infan") || k.includes("light")) return "light_infantry";
  return "mechanised";
}

export const CATEGORY_LABEL = {
  armoured: "Armoured",
  mechanised: "Mechanised infantry",
  motorised: "Motorised infantry",
  light_infantry: "Light infantry",
  airborne: "Airborne / air assault",
  artillery: "Artillery",
  rocket_artillery: "Rocket artillery",
  air_defence: "Air defence",
  territorial: "Territorial defence",
};

// Returns SVG markup (a string) so the same symbol serves the map, the legend and details.
export function symbolMarkup(side, category) {
  const hostile = side === "red";
  const cat = normaliseCategory(category);
  let frame;
  let ix;
  let iy; // half extents of the icon box inside the frame
  if (hostile) {
    const r = 15;
    frame = `<path class="frame" d="M0,${-r}L${r},0L0,${r}L${-r},0Z" fill="${HOSTILE_FILL}"/>`;
    ix = 7.5;
    iy = 7.5;
  } else {
    frame = `<rect class="frame" x="${-W / 2}" y="${-H / 2}" width="${W}" height="${H}" fill="${FRIENDLY_FILL}"/>`;
    ix = W / 2;
    iy = H / 2;
  }
  const cross = `<path d="M${-ix},${-iy}L${ix},${iy}M${-ix},${iy}L${ix},${-iy}"/>`;
  const oval = `<ellipse cx="0" cy="0" rx="${ix * 0.62}" ry="${iy * 0.5}" fill="none"/>`;
  let icon = "";
  switch (cat) {
    case "armoured":
      icon = oval;
      break;
    case "mechanised":
      icon = cross + oval;
      break;
    case "motorised":
      icon = cross + `<path d="M0,${-iy}L0,${iy}"/>`;
      break;
    case "light_infantry":
      icon = cross;
      break;
    case "airborne":
      icon =
        cross +
        `<path d="M${-ix * 0.45},${iy * 0.75}a${ix * 0.22},${iy * 0.25} 0 0 1 ${ix * 0.45},0a${ix * 0.22},${iy * 0.25} 0 0 1 ${ix * 0.45},0" fill="none"/>`;
      break;
    case "artillery":
      icon = `<circle r="${Math.min(ix, iy) * 0.3}" fill="#000"/>`;
      break;
    case "rocket_artillery":
      icon =
        `<circle cy="${iy * 0.25}" r="${Math.min(ix, iy) * 0.25}" fill="#000"/>` +
        `<path d="M${-ix * 0.35},${-iy * 0.2}L0,${-iy * 0.6}L${ix * 0.35},${-iy * 0.2}" fill="none"/>`;
      break;
    case "air_defence":
      icon = `<path d="M${-ix},${iy}A${ix},${iy * 1.1} 0 0 1 ${ix},${iy}" fill="none"/>`;
      break;
    case "territorial":
      icon = cross + `<text y="${iy * 0.5}" font-size="${iy}" text-anchor="middle" stroke="none" fill="#000" font-weight="700">T</text>`;
      break;
  }
  const top = hostile ? -15 : -H / 2;
  const echelon = `<path class="echelon" d="M-3,${top - 8}L3,${top - 2}M-3,${top - 2}L3,${top - 8}"/>`;
  return `<g class="unit-symbol" stroke="#000" stroke-width="1.3" fill="none">${frame}${icon}${echelon}</g>`;
}
