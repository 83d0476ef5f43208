// The operational layer of a frame (docs/model.md "Operational resolution"): units cut off
// from supply, besieged regions and what each engagement was (assault, overrun or siege, and
// the defence it met), drawn on the map and named in its tooltips.
import { s } from "./dom.js";

export const ENGAGEMENT_KINDS = ["assault", "overrun", "siege"];
const KIND_LABEL = { assault: "Assault", overrun: "Overrun", siege: "Siege" };
const DEFENCE_LABEL = { screen: "a screen", hasty: "a hasty defence", prepared: "a prepared defence", fortified: "a fortified defence" };
export const CUT_OFF_COLOUR = "#c2188b";

// Regions besieged in frame f: attacked in this step while their defenders are cut off (the
// engine calls such an attack a siege; timelines without engagement kinds are judged from the
// frame's cut-off units alone).
export function besiegedRegions(f) {
  const out = new Set();
  for (const e of f.engagements ?? []) {
    const isolated = e.defenders?.length > 0 && e.defenders.every((i) => f.cutOff.has(i));
    if (e.kind === "siege" || isolated) out.add(e.region);
  }
  return out;
}

const pct = (x) => (x == null || !Number.isFinite(+x) ? "–" : `${(100 * x).toFixed(2)} %`);

// The tooltip of an engagement: its kind, the defence it met, the force ratio and the losses
// of the step, and who fought.
export function engagementTitle(e, t) {
  const kind = KIND_LABEL[e.kind] ?? "Engagement";
  const where = t.regions[e.region]?.name ?? "?";
  const defence = DEFENCE_LABEL[e.defence] ?? (e.defence ? String(e.defence) : null);
  const names = (list) => (list ?? []).map((i) => t.units[i]?.name ?? t.units[i]?.id ?? String(i)).join(", ");
  return [
    `${kind} at ${where}, hour ${e.hour}${defence ? ` against ${defence}` : ""}`,
    `force ratio ${Number.isFinite(+e.ratio) ? (+e.ratio).toFixed(2) : "–"}; lost this step: attackers ${pct(e.att_loss)}, defenders ${pct(e.def_loss)}`,
    `attackers: ${names(e.attackers) || "–"}`,
    `defenders: ${names(e.defenders) || "–"}`,
  ].join("\n");
}

// A short line for the region details: the engagement there in this frame, if any.
export function engagementLine(e) {
  if (!e) return null;
  const defence = DEFENCE_LABEL[e.defence] ?? e.defence;
  return `${KIND_LABEL[e.kind] ?? "Engagement"}${defence ? ` against ${defence}` : ""}, ratio ${Number.isFinite(+e.ratio) ? (+e.ratio).toFixed(2) : "–"}`;
}

// The hatching of a besieged cell; drawn in map units, so it scales with the map.
export function siegePattern(defs) {
  defs
    .append("pattern")
    .attr("id", "siege-hatch")
    .attr("patternUnits", "userSpaceOnUse")
    .attr("width", 7)
    .attr("height", 7)
    .attr("patternTransform", "rotate(45)")
    .append("rect")
    .attr("width", 2.4)
    .attr("height", 7)
    .attr("fill", CUT_OFF_COLOUR);
}

// The ring drawn around a cut-off unit's symbol (in the symbol's own frame, 32 × 22 px).
export function cutOffRing(r = 21) {
  return s("circle", { class: "cut-off-ring", r, fill: "none", stroke: CUT_OFF_COLOUR, "stroke-width": 2.6, "stroke-dasharray": "5 2.5" });
}

// Legend entries of the operational layer.
export function operationsLegend() {
  const star = (kind) => s("svg", { width: 30, height: 22, viewBox: "-15 -11 30 22" }, s("path", { class: `engagement ${kind}`, d: "M0,-9L2.6,-3.2L8.6,-2.8L4,1.2L5.3,7.2L0,4L-5.3,7.2L-4,1.2L-8.6,-2.8L-2.6,-3.2Z" }));
  return [
    s("svg", { width: 30, height: 22, viewBox: "-15 -11 30 22" }, s("rect", { x: -8, y: -5.5, width: 16, height: 11, fill: "#80e0ff", stroke: "#000", "stroke-width": 1 }), s("circle", { r: 10, fill: "none", stroke: CUT_OFF_COLOUR, "stroke-width": 2, "stroke-dasharray": "4 2" })),
    "Unit cut off from supply (isolated)",
    s("svg", { width: 30, height: 14 }, s("rect", { width: 30, height: 14, rx: 3, fill: "url(#legend-siege-hatch)", stroke: CUT_OFF_COLOUR }), s("defs", null, s("pattern", { id: "legend-siege-hatch", patternUnits: "userSpaceOnUse", width: 6, height: 6, patternTransform: "rotate(45)" }, s("rect", { width: 2, height: 6, fill: CUT_OFF_COLOUR })))),
    "Besieged: defenders cut off and under attack",
    star("assault"),
    "Assault (last 6 h; hover: defence met)",
    star("overrun"),
    "Overrun: the defence swept aside",
    star("siege"),
    "Siege: attack on cut-off defenders",
  ];
}
