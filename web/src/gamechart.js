// A `flank game` as a payoff heat map: Red's plans (rows) against Blue's options (columns),
// each cell coloured by its estimated payoff, Red's best response to each option outlined and
// flagged, the 95 % interval and replication count on hover; beneath it each option's worst
// case, Blue's minimax option and the mixed equilibrium with its bootstrap interval. The data
// is the "flank-game-1" document `flank game --json` writes: from a report's `--game` files,
// or a stored game study's `results` (GET /api/sweeps, `flank report --store`). docs/viewer.md.
import * as d3 from "d3";
import { h, s } from "./dom.js";
import { fmt, isProbability } from "./sweepcharts.js";

const CELL_W = 92;
const CELL_H = 34;
let gradients = 0;

// The game document, or null when `g` is not one (a study still running has only its
// parameters as results).
export function normaliseGame(g) {
  if (!g || !Array.isArray(g.plans) || !Array.isArray(g.options) || !g.plans.length || !g.options.length) return null;
  const options = g.options.map((o) => ({ id: o.id, description: o.description ?? "", cost: o.cost, worst: o.worst_case, best: new Set(o.best_responses ?? []) }));
  const plans = g.plans.map((p) => ({ id: p.id, description: p.description ?? "", dropped: !!p.dropped, droppedBy: p.dropped_by, cells: p.cells ?? [] }));
  return {
    study: g.study ?? "game",
    payoff: g.payoff ?? "",
    redMax: g.red !== "min",
    seed: g.seed,
    replications: g.replications,
    firstBatch: g.first_batch ?? 0,
    run: g.replications_run,
    full: g.replications_full,
    saved: g.replications_saved,
    plans,
    options,
    minimax: g.minimax_options ?? [],
    maximin: g.maximin_plans ?? [],
    equilibrium: g.equilibrium ?? null,
  };
}

const interval = (metric, c) => (c ? `${fmt(metric, c.mean)} [${fmt(metric, c.lo)}, ${fmt(metric, c.hi)}]` : "–");
const allTie = (g, o) => g.plans.length > 1 && o.best.size === g.plans.length;

function mixText(m) {
  return Object.entries(m ?? {})
    .filter(([, w]) => w > 1e-9)
    .map(([id, w]) => `${id} ${(+w).toFixed(2)}`)
    .join(", ");
}

function heatMap(g) {
  const metric = g.payoff;
  const values = g.plans.flatMap((p) => p.cells.map((c) => c?.mean)).filter((v) => v != null);
  // Probabilities on their own 0–1 scale, so games can be compared; other payoffs over their range.
  const [lo, hi] = isProbability(metric) ? [0, 1] : [Math.min(...values), Math.max(...values)];
  // Dark red is good for Red, whichever way Red wants the payoff.
  const t = (v) => {
    const x = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return g.redMax ? x : 1 - x;
  };
  const colour = (v) => d3.interpolateYlOrRd(0.05 + 0.9 * Math.min(1, Math.max(0, t(v))));
  const labelW = 12 + 7 * Math.max(...g.plans.map((p) => p.id.length + (p.dropped ? 1 : 0)));
  const top = 16 + 6.2 * Math.max(...g.options.map((o) => o.id.length)) * 0.71;
  const legendText = `${metric} (Red wants it ${g.redMax ? "high" : "low"})`;
  const legendW = Math.min(240, CELL_W * g.options.length);
  // Wide enough for the cells, the legend's label beside its colour bar and the last
  // column's label, drawn at 35° from the cell's centre.
  const lastLabel = labelW + CELL_W * (g.options.length - 0.5) + 0.82 * 6.8 * g.options[g.options.length - 1].id.length;
  const width = Math.ceil(Math.max(labelW + CELL_W * g.options.length + 8, labelW + legendW + 16 + 6.6 * legendText.length, lastLabel + 8));
  const height = top + CELL_H * g.plans.length + 52;
  const tip = h("div", { class: "game-tip", hidden: true, role: "status" });
  const wrap = h("div", { class: "game-heatmap" });
  const show = (cellEl, text) => {
    tip.textContent = text;
    tip.hidden = false;
    const box = cellEl.getBoundingClientRect();
    const base = wrap.getBoundingClientRect();
    tip.style.setProperty("left", `${box.left - base.left + box.width / 2}px`);
    tip.style.setProperty("top", `${box.bottom - base.top + 4}px`);
  };
  const hide = () => (tip.hidden = true);

  const columns = g.options.map((o, j) => {
    const x = labelW + CELL_W * (j + 0.5);
    return s("text", { class: "game-col", x, y: top - 6, transform: `rotate(-35 ${x} ${top - 6})`, "text-anchor": "start", dataset: { option: o.id } }, o.id, s("title", null, o.description || o.id));
  });
  const rows = g.plans.map((p, i) => {
    const y = top + CELL_H * i;
    const label = s("text", { class: "game-row", x: labelW - 8, y: y + CELL_H / 2 + 4, "text-anchor": "end", dataset: { plan: p.id } }, p.id + (p.dropped ? "*" : ""), s("title", null, p.description || p.id));
    const cells = g.options.map((o, j) => {
      const c = p.cells[j];
      const best = o.best.has(p.id) && !allTie(g, o);
      const x = labelW + CELL_W * j;
      const text = `${p.id} × ${o.id}: ${isProbability(metric) ? "P = " : ""}${interval(metric, c)} (95 % interval), n = ${c?.n ?? "?"}${best ? " · Red's best response" : ""}${allTie(g, o) ? " · every plan ties" : ""}${p.dropped ? ` · raced out after ${g.firstBatch} replications (beaten everywhere by ${p.droppedBy})` : ""}`;
      const group = s(
        "g",
        {
          class: ["game-cell", best ? "best" : null, p.dropped ? "dropped" : null],
          tabindex: 0,
          dataset: { plan: p.id, option: o.id, mean: c?.mean, lo: c?.lo, hi: c?.hi, n: c?.n, best: best ? "1" : "0" },
          onmouseenter: (e) => show(e.currentTarget, text),
          onfocus: (e) => show(e.currentTarget, text),
          onmouseleave: hide,
          onblur: hide,
        },
        s("rect", { x: x + 1, y: y + 1, width: CELL_W - 2, height: CELL_H - 2, rx: 3, fill: c?.mean == null ? "#eee" : colour(c.mean) }),
        s("text", { x: x + CELL_W / 2, y: y + CELL_H / 2 + 4, "text-anchor": "middle", class: t(c?.mean ?? lo) > 0.62 ? "light" : null }, fmt(metric, c?.mean)),
        best ? [s("rect", { class: "best-outline", x: x + 2.5, y: y + 2.5, width: CELL_W - 5, height: CELL_H - 5, rx: 3 }), s("path", { class: "best-flag", d: `M${x + CELL_W - 14},${y + 3} h11 v11 z` })] : null,
        s("title", null, text),
      );
      return group;
    });
    return [label, cells];
  });
  const id = `game-grad-${++gradients}`;
  const legendY = top + CELL_H * g.plans.length + 16;
  const legendX = labelW;
  const stops = d3.range(0, 1.0001, 0.1).map((k) => s("stop", { offset: `${100 * k}%`, "stop-color": colour(lo + k * (hi - lo)) }));
  const legend = [
    s("defs", null, s("linearGradient", { id, x1: 0, x2: 1, y1: 0, y2: 0 }, stops)),
    s("rect", { x: legendX, y: legendY, width: legendW, height: 10, fill: `url(#${id})` }),
    s("text", { class: "small-svg", x: legendX, y: legendY + 24 }, fmt(metric, lo)),
    s("text", { class: "small-svg", x: legendX + legendW, y: legendY + 24, "text-anchor": "end" }, fmt(metric, hi)),
    s("text", { class: "small-svg", x: legendX + legendW + 10, y: legendY + 9 }, legendText),
  ];
  const svg = s("svg", { class: "game-map", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `Payoff matrix of ${g.study}` }, columns, rows, legend);
  wrap.append(svg, tip);
  return wrap;
}

