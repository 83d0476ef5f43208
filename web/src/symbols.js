import { s } from "./dom.js";

// NATO-style unit symbols after APP-6/MIL-STD-2525 (simplified): friendly units in a blue
// rectangle, hostile units in a red diamond, a category icon inside and the echelon
// amplifier for the unit's size above. Drawn in a local frame centred on (0, 0), 32 × 22 px for a full unit.

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

// Echelon by size (APP-6 echelon amplifiers, drawn above the frame): the personnel of the
// unit in this replication decides, since a scenario's "brigade" may be a regiment-sized
// group and a "district" a few companies. Thresholds after the usual ranges of unit sizes
// (company 80–250, battalion 300–1,000, regiment 1,000–3,000, brigade 3,000–5,000, division
// 10,000–25,000; Wikipedia, "Military organization"), split where the ranges meet.
export const ECHELONS = [
  { id: "platoon", label: "platoon (•••)", below: 60 },
  { id: "company", label: "company (I)", below: 300 },
  { id: "battalion", label: "battalion (II)", below: 1000 },
  { id: "regiment", label: "regiment (III)", below: 2000 },
  { id: "brigade", label: "brigade (X)", below: 8000 },
  { id: "division", label: "division (XX)", below: 25000 },
  { id: "corps", label: "corps (XXX)", below: Infinity },
];
export function echelonFor(personnel) {
  const p = Number.isFinite(+personnel) ? +personnel : 3000;
  return ECHELONS.find((e) => p < e.below).id;
}

// The amplifier's strokes, centred on x = 0, in the band from y = top − 8 to y = top − 2.
function echelonMark(echelon, top) {
  const y0 = top - 8;
  const y1 = top - 2;
  const bars = (n) => Array.from({ length: n }, (_, i) => `M${(i - (n - 1) / 2) * 4},${y0}V${y1}`).join("");
  const crosses = (n) =>
    Array.from({ length: n }, (_, i) => {
      const x = (i - (n - 1) / 2) * 7;
      return `M${x - 3},${y0}L${x + 3},${y1}M${x - 3},${y1}L${x + 3},${y0}`;
    }).join("");
  switch (echelon) {
    case "platoon":
      return s("g", { class: "echelon", "data-echelon": echelon }, [-4, 0, 4].map((x) => s("circle", { cx: x, cy: top - 5, r: 1.4, fill: "#000", stroke: "none" })));
    case "company":
      return s("path", { class: "echelon", "data-echelon": echelon, d: bars(1) });
    case "battalion":
      return s("path", { class: "echelon", "data-echelon": echelon, d: bars(2) });
    case "regiment":
      return s("path", { class: "echelon", "data-echelon": echelon, d: bars(3) });
    case "division":
      return s("path", { class: "echelon", "data-echelon": echelon, d: crosses(2) });
    case "corps":
      return s("path", { class: "echelon", "data-echelon": echelon, d: crosses(3) });
    default:
      return s("path", { class: "echelon", "data-echelon": "brigade", d: crosses(1) });
  }
}

// An SVG <g> with the frame, the category icon and the echelon amplifier.
export function symbolNode(side, category, echelon = "brigade") {
  const hostile = side === "red";
  const cat = normaliseCategory(category);
  let frame;
  let ix;
  let iy; // half extents of the icon box inside the frame
  if (hostile) {
    const r = 15;
    frame = s("path", { class: "frame", d: `M0,${-r}L${r},0L0,${r}L${-r},0Z`, fill: HOSTILE_FILL });
    ix = 7.5;
    iy = 7.5;
  } else {
    frame = s("rect", { class: "frame", x: -W / 2, y: -H / 2, width: W, height: H, fill: FRIENDLY_FILL });
    ix = W / 2;
    iy = H / 2;
  }
  const path = (d, attrs) => s("path", { d, ...attrs });
  const cross = () => path(`M${-ix},${-iy}L${ix},${iy}M${-ix},${iy}L${ix},${-iy}`);
  const oval = () => s("ellipse", { cx: 0, cy: 0, rx: ix * 0.62, ry: iy * 0.5, fill: "none" });
  let icon = [];
  switch (cat) {
    case "armoured":
      icon = [oval()];
      break;
    case "mechanised":
      icon = [cross(), oval()];
      break;
    case "motorised":
      icon = [cross(), path(`M0,${-iy}L0,${iy}`)];
      break;
    case "light_infantry":
      icon = [cross()];
      break;
    case "airborne":
      icon = [
        cross(),
        path(`M${-ix * 0.45},${iy * 0.75}a${ix * 0.22},${iy * 0.25} 0 0 1 ${ix * 0.45},0a${ix * 0.22},${iy * 0.25} 0 0 1 ${ix * 0.45},0`, { fill: "none" }),
      ];
      break;
    case "artillery":
      icon = [s("circle", { r: Math.min(ix, iy) * 0.3, fill: "#000" })];
      break;
    case "rocket_artillery":
      icon = [
        s("circle", { cy: iy * 0.25, r: Math.min(ix, iy) * 0.25, fill: "#000" }),
        path(`M${-ix * 0.35},${-iy * 0.2}L0,${-iy * 0.6}L${ix * 0.35},${-iy * 0.2}`, { fill: "none" }),
      ];
      break;
    case "air_defence":
      icon = [path(`M${-ix},${iy}A${ix},${iy * 1.1} 0 0 1 ${ix},${iy}`, { fill: "none" })];
      break;
    case "territorial":
      icon = [cross(), s("text", { y: iy * 0.5, "font-size": iy, "text-anchor": "middle", stroke: "none", fill: "#000", "font-weight": 700 }, "T")];
      break;
  }
  const top = hostile ? -15 : -H / 2;
  return s("g", { class: "unit-symbol", stroke: "#000", "stroke-width": 1.3, fill: "none" }, frame, icon, echelonMark(echelon, top));
}

// A stand-alone <svg> of one symbol, for the legend and the details panel.
export function symbolSvg(side, category, echelon, size = 30) {
  return s("svg", { viewBox: "-22 -26 44 44", width: size, height: size }, symbolNode(side, category, echelon));
}
