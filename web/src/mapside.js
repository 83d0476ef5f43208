// The panels beside the map: the status of the shown hour (objectives taken and held now,
// strength), how typical the replication is, the full event log linked to the map, the
// details of a unit or region with its sources, and the legend. All built as DOM nodes.
import * as d3 from "d3";
import { h, s } from "./dom.js";
import { besiegedRegions, engagementLine, operationsLegend } from "./operations.js";
import { CATEGORY_LABEL, ECHELONS, normaliseCategory, symbolSvg } from "./symbols.js";

export const RED = "#d7301f";
export const BLUE = "#2f6fb8";
const sideLabel = (v) => (v === "red" ? "Red" : v === "blue" ? "Blue" : String(v ?? "–"));
export const fmtInt = (v) => (v == null || !Number.isFinite(+v) ? "" : Math.round(v).toLocaleString("en-GB"));
const day = (hour) => (hour / 24).toFixed(1);

// Whether an objective's condition holds in frame f, from the frame's control alone: a
// capture objective when Red holds every one of its regions; a connect objective when a
// chain of Red-held regions joins one of `from` to one of `to` along the links.
export function objectiveHeld(o, f, links, regionCount) {
  const red = (i) => f.control[i] === (o.side === 1 || o.side === "blue" ? "blue" : "red");
  if (o.kind !== "connect") return o.regions.length > 0 && o.regions.every(red);
  const adjacent = Array.from({ length: regionCount }, () => []);
  for (const l of links) {
    if (l.a >= 0 && l.b >= 0) {
      adjacent[l.a].push(l.b);
      adjacent[l.b].push(l.a);
    }
  }
  const to = new Set((o.to ?? o.regions).filter(red));
  const seen = new Set();
  const queue = (o.from ?? []).filter(red);
  queue.forEach((i) => seen.add(i));
  while (queue.length) {
    const i = queue.shift();
    if (to.has(i)) return true;
    for (const j of adjacent[i]) {
      if (!seen.has(j) && red(j)) {
        seen.add(j);
        queue.push(j);
      }
    }
  }
  return false;
}

// Where this replication's time to an objective stands among all replications of the run,
// from the summary's histogram (12-hour bins: "sooner" counts whole bins before its own).
export function typicality(timeline, summary) {
  if (!summary?.objectives?.length || !summary.replications) return null;
  const k = Math.max(
    0,
    timeline.objectives.findIndex((o) => o.id === "vilnius"),
  );
  const o = timeline.objectives[k];
  const so = summary.objectives.find((x) => x.id === o?.id);
  if (!o || !so) return null;
  const n = summary.replications;
  const hits = so.histogram.reduce((a, b) => a + b.count, 0);
  const hour = timeline.objectiveHours[k];
  const never = n - hits;
  if (hour == null) return { objective: o, hour: null, n, sooner: hits, same: never, later: 0 };
  const bin = so.histogram.findIndex((b) => hour >= b.start && hour < b.end);
  const sooner = d3.sum(so.histogram.slice(0, Math.max(0, bin)), (b) => b.count);
  const same = bin >= 0 ? so.histogram[bin].count : 0;
  return { objective: o, hour, n, sooner, same, later: n - sooner - same, never, binHours: so.binHours };
}

export function renderStatus(box, t, f, { summary, links }) {
  const held = { red: 0, blue: 0 };
  t.regions.forEach((r) => {
    const c = f.control[r.index];
    if (c in held) held[c] += r.value ?? r.objective_value ?? 1;
  });
  const total = held.red + held.blue || 1;
  const strength = { red: [0, 0], blue: [0, 0] };
  t.units.forEach((u, i) => {
    const st = f.units[i];
    if (!st) return;
    const side = u.side === "red" ? "red" : "blue";
    strength[side][0] += (u.personnel ?? 1) * Math.max(0, st.strength);
    strength[side][1] += u.personnel ?? 1;
  });
  const pct = ([a, b]) => (b ? `${((100 * a) / b).toFixed(0)} %` : "–");
  const objectives = t.objectives.map((o, k) => {
    const hour = t.objectiveHours?.[k];
    const takenBy = hour != null && hour <= f.hour;
    const now = objectiveHeld(o, f, links, t.regions.length);
    const taken = hour == null ? "never taken in this replication" : takenBy ? `taken at hour ${hour} (day ${day(hour)})` : `not yet (taken at hour ${hour})`;
    return h(
      "li",
      { class: ["objective", takenBy && "taken", now && "held"], dataset: { objective: o.id, taken: takenBy ? String(hour) : "", heldNow: now ? "red" : "no" } },
      h("b", null, o.name ?? o.id),
      h("br"),
      h("span", { class: "taken-text" }, taken),
      " · ",
      h("span", { class: ["held-text", now ? "red-text" : "blue-text"] }, now ? "held by Red now" : "not held by Red now"),
    );
  });
  const typ = typicality(t, summary);
  box.replaceChildren(
    h("h3", null, `Replication ${t.replication}${summary?.replications ? ` of ${summary.replications}` : ""}`),
    typ ? typicalityNode(typ) : null,
    h(
      "div",
      { class: "bar", role: "img", "aria-label": "Objective value held" },
      h("span", { class: "red", style: { width: `${(100 * held.red) / total}%` } }),
      h("span", { class: "blue", style: { width: `${(100 * held.blue) / total}%` } }),
    ),
    h("p", { class: "small" }, `Objective value held at hour ${f.hour}: Red ${((100 * held.red) / total).toFixed(0)} %, Blue ${((100 * held.blue) / total).toFixed(0)} %`),
    h("p", { class: "small" }, `Strength: Red ${pct(strength.red)}, Blue ${pct(strength.blue)} of initial personnel`),
    t.operational ? cutOffNode(t, f) : null,
    h("ul", { class: "objectives" }, objectives),
  );
}

