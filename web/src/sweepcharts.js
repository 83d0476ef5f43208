// Charts and tables of the sweep view: tornado charts (bars from the base value to each
// factor's low and high result, with the 95 % intervals of those points), Sobol indices with
// their bootstrap intervals, and the planner's cost/risk frontier.
import * as Plot from "@observablehq/plot";
import { h } from "./dom.js";

export const isProbability = (metric) => /^p:|^escalation:/.test(metric);
export const fmt = (metric, v) =>
  v == null || Number.isNaN(+v) ? "–" : isProbability(metric) ? `${(100 * v).toFixed(1)} %` : (+v).toLocaleString("en-GB", { maximumFractionDigits: 1 });
export const triple = (v) => (Array.isArray(v) ? { value: v[0], lo: v[1], hi: v[2] } : v && typeof v === "object" ? { value: v.value ?? v.p, lo: v.lo, hi: v.hi } : { value: v });

// A change of a probability is in percentage points.
function change(metric, v) {
  const sign = v > 0 ? "+" : v < 0 ? "−" : "±";
  return isProbability(metric) ? `${sign}${Math.abs(100 * v).toFixed(1)} pp` : `${sign}${fmt(metric, Math.abs(v))}`;
}

const note = (text) => h("p", { class: "small note" }, text);

// An output that no factor moves: every one-at-a-time point gives the base value.
function degenerate(t) {
  const values = [t.base, ...t.bars.flatMap((b) => [b.atLow, b.atHigh])];
  const span = Math.max(...values) - Math.min(...values);
  return !(span > 1e-12 * Math.max(1, Math.abs(t.base)));
}

export function tornadoChart(sens) {
  const t = sens.tornado;
  if (!t?.bars.length) return null;
  const metric = sens.metric;
  const prob = isProbability(metric);
  const title = h("h4", { class: "chart-title" }, `Tornado: ${metric}, each factor at its low and high setting`);
  const box = h("div", { class: "chart tornado", dataset: { metric, base: t.base } }, title);
  if (degenerate(t)) {
    box.dataset.degenerate = "1";
    box.append(note(`Every factor setting gives ${fmt(metric, t.base)}: no factor in this design moves ${metric}${t.base === 0 && prob ? " (the event never happened)" : ""}, so there is nothing to rank.`));
    return box;
  }
  const rows = [...t.bars].sort((a, b) => Math.abs(b.atHigh - b.atLow) - Math.abs(a.atHigh - a.atLow));
  const LOW = "factor at its low setting";
  const HIGH = "factor at its high setting";
  const bars = rows.flatMap((b) => [
    { factor: b.factor, end: LOW, x1: t.base, x2: b.atLow, setting: b.low, lo: b.lowInterval?.lo, hi: b.lowInterval?.hi },
    { factor: b.factor, end: HIGH, x1: t.base, x2: b.atHigh, setting: b.high, lo: b.highInterval?.lo, hi: b.highInterval?.hi },
  ]);
  const withInterval = bars.filter((d) => d.lo != null && d.hi != null);
  const values = [t.base, ...bars.map((d) => d.x2), ...withInterval.flatMap((d) => [d.lo, d.hi])];
  if (t.baseInterval?.lo != null) values.push(t.baseInterval.lo, t.baseInterval.hi);
  // The value labels stand outside the bars, in insets kept free for them at either end.
  const leftLabels = bars.some((d) => d.x2 < t.base);
  const rightLabels = bars.some((d) => d.x2 >= t.base);
  const label = (d) => `${fmt(metric, d.x2)} (${change(metric, d.x2 - t.base)})`;
  const setting = new Map(rows.map((b) => [b.factor, `${b.factor}\nlow ${b.low}, high ${b.high}`]));
  const plot = Plot.plot({
    width: 700,
    height: 40 + 56 * rows.length,
    marginLeft: 160,
    marginRight: 12,
    marginTop: 10,
    marginBottom: 36,
    x: {
      label: `${metric}${prob ? " (%)" : ""}`,
      domain: [Math.min(...values), Math.max(...values)],
      nice: true,
      insetLeft: leftLabels ? 104 : 8,
      insetRight: rightLabels ? 104 : 8,
      tickFormat: prob ? (v) => `${+(100 * v).toFixed(1)}` : undefined,
      grid: true,
      ticks: 5,
    },
    fy: { domain: rows.map((r) => r.factor), label: null, padding: 0.18, tickFormat: (f) => setting.get(f) },
    y: { domain: [LOW, HIGH], axis: null, padding: 0.12 },
    color: { domain: [LOW, HIGH], range: ["#7fa7d9", "#e07b5f"], legend: true },
    marks: [
      t.baseInterval?.lo != null ? Plot.rectX([t.baseInterval], { x1: "lo", x2: "hi", fill: "#888", fillOpacity: 0.16 }) : null,
      Plot.barX(bars, { fy: "factor", y: "end", x1: "x1", x2: "x2", fill: "end", title: (d) => `${d.factor} = ${d.setting}: ${label(d)}` }),
      Plot.ruleY(withInterval, { fy: "factor", y: "end", x1: "lo", x2: "hi", stroke: "#222", strokeWidth: 1.2 }),
      Plot.tickX(withInterval, { fy: "factor", y: "end", x: "lo", stroke: "#222", inset: 5 }),
      Plot.tickX(withInterval, { fy: "factor", y: "end", x: "hi", stroke: "#222", inset: 5 }),
      Plot.ruleX([t.base], { stroke: "#111", strokeWidth: 1.6 }),
      // dx and textAnchor are constants in Plot: one mark for labels right of the base, one left.
      Plot.text(
        bars.filter((d) => d.x2 >= t.base),
        { fy: "factor", y: "end", x: (d) => Math.max(d.x2, d.hi ?? d.x2), text: label, textAnchor: "start", dx: 5, fontSize: 10 },
      ),
      Plot.text(
        bars.filter((d) => d.x2 < t.base),
        { fy: "factor", y: "end", x: (d) => Math.min(d.x2, d.lo ?? d.x2), text: label, textAnchor: "end", dx: -5, fontSize: 10 },
      ),
    ],
  });
  (plot.tagName.toLowerCase() === "svg" ? plot : plot.querySelector(":scope > svg")).classList.add("tornado-plot");
  box.append(
    plot,
    note(
      `Bars run from the base value ${fmt(metric, t.base)} (black line${t.baseInterval?.lo != null ? `, grey band: its 95 % interval ${fmt(metric, t.baseInterval.lo)}–${fmt(metric, t.baseInterval.hi)}` : ""}) to the output with one factor at its low or high setting, the others at base; whiskers: 95 % intervals.${prob ? " Changes in percentage points (pp)." : ""}`,
    ),
  );
  return box;
}

