// Outcome dashboard: probability of each objective by day with 95 % Wilson bands,
// time-to-objective histograms, losses by side, territory and escalation.
import * as Plot from "@observablehq/plot";
import { escapeHtml } from "./map.js";

const pct = (v, d = 1) => (v == null || Number.isNaN(v) ? "–" : `${(100 * v).toFixed(d)} %`);
const hours = (v) => (v == null || Number.isNaN(v) ? "–" : `${Math.round(v)} h (day ${(v / 24).toFixed(1)})`);

export function createDashboard(root, summary) {
  const s = summary;
  root.innerHTML = `
    <div class="dash">
      <header class="dash-head">
        <h2>${escapeHtml(s.scenarioName)}</h2>
        <p class="small">${s.replications ?? "?"} replications · seed ${s.seed ?? "?"} · combat model ${escapeHtml(s.combatModel ?? "?")}${s.runInfo?.seconds != null ? ` · ${(+s.runInfo.seconds).toFixed(1)} s` : ""}</p>
      </header>
      <section class="card wide"><h3>Objectives</h3><table class="objective-table">
        <thead><tr><th>Objective</th><th>P(achieved within ${s.horizonDays} days)</th><th>95 % interval</th><th>Before reinforcements</th><th>Median time</th><th>5–95 % time</th></tr></thead>
        <tbody>${s.objectives
          .map(
            (o) => `<tr data-objective="${escapeHtml(o.id)}" data-p="${o.ever?.p ?? ""}">
              <td>${escapeHtml(o.name)}</td><td class="p">${pct(o.ever?.p)}</td>
              <td>${pct(o.ever?.lo)} – ${pct(o.ever?.hi)}</td><td>${pct(o.beforeReinforcements?.p)}</td>
              <td>${hours(o.quantiles[2])}</td><td>${o.quantiles[0] != null ? `${Math.round(o.quantiles[0])}–${Math.round(o.quantiles[4])} h` : "–"}</td></tr>`,
          )
          .join("")}</tbody></table></section>
      <section class="card wide"><h3>Probability achieved by day (95 % Wilson band)</h3><div class="chart prob"></div></section>
      <section class="card"><h3>Time to objective (replications per 12 h)</h3><div class="chart hist"></div></section>
      <section class="card"><h3>Personnel lost by side (mean, 5–95 %)</h3><div class="chart losses"></div>
        <h3>Objective-value share held</h3><div class="chart territory"></div>
        <h3>Escalation flags</h3><div class="escalation"></div></section>
    </div>`;

  const byDay = s.objectives.flatMap((o) => o.byDay.map((d) => ({ ...d, objective: o.name })));
  const width = Math.min(1100, root.clientWidth - 60 || 1000);
  root.querySelector(".prob").append(
    Plot.plot({
      width,
      height: 320,
      marginLeft: 50,
      y: { domain: [0, 1], tickFormat: "%", label: "Probability", grid: true },
      x: { label: "Day", domain: [0, s.horizonDays] },
      color: { legend: true, scheme: "dark2" },
      marks: [
        Plot.areaY(byDay, { x: "day", y1: "lo", y2: "hi", fill: "objective", fillOpacity: 0.18, curve: "step-after" }),
        Plot.lineY(byDay, { x: "day", y: "p", stroke: "objective", strokeWidth: 2.2, curve: "step-after" }),
        Plot.ruleY([0]),
        Plot.tip(byDay, Plot.pointerX({ x: "day", y: "p", title: (d) => `${d.objective}\nday ${d.day}: ${pct(d.p)} (${pct(d.lo)}–${pct(d.hi)})` })),
      ],
    }),
  );

  const hist = s.objectives.flatMap((o) => o.histogram.map((b) => ({ ...b, x1: b.start / 24, x2: b.end / 24, objective: o.name })));
  root.querySelector(".hist").append(
    hist.length
      ? Plot.plot({
          width: Math.min(560, width / 2),
          height: 110 + 90 * s.objectives.length,
          marginLeft: 50,
          marginRight: 110,
          x: { label: "Day the objective fell" },
          y: { label: "Replications", grid: true },
          fy: { label: null },
          color: { scheme: "dark2" },
          marks: [
            Plot.rectY(hist, { x1: "x1", x2: "x2", y: "count", fy: "objective", fill: "objective", insetLeft: 0.5 }),
            Plot.ruleY([0]),
          ],
        })
      : emptyNote("No objective fell in any replication."),
  );

  const losses = s.losses;
  root.querySelector(".losses").append(
    losses.length
      ? Plot.plot({
          width: Math.min(560, width / 2),
          height: 150,
          marginLeft: 50,
          x: { label: "Personnel", grid: true },
          y: { label: null },
          color: { domain: ["red", "blue"], range: ["#d7301f", "#2f6fb8"] },
          marks: [
            Plot.barX(losses, { y: "side", x: "mean", fill: "side", fillOpacity: 0.75 }),
            Plot.ruleY(losses, { y: "side", x1: "q05", x2: "q95", stroke: "#222" }),
            Plot.tickX(losses, { y: "side", x: "q50", stroke: "#222", strokeWidth: 2 }),
            Plot.ruleX([0]),
          ],
        })
      : emptyNote("No loss data."),
  );
  root.querySelector(".territory").append(
    s.territory.length
      ? Plot.plot({
          width: Math.min(560, width / 2),
          height: 150,
          marginLeft: 50,
          x: { label: "Day", type: "band" },
          y: { domain: [0, 1], tickFormat: "%", label: "Share", grid: true },
          color: { domain: ["red", "blue"], range: ["#d7301f", "#2f6fb8"] },
          marks: [Plot.barY(s.territory, { x: "day", y: "share", fill: "side", fillOpacity: 0.75 }), Plot.ruleY([0])],
        })
      : emptyNote("No territory data."),
  );
  const esc = s.escalation;
  root.querySelector(".escalation").innerHTML = esc.length
    ? `<table>${esc.map((e) => `<tr><td>${escapeHtml(e.name)}</td><td>${pct(e.p)}</td><td class="small">${pct(e.lo)}–${pct(e.hi)}</td></tr>`).join("")}
       ${s.anyEscalation ? `<tr><th>Any flag</th><th>${pct(s.anyEscalation.p)}</th><td class="small">${pct(s.anyEscalation.lo)}–${pct(s.anyEscalation.hi)}</td></tr>` : ""}</table>`
    : `<p class="small">No escalation rules.</p>`;
}

function emptyNote(text) {
  const p = document.createElement("p");
  p.className = "small";
  p.textContent = text;
  return p;
}
