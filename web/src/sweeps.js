// Sweep view: variant comparison table, tornado charts and Sobol indices of sensitivity
// studies, and the posture planner's cost/risk frontier. Reads GET /api/sweeps
// ("flank-sweeps-1": the store's studies, each as `flank results --json` exports it,
// "flank-study-1"); see docs/viewer.md.
import * as Plot from "@observablehq/plot";
import { escapeHtml } from "./map.js";

const isProbability = (metric) => /^p:|^escalation:/.test(metric);
const fmt = (metric, v) =>
  v == null || Number.isNaN(+v) ? "–" : isProbability(metric) ? `${(100 * v).toFixed(1)} %` : (+v).toLocaleString("en-GB", { maximumFractionDigits: 1 });
const triple = (v) => (Array.isArray(v) ? { value: v[0], lo: v[1], hi: v[2] } : v && typeof v === "object" ? { value: v.value ?? v.p, lo: v.lo, hi: v.hi } : { value: v });

function pointLabel(p, study) {
  if (p.role === "baseline") return `Baseline (${p.scenario.replace(/^builtin:/, "")})`;
  if (p.role === "variant") return p.scenario.replace(/^builtin:/, "");
  if (p.role?.startsWith("tornado")) return p.role;
  const o = (p.overrides ?? []).join(", ");
  return o || `${p.role} ${p.index}` || study.name;
}

export function normaliseSweeps(data) {
  if (!data) return [];
  const studies = Array.isArray(data) ? data : (data.studies ?? data.sweeps ?? []);
  return studies.map((d) => {
    const study = d.study ?? d;
    const outputs = study.outputs ?? [];
    const points = (d.points ?? []).filter((p) => ["baseline", "variant", "design"].includes(p.role));
    const comparisons = d.analysis?.comparisons ?? [];
    const rows = points.map((p) => ({
      label: pointLabel(p, study),
      role: p.role,
      scenario: p.scenario,
      replications: p.replications,
      metrics: Object.fromEntries(outputs.map((m) => [m, p.metrics?.[m] ?? null])),
      differences: Object.fromEntries(
        comparisons.filter((c) => c.scenario === p.scenario && p.role === "variant").map((c) => [c.metric, triple(c.difference)]),
      ),
    }));
    const sensitivity = (d.analysis?.sensitivity ?? []).map((s) => ({
      metric: s.metric,
      indices: (s.indices ?? []).map((i) => ({ factor: i.factor, first: triple(i.first), total: triple(i.total) })),
      tornado: s.tornado
        ? {
            base: s.tornado.base,
            bars: (s.tornado.bars ?? []).map((b) => ({ factor: b.factor, low: b.low, high: b.high, atLow: b.output_at_low, atHigh: b.output_at_high })),
          }
        : null,
    }));
    const results = d.results ?? {};
    const frontier = (results.frontier ?? []).map((f, k) => {
      const risk = triple(f.risk ?? f.p ?? f.probability);
      return {
        cost: f.cost,
        p: risk.value,
        lo: risk.lo,
        hi: risk.hi,
        label:
          f.label ??
          (Array.isArray(f.units)
            ? f.units.join(" + ")
            : Array.isArray(f.chosen) && f.chosen.every((c) => typeof c === "string")
              ? f.chosen.join(" + ") || "no additions"
              : `posture ${k + 1}`),
      };
    });
    return {
      id: study.id,
      name: study.name ?? `study ${study.id}`,
      kind: study.kind ?? "sweep",
      scenario: study.scenario ?? "",
      replications: study.replications,
      seed: study.seed,
      status: study.status,
      outputs,
      rows,
      sensitivity,
      frontier,
      // The planner states its target as text ("p:corridor <= 0.1"); the chart needs the number.
      target: typeof results.target === "number" ? results.target : +(String(results.target ?? "").match(/([0-9]*\.?[0-9]+)\s*$/)?.[1] ?? NaN),
      targetText: results.target,
      best: results.best,
    };
  });
}

