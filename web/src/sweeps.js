// Sweep view: variant comparison table, tornado charts and Sobol indices of sensitivity
// studies, and the posture planner's cost/risk frontier. Reads GET /api/sweeps
// ("flank-sweeps-1": the store's studies, each as `flank results --json` exports it,
// "flank-study-1"); see docs/viewer.md. Charts: sweepcharts.js.
import { h } from "./dom.js";
import { gameCard, normaliseGame } from "./gamechart.js";
import { fmt, frontierChart, isProbability, sobolBlock, tornadoChart, triple } from "./sweepcharts.js";

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
    const allPoints = d.points ?? [];
    const points = allPoints.filter((p) => ["baseline", "variant", "design"].includes(p.role));
    const designPoints = allPoints.filter((p) => p.role === "saltelli" || p.role === "design");
    const tornadoPoint = (role) => allPoints.find((p) => p.role === role);
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
    const sensitivity = (d.analysis?.sensitivity ?? []).map((s) => {
      const indices = (s.indices ?? []).map((i) => ({ factor: i.factor, first: triple(i.first), total: triple(i.total) }));
      // The one-at-a-time points carry each output's interval; factor i's points are
      // "tornado-low:i" and "tornado-high:i", i in the order of the indices.
      const metricAt = (role) => triple(tornadoPoint(role)?.metrics?.[s.metric] ?? null);
      const factorIndex = (name) => indices.findIndex((i) => i.factor === name);
      // Monte Carlo noise of one design point's estimate, from its 95 % interval.
      const se2 = designPoints.map((p) => p.metrics?.[s.metric]).filter((m) => m && m.hi != null && m.lo != null).map((m) => ((m.hi - m.lo) / (2 * 1.96)) ** 2);
      return {
        metric: s.metric,
        variance: s.variance,
        noiseVariance: se2.length ? se2.reduce((a, b) => a + b, 0) / se2.length : null,
        indices,
        tornado: s.tornado
          ? {
              base: s.tornado.base,
              baseInterval: metricAt("tornado-base"),
              bars: (s.tornado.bars ?? []).map((b) => {
                const i = factorIndex(b.factor);
                return { factor: b.factor, low: b.low, high: b.high, atLow: b.output_at_low, atHigh: b.output_at_high, lowInterval: metricAt(`tornado-low:${i}`), highInterval: metricAt(`tornado-high:${i}`) };
              }),
            }
          : null,
      };
    });
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
      game: study.kind === "game" ? normaliseGame(results) : null,
    };
  });
}

// A difference of two probabilities is in percentage points; of other outputs, in their unit.
function difference(metric, v) {
  if (v == null || Number.isNaN(+v)) return "–";
  const sign = v > 0 ? "+" : v < 0 ? "−" : "±";
  return isProbability(metric) ? `${sign}${Math.abs(100 * v).toFixed(1)} pp` : `${sign}${fmt(metric, Math.abs(v))}`;
}

// `games`: normalised games given to the report with --game, shown before the store's studies.
export function createSweeps(root, studies, games = []) {
  if (!studies.length && !games.length) {
    root.replaceChildren(
      h(
        "div",
        { class: "dash" },
        h(
          "section",
          { class: "card wide" },
          h("h3", null, "Sweeps and plans"),
          h("p", null, "No studies to show. Run ", h("code", null, "flank sweep --design FILE --store results.db"), " (or a plan), then ", h("code", null, "flank serve --store results.db"), " or ", h("code", null, "flank report … --store results.db"), "."),
        ),
      ),
    );
    return;
  }
  root.replaceChildren(h("div", { class: "dash" }, games.map((g) => gameCard(g, `Game: ${g.study} (${g.payoff})`)), studies.map(studyCard)));
}

function variantTable(s) {
  if (!s.rows.length) return null;
  return h(
    "table",
    { class: "variant-table" },
    h("thead", null, h("tr", null, h("th", null, "Point"), s.outputs.map((m) => h("th", null, m)), h("th", null, "Replications"))),
    h(
      "tbody",
      null,
      s.rows.map((r) =>
        h(
          "tr",
          { class: r.role },
          h("td", null, r.label),
          s.outputs.map((m) => {
            const v = r.metrics[m];
            const d = r.differences[m];
            return h(
              "td",
              null,
              h("b", null, fmt(m, v?.value)),
              " ",
              h("span", { class: "small" }, v ? `${fmt(m, v.lo)}–${fmt(m, v.hi)}` : ""),
              d ? [h("br"), h("span", { class: "small diff" }, `${difference(m, d.value)} vs baseline (${difference(m, d.lo)} to ${difference(m, d.hi)})`)] : null,
            );
          }),
          h("td", null, r.replications ?? "–"),
        ),
      ),
    ),
  );
}

function studyCard(s) {
  if (s.game) {
    const card = gameCard(s.game, `Game ${s.id}: ${s.name}`);
    card.dataset.study = s.id;
    return card;
  }
  const best = s.best ? triple(s.best.risk) : null;
  return h(
    "section",
    { class: "card wide", dataset: { study: s.id } },
    h("h3", null, `${s.kind === "plan" ? "Plan" : "Sweep"} ${s.id}: ${s.name}`),
    h("p", { class: "small" }, `${s.scenario} · ${s.replications ?? "?"} replications per point · seed ${s.seed ?? "?"} · ${s.status ?? ""}`),
    variantTable(s),
    s.kind === "plan" && s.targetText
      ? h(
          "p",
          null,
          "Target ",
          h("code", null, String(s.targetText)),
          ": ",
          s.best
            ? ["cheapest posture meeting it: ", h("b", null, (s.best.chosen ?? []).join(" + ") || "no additions"), `, cost ${s.best.cost}, risk ${fmt("p:", best.value)} (${fmt("p:", best.lo)}–${fmt("p:", best.hi)})`]
            : "no posture within the budget meets it",
        )
      : null,
    h("div", { class: "row" }, s.sensitivity.map((x) => tornadoChart(x)), s.frontier.length ? frontierChart(s) : null),
    s.sensitivity.filter((x) => x.indices.length).map((x) => sobolBlock(x)),
  );
}
