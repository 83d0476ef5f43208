// Sweep view: variant comparison, tornado chart of one-at-a-time sensitivities and the
// posture planner's cost/probability frontier.
import * as Plot from "@observablehq/plot";
import { escapeHtml } from "./map.js";

const pct = (v) => (v == null || Number.isNaN(+v) ? "–" : `${(100 * v).toFixed(1)} %`);

export function normaliseSweeps(data) {
  if (!data) return [];
  const list = Array.isArray(data) ? data : (data.sweeps ?? []);
  return list.map((w) => ({
    id: w.id ?? w.name,
    scenario: w.scenario ?? w.scenario_id,
    objective: w.objective ?? w.metric ?? "",
    variants: (w.variants ?? w.results ?? []).map((v) => ({
      id: v.id ?? v.variant,
      label: v.label ?? v.name ?? v.id ?? v.variant,
      p: v.p ?? v.probability,
      lo: v.lo,
      hi: v.hi,
      medianHour: v.median_hour,
      cost: v.cost,
      n: v.replications ?? v.n,
    })),
    tornado: (w.tornado ?? []).map((t) => ({ parameter: t.parameter ?? t.name, low: t.low, high: t.high, lowValue: t.low_value, highValue: t.high_value })),
    baseline: w.baseline ?? w.variants?.[0]?.p,
    frontier: (w.frontier ?? []).map((f) => ({ cost: f.cost, p: f.p ?? f.probability, posture: f.posture ?? f.label ?? "" })),
  }));
}

export function createSweeps(root, sweeps) {
  if (!sweeps.length) {
    root.innerHTML = `<div class="dash"><section class="card wide"><h3>Sweeps</h3>
      <p>No sweeps yet. Run <code>flank sweep</code> or <code>flank plan</code> with <code>--store FILE</code>, then start <code>flank serve --store FILE</code>.</p></section></div>`;
    return;
  }
  root.innerHTML = `<div class="dash">${sweeps
    .map(
      (w, k) => `<section class="card wide" data-sweep="${escapeHtml(w.id)}"><h3>Sweep ${escapeHtml(w.id)} — ${escapeHtml(w.scenario ?? "")} ${w.objective ? `· objective ${escapeHtml(w.objective)}` : ""}</h3>
      <table class="variant-table"><thead><tr><th>Variant</th><th>P(objective)</th><th>95 % interval</th><th>Median hour</th><th>Cost</th><th>Replications</th></tr></thead>
      <tbody>${w.variants
        .map((v) => `<tr><td>${escapeHtml(v.label)}</td><td>${pct(v.p)}</td><td>${pct(v.lo)} – ${pct(v.hi)}</td><td>${v.medianHour != null ? Math.round(v.medianHour) : "–"}</td><td>${v.cost ?? "–"}</td><td>${v.n ?? "–"}</td></tr>`)
        .join("")}</tbody></table>
      <div class="row"><div class="chart tornado-${k}"></div><div class="chart frontier-${k}"></div></div></section>`,
    )
    .join("")}</div>`;
  sweeps.forEach((w, k) => {
    if (w.tornado.length) {
      const base = w.baseline ?? 0;
      const rows = w.tornado
        .map((t) => ({ ...t, span: Math.abs(t.high - t.low) }))
        .sort((a, b) => b.span - a.span);
      const bars = rows.flatMap((t) => [
        { parameter: t.parameter, x1: base, x2: t.low, end: "low", value: t.lowValue },
        { parameter: t.parameter, x1: base, x2: t.high, end: "high", value: t.highValue },
      ]);
      root.querySelector(`.tornado-${k}`).append(
        Plot.plot({
          title: "Tornado: P(objective) at each parameter's low and high value",
          width: 560,
          height: 60 + 34 * rows.length,
          marginLeft: 200,
          x: { label: "Probability", tickFormat: "%", grid: true },
          y: { domain: rows.map((r) => r.parameter), label: null },
          color: { domain: ["low", "high"], range: ["#7fa7d9", "#e07b5f"], legend: true },
          marks: [
            Plot.barX(bars, { y: "parameter", x1: "x1", x2: "x2", fill: "end", title: (d) => `${d.parameter} = ${d.value}` }),
            Plot.ruleX([base], { stroke: "#222" }),
          ],
        }),
      );
    }
    if (w.frontier.length) {
      const sorted = [...w.frontier].sort((a, b) => a.cost - b.cost);
      root.querySelector(`.frontier-${k}`).append(
        Plot.plot({
          title: "Posture frontier: cost against P(Red success)",
          width: 480,
          height: 300,
          marginLeft: 50,
          x: { label: "Cost", grid: true },
          y: { label: "P(Red success)", tickFormat: "%", domain: [0, 1], grid: true },
          marks: [
            Plot.line(sorted, { x: "cost", y: "p", stroke: "#2f6fb8", curve: "step-after" }),
            Plot.dot(sorted, { x: "cost", y: "p", fill: "#2f6fb8", r: 4, title: (d) => d.posture }),
            Plot.text(sorted, { x: "cost", y: "p", text: "posture", dy: -10, fontSize: 10 }),
          ],
        }),
      );
    }
  });
}