export function createSweeps(root, studies) {
  if (!studies.length) {
    root.innerHTML = `<div class="dash"><section class="card wide"><h3>Sweeps and plans</h3>
      <p>No studies to show. Run <code>flank sweep --design FILE --store results.db</code> (or a plan), then
      <code>flank serve --store results.db</code> or <code>flank report … --store results.db</code>.</p></section></div>`;
    return;
  }
  root.innerHTML = `<div class="dash">${studies.map((s, k) => studyMarkup(s, k)).join("")}</div>`;
  studies.forEach((s, k) => {
    s.sensitivity.forEach((sens, j) => {
      if (!sens.tornado?.bars.length) return;
      const base = sens.tornado.base;
      const rows = [...sens.tornado.bars].sort((a, b) => Math.abs(b.atHigh - b.atLow) - Math.abs(a.atHigh - a.atLow));
      const bars = rows.flatMap((b) => [
        { factor: b.factor, x1: base, x2: b.atLow, end: "factor at low", setting: b.low },
        { factor: b.factor, x1: base, x2: b.atHigh, end: "factor at high", setting: b.high },
      ]);
      const prob = isProbability(sens.metric);
      root.querySelector(`.tornado-${k}-${j}`).append(
        Plot.plot({
          title: `Tornado: ${sens.metric} with each factor at its low and high setting`,
          width: 620,
          height: 70 + 36 * rows.length,
          marginLeft: 210,
          x: { label: sens.metric, tickFormat: prob ? "%" : undefined, grid: true },
          y: { domain: rows.map((r) => r.factor), label: null },
          color: { domain: ["factor at low", "factor at high"], range: ["#7fa7d9", "#e07b5f"], legend: true },
          marks: [
            Plot.barX(bars, { y: "factor", x1: "x1", x2: "x2", fill: "end", title: (d) => `${d.factor} = ${d.setting}` }),
            Plot.text(bars, { y: "factor", x: "x2", text: (d) => String(d.setting), dx: 0, dy: -12, fontSize: 10 }),
            Plot.ruleX([base], { stroke: "#222" }),
          ],
        }),
      );
    });
    if (s.frontier.length) {
      const sorted = [...s.frontier].sort((a, b) => a.cost - b.cost);
      root.querySelector(`.frontier-${k}`).append(
        Plot.plot({
          title: "Posture frontier: cost against risk (95 % Wilson intervals)",
          width: 560,
          height: 320,
          marginLeft: 50,
          marginRight: 90,
          x: { label: "Cost", grid: true, inset: 20 },
          y: { label: "P(Red achieves the objective)", tickFormat: "%", domain: [0, 1], grid: true },
          marks: [
            Number.isFinite(s.target) ? Plot.ruleY([s.target], { stroke: "#d7301f", strokeDasharray: "4 3" }) : null,
            Plot.ruleX(sorted.filter((d) => d.lo != null), { x: "cost", y1: "lo", y2: "hi", stroke: "#2f6fb8" }),
            Plot.line(sorted, { x: "cost", y: "p", stroke: "#2f6fb8", curve: "step-after" }),
            Plot.dot(sorted, { x: "cost", y: "p", fill: "#2f6fb8", r: 4, title: (d) => d.label }),
            Plot.text(sorted, { x: "cost", y: "p", text: "label", dy: -12, fontSize: 10, lineWidth: 14 }),
          ],
        }),
      );
    }
  });
}

function studyMarkup(s, k) {
  const table = s.rows.length
    ? `<table class="variant-table"><thead><tr><th>Point</th>${s.outputs.map((m) => `<th>${escapeHtml(m)}</th>`).join("")}<th>Replications</th></tr></thead>
      <tbody>${s.rows
        .map(
          (r) => `<tr class="${r.role}"><td>${escapeHtml(r.label)}</td>${s.outputs
            .map((m) => {
              const v = r.metrics[m];
              const d = r.differences[m];
              return `<td><b>${fmt(m, v?.value)}</b> <span class="small">${v ? `${fmt(m, v.lo)}–${fmt(m, v.hi)}` : ""}</span>${
                d ? `<br><span class="small diff">${d.value >= 0 ? "+" : ""}${fmt(m, d.value)} vs baseline (${fmt(m, d.lo)} to ${fmt(m, d.hi)})</span>` : ""
              }</td>`;
            })
            .join("")}<td>${r.replications ?? "–"}</td></tr>`,
        )
        .join("")}</tbody></table>`
    : "";
  const sobol = s.sensitivity
    .filter((x) => x.indices.length)
    .map(
      (x) => `<table class="sobol"><thead><tr><th>Factor (${escapeHtml(x.metric)})</th><th>First-order index</th><th>Total index</th></tr></thead><tbody>${x.indices
        .map((i) => `<tr><td>${escapeHtml(i.factor)}</td><td>${i.first.value.toFixed(2)} <span class="small">(${i.first.lo.toFixed(2)} to ${i.first.hi.toFixed(2)})</span></td><td>${i.total.value.toFixed(2)} <span class="small">(${i.total.lo.toFixed(2)} to ${i.total.hi.toFixed(2)})</span></td></tr>`)
        .join("")}</tbody></table>`,
    )
    .join("");
  return `<section class="card wide" data-study="${escapeHtml(s.id)}">
    <h3>${escapeHtml(s.kind === "plan" ? "Plan" : "Sweep")} ${escapeHtml(s.id)}: ${escapeHtml(s.name)}</h3>
    <p class="small">${escapeHtml(s.scenario)} · ${s.replications ?? "?"} replications per point · seed ${s.seed ?? "?"} · ${escapeHtml(s.status ?? "")}</p>
    ${table}
    ${s.kind === "plan" && s.targetText ? `<p>Target <code>${escapeHtml(s.targetText)}</code>: ${
      s.best ? `cheapest posture meeting it: <b>${escapeHtml((s.best.chosen ?? []).join(" + ") || "no additions")}</b>, cost ${escapeHtml(s.best.cost)}, risk ${fmt("p:", triple(s.best.risk).value)} (${fmt("p:", triple(s.best.risk).lo)}–${fmt("p:", triple(s.best.risk).hi)})` : "no posture within the budget meets it"
    }</p>` : ""}
    <div class="row">${s.sensitivity.map((x, j) => `<div class="chart tornado-${k}-${j}"></div>`).join("")}<div class="chart frontier-${k}"></div></div>
    ${sobol}
  </section>`;
}