// Who is cut off from supply at this hour, and where a siege is going on.
function cutOffNode(t, f) {
  const bySide = { red: [], blue: [] };
  for (const i of f.cutOff) bySide[t.units[i]?.side === "red" ? "red" : "blue"].push(i);
  const people = (list) => fmtInt(d3.sum(list, (i) => (t.units[i].personnel ?? 0) * Math.max(0, f.units[i]?.strength ?? 0)));
  const part = (side, label) => (bySide[side].length ? `${label} ${bySide[side].length} unit${bySide[side].length > 1 ? "s" : ""} (${people(bySide[side])} personnel)` : null);
  const parts = [part("red", "Red"), part("blue", "Blue")].filter(Boolean);
  const sieges = [...besiegedRegions(f)].map((r) => t.regions[r]?.name).filter(Boolean);
  return h(
    "p",
    { class: "small cut-off-status", dataset: { cutOff: f.cutOff.size } },
    `Cut off from supply: ${parts.length ? parts.join(", ") : "none"}`,
    sieges.length ? `; besieged: ${sieges.join(", ")}` : "",
  );
}

function typicalityNode(typ) {
  const share = (x) => `${((100 * x) / typ.n).toFixed(0)} %`;
  const name = typ.objective.name ?? typ.objective.id;
  const text =
    typ.hour == null
      ? `${name}: not taken here; taken in ${share(typ.sooner)} of the run's replications.`
      : `${name} at hour ${typ.hour}: sooner in ${share(typ.sooner)} of replications, in the same ${typ.binHours}-hour bin in ${share(typ.same)}, later or never in ${share(typ.later)}.`;
  return h("p", { class: "small typicality", dataset: { sooner: typ.sooner, same: typ.same, n: typ.n } }, text);
}

// Each event of the replication with the region it concerns. The engine names it by index
// (`region`, or the `unit` whose location it is); an event that names neither, from an older
// timeline or of a kind with no place (arrivals, objectives), is placed from its text: the
// objective's region, a unit's location at that hour, or a region named in it, checked
// against the frames where a region changed hands.
export function linkEvents(t) {
  const frameAt = new Map(t.frames.map((f, k) => [f.hour, k]));
  const byLength = (a, b) => b.name.length - a.name.length;
  const regions = t.regions.filter((r) => r.name).sort(byLength);
  const units = t.units.filter((u) => u.name).map((u) => ({ ...u })).sort(byLength);
  const index = (v, n) => (Number.isInteger(v) && v >= 0 && v < n ? v : -1);
  return t.events.map((e, order) => {
    const text = String(e.text ?? e.name ?? e.kind ?? "");
    const k = Math.min(frameAt.get(e.hour) ?? d3.bisector((f) => f.hour).left(t.frames, e.hour), t.frames.length - 1);
    const frame = t.frames[k];
    const unit = index(e.unit, t.units.length);
    let region = index(e.region, t.regions.length);
    if (region < 0 && unit >= 0) region = frame?.units[unit]?.region ?? -1;
    const placed = region >= 0 ? "id" : "text";
    if (region < 0 && unit < 0) region = placeByText(t, e, text, k, { regions, units });
    return { index: order, hour: e.hour, kind: e.kind ?? "", text, region, unit, side: e.side ?? null, placed, frame: k };
  });
}

