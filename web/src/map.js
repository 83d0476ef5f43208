// Map replay of one replication: Natural Earth borders (world-atlas, bundled), regions as
// Voronoi cells bounded by a radius and the coastline, links, unit symbols and engagements,
// driven by a time slider.
import * as d3 from "d3";
import * as topojson from "topojson-client";
import world from "world-atlas/countries-50m.json";
import { formatDate } from "./data.js";
import { CATEGORY_LABEL, normaliseCategory, symbolMarkup } from "./symbols.js";

const WIDTH = 1000;
const HEIGHT = 760;
const RED = "#d7301f";
const BLUE = "#2f6fb8";
const THEATRE = new Set(["Poland", "Lithuania", "Latvia", "Belarus", "Russia", "Estonia", "Ukraine"]);
const COUNTRY_LABELS = [
  ["POLAND", 21.2, 52.75],
  ["LITHUANIA", 23.9, 55.55],
  ["LATVIA", 25.4, 56.75],
  ["BELARUS", 27.2, 53.4],
  ["RUSSIA", 21.15, 55.05],
  ["RUSSIA", 29.3, 56.9],
  ["ESTONIA", 25.6, 58.4],
];

const countries = topojson.feature(world, world.objects.countries);
const borders = topojson.mesh(world, world.objects.countries, (a, b) => a !== b);

// Sutherland–Hodgman: clip a polygon by a convex polygon (both counter-clockwise or both
// clockwise, as d3-delaunay and our circle are).
function clipConvex(subject, clip) {
  let out = subject;
  for (let i = 0; i < clip.length && out.length; i++) {
    const a = clip[i];
    const b = clip[(i + 1) % clip.length];
    const inside = (p) => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= 0;
    const cross = (p, q) => {
      const a1 = b[1] - a[1];
      const b1 = a[0] - b[0];
      const c1 = a1 * a[0] + b1 * a[1];
      const a2 = q[1] - p[1];
      const b2 = p[0] - q[0];
      const c2 = a2 * p[0] + b2 * p[1];
      const det = a1 * b2 - a2 * b1;
      return [(b2 * c1 - b1 * c2) / det, (a1 * c2 - a2 * c1) / det];
    };
    const input = out;
    out = [];
    for (let j = 0; j < input.length; j++) {
      const p = input[j];
      const q = input[(j + 1) % input.length];
      if (inside(q)) {
        if (!inside(p)) out.push(cross(p, q));
        out.push(q);
      } else if (inside(p)) out.push(cross(p, q));
    }
  }
  return out;
}

function circlePolygon(cx, cy, r, n = 40) {
  const pts = [];
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    pts.push([cx + r * Math.cos(t), cy + r * Math.sin(t)]);
  }
  return pts;
}

// The Via Baltica (E67, S61 in Poland, A5/A8/A10 in Lithuania, A7 in Latvia) is told apart by
// the link's own `source:` text in the scenario; without it, by name or id.
function isViaBaltica(link, regions, scenario) {
  if (link.via_baltica != null) return !!link.via_baltica;
  const a = regions[link.a];
  const b = regions[link.b];
  const sources = scenario?.link_sources;
  const text = sources && a && b ? (sources[`${a.id}|${b.id}`] ?? sources[`${b.id}|${a.id}`] ?? "") : "";
  const name = `${text} ${link.name ?? ""} ${link.route ?? ""} ${link.id ?? ""}`;
  return /via baltica|\bS-?61\b|\bE67\b/i.test(name) && !/old via baltica/i.test(name);
}