// Sobol indices with their bootstrap intervals, largest total effect first; when the output
// hardly varies across the design (against the Monte Carlo noise of a single point) the
// indices measure noise and are not ranked.
export function sobolBlock(sens) {
  const v = sens.variance;
  const noise = sens.noiseVariance;
  const metric = sens.metric;
  const head = h("h4", { class: "chart-title" }, `Sobol indices: ${metric}`);
  const box = h("div", { class: "sobol-block", dataset: { metric } }, head);
  const sd = (x) => (isProbability(metric) ? `${(100 * Math.sqrt(x)).toFixed(2)} pp` : fmt(metric, Math.sqrt(x)));
  if (v != null && !(v > 1e-12)) {
    box.dataset.degenerate = "1";
    box.append(note(`${metric} does not vary across the design (variance ${v}): no index can be estimated.`));
    return box;
  }
  if (v != null && noise != null && v < 2 * noise) {
    box.dataset.degenerate = "1";
    box.append(
      note(
        `${metric} varies across the design by a standard deviation of ${sd(v)}, no more than the Monte Carlo noise of one point (${sd(noise)}): the indices measure noise, so they are not ranked here. More replications per point would tell.`,
      ),
    );
    return box;
  }
  const cell = (e) => h("td", null, e.value.toFixed(2), " ", h("span", { class: "small" }, `(${e.lo.toFixed(2)} to ${e.hi.toFixed(2)})`));
  const sorted = [...sens.indices].sort((a, b) => b.total.value - a.total.value);
  box.append(
    h(
      "table",
      { class: "sobol" },
      h("thead", null, h("tr", null, h("th", null, "Factor"), h("th", null, "First-order index"), h("th", null, "Total index"))),
      h(
        "tbody",
        null,
        sorted.map((i) => h("tr", { dataset: { factor: i.factor } }, h("td", null, i.factor), cell(i.first), cell(i.total))),
      ),
    ),
    sens.indices.some((i) => i.first.value < 0 || i.total.value > 1 || i.first.value > 1)
      ? note("Indices below 0 or above 1 cannot be true values: they are estimation error from too few base samples; read the intervals, not the ranks.")
      : null,
    note(`In brackets: bootstrap 95 % intervals. Variance of ${metric} across the design: standard deviation ${sd(v)}${noise != null ? `; Monte Carlo noise of one point ${sd(noise)}` : ""}.`),
  );
  return box;
}

export function frontierChart(s) {
  const sorted = [...s.frontier].sort((a, b) => a.cost - b.cost);
  // Labels alternate above and below their points, so neighbours do not collide.
  const plot = Plot.plot({
    width: 560,
    height: 320,
    marginLeft: 50,
    marginRight: 90,
    x: { label: "Cost", grid: true, inset: 20 },
    y: { label: "P(Red achieves the objective) (%)", tickFormat: (v) => `${Math.round(100 * v)}`, domain: [0, 1], grid: true },
    marks: [
      Number.isFinite(s.target) ? Plot.ruleY([s.target], { stroke: "#d7301f", strokeDasharray: "4 3" }) : null,
      Plot.ruleX(
        sorted.filter((d) => d.lo != null),
        { x: "cost", y1: "lo", y2: "hi", stroke: "#2f6fb8" },
      ),
      Plot.line(sorted, { x: "cost", y: "p", stroke: "#2f6fb8", curve: "step-after" }),
      Plot.dot(sorted, { x: "cost", y: "p", fill: "#2f6fb8", r: 4, title: (d) => d.label }),
      Plot.text(
        sorted.filter((d, k) => k % 2 === 0),
        { x: "cost", y: "p", text: "label", dy: -12, fontSize: 10, lineWidth: 14, lineAnchor: "bottom" },
      ),
      Plot.text(
        sorted.filter((d, k) => k % 2 === 1),
        { x: "cost", y: "p", text: "label", dy: 12, fontSize: 10, lineWidth: 14, lineAnchor: "top" },
      ),
    ],
  });
  return h("div", { class: "chart frontier" }, h("h4", { class: "chart-title" }, "Posture frontier: cost against risk (95 % Wilson intervals)"), plot);
}