function placeByText(t, e, text, k, { regions, units }) {
  const frame = t.frames[k];
  if (e.kind === "objective") {
    const o = t.objectives.find((x) => (x.name ?? x.id) === text);
    if (o?.regions?.length) return o.regions[0];
  } else if (e.kind === "arrival" || e.kind === "break") {
    const u = units.find((x) => text.startsWith(x.name));
    const at = u && frame ? (frame.units[u.index]?.region ?? -1) : -1;
    if (at >= 0) return at;
  }
  // A region named in the text; for a change of hands, the one whose control changed.
  const named = regions.filter((r) => text.includes(r.name));
  const prev = t.frames[Math.max(0, k - 1)];
  const changed = e.kind === "control" && frame && prev ? named.find((r) => frame.control[r.index] !== prev.control[r.index]) : null;
  return (changed ?? named[0])?.index ?? -1;
}

// Event kinds of flank-timeline-1 (docs/formats.md §3), in the order the filter lists them.
export const EVENT_KINDS = ["objective", "control", "overrun", "pocket", "surrender", "break", "arrival", "escalation", "decision"];

// The full event log: every event of the replication, filterable by kind and text; an event
// not yet reached at the shown hour is dimmed. Clicking one goes to its hour and region.
export function createEventLog(box, events, { regions, onPick }) {
  // Every kind the engine writes, with how many this replication has, and any other kind found.
  const kinds = [...EVENT_KINDS, ...[...new Set(events.map((e) => e.kind))].filter((k) => !EVENT_KINDS.includes(k)).sort()];
  const counts = d3.rollup(events, (v) => v.length, (e) => e.kind);
  const kindSelect = h(
    "select",
    { class: "event-kind", "aria-label": "Event kind" },
    h("option", { value: "" }, "all kinds"),
    kinds.map((k) => h("option", { value: k, dataset: { count: counts.get(k) ?? 0 } }, `${k} (${counts.get(k) ?? 0})`)),
  );
  const search = h("input", { class: "event-search", type: "search", placeholder: "filter", "aria-label": "Filter events" });
  const count = h("span", { class: "small event-count" });
  const list = h("ol", { class: "event-log" });
  const items = events.map((e) =>
    h(
      "li",
      { dataset: { kind: e.kind, region: e.region >= 0 ? regions[e.region].id : "", placed: e.placed, hour: e.hour }, title: e.region >= 0 ? `Show ${regions[e.region].name} at hour ${e.hour}` : `Go to hour ${e.hour}` },
      h("button", { type: "button", onclick: () => onPick(e) }, h("span", { class: "event-hour" }, `h${e.hour}`), " ", h("span", { class: `event-kind-tag ${e.kind}` }, e.kind), " ", e.text),
    ),
  );
  list.append(...items);
  function apply() {
    const kind = kindSelect.value;
    const q = search.value.trim().toLowerCase();
    let shown = 0;
    events.forEach((e, i) => {
      const visible = (!kind || e.kind === kind) && (!q || e.text.toLowerCase().includes(q));
      items[i].hidden = !visible;
      shown += visible;
    });
    count.textContent = `${shown} of ${events.length}`;
  }
  kindSelect.addEventListener("change", apply);
  search.addEventListener("input", apply);
  box.replaceChildren(h("h3", null, "Events ", count), h("div", { class: "event-filter" }, kindSelect, search), events.length ? list : h("p", { class: "small" }, "No events in this replication."));
  apply();
  return {
    setHour(hour) {
      events.forEach((e, i) => items[i].classList.toggle("future", e.hour > hour));
    },
  };
}

function row(k, v) {
  return v == null || v === "" ? null : h("tr", null, h("th", null, k), h("td", null, String(v)));
}