export function createMap(root, timeline, { scenario, onReplication, replications } = {}) {
  const t = timeline;
  root.innerHTML = `
    <div class="map-layout">
      <div class="map-main">
        <div class="map-toolbar">
          <button class="play" title="Play / pause (space)">▶</button>
          <input class="slider" type="range" min="0" max="${t.frames.length - 1}" step="1" value="0" aria-label="Hour">
          <select class="speed" aria-label="Playback speed">
            <option value="1">1 h/tick</option><option value="3" selected>3 h/tick</option><option value="6">6 h/tick</option><option value="12">12 h/tick</option>
          </select>
          ${onReplication ? `<label class="rep" title="Replication shown">rep <input type="number" min="0" max="${(replications ?? 1) - 1}" value="${t.replication}"></label>` : ""}
          <div class="clock"><span class="hour"></span><span class="date"></span></div>
          <div class="zoom"><button class="zoom-in" title="Zoom in">+</button><button class="zoom-out" title="Zoom out">−</button><button class="zoom-reset" title="Whole theatre">⤢</button></div>
        </div>
        <div class="map-frame"></div>
      </div>
      <aside class="map-side">
        <section class="status"></section>
        <section class="details"><h3>Details</h3><p class="hint">Click a unit or a region.</p></section>
        <section class="legend"></section>
      </aside>
    </div>`;
  const frame = root.querySelector(".map-frame");
  const slider = root.querySelector(".slider");
  const playButton = root.querySelector(".play");
  const speedSelect = root.querySelector(".speed");
  const hourLabel = root.querySelector(".hour");
  const dateLabel = root.querySelector(".date");
  const statusBox = root.querySelector(".status");
  const details = root.querySelector(".details");

  // Projection fitted to the regions, with room around them.
  const lons = t.regions.map((r) => r.lon);
  const lats = t.regions.map((r) => r.lat);
  const pad = 0.45;
  const box = {
    type: "MultiPoint",
    coordinates: [
      [d3.min(lons) - pad, d3.min(lats) - pad],
      [d3.max(lons) + pad, d3.max(lats) + pad],
      [d3.min(lons) - pad, d3.max(lats) + pad],
      [d3.max(lons) + pad, d3.min(lats) - pad],
    ],
  };
  const projection = d3
    .geoConicConformal()
    .parallels([52, 57])
    .rotate([-(d3.min(lons) + d3.max(lons)) / 2, 0])
    .fitExtent(
      [
        [20, 20],
        [WIDTH - 20, HEIGHT - 20],
      ],
      box,
    );
  const path = d3.geoPath(projection);
  const svg = d3
    .select(frame)
    .append("svg")
    .attr("class", "map")
    .attr("viewBox", `0 0 ${WIDTH} ${HEIGHT}`)
    .attr("role", "img")
    .attr("aria-label", "Map of the theatre");
  const defs = svg.append("defs");
  // Region cells stop at the coast: the clip is the union of the country shapes.
  defs
    .append("clipPath")
    .attr("id", "land-clip")
    .selectAll("path")
    .data(countries.features.filter((f) => THEATRE.has(f.properties.name) || f.properties.name === "Germany"))
    .join("path")
    .attr("d", path);

  svg.append("rect").attr("class", "sea").attr("width", WIDTH).attr("height", HEIGHT);
  const view = svg.append("g").attr("class", "viewport");
  view
    .append("g")
    .attr("class", "countries")
    .selectAll("path")
    .data(countries.features)
    .join("path")
    .attr("d", path)
    .attr("class", (d) => (THEATRE.has(d.properties.name) ? "country theatre" : "country"));
  view.append("path").attr("class", "borders").attr("d", path(borders));

  // Region cells: Voronoi of the projected centres, each cut to a disc of about 45 km so
  // that the outer regions do not sprawl, and to land.
  const pts = t.regions.map((r) => projection([r.lon, r.lat]));
  const kmPx = (() => {
    const r0 = t.regions[0];
    const a = projection([r0.lon, r0.lat]);
    const b = projection([r0.lon, r0.lat + 1]);
    return Math.hypot(a[0] - b[0], a[1] - b[1]) / 111.2;
  })();
  const radius = 48 * kmPx;
  // Symbols shrink with the density of regions: scaled to the median nearest-neighbour gap.
  const delaunay0 = d3.Delaunay.from(pts);
  const gaps = pts.map((p, i) => {
    let best = Infinity;
    for (const j of delaunay0.neighbors(i)) best = Math.min(best, Math.hypot(p[0] - pts[j][0], p[1] - pts[j][1]));
    return best;
  });
  const symbolScale = Math.max(0.42, Math.min(1, (d3.median(gaps.filter(Number.isFinite)) ?? 80) / 80));
  const SYMBOL = { scale: symbolScale, dx: 30 * symbolScale, dy: 24 * symbolScale };
  // Zoom and pan; symbols shrink as the map grows so that crowded areas come apart.
  function setZoom(k) {
    SYMBOL.scale = symbolScale / Math.sqrt(k);
    SYMBOL.dx = 30 * SYMBOL.scale;
    SYMBOL.dy = 24 * SYMBOL.scale;
  }
  const dense = t.regions.length > 30;
  const voronoi = d3.Delaunay.from(pts).voronoi([0, 0, WIDTH, HEIGHT]);
  const cells = t.regions.map((r, i) => {
    const cell = voronoi.cellPolygon(i);
    if (!cell) return "";
    const poly = clipConvex(cell.slice(0, -1), circlePolygon(pts[i][0], pts[i][1], radius));
    return poly.length ? `M${poly.map((p) => p.join(",")).join("L")}Z` : "";
  });
  const regionLayer = view.append("g").attr("class", "regions").attr("clip-path", "url(#land-clip)");
  const regionPaths = regionLayer
    .selectAll("path")
    .data(t.regions)
    .join("path")
    .attr("class", "region")
    .attr("data-region", (d) => d.id)
    .attr("d", (d, i) => cells[i])
    .on("click", (e, d) => selectRegion(d.index));

  // Links: road class sets the width; Via Baltica in amber; rail as a dashed tie line.
  const linkLayer = view.append("g").attr("class", "links");
  const roadWidth = { motorway: 4, primary: 2.6, secondary: 1.8, minor: 1.2, track: 1 };
  for (const l of t.links) {
    const a = pts[l.a];
    const b = pts[l.b];
    if (!a || !b) continue;
    const road = String(l.road ?? "secondary").toLowerCase();
    linkLayer
      .append("line")
      .attr("class", isViaBaltica(l, t.regions, scenario) ? "link road via-baltica" : "link road")
      .attr("x1", a[0])
      .attr("y1", a[1])
      .attr("x2", b[0])
      .attr("y2", b[1])
      .attr("stroke-width", roadWidth[road] ?? 1.6);
    if (l.rail) {
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const len = Math.hypot(dx, dy) || 1;
      const ox = (-dy / len) * 4;
      const oy = (dx / len) * 4;
      linkLayer
        .append("line")
        .attr("class", "link rail")
        .attr("x1", a[0] + ox)
        .attr("y1", a[1] + oy)
        .attr("x2", b[0] + ox)
        .attr("y2", b[1] + oy);
    }
  }

  const labelLayer = view.append("g").attr("class", "labels");
  labelLayer
    .selectAll("text.country-label")
    .data(COUNTRY_LABELS.filter(([, lon, lat]) => {
      const p = projection([lon, lat]);
      return p[0] > 30 && p[0] < WIDTH - 30 && p[1] > 30 && p[1] < HEIGHT - 30;
    }))
    .join("text")
    .attr("class", "country-label")
    .attr("transform", (d) => `translate(${projection([d[1], d[2]])})`)
    .text((d) => d[0]);
  const objectiveRegions = new Set(t.objectives.flatMap((o) => o.regions));
  labelLayer
    .selectAll("g.region-label")
    .data(t.regions.filter((r) => !dense || objectiveRegions.has(r.index) || r.urban || (r.value ?? 0) >= 2))
    .join("g")
    .attr("class", "region-label")
    .attr("transform", (d) => `translate(${pts[d.index][0]},${pts[d.index][1] + (dense ? 11 : 16)})`)
    .classed("dense", dense)
    .each(function (d) {
      const g = d3.select(this);
      if (objectiveRegions.has(d.index))
        g.append("path")
          .attr("class", "objective-star")
          .attr("d", d3.symbol(d3.symbolStar, 70)())
          .attr("transform", `translate(${-(d.name.length * 3.3) - 8},-4)`);
      g.append("text").text(d.name);
    });

  const engagementLayer = view.append("g").attr("class", "engagements");
  const unitLayer = view.append("g").attr("class", "units");
  const badgeLayer = view.append("g").attr("class", "stack-counts");
  const units = unitLayer
    .selectAll("g.unit")
    .data(t.units)
    .join("g")
    .attr("class", (d) => `unit ${d.side}`)
    .attr("data-unit", (d) => d.id)
    .html((d) => symbolMarkup(d.side, d.category))
    .on("click", (e, d) => {
      e.stopPropagation();
      selectUnit(d.index);
    });
  units.append("title").text((d) => d.name ?? d.id);

  // Scale bar (50 km) and attribution.
  const sb = svg.append("g").attr("class", "scalebar").attr("transform", `translate(24,${HEIGHT - 30})`);
  const scaleRect = sb.append("rect").attr("width", 50 * kmPx).attr("height", 5);
  sb.append("text").attr("y", -5).text("50 km");
  svg
    .append("text")
    .attr("class", "attribution")
    .attr("x", WIDTH - 8)
    .attr("y", HEIGHT - 8)
    .attr("text-anchor", "end")
    .text("Borders: Natural Earth (world-atlas)");

  root.querySelector(".legend").innerHTML = legendMarkup();

  let current = 0;
  let selected = null;
  let timer = null;

  // Where each unit is drawn in frame f, and a count badge for crowded stacks. Red stands to
  // the left of the region centre, blue to the right; up to four units in a 2 × 2 block, more
  // as a pile (offset like a deck of cards) with the count beside it. A moving unit is drawn
  // part of the way along its link.
  function unitPositions(f) {
    const byRegion = new Map();
    f.units.forEach((u, i) => {
      if (u.region < 0 || u.region == null || !pts[u.region]) return;
      if (u.status === "destroyed" || u.status === "not arrived") return;
      const moving = u.toward >= 0 && pts[u.toward] && u.progress > 0;
      const key = moving ? `${u.region}>${u.toward}` : `${u.region}`;
      if (!byRegion.has(key)) byRegion.set(key, { region: u.region, members: [] });
      byRegion.get(key).members.push(i);
    });
    const pos = new Array(t.units.length).fill(null);
    const badges = [];
    for (const { region: r, members: list } of byRegion.values()) {
      const sides = { red: list.filter((i) => t.units[i].side === "red"), blue: list.filter((i) => t.units[i].side !== "red") };
      for (const [side, members] of Object.entries(sides)) {
        const dir = side === "red" ? -1 : 1;
        const pile = members.length > 4;
        members.forEach((i, k) => {
          let x;
          let y;
          if (pile) {
            x = pts[r][0] + dir * SYMBOL.dx * 0.7 + dir * k * 2.2 * SYMBOL.scale;
            y = pts[r][1] - SYMBOL.dy * 0.6 - k * 2.2 * SYMBOL.scale;
          } else {
            x = pts[r][0] + dir * SYMBOL.dx * (0.6 + (k % 2));
            y = pts[r][1] - SYMBOL.dy * (0.45 + Math.floor(k / 2));
          }
          const u = f.units[i];
          if (u.toward >= 0 && pts[u.toward] && u.progress > 0) {
            x += (pts[u.toward][0] - pts[r][0]) * u.progress;
            y += (pts[u.toward][1] - pts[r][1]) * u.progress;
          }
          pos[i] = [x, y];
        });
        if (pile) {
          const last = pos[members[members.length - 1]];
          badges.push({ side, n: members.length, x: last[0] + dir * SYMBOL.dx * 0.75, y: last[1] - SYMBOL.dy * 0.35 });
        }
      }
    }
    return { pos, badges };
  }

  function render(index, animate) {
    current = Math.max(0, Math.min(t.frames.length - 1, index));
    const f = t.frames[current];
    slider.value = current;
    hourLabel.textContent = `Hour ${f.hour}`;
    dateLabel.textContent = formatDate(t.start, f.hour);
    svg.attr("data-hour", f.hour);
    regionPaths
      .attr("data-control", (d) => f.control[d.index] ?? "")
      .attr("fill", (d) => (f.control[d.index] === "red" ? RED : f.control[d.index] === "blue" ? BLUE : "#999"));
    const { pos, badges } = unitPositions(f);
    badgeLayer
      .selectAll("text")
      .data(badges)
      .join("text")
      .attr("class", (b) => `stack-count ${b.side}`)
      .attr("x", (b) => b.x)
      .attr("y", (b) => b.y)
      .style("font-size", `${(11 * SYMBOL.scale) / symbolScale}px`)
      .text((b) => `×${b.n}`);
    const sel = animate ? units.transition().duration(180) : units;
    sel
      .attr("opacity", (d) => (!pos[d.index] ? 0 : f.units[d.index]?.status === "broken" ? 0.45 : 1))
      .attr("transform", (d) => {
        const p = pos[d.index];
        const s = SYMBOL.scale * (0.55 + 0.45 * Math.sqrt(Math.max(0, f.units[d.index]?.strength ?? 0)));
        return p ? `translate(${p[0]},${p[1]}) scale(${s.toFixed(3)})` : "translate(-100,-100)";
      });
    units.attr("display", (d) => (pos[d.index] ? null : "none"));
    // Engagements of the last 6 hours, fading with age.
    const recent = t.engagements.filter((e) => e.hour <= f.hour && e.hour > f.hour - 6 && pts[e.region]);
    engagementLayer
      .selectAll("path")
      .data(recent)
      .join("path")
      .attr("class", "engagement")
      .attr("d", d3.symbol(d3.symbolStar, 320 * SYMBOL.scale + 120)())
      .attr("transform", (e) => `translate(${pts[e.region][0]},${pts[e.region][1] - 2}) rotate(18)`)
      .attr("opacity", (e) => 1 - (f.hour - e.hour) / 6);
    renderStatus(f);
    if (selected?.kind === "unit") selectUnit(selected.index);
    else if (selected) selectRegion(selected.index);
  }

  function renderStatus(f) {
    const held = { red: 0, blue: 0 };
    t.regions.forEach((r) => {
      const c = f.control[r.index];
      if (c in held) held[c] += r.value ?? r.objective_value ?? 1;
    });
    const total = held.red + held.blue || 1;
    const strength = { red: [0, 0], blue: [0, 0] };
    t.units.forEach((u, i) => {
      const s = f.units[i];
      if (!s) return;
      strength[u.side === "red" ? "red" : "blue"][0] += (u.personnel ?? 1) * Math.max(0, s.strength);
      strength[u.side === "red" ? "red" : "blue"][1] += u.personnel ?? 1;
    });
    const fallen = t.objectives
      .map((o, k) => ({ o, h: t.objectiveHours?.[k] }))
      .map(({ o, h }) => `<li class="${h != null && h >= 0 && h <= f.hour ? "fallen" : ""}">${o.name ?? o.id}: ${h != null && h >= 0 ? (h <= f.hour ? `achieved at hour ${h}` : "not yet") : "not achieved"}</li>`)
      .join("");
    const events = t.events.filter((e) => e.hour <= f.hour && e.hour > f.hour - 12).slice(-4);
    statusBox.innerHTML = `
      <h3>Replication ${t.replication}</h3>
      <div class="bar"><span class="red" style="width:${(100 * held.red) / total}%"></span><span class="blue" style="width:${(100 * held.blue) / total}%"></span></div>
      <p class="small">Objective value held: red ${((100 * held.red) / total).toFixed(0)} %, blue ${((100 * held.blue) / total).toFixed(0)} %</p>
      <p class="small">Strength: red ${pct(strength.red)}, blue ${pct(strength.blue)} of initial personnel</p>
      <ul class="objectives">${fallen}</ul>
      ${events.length ? `<ul class="events">${events.map((e) => `<li>h${e.hour}: ${escapeHtml(e.text ?? e.name ?? e.kind ?? "")}</li>`).join("")}</ul>` : ""}`;
  }

  function selectUnit(i) {
    selected = { kind: "unit", index: i };
    regionPaths.classed("selected", false);
    const u = t.units[i];
    const s = t.frames[current].units[i] ?? {};
    const where = s.region >= 0 ? t.regions[s.region]?.name : "not in theatre yet";
    details.innerHTML = `<h3>${escapeHtml(u.name ?? u.id)}</h3>
      <div class="symbol-big"><svg viewBox="-22 -26 44 44" width="66" height="66">${symbolMarkup(u.side, u.category)}</svg></div>
      <table>
        ${row("Side", u.side)}${row("Nation", u.nation)}${row("Type", CATEGORY_LABEL[normaliseCategory(u.category)] ?? u.category)}
        ${row("Personnel (start)", fmtInt(u.personnel))}${row("Strength now", s.strength != null ? `${(100 * s.strength).toFixed(0)} %` : "")}
        ${row("Status", s.status)}${row("Location", where)}${row("Id", u.id)}
      </table>${sourceBlock(scenario?.unit_sources?.[u.id] ?? u.source, scenario)}`;
  }

  function selectRegion(i) {
    selected = { kind: "region", index: i };
    regionPaths.classed("selected", (d) => d.index === i);
    const r = t.regions[i];
    const f = t.frames[current];
    const present = t.units.filter((u, k) => f.units[k]?.region === i && f.units[k]?.strength > 0);
    details.innerHTML = `<h3>${escapeHtml(r.name)}</h3>
      <table>
        ${row("Country", r.country)}${row("Terrain", r.terrain)}${row("Urban", r.urban ? "yes" : "no")}
        ${row("Objective value", r.value ?? r.objective_value)}${row("Control now", f.control[i])}
        ${row("Position", `${(+r.lat).toFixed(3)}° N, ${(+r.lon).toFixed(3)}° E`)}
      </table>
      <p class="small"><b>Units here:</b> ${present.map((u) => escapeHtml(u.name ?? u.id)).join(", ") || "none"}</p>${sourceBlock(scenario?.region_sources?.[r.id] ?? r.source, scenario)}`;
  }

  function play() {
    if (timer) return stop();
    playButton.textContent = "❚❚";
    timer = setInterval(() => {
      const step = +speedSelect.value;
      if (current >= t.frames.length - 1) return stop();
      render(current + step, true);
    }, 220);
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    playButton.textContent = "▶";
  }
  playButton.addEventListener("click", play);
  root.querySelector(".rep input")?.addEventListener("change", (e) => {
    const rep = Math.max(0, Math.floor(+e.target.value));
    if (Number.isFinite(rep)) onReplication(rep);
  });
  // Space plays and pauses, the arrow keys step, when the focus is not in a form field.
  document.onkeydown = (e) => {
    if (root.hidden || root.closest("[hidden]") || ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement?.tagName)) return;
    if (e.key === " ") {
      e.preventDefault();
      play();
    } else if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      render(current + (e.key === "ArrowRight" ? 1 : -1) * +speedSelect.value, false);
    }
  };
  let zoomK = 1;
  const zoom = d3
    .zoom()
    .scaleExtent([1, 8])
    .translateExtent([
      [0, 0],
      [WIDTH, HEIGHT],
    ])
    .on("zoom", (e) => {
      view.attr("transform", e.transform);
      if (e.transform.k !== zoomK) {
        zoomK = e.transform.k;
        setZoom(zoomK);
        scaleRect.attr("width", 50 * kmPx * zoomK);
        // Text keeps its size on screen (slightly growing, to stay readable when zoomed in).
        const f = 1 / Math.pow(zoomK, 0.85);
        labelLayer.selectAll(".region-label").style("font-size", `${(dense ? 10 : 11.5) * f}px`);
        labelLayer.selectAll(".region-label text").style("font-size", "inherit").style("stroke-width", `${3 * f}px`);
        labelLayer.selectAll(".country-label").style("font-size", `${15 * f}px`);
        labelLayer.selectAll(".objective-star").attr("transform", function () {
          return (this.getAttribute("transform") || "").replace(/ scale\([^)]*\)/, "") + ` scale(${f})`;
        });
        render(current, false);
      }
    });
  svg.call(zoom).on("dblclick.zoom", null);
  root.querySelector(".zoom-in").addEventListener("click", () => svg.transition().duration(250).call(zoom.scaleBy, 1.6));
  root.querySelector(".zoom-out").addEventListener("click", () => svg.transition().duration(250).call(zoom.scaleBy, 1 / 1.6));
  root.querySelector(".zoom-reset").addEventListener("click", () => svg.transition().duration(250).call(zoom.transform, d3.zoomIdentity));
  slider.addEventListener("input", () => render(+slider.value, false));
  render(0, false);
  return {
    setFrame: (i) => render(i, false),
    // Centres the view on the mean position of the given regions, at zoom factor k.
    zoomTo(ids, k) {
      const at = ids.map((id) => t.regions.findIndex((r) => r.id === id)).filter((i) => i >= 0).map((i) => pts[i]);
      if (!at.length) return;
      const x = d3.mean(at, (p) => p[0]);
      const y = d3.mean(at, (p) => p[1]);
      svg.call(zoom.transform, d3.zoomIdentity.translate(WIDTH / 2, HEIGHT / 2).scale(k).translate(-x, -y));
    },
    get frame() {
      return current;
    },
    stop,
  };
}

