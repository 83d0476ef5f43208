// Assumptions, sources and the combat model's validation summary.
import { escapeHtml } from "./map.js";

function valueMarkup(v, depth = 0) {
  if (v == null) return "";
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== "object")) return escapeHtml(v.join(", "));
    return `<ul>${v.map((x) => `<li>${valueMarkup(x, depth + 1)}</li>`).join("")}</ul>`;
  }
  if (typeof v === "object") {
    return `<table class="kv">${Object.entries(v)
      .map(([k, x]) => `<tr><th>${escapeHtml(k)}</th><td>${valueMarkup(x, depth + 1)}</td></tr>`)
      .join("")}</table>`;
  }
  if (typeof v === "number") return escapeHtml(Number.isInteger(v) ? String(v) : v.toPrecision(4));
  return escapeHtml(String(v));
}

export function createAbout(root, { scenario, validation, summary }) {
  const sc = scenario ?? {};
  const sources = sc.sources ?? [];
  const assumptions = sc.assumptions ?? [];
  root.innerHTML = `<div class="dash">
    <section class="card wide"><h2>${escapeHtml(sc.name ?? summary?.scenarioName ?? "Scenario")}</h2>
      ${sc.description ? `<p>${escapeHtml(sc.description)}</p>` : ""}
      <table class="kv">
        ${sc.id ? `<tr><th>Id</th><td>${escapeHtml(sc.id)}</td></tr>` : ""}
        ${sc.start ?? sc.start_date ? `<tr><th>Hour 0</th><td>${escapeHtml(sc.start ?? sc.start_date)}</td></tr>` : ""}
        ${sc.hash ? `<tr><th>Scenario hash</th><td><code>${escapeHtml(sc.hash)}</code></td></tr>` : ""}
        ${sc.counts ? Object.entries(sc.counts).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("") : ""}
      </table></section>
    <section class="card wide"><h3>Assumptions (${assumptions.length})</h3>
      <p class="small">Every <code>source:</code> in the scenario that states a modelling judgement rather than a published figure, with where it applies.</p>${
      assumptions.length
        ? `<table class="assumptions"><tbody>${assumptions
            .map((a) =>
              typeof a === "string"
                ? `<tr><td colspan="2">${escapeHtml(a)}</td></tr>`
                : `<tr><th><code>${escapeHtml(a.path ?? "")}</code></th><td>${escapeHtml(a.text ?? JSON.stringify(a))}</td></tr>`,
            )
            .join("")}</tbody></table>`
        : `<p class="small">The scenario lists no separate assumptions; modelling choices are marked "assumption:" in the sources below.</p>`
    }
      ${sc.parameters ? `<details><summary><b>Parameters</b></summary>${valueMarkup(sc.parameters)}</details>` : ""}</section>
    <section class="card wide"><h3>Sources (${sources.length})</h3>${
      sources.length
        ? `<table class="sources"><tbody>${sources
            .map((s) => `<tr><th>${escapeHtml(s.id ?? "")}</th><td>${escapeHtml(s.text ?? s.title ?? "")}${s.url ? `<br><span class="url">${escapeHtml(s.url.replace(/^https?:\/\//, ""))}</span>` : ""}</td></tr>`)
            .join("")}</tbody></table>`
        : `<p class="small">No source list available.</p>`
    }</section>
    <section class="card wide"><h3>Combat model validation</h3>${
      validation ? valueMarkup(validation) : `<p class="small">No validation summary (data/calibration/dupuy.yaml) in this build.</p>`
    }</section>
  </div>`;
}
