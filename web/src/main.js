// flank viewer: map replay, outcome dashboard, sweeps, assumptions. Works from the embedded
// report data when present, else from the `flank serve` API.
import "./style.css";
import { api, inlineData, normaliseSummary, normaliseTimeline } from "./data.js";
import { createMap, escapeHtml } from "./map.js";
import { createDashboard } from "./dashboard.js";
import { createSweeps, normaliseSweeps } from "./sweeps.js";
import { createAbout } from "./about.js";

const app = document.getElementById("app");
app.innerHTML = `
  <header class="top">
    <div class="brand">flank <span>campaign simulation · NATO eastern flank</span></div>
    <nav class="tabs">
      <button data-view="map" class="active">Map replay</button>
      <button data-view="dashboard">Outcomes</button>
      <button data-view="sweeps">Sweeps</button>
      <button data-view="about">Assumptions &amp; sources</button>
    </nav>
    <div class="runbar"></div>
  </header>
  <main>
    <div class="view" id="view-map"></div>
    <div class="view" id="view-dashboard" hidden></div>
    <div class="view" id="view-sweeps" hidden></div>
    <div class="view" id="view-about" hidden></div>
  </main>`;

const views = {
  map: document.getElementById("view-map"),
  dashboard: document.getElementById("view-dashboard"),
  sweeps: document.getElementById("view-sweeps"),
  about: document.getElementById("view-about"),
};
function show(name) {
  for (const [k, el] of Object.entries(views)) el.hidden = k !== name;
  for (const b of app.querySelectorAll(".tabs button")) b.classList.toggle("active", b.dataset.view === name);
  document.body.dataset.view = name;
}
for (const b of app.querySelectorAll(".tabs button")) b.addEventListener("click", () => show(b.dataset.view));

const state = (window.flank = { ready: false, summary: null, timeline: null, runId: null, map: null });

function message(el, text) {
  el.innerHTML = `<div class="message">${escapeHtml(text)}</div>`;
}

function showTimeline(timeline, scenario, { onReplication, replications } = {}) {
  state.map?.stop();
  state.timeline = normaliseTimeline(timeline);
  state.map = createMap(views.map, state.timeline, { scenario, onReplication, replications });
}

function render({ summary, timeline, scenario, validation, sweeps, onReplication }) {
  if (timeline) showTimeline(timeline, scenario, { onReplication, replications: summary?.replications });
  if (summary) {
    state.summary = normaliseSummary(summary);
    createDashboard(views.dashboard, state.summary);
  }
  if (sweeps !== undefined) createSweeps(views.sweeps, normaliseSweeps(sweeps));
  createAbout(views.about, { scenario, validation, summary: state.summary });
}

async function served() {
  const runbar = app.querySelector(".runbar");
  runbar.innerHTML = `
    <select class="scenario" aria-label="Scenario"></select>
    <label>n <input class="n" type="number" min="1" max="100000" value="500"></label>
    <label>seed <input class="seed" type="number" min="0" value="1"></label>
    <button class="run">Run</button>
    <span class="progress"></span>`;
  const select = runbar.querySelector(".scenario");
  const progress = runbar.querySelector(".progress");
  let scenarios = [];
  try {
    const list = await api.scenarios();
    scenarios = list.scenarios ?? list;
    select.innerHTML = scenarios
      .map((s) => `<option value="${escapeHtml(s.id)}">${escapeHtml(s.name ?? s.id)}</option>`)
      .join("");
  } catch (e) {
    progress.textContent = `cannot list scenarios: ${e.message}`;
  }
  let sweeps = null;
  try {
    sweeps = await api.sweeps();
  } catch {
    sweeps = null;
  }

  async function follow(runId) {
    state.runId = runId;
    history.replaceState(null, "", `?run=${encodeURIComponent(runId)}`);
    for (;;) {
      const r = await api.run(runId);
      if (r.status === "done") {
        progress.textContent = `run ${runId}: ${r.summary?.replications ?? ""} replications done`;
        const [timeline, scenario] = await Promise.all([
          api.timeline(runId, 0).catch(() => null),
          api.scenario(r.scenario ?? r.summary?.scenario?.id ?? select.value).catch(() => null),
        ]);
        if (r.scenario) select.value = r.scenario;
        const info = scenario?.scenario ?? scenario;
        // Another replication of the same run, replayed on demand by the server.
        const onReplication = async (rep) => {
          const t = await api.timeline(runId, rep);
          showTimeline(t, info, { onReplication, replications: r.n });
        };
        render({ summary: r.summary, timeline, scenario: info, validation: scenario?.validation, sweeps, onReplication });
        if (!timeline) message(views.map, "No timeline for this run.");
        state.ready = true;
        document.body.dataset.ready = "1";
        return;
      }
      if (r.status === "failed") {
        progress.textContent = `run ${runId} failed: ${r.error ?? ""}`;
        return;
      }
      const done = r.progress?.done ?? 0;
      const total = r.progress?.total ?? 0;
      progress.textContent = `run ${runId}: ${r.status} ${total ? Math.round((100 * done) / total) : 0} %`;
      await new Promise((res) => setTimeout(res, 400));
    }
  }

  runbar.querySelector(".run").addEventListener("click", async () => {
    try {
      const body = {
        scenario: select.value,
        n: +runbar.querySelector(".n").value,
        seed: +runbar.querySelector(".seed").value,
      };
      const r = await api.startRun(body);
      await follow(r.id);
    } catch (e) {
      progress.textContent = e.message;
    }
  });

  const params = new URLSearchParams(location.search);
  const runId = params.get("run");
  if (runId) await follow(runId);
  else if (scenarios.length) {
    message(views.map, "Starting a first run of the built-in scenario…");
    const r = await api.startRun({ scenario: scenarios[0].id, n: 500, seed: 1 });
    await follow(r.id);
  }
  if (params.get("view")) show(params.get("view"));
}

const embedded = inlineData();
if (embedded) {
  document.body.classList.add("report");
  app.querySelector(".runbar").innerHTML = `<span class="small">Report generated ${escapeHtml(embedded.generated ?? "")}</span>`;
  render({ ...embedded, sweeps: embedded.sweeps ?? null });
  state.ready = true;
  document.body.dataset.ready = "1";
  const view = new URLSearchParams(location.search).get("view");
  if (view) show(view);
} else {
  served().catch((e) => message(views.map, `Error: ${e.message}`));
}