function optionTable(g) {
  const metric = g.payoff;
  return h(
    "table",
    { class: "game-options" },
    h("thead", null, h("tr", null, h("th", null, "Blue option"), h("th", null, "cost"), h("th", null, "worst case"), h("th", null, "Red's best response"))),
    h(
      "tbody",
      null,
      g.options.map((o) =>
        h(
          "tr",
          { dataset: { option: o.id }, class: g.minimax.includes(o.id) ? "minimax" : null },
          h("td", null, o.id, g.minimax.includes(o.id) ? h("span", { class: "small" }, " (minimax)") : null),
          h("td", null, o.cost ?? "–"),
          h("td", null, interval(metric, o.worst)),
          h("td", null, allTie(g, o) ? "(all plans tie)" : [...o.best].join(", ")),
        ),
      ),
    ),
  );
}

// A card for one game; `title` says where it came from.
export function gameCard(g, title) {
  const metric = g.payoff;
  const e = g.equilibrium;
  const dropped = g.plans.filter((p) => p.dropped);
  return h(
    "section",
    { class: "card wide game", dataset: { game: g.study, payoff: metric } },
    h("h3", null, title),
    h(
      "p",
      { class: "small" },
      `Payoff ${metric}, Red wants it ${g.redMax ? "high" : "low"} · seed ${g.seed ?? "?"} · ${g.replications ?? "?"} replications per cell · ${g.run ?? "?"} run of ${g.full ?? "?"} for the full grid (${g.saved ?? 0} saved by racing)`,
    ),
    heatMap(g),
    h(
      "p",
      { class: "small" },
      "Outlined, flagged cell: Red's best response to the column (its worst case for Blue). Hover or focus a cell for its 95 % interval.",
      dropped.length ? ` * raced out after ${g.firstBatch} replications: ${dropped.map((p) => p.id).join(", ")} (first batch only).` : "",
    ),
    optionTable(g),
    h("p", { class: "game-minimax" }, "Blue's minimax option: ", h("b", null, g.minimax.join(", ") || "–")),
    e
      ? h(
          "p",
          { class: "game-equilibrium", dataset: { value: e.value, lo: e.lo, hi: e.hi } },
          "Mixed equilibrium: value ",
          h("b", null, fmt(metric, e.value)),
          `, bootstrap 95 % [${fmt(metric, e.lo)}, ${fmt(metric, e.hi)}] (${e.bootstrap ?? 0} resamples). Red mixes ${mixText(e.red) || "–"}; Blue mixes ${mixText(e.blue) || "–"}.`,
        )
      : null,
  );
}
