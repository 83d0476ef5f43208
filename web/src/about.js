// Assumptions, sources and the combat model's validation: its out-of-sample figures as a
// table, the provenance, and the fitted coefficients folded away.
import { h } from "./dom.js";

function valueNode(v) {
  if (v == null) return null;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== "object")) return v.join(", ");
    return h(
      "ul",
      null,
      v.map((x) => h("li", null, valueNode(x))),
    );
  }
  if (typeof v === "object") {
    return h(
      "table",
      { class: "kv" },
      Object.entries(v).map(([k, x]) => h("tr", null, h("th", null, k), h("td", null, valueNode(x)))),
    );
  }
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  return String(v);
}

const num = (v, d = 3) => (typeof v === "number" && Number.isFinite(v) ? v.toFixed(d) : "–");
const share = (v) => (typeof v === "number" && Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : "–");

// The cross-validation block (`cv:` of data/calibration/<model>.yaml) as rows of
// measure · model · baselines, lower-is-better or higher-is-better said per row.
function validationTable(cv) {
  const rows = [];
  const w = cv.winner ?? {};
  const always = cv.always_attacker ?? {};
  const ratio = cv.troop_ratio_logistic ?? {};
  if (w.accuracy != null) rows.push(["Winner predicted correctly (higher is better)", share(w.accuracy), share(always.accuracy), share(ratio.accuracy)]);
  if (w.brier != null) rows.push(["Winner: Brier score (lower is better)", num(w.brier), num(always.brier), num(ratio.brier)]);
  if (w.log_loss != null) rows.push(["Winner: log loss (lower is better)", num(w.log_loss), num(always.log_loss), num(ratio.log_loss)]);
  const errors = {
    attacker_log_fraction_mae: "Attacker casualty fraction: mean absolute error of its log (lower is better)",
    defender_log_fraction_mae: "Defender casualty fraction: mean absolute error of its log (lower is better)",
    advance_km_per_day_mae: "Advance, km/day: mean absolute error (lower is better)",
  };
  for (const [key, value] of Object.entries(cv)) {
    if (value && typeof value === "object" && "model" in value) rows.push([errors[key] ?? key.replaceAll("_", " "), num(value.model), num(value.baseline), ""]);
  }
  const counts = [
    cv.folds != null ? `${cv.folds}-fold cross-validation (seed ${cv.seed ?? "?"})` : "cross-validation",
    cv.battles != null ? `${cv.predicted ?? "?"} of ${cv.battles} battles predicted by a fit without them` : null,
    cv.with_winner != null ? `${cv.with_winner} with a winner${cv.draws_excluded != null ? `, ${cv.draws_excluded} draws left out of the winner scores` : ""}` : null,
  ].filter(Boolean);
  return h(
    "div",
    null,
    h("p", null, `Out of sample: ${counts.join("; ")}.`),
    h(
      "table",
      { class: "validation-table" },
      h("thead", null, h("tr", null, h("th", null, "Measure"), h("th", null, "Model"), h("th", null, "Baseline: attacker always wins / mean"), h("th", null, "Baseline: troop-ratio logistic"))),
      h(
        "tbody",
        null,
        rows.map(([label, ...cells]) => h("tr", null, h("th", null, label), cells.map((c, i) => h("td", { class: i === 0 ? "model" : null }, c)))),
      ),
    ),
  );
}

function validationNode(validation) {
  if (!validation) return h("p", { class: "small" }, "No validation summary (data/calibration/<model>.yaml) in this build.");
  const { cv, provenance, file, ...fitted } = validation;
  return [
    cv ? validationTable(cv) : h("p", { class: "small" }, "This calibration carries no out-of-sample figures."),
    provenance ? [h("h4", null, "Provenance"), valueNode(provenance)] : null,
    h("details", null, h("summary", null, h("b", null, "Fitted coefficients"), file ? ` (${file})` : ""), valueNode(fitted)),
    h("p", { class: "small" }, "Method and discussion: docs/validation.md."),
  ];
}

export function createAbout(root, { scenario, validation, summary }) {
  const sc = scenario ?? {};
  const sources = sc.sources ?? [];
  const assumptions = sc.assumptions ?? [];
  const kv = (k, v, code) => (v == null || v === "" ? null : h("tr", null, h("th", null, k), h("td", null, code ? h("code", null, String(v)) : String(v))));
  root.replaceChildren(
    h(
      "div",
      { class: "dash" },
      h(
        "section",
        { class: "card wide" },
        h("h2", null, sc.name ?? summary?.scenarioName ?? "Scenario"),
        sc.description ? h("p", null, sc.description) : null,
        h(
          "table",
          { class: "kv" },
          kv("Id", sc.id),
          kv("Hour 0", sc.start ?? sc.start_date),
          kv("Scenario hash", sc.hash, true),
          Object.entries(sc.counts ?? {}).map(([k, v]) => kv(k, v)),
        ),
      ),
      h(
        "section",
        { class: "card wide" },
        h("h3", null, `Assumptions (${assumptions.length})`),
        h("p", { class: "small" }, "Every ", h("code", null, "source:"), " in the scenario that states a modelling judgement rather than a published figure, with where it applies."),
        assumptions.length
          ? h(
              "table",
              { class: "assumptions" },
              h(
                "tbody",
                null,
                assumptions.map((a) =>
                  typeof a === "string" ? h("tr", null, h("td", { colspan: 2 }, a)) : h("tr", null, h("th", null, h("code", null, a.path ?? "")), h("td", null, a.text ?? JSON.stringify(a))),
                ),
              ),
            )
          : h("p", { class: "small" }, 'The scenario lists no separate assumptions; modelling choices are marked "assumption:" in the sources below.'),
        sc.parameters ? h("details", null, h("summary", null, h("b", null, "Parameters")), valueNode(sc.parameters)) : null,
      ),
      h(
        "section",
        { class: "card wide" },
        h("h3", null, `Sources (${sources.length})`),
        sources.length
          ? h(
              "table",
              { class: "sources" },
              h(
                "tbody",
                null,
                sources.map((x) => h("tr", null, h("th", null, x.id ?? ""), h("td", null, x.text ?? x.title ?? "", x.url ? [h("br"), h("span", { class: "url" }, x.url.replace(/^https?:\/\//, ""))] : null))),
              ),
            )
          : h("p", { class: "small" }, "No source list available."),
      ),
      h("section", { class: "card wide validation" }, h("h3", null, "Combat model validation"), validationNode(validation)),
    ),
  );
}
