// flank viewer: map replay, outcome dashboard, sweeps, assumptions. Works from the embedded
// report data when present, else from the `flank serve` API.
import "./style.css";
import { api, inlineData, normaliseSummary, normaliseTimeline } from "./data.js";
import { h, fill } from "./dom.js";
import { createMap } from "./map.js";
import { createDashboard } from "./dashboard.js";
import { createSweeps, normaliseSweeps } from "./sweeps.js";
import { normaliseGame } from "./gamechart.js";
import { createAbout } from "./about.js";

const VIEWS = [
  ["map", "Map replay"],
  ["dashboard", "Outcomes"],
  ["sweeps", "Sweeps"],
  ["about", "Assumptions & sources"],
];
const app = document.getElementById("app");
const tabs = VIEWS.map(([id, label]) => h("button", { type: "button", dataset: { view: id }, class: id === "map" ? "active" : null, onclick: () => show(id) }, label));
const runbar = h("div", { class: "runbar" });
const views = Object.fromEntries(VIEWS.map(([id]) => [id, h("div", { class: "view", id: `view-${id}`, hidden: id !== "map" })]));
app.replaceChildren(
  h(
    "header",
    { class: "top" },
    h("div", { class: "brand" }, "flank ", h("span", null, "campaign simulation · NATO eastern flank")),
    h("nav", { class: "tabs" }, tabs),
    runbar,
  ),
  h("main", null, Object.values(views)),
);

function show(name) {
  for (const [k, el] of Object.entries(views)) el.hidden = k !== name;
  for (const b of tabs) b.classList.toggle("active", b.dataset.view === name);
  document.body.dataset.view = name;
}

const state = (window.flank = { ready: false, summary: null, timeline: null, runId: null, map: null });

function message(el, text) {
  fill(el, h("div", { class: "message" }, text));
}

