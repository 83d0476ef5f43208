// Map replay of one replication: Natural Earth borders (world-atlas, bundled), regions as
// Voronoi cells cut to their own country, the Suwałki corridor, links, unit symbols and
// engagements, driven by a time slider. Panels beside it: mapside.js.
import * as d3 from "d3";
import { formatDate } from "./data.js";
import { h } from "./dom.js";
import { borders, countries, pathOf, regionCells, suwalkiCorridor } from "./geography.js";
import { BLUE, RED, createEventLog, fmtInt, legend, linkEvents, regionDetails, renderStatus, unitDetails } from "./mapside.js";
import { besiegedRegions, cutOffRing, engagementTitle, siegePattern } from "./operations.js";
import { echelonFor, symbolNode } from "./symbols.js";

const WIDTH = 1000;
const HEIGHT = 760;
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
const corridor = suwalkiCorridor();

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

// Which replication of the run stands where, when the run lists each replication's hour for
// an objective (`ranking`: {objective, hours: [hour or null per replication]}): the median
// and the worst case for Blue (the earliest fall). Never-taken replications sort last.
export function rankReplications(hours) {
  const order = hours.map((hr, rep) => ({ rep, hr: hr == null ? Infinity : hr })).sort((a, b) => a.hr - b.hr || a.rep - b.rep);
  return { median: order[Math.floor((order.length - 1) / 2)]?.rep, worst: order[0]?.rep, rankOf: new Map(order.map((x, k) => [x.rep, k + 1])) };
}