function pct([a, b]) {
  return b ? `${((100 * a) / b).toFixed(0)} %` : "–";
}
function fmtInt(v) {
  return v == null ? "" : Math.round(v).toLocaleString("en-GB");
}
function row(k, v) {
  return v == null || v === "" ? "" : `<tr><th>${k}</th><td>${escapeHtml(String(v))}</td></tr>`;
}
// The item's `source:` text, then the full reference of every source id it cites (S12, W3).
function sourceBlock(text, scenario) {
  if (!text) return "";
  const refs = new Map((scenario?.sources ?? []).map((s) => [s.id, s]));
  const cited = [...new Set(String(text).match(/\b[A-Z]{1,3}\d+\b/g) ?? [])].filter((id) => refs.has(id));
  const list = cited
    .map((id) => {
      const s = refs.get(id);
      return `<li><b>${escapeHtml(id)}</b> ${escapeHtml(s.text ?? "")}${s.url ? ` <span class="url">${escapeHtml(s.url.replace(/^https?:\/\//, ""))}</span>` : ""}</li>`;
    })
    .join("");
  return `<div class="source"><b>Source:</b> ${escapeHtml(text)}${list ? `<ul>${list}</ul>` : ""}</div>`;
}
export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function legendMarkup() {
  const cats = ["armoured", "mechanised", "motorised", "light_infantry", "airborne", "artillery", "rocket_artillery", "air_defence", "territorial"];
  const sym = (side, c) => `<svg viewBox="-22 -26 44 44" width="30" height="30">${symbolMarkup(side, c)}</svg>`;
  return `<h3>Legend</h3>
    <div class="legend-grid">
      <div class="swatch" style="background:${RED};opacity:.55"></div><span>Red control</span>
      <div class="swatch" style="background:${BLUE};opacity:.55"></div><span>Blue control</span>
      <svg width="30" height="12"><line x1="0" y1="6" x2="30" y2="6" class="link road via-baltica" stroke-width="4"/></svg><span>Via Baltica (E67)</span>
      <svg width="30" height="12"><line x1="0" y1="6" x2="30" y2="6" class="link road" stroke-width="2.6"/></svg><span>Road (width: class)</span>
      <svg width="30" height="12"><line x1="0" y1="6" x2="30" y2="6" class="link rail"/></svg><span>Railway</span>
      <svg width="30" height="22" viewBox="-15 -11 30 22"><path class="engagement" d="${d3.symbol(d3.symbolStar, 160)()}"/></svg><span>Engagement (last 6 h)</span>
      <svg width="30" height="22" viewBox="-15 -11 30 22"><path class="objective-star" d="${d3.symbol(d3.symbolStar, 70)()}"/></svg><span>Objective region</span>
    </div>
    <div class="legend-units">${cats
      .map((c) => `<div>${sym("blue", c)}${sym("red", c)}<span>${CATEGORY_LABEL[c]}</span></div>`)
      .join("")}</div>
    <p class="small">Blue rectangle: NATO (friendly); red diamond: Russia/Belarus (hostile). Symbol size follows strength; faded: broken. <b>×n</b>: a pile of n units.</p>`;
}