// The item's `source:` text, then the full reference of every source id it cites (S12, W3).
function sourceBlock(text, scenario) {
  if (!text) return null;
  const refs = new Map((scenario?.sources ?? []).map((x) => [x.id, x]));
  const cited = [...new Set(String(text).match(/\b[A-Z]{1,3}\d+\b/g) ?? [])].filter((id) => refs.has(id));
  return h(
    "div",
    { class: "source" },
    h("b", null, "Source:"),
    " ",
    String(text),
    cited.length
      ? h(
          "ul",
          null,
          cited.map((id) => {
            const x = refs.get(id);
            return h("li", null, h("b", null, id), " ", x.text ?? "", x.url ? [" ", h("span", { class: "url" }, x.url.replace(/^https?:\/\//, ""))] : null);
          }),
        )
      : null,
  );
}

export function unitDetails(box, t, i, f, scenario, echelon) {
  const u = t.units[i];
  const st = f.units[i] ?? {};
  const where = st.region >= 0 ? t.regions[st.region]?.name : "not in theatre yet";
  box.replaceChildren(
    h("h3", null, u.name ?? u.id),
    h("div", { class: "symbol-big" }, symbolSvg(u.side, u.category, echelon, 66)),
    h(
      "table",
      null,
      row("Side", sideLabel(u.side)),
      row("Nation", u.nation),
      row("Type", CATEGORY_LABEL[normaliseCategory(u.category)] ?? u.category),
      row("Echelon by size", ECHELONS.find((e) => e.id === echelon)?.label),
      row("Personnel (start)", fmtInt(u.personnel)),
      row("Strength now", st.strength != null ? `${(100 * st.strength).toFixed(0)} %` : ""),
      row("Status", st.status),
      row("Supply", t.operational && st.region >= 0 ? (f.cutOff.has(i) ? "cut off (isolated)" : "in supply") : null),
      row("Location", where),
      row("Id", u.id),
    ),
    sourceBlock(scenario?.unit_sources?.[u.id] ?? u.source, scenario),
  );
}

export function regionDetails(box, t, i, f, scenario) {
  const r = t.regions[i];
  const present = t.units.filter((u, k) => f.units[k]?.region === i && f.units[k]?.strength > 0);
  box.replaceChildren(
    h("h3", null, r.name ?? r.id),
    h(
      "table",
      null,
      row("Country", r.country),
      row("Terrain", r.terrain),
      row("Urban", r.urban ? "yes" : "no"),
      row("Objective value", r.value ?? r.objective_value),
      row(`Control at hour ${f.hour}`, sideLabel(f.control[i])),
      row("Under attack", engagementLine(f.engagements?.find((e) => e.region === i))),
      row("Besieged", besiegedRegions(f).has(i) ? "yes: its defenders are cut off" : null),
      row("Position", `${(+r.lat).toFixed(3)}° N, ${(+r.lon).toFixed(3)}° E`),
    ),
    h("p", { class: "small" }, h("b", null, "Units here: "), present.map((u) => u.name ?? u.id).join(", ") || "none"),
    sourceBlock(scenario?.region_sources?.[r.id] ?? r.source, scenario),
  );
}

// Side names come from the scenario (the timeline's `sides`), not from the built-in one.
export function legend(box, sides = []) {
  const name = (id, fallback) => sides.find((s) => s.id === id)?.name ?? fallback;
  const cats = ["armoured", "mechanised", "motorised", "light_infantry", "airborne", "artillery", "rocket_artillery", "air_defence", "territorial"];
  const line = (cls, width) => s("svg", { width: 30, height: 12 }, s("line", { x1: 0, y1: 6, x2: 30, y2: 6, class: cls, "stroke-width": width }));
  const star = (cls, size) => s("svg", { width: 30, height: 22, viewBox: "-15 -11 30 22" }, s("path", { class: cls, d: d3.symbol(d3.symbolStar, size)() }));
  const swatch = (colour) => h("div", { class: "swatch", style: { background: colour, opacity: 0.55 } });
  box.replaceChildren(
    h("h3", null, "Legend"),
    h(
      "div",
      { class: "legend-grid" },
      swatch(RED),
      h("span", null, "Red control"),
      swatch(BLUE),
      h("span", null, "Blue control"),
      line("link road via-baltica", 4),
      h("span", null, "Via Baltica (E67)"),
      line("link road", 2.6),
      h("span", null, "Road (width: class)"),
      line("link rail"),
      h("span", null, "Railway"),
      line("corridor-border", 5),
      h("span", null, "Polish–Lithuanian border: the Suwałki corridor"),
      star("objective-star", 70),
      h("span", null, "Objective (at its town)"),
      operationsLegend().map((x) => (typeof x === "string" ? h("span", null, x) : x)),
    ),
    h(
      "div",
      { class: "legend-units" },
      cats.map((c) => h("div", null, symbolSvg("blue", c, "brigade"), symbolSvg("red", c, "brigade"), h("span", null, CATEGORY_LABEL[c]))),
    ),
    h(
      "div",
      { class: "legend-echelons" },
      ["company", "battalion", "regiment", "brigade", "division"].map((e) => h("div", null, symbolSvg("blue", "light_infantry", e, 26), h("span", null, ECHELONS.find((x) => x.id === e).label))),
    ),
    h(
      "p",
      { class: "small" },
      `Blue rectangle: ${name("blue", "blue side")} (friendly); red diamond: ${name("red", "red side")} (hostile). The mark above gives the echelon by the unit's personnel. Symbol size follows strength; faded: broken. `,
      h("b", null, "n units · N"),
      ": a pile of n units with N personnel left.",
    ),
  );
}