// --set overrides as "PATH=VALUE" texts, whether a list of them or a {path: value} map.
const overrideList = (o) => (Array.isArray(o) ? o.map(String) : o && typeof o === "object" ? Object.entries(o).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`) : []);

function showTimeline(timeline, scenario, options) {
  state.map?.stop();
  state.timeline = normaliseTimeline(timeline);
  state.map = createMap(views.map, state.timeline, { scenario, summary: state.summary, ...options });
}

function render({ summary, timeline, scenario, validation, sweeps, games, onReplication, ranking }) {
  if (summary) {
    state.summary = normaliseSummary(summary);
    createDashboard(views.dashboard, state.summary);
  }
  if (timeline) showTimeline(timeline, scenario, { onReplication, replications: summary?.replications, ranking });
  if (sweeps !== undefined || games) createSweeps(views.sweeps, normaliseSweeps(sweeps), (games ?? []).map(normaliseGame).filter(Boolean));
  createAbout(views.about, { scenario, validation, summary: state.summary });
}

// Finished runs are remembered per inputs in this browser (results are the same for the same
// scenario, replications and seed), so a page load or a Run with the same inputs shows the
// stored run instead of starting another one on the server.
const RUNS_KEY = "flank.runs";
const runKey = (r) => JSON.stringify([r.scenario, r.n, r.seed, r.overrides ?? []]);
function rememberedRuns() {
  try {
    return JSON.parse(localStorage.getItem(RUNS_KEY) ?? "{}") ?? {};
  } catch {
    return {};
  }
}
function remember(request, id) {
  try {
    const runs = rememberedRuns();
    runs[runKey(request)] = id;
    localStorage.setItem(RUNS_KEY, JSON.stringify(runs));
  } catch {
    // Storage may be disabled; the viewer then starts runs as asked.
  }
}
async function reusableRun(request) {
  const id = rememberedRuns()[runKey(request)];
  if (!id) return null;
  try {
    const r = await api.run(id);
    const same = r.scenario === request.scenario && r.n === request.n && r.seed === request.seed && JSON.stringify(r.overrides ?? []) === JSON.stringify(request.overrides ?? []);
    return same && r.status !== "failed" ? id : null;
  } catch {
    return null; // the server restarted and forgot it
  }
}

async function served() {
  const select = h("select", { class: "scenario", "aria-label": "Scenario" });
  const nInput = h("input", { class: "n", type: "number", min: 1, max: 100000, value: 500, "aria-label": "Replications" });
  const seedInput = h("input", { class: "seed", type: "number", min: 0, value: 1, "aria-label": "Seed" });
  const runButton = h("button", { class: "run", type: "button" }, "Run");
  const progress = h("span", { class: "progress" });
  fill(runbar, select, h("label", null, "n ", nInput), h("label", null, "seed ", seedInput), runButton, progress);
  let defaultScenario = null;
  try {
    const list = await api.scenarios();
    const scenarios = list.scenarios ?? list;
    defaultScenario = list.default ?? scenarios.find((x) => x.id === "eastern-flank-2023")?.id ?? scenarios[0]?.id;
    fill(
      select,
      scenarios.map((x) => h("option", { value: x.id, selected: x.id === defaultScenario }, x.name ?? x.id)),
    );
  } catch (e) {
    progress.textContent = `cannot list scenarios: ${e.message}`;
  }
  let sweeps = null;
  try {
    sweeps = await api.sweeps();
  } catch {
    sweeps = null;
  }

  let replays = 0;
  async function follow(runId) {
    state.runId = runId;
    history.replaceState(null, "", `?run=${encodeURIComponent(runId)}${new URLSearchParams(location.search).get("view") ? `&view=${encodeURIComponent(new URLSearchParams(location.search).get("view"))}` : ""}`);
    for (;;) {
      const r = await api.run(runId);
      if (r.status === "done") {
        const overrides = overrideList(r.overrides ?? r.summary?.overrides);
        progress.textContent = `run ${runId}: ${r.summary?.replications ?? ""} replications done${overrides.length ? ` · with --set ${overrides.join(", ")}` : ""}`;
        const [timeline, scenario] = await Promise.all([
          api.timeline(runId, 0).catch(() => null),
          api.scenario(r.scenario ?? r.summary?.scenario?.id ?? select.value).catch(() => null),
        ]);
        if (r.scenario) select.value = r.scenario;
        nInput.value = r.n;
        seedInput.value = r.seed;
        const info = scenario?.scenario ?? scenario;
        // Another replication of the same run, replayed on demand by the server.
        const onReplication = async (rep) => {
          const ticket = ++replays;
          const t = await api.timeline(runId, rep);
          if (ticket !== replays) return; // a later choice is on its way
          showTimeline(t, info, { onReplication, replications: r.n, ranking: r.ranking });
        };
        render({ summary: r.summary, timeline, scenario: info, validation: scenario?.validation, sweeps, onReplication, ranking: r.ranking });
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

  async function start(request) {
    const known = await reusableRun(request);
    if (known) return follow(known);
    const r = await api.startRun(request);
    remember(request, r.id);
    return follow(r.id);
  }

  runButton.addEventListener("click", async () => {
    try {
      await start({ scenario: select.value, n: +nInput.value, seed: +seedInput.value });
    } catch (e) {
      progress.textContent = e.message;
    }
  });

  const params = new URLSearchParams(location.search);
  const runId = params.get("run");
  if (runId) await follow(runId);
  else if (defaultScenario) {
    message(views.map, "Loading a run of the built-in scenario…");
    await start({ scenario: defaultScenario, n: 500, seed: 1 });
  }
  if (params.get("view")) show(params.get("view"));
}

const embedded = inlineData();
if (embedded) {
  document.body.classList.add("report");
  // A report of a variant says so next to its date: the --set overrides the run was made with.
  const overrides = overrideList(embedded.summary?.overrides ?? embedded.scenario?.overrides);
  fill(
    runbar,
    h("span", { class: "small" }, `Report generated ${embedded.generated ?? ""}`),
    overrides.length ? h("span", { class: "small overrides", title: "Scenario values overridden with --set" }, ` · with --set ${overrides.join(", ")}`) : null,
  );
  if (embedded.title) document.title = embedded.title;
  render({ ...embedded, sweeps: embedded.sweeps ?? null });
  state.ready = true;
  document.body.dataset.ready = "1";
  const view = new URLSearchParams(location.search).get("view");
  if (view) show(view);
} else {
  served().catch((e) => {
    console.error(e);
    message(views.map, `Error: ${e.message}`);
  });
}