export function createMap(root, timeline, { scenario, summary, onReplication, replications, ranking } = {}) {
  const t = timeline;
  const button = (cls, title, text) => h("button", { class: cls, title, type: "button" }, text);
  const playButton = button("play", "Play / pause (space)", "▶");
  const slider = h("input", { class: "slider", type: "range", min: 0, max: t.frames.length - 1, step: 1, value: 0, "aria-label": "Hour" });
  const speedSelect = h(
    "select",
    { class: "speed", "aria-label": "Playback speed" },
    [1, 3, 6, 12].map((v) => h("option", { value: v, selected: v === 3 }, `${v} h/tick`)),
  );
  const ranks = ranking?.hours?.length ? rankReplications(ranking.hours) : null;
  const repInput = onReplication ? h("input", { type: "number", min: 0, max: (replications ?? 1) - 1, value: t.replication, "aria-label": "Replication" }) : null;
  const repBox = onReplication
    ? h(
        "span",
        { class: "rep", title: "Replication shown" },
        h("label", null, "rep ", repInput),
        ranks ? button("typical", `The median replication by time to ${ranking.objective}`, "typical") : null,
        ranks ? button("worst", `The replication in which ${ranking.objective} fell soonest`, "worst") : null,
      )
    : null;
  const hourLabel = h("span", { class: "hour" });
  const dateLabel = h("span", { class: "date" });
  const zoomIn = button("zoom-in", "Zoom in", "+");
  const zoomOut = button("zoom-out", "Zoom out", "−");
  const zoomGap = button("zoom-gap", "The Suwałki gap", "gap");
  const zoomReset = button("zoom-reset", "Whole theatre", "⤢");
  const frame = h("div", { class: "map-frame" });
  const statusBox = h("section", { class: "status" });
  const eventsBox = h("section", { class: "events-box" });
  const details = h("section", { class: "details" }, h("h3", null, "Details"), h("p", { class: "hint" }, "Click a unit, a region or an event."));
  const legendBox = h("section", { class: "legend" });
  root.replaceChildren(
    h(
      "div",
      { class: "map-layout" },
      h(
        "div",
        { class: "map-main" },
        h("div", { class: "map-toolbar" }, playButton, slider, speedSelect, repBox, h("div", { class: "clock" }, hourLabel, dateLabel), h("div", { class: "zoom" }, zoomIn, zoomOut, corridor ? zoomGap : null, zoomReset)),
        frame,
      ),
      h("aside", { class: "map-side" }, statusBox, details, eventsBox, legendBox),
    ),
  );

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
  // Cells of regions in a country Natural Earth does not know stop at the coast: this clip is
  // the union of the country shapes.
  const defs = svg.append("defs");
  siegePattern(defs);
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
    .attr("data-country", (d) => d.properties.name)
    .attr("class", (d) => (THEATRE.has(d.properties.name) ? "country theatre" : "country"));
  const pts = t.regions.map((r) => projection([r.lon, r.lat]));
  const kmPx = (() => {
    const r0 = t.regions[0];
    const a = projection([r0.lon, r0.lat]);
    const b = projection([r0.lon, r0.lat + 1]);
    return Math.hypot(a[0] - b[0], a[1] - b[1]) / 111.2;
  })();
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

  // Region cells: Voronoi cells of each country's region centres, cut to a disc of about
  // 48 km and to the country (geography.js).
  const cells = regionCells(t.regions, pts, projection, 48 * kmPx, [WIDTH, HEIGHT]);
  const regionLayer = view.append("g").attr("class", "regions");
  const regionPaths = regionLayer
    .selectAll("path")
    .data(t.regions)
    .join("path")
    .attr("class", "region")
    .attr("data-region", (d) => d.id)
    .attr("data-country", (d) => d.country ?? "")
    .attr("clip-path", (d, i) => (cells[i]?.clipped ? null : "url(#land-clip)"))
    .attr("d", (d, i) => (cells[i] ? pathOf(cells[i].shape) : ""))
    .on("click", (e, d) => selectRegion(d.index));
  // Besieged cells are hatched over their control colour (they take no clicks).
  const siegeLayer = view.append("g").attr("class", "sieges");
  // National borders above the cells, which stop at them.
  view.append("path").attr("class", "borders").attr("d", path(borders));

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

  // The Suwałki corridor: the Polish–Lithuanian border drawn bold, and the gap's width
  // (Belarus to Kaliningrad) as a dimension line, both from the Natural Earth shapes.
  const corridorLayer = view.append("g").attr("class", "corridor");
  if (corridor) {
    corridorLayer.append("path").attr("class", "corridor-border").attr("d", path(corridor.border));
    const a = projection(corridor.gapFrom);
    const b = projection(corridor.gapTo);
    corridorLayer.append("line").attr("class", "corridor-gap").attr("x1", a[0]).attr("y1", a[1]).attr("x2", b[0]).attr("y2", b[1]);
    for (const p of [a, b]) corridorLayer.append("circle").attr("class", "corridor-end").attr("cx", p[0]).attr("cy", p[1]).attr("r", 2.5);
    // The width is stated in a fixed callout in the map's corner, where no unit or name can
    // cover it; the dimension line shows where it is measured.
    const corridorLabel = svg
      .append("g")
      .attr("class", "corridor-label")
      .attr("data-gap-km", corridor.gapKm.toFixed(1))
      .attr("transform", "translate(14,14)");
    corridorLabel.append("rect").attr("width", 262).attr("height", 44).attr("rx", 4);
    corridorLabel.append("line").attr("class", "corridor-border").attr("x1", 10).attr("y1", 15).attr("x2", 34).attr("y2", 15);
    corridorLabel.append("line").attr("class", "corridor-gap").attr("x1", 10).attr("y1", 32).attr("x2", 34).attr("y2", 32);
    corridorLabel.append("text").attr("x", 42).attr("y", 19).text("Suwałki corridor (PL–LT border)");
    corridorLabel.append("text").attr("class", "sub").attr("x", 42).attr("y", 36).text(`gap Belarus–Kaliningrad ≈ ${Math.round(corridor.gapKm)} km`);
    corridorLabel.append("title").text(`Shortest distance from Belarus to Kaliningrad oblast across Poland and Lithuania: ${corridor.gapKm.toFixed(1)} km (Natural Earth 1:50m shapes; about 65 km is the usual figure)`);
  }

  const labelLayer = view.append("g").attr("class", "labels");
  labelLayer
    .selectAll("text.country-label")
    .data(
      COUNTRY_LABELS.filter(([, lon, lat]) => {
        const p = projection([lon, lat]);
        return p[0] > 30 && p[0] < WIDTH - 30 && p[1] > 30 && p[1] < HEIGHT - 30;
      }),
    )
    .join("text")
    .attr("class", "country-label")
    .attr("transform", (d) => `translate(${projection([d[1], d[2]])})`)
    .text((d) => d[0]);
  const objectiveRegions = new Set(t.objectives.flatMap((o) => o.regions));
  // Each label is a group at its region's exact centre, scaled about that point when zooming,
  // so an objective's star stays on its town at every zoom level.
  const regionLabels = labelLayer
    .selectAll("g.region-label")
    .data(t.regions.filter((r) => !dense || objectiveRegions.has(r.index) || r.urban || (r.value ?? 0) >= 2))
    .join("g")
    .attr("class", "region-label")
    .attr("data-region", (d) => d.id)
    .classed("dense", dense)
    .each(function (d) {
      const g = d3.select(this);
      if (objectiveRegions.has(d.index)) g.append("path").attr("class", "objective-star").attr("data-region", d.id).attr("d", d3.symbol(d3.symbolStar, 90)());
      g.append("text")
        .attr("y", dense ? 13 : 17)
        .text(d.name);
    });

  const engagementLayer = view.append("g").attr("class", "engagements");
  const unitLayer = view.append("g").attr("class", "units");
  const badgeLayer = view.append("g").attr("class", "stack-counts");
  // Names and objective stars stay readable above the units (they take no clicks).
  labelLayer.raise();
  const echelons = t.units.map((u) => echelonFor(u.personnel));
  const units = unitLayer
    .selectAll("g.unit")
    .data(t.units)
    .join("g")
    .attr("class", (d) => `unit ${d.side}`)
    .attr("data-unit", (d) => d.id)
    .attr("data-echelon", (d) => echelons[d.index])
    .each(function (d) {
      this.append(cutOffRing(), symbolNode(d.side, d.category, echelons[d.index]));
    })
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

  legend(legendBox, t.sides);
  const events = linkEvents(t);
  const eventLog = createEventLog(eventsBox, events, {
    regions: t.regions,
    onPick(e) {
      render(e.frame, false);
      if (e.region >= 0) {
        selectRegion(e.region);
        regionPaths.filter((d) => d.index === e.region).classed("flash", false).classed("flash", true);
      }
    },
  });

  let current = 0;
  let selected = null;
  let timer = null;

  // Where each unit is drawn in frame f, and a badge for crowded stacks. Red stands to the
  // left of the region centre, blue to the right; up to four units in a 2 × 2 block, more as
  // a pile (offset like a deck of cards) with the count and the personnel left beside it. A
  // moving unit is drawn part of the way along its link.
  function unitPositions(f) {
    const byRegion = new Map();
    f.units.forEach((u, i) => {
      if (u.region < 0 || u.region == null || !pts[u.region]) return;
      if (u.status === "destroyed or surrendered" || u.status === "not arrived") return;
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
          const personnel = d3.sum(members, (i) => (t.units[i].personnel ?? 0) * Math.max(0, f.units[i].strength ?? 0));
          badges.push({ side, n: members.length, personnel, names: members.map((i) => t.units[i].name ?? t.units[i].id), x: last[0], y: last[1] - SYMBOL.dy * 0.75 });
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
    const besieged = besiegedRegions(f);
    regionPaths.attr("data-besieged", (d) => (besieged.has(d.index) ? "1" : null));
    siegeLayer
      .selectAll("path")
      .data([...besieged].filter((r) => cells[r]), (r) => r)
      .join("path")
      .attr("class", "besieged")
      .attr("data-region", (r) => t.regions[r].id)
      .attr("clip-path", (r) => (cells[r].clipped ? null : "url(#land-clip)"))
      .attr("d", (r) => pathOf(cells[r].shape));
    units.attr("data-cut-off", (d) => (f.cutOff.has(d.index) ? "1" : null));
    units.select(".cut-off-ring").attr("display", (d) => (f.cutOff.has(d.index) ? null : "none"));
    const { pos, badges } = unitPositions(f);
    badgeLayer
      .selectAll("g.stack-count")
      .data(badges)
      .join((enter) => {
        const g = enter.append("g");
        g.append("text");
        g.append("title");
        return g;
      })
      .attr("class", (b) => `stack-count ${b.side}`)
      .attr("data-count", (b) => b.n)
      .attr("transform", (b) => `translate(${b.x},${b.y}) scale(${1 / Math.pow(zoomK || 1, 0.85)})`)
      .call((g) => g.select("text").attr("text-anchor", (b) => (b.side === "red" ? "end" : "start")).text((b) => `${b.n} units · ${fmtInt(b.personnel)}`))
      .call((g) => g.select("title").text((b) => b.names.join("\n")));
    const sel = animate ? units.transition().duration(180) : units;
    sel
      .attr("opacity", (d) => (!pos[d.index] ? 0 : f.units[d.index]?.status === "broken" ? 0.45 : 1))
      .attr("transform", (d) => {
        const p = pos[d.index];
        const sc = SYMBOL.scale * (0.55 + 0.45 * Math.sqrt(Math.max(0, f.units[d.index]?.strength ?? 0)));
        return p ? `translate(${p[0]},${p[1]}) scale(${sc.toFixed(3)})` : "translate(-100,-100)";
      });
    units.attr("display", (d) => (pos[d.index] ? null : "none"));
    // Engagements of the last 6 hours, fading with age.
    const recent = t.engagements.filter((e) => e.hour <= f.hour && e.hour > f.hour - 6 && pts[e.region]);
    engagementLayer
      .selectAll("path")
      .data(recent)
      .join((enter) => enter.append("path").call((p) => p.append("title")))
      .attr("class", (e) => `engagement ${e.kind ?? ""}`)
      .attr("data-region", (e) => t.regions[e.region].id)
      .attr("data-kind", (e) => e.kind ?? null)
      .attr("data-defence", (e) => e.defence ?? null)
      .call((p) => p.select("title").text((e) => engagementTitle(e, t)))
      .attr("d", d3.symbol(d3.symbolStar, 320 * SYMBOL.scale + 120)())
      .attr("transform", (e) => `translate(${pts[e.region][0]},${pts[e.region][1] - 2}) rotate(18)`)
      .attr("opacity", (e) => 1 - (f.hour - e.hour) / 6);
    renderStatus(statusBox, t, f, { summary, links: t.links });
    eventLog.setHour(f.hour);
    if (selected?.kind === "unit") selectUnit(selected.index);
    else if (selected) selectRegion(selected.index);
  }

  function selectUnit(i) {
    selected = { kind: "unit", index: i };
    regionPaths.classed("selected", false);
    unitDetails(details, t, i, t.frames[current], scenario, echelons[i]);
  }

  function selectRegion(i) {
    selected = { kind: "region", index: i };
    regionPaths.classed("selected", (d) => d.index === i);
    regionDetails(details, t, i, t.frames[current], scenario);
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
  let requested = t.replication;
  const ask = (rep) => {
    requested = rep;
    onReplication(rep);
  };
  repInput?.addEventListener("change", () => {
    const rep = Math.max(0, Math.floor(+repInput.value));
    // A change event repeated for the number already shown or asked for would rebuild the
    // map once more and lose the hour shown.
    if (Number.isFinite(rep) && rep !== requested) ask(rep);
  });
  repBox?.querySelector(".typical")?.addEventListener("click", () => ask(ranks.median));
  repBox?.querySelector(".worst")?.addEventListener("click", () => ask(ranks.worst));
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
  let zoomK = 0;
  // Text and markers keep their size on screen (slightly growing, to stay readable when
  // zoomed in), each scaled about its own anchor point.
  function rescaleLabels(k) {
    const f = 1 / Math.pow(k, 0.85);
    regionLabels.attr("transform", (d) => `translate(${pts[d.index][0]},${pts[d.index][1]}) scale(${f})`);
    labelLayer.selectAll(".country-label").style("font-size", `${15 * f}px`);
  }
  const zoom = d3
    .zoom()
    .scaleExtent([1, 8])
    .translateExtent([
      [0, 0],
      [WIDTH, HEIGHT],
    ])
    .on("zoom", (e) => {
      view.attr("transform", e.transform);
      svg.attr("data-zoom", e.transform.k.toFixed(3));
      if (e.transform.k !== zoomK) {
        zoomK = e.transform.k;
        setZoom(zoomK);
        scaleRect.attr("width", 50 * kmPx * zoomK);
        rescaleLabels(zoomK);
        render(current, false);
      }
    });
  rescaleLabels(1);
  svg.call(zoom).on("dblclick.zoom", null);
  zoomIn.addEventListener("click", () => svg.transition().duration(250).call(zoom.scaleBy, 1.6));
  zoomOut.addEventListener("click", () => svg.transition().duration(250).call(zoom.scaleBy, 1 / 1.6));
  zoomReset.addEventListener("click", () => svg.transition().duration(250).call(zoom.transform, d3.zoomIdentity));
  slider.addEventListener("input", () => render(+slider.value, false));

  // The default view: the Suwałki gap at a scale where the corridor and the towns around it
  // can be read (about 420 km across), when the theatre is much wider than that.
  function gapTransform() {
    if (!corridor) return null;
    const centre = projection([(corridor.gapFrom[0] + corridor.gapTo[0]) / 2, (corridor.gapFrom[1] + corridor.gapTo[1]) / 2]);
    const k = Math.min(8, WIDTH / (420 * kmPx));
    if (!(k > 1.3) || centre[0] < 0 || centre[0] > WIDTH || centre[1] < 0 || centre[1] > HEIGHT) return null;
    return d3.zoomIdentity.translate(WIDTH / 2, HEIGHT / 2).scale(k).translate(-centre[0], -centre[1]);
  }
  const gap = gapTransform();
  zoomGap.hidden = !gap;
  zoomGap.addEventListener("click", () => gap && svg.transition().duration(250).call(zoom.transform, gap));
  render(0, false);
  svg.call(zoom.transform, gap ?? d3.zoomIdentity);

  // Where a point of the map is on screen now (client coordinates), for the browser tests.
  function screenPoint(lon, lat) {
    const [x, y] = d3.zoomTransform(svg.node()).apply(projection([lon, lat]));
    const m = svg.node().getScreenCTM();
    return [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f];
  }
  return {
    setFrame: (i) => render(i, false),
    // Centres the view on the mean position of the given regions, at zoom factor k.
    zoomTo(ids, k) {
      const at = ids
        .map((id) => t.regions.findIndex((r) => r.id === id))
        .filter((i) => i >= 0)
        .map((i) => pts[i]);
      if (!at.length) return;
      const x = d3.mean(at, (p) => p[0]);
      const y = d3.mean(at, (p) => p[1]);
      svg.call(zoom.transform, d3.zoomIdentity.translate(WIDTH / 2, HEIGHT / 2).scale(k).translate(-x, -y));
    },
    zoomReset: () => svg.call(zoom.transform, d3.zoomIdentity),
    screenPoint,
    get frame() {
      return current;
    },
    stop,
  };
}
