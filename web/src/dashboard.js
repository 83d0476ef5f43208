// Outcome dashboard: probability of each objective by day with 95 % Wilson bands,
// time-to-objective histograms, losses by side, territory and escalation.
import * as Plot from "@observablehq/plot";
import { h } from "./dom.js";

const pct = (v, d = 1) => (v == null || Number.isNaN(v) ? "–" : `${(100 * v).toFixed(d)} %`);
const hours = (v) => (v == null || Number.isNaN(v) ? "–" : `${Math.round(v)} h (day ${(v / 24).toFixed(1)})`);

export function createDashboard(root, summary) {
  const s = summary;
  const chart = (cls) => h("div", { class: `chart ${cls}` });
  const charts = { prob: chart("prob"), hist: chart("hist"), categories: chart("categories"), losses: chart("losses"), territory: chart("territory") };
  const escalationBox = h("div", { class: "escalation" });
  const card = (wide, ...children) => h("section", { class: wide ? "card wide" : "card" }, ...children);
  root.replaceChildren(
    h(
      "div",
      { class: "dash" },
      h(
        "header",
        { class: "dash-head" },
        h("h2", null, s.scenarioName),
        h("p", { class: "small" }, `${s.replications ?? "?"} replications · seed ${s.seed ?? "?"} · combat model ${s.combatModel ?? "?"}${s.runInfo?.wall_seconds != null ? ` · ${(+s.runInfo.wall_seconds).toFixed(1)} s` : ""}`),
      ),
      card(
        true,
        h("h3", null, "Objectives"),
        h(
          "table",
          { class: "objective-table" },
          h("thead", null, h("tr", null, ["Objective", `P(achieved within ${s.horizonDays} days)`, "95 % interval", "Before reinforcements", "Still held at the end", "Median time, runs that achieved it", "5–95 % time, same runs"].map((x) => h("th", null, x)))),
          h(
            "tbody",
            null,
            s.objectives.map((o) =>
              h(
                "tr",
                { dataset: { objective: o.id, p: o.ever?.p ?? "" } },
                h("td", null, o.name),
                h("td", { class: "p" }, pct(o.ever?.p)),
                h("td", null, `${pct(o.ever?.lo)} – ${pct(o.ever?.hi)}`),
                h("td", null, pct(o.beforeReinforcements?.p)),
                h("td", null, pct(o.heldAtEnd?.p)),
                h("td", null, hours(o.quantiles[2])),
                h("td", null, o.quantiles[0] != null ? `${Math.round(o.quantiles[0])}–${Math.round(o.quantiles[4])} h` : "–"),
              ),
            ),
          ),
        ),
      ),
      card(true, h("h3", null, "Probability achieved by day (95 % Wilson band)"), charts.prob),
      card(false, h("h3", null, "Time to objective (replications per 12 h)"), charts.hist, h("h3", null, "Personnel lost by unit category (mean)"), charts.categories),
      card(false, h("h3", null, "Personnel lost by side (mean, 5–95 %)"), charts.losses, h("h3", null, "Objective-value share held"), charts.territory, h("h3", null, "Escalation flags"), escalationBox),
    ),
  );

  const names = s.objectives.map((o) => o.name);
  const objectiveColour = { domain: names, scheme: "dark2" };
  const byDay = s.objectives.flatMap((o) => o.byDay.map((d) => ({ ...d, objective: o.name })));
  // Fixed widths: the view may be hidden (no layout) when built; CSS scales the SVGs down.
  const width = 1100;
  charts.prob.append(
    Plot.plot({
      width,
      height: 320,
      marginLeft: 50,
      y: { domain: [0, 1], tickFormat: "%", label: "Probability", grid: true },
      x: { label: "Day", domain: [0, s.horizonDays] },
      color: { ...objectiveColour, legend: true },
      marks: [
        Plot.areaY(byDay, { x: "day", y1: "lo", y2: "hi", fill: "objective", fillOpacity: 0.18, curve: "step-after" }),
        Plot.lineY(byDay, { x: "day", y: "p", stroke: "objective", strokeWidth: 2.2, curve: "step-after" }),
        Plot.ruleY([0]),
        Plot.tip(byDay, Plot.pointerX({ x: "day", y: "p", title: (d) => `${d.objective}\nday ${d.day}: ${pct(d.p)} (${pct(d.lo)}–${pct(d.hi)})` })),
      ],
    }),
  );

  const fell = s.objectives.filter((o) => o.histogram.some((b) => b.count > 0));
  const hist = fell.flatMap((o) => o.histogram.map((b) => ({ ...b, x1: b.start / 24, x2: b.end / 24, objective: o.name })));
  // One small histogram per objective that fell at least once, on a shared day axis.
  const histBox = charts.hist;
  if (!fell.length) histBox.append(emptyNote("No objective fell in any replication."));
  fell.forEach((o) => {
    const title = document.createElement("div");
    title.className = "chart-title";
    title.textContent = o.name;
    histBox.append(
      title,
      Plot.plot({
        width: 540,
        height: 130,
        marginLeft: 50,
        x: { label: "Day the objective fell", domain: [0, s.horizonDays] },
        y: { label: "Replications", grid: true },
        color: objectiveColour,
        marks: [
          Plot.rectY(
            hist.filter((b) => b.objective === o.name),
            { x1: "x1", x2: "x2", y: "count", fill: "objective", insetLeft: 0.5 },
          ),
          Plot.ruleY([0]),
        ],
      }),
    );
  });

  // Plot would read "red" and "blue" as literal colours, so sides get display names.
  const sideLabel = (side) => (side === "red" ? "Red side" : "Blue side");
  const sideColour = { domain: ["Red side", "Blue side"], range: ["#d7301f", "#2f6fb8"] };
  const losses = s.losses.map((d) => ({ ...d, side: sideLabel(d.side) }));
  charts.losses.append(
    losses.length
      ? Plot.plot({
          width: 540,
          height: 150,
          marginLeft: 80,
          x: { label: "Personnel", grid: true },
          y: { label: null },
          color: sideColour,
          marks: [
            Plot.barX(losses, { y: "side", x: "mean", fill: "side", fillOpacity: 0.75 }),
            Plot.ruleY(losses, { y: "side", x1: "q05", x2: "q95", stroke: "#222" }),
            Plot.tickX(losses, { y: "side", x: "q50", stroke: "#222", strokeWidth: 2 }),
            Plot.ruleX([0]),
          ],
        })
      : emptyNote("No loss data."),
  );
  charts.territory.append(
    s.territory.length
      ? Plot.plot({
          width: 540,
          height: 150,
          marginLeft: 50,
          y: { domain: [0, 1], tickFormat: "%", label: "Share", grid: true },
          fx: { label: "Day" },
          x: { axis: null, domain: ["Red side", "Blue side"] },
          color: { ...sideColour, legend: true },
          marks: [
            Plot.barY(
              s.territory.map((d) => ({ ...d, side: sideLabel(d.side) })),
              { fx: "day", x: "side", y: "share", fill: "side", fillOpacity: 0.75 },
            ),
            Plot.ruleY([0]),
          ],
        })
      : emptyNote("No territory data."),
  );
  const categories = (s.lossesByCategory ?? [])
    .filter((d) => d.personnel_mean > 0)
    .map((d) => ({ side: sideLabel(d.side), category: String(d.category).replaceAll("_", " "), value: d.personnel_mean }));
  charts.categories.append(
    categories.length
      ? Plot.plot({
          width: 540,
          height: 60 + 22 * new Set(categories.map((d) => d.category)).size * 2,
          marginLeft: 110,
          x: { label: "Personnel", grid: true },
          fy: { label: null, axis: "left" },
          color: { ...sideColour, legend: true },
          marks: [
            Plot.barX(categories, { x: "value", y: "side", fy: "category", fill: "side", fillOpacity: 0.75 }),
            Plot.ruleX([0]),
          ],
          y: { axis: null },
        })
      : emptyNote("No losses by category in this summary."),
  );
  const esc = s.escalation;
  const range = (x) => h("td", { class: "small" }, `${pct(x.lo)}–${pct(x.hi)}`);
  escalationBox.replaceChildren(
    esc.length
      ? h(
          "table",
          null,
          esc.map((e) => h("tr", null, h("td", null, e.name), h("td", null, pct(e.p)), range(e))),
          s.anyEscalation ? h("tr", null, h("th", null, "Any flag"), h("th", null, pct(s.anyEscalation.p)), range(s.anyEscalation)) : null,
        )
      : h("p", { class: "small" }, "No escalation rules."),
  );
}

function emptyNote(text) {
  const p = document.createElement("p");
  p.className = "small";
  p.textContent = text;
  return p;
}
