// Where the viewer's data comes from, and one normalised shape for it. A report carries its
// data inline (<script id="flank-data">); the served viewer asks the `flank serve` API.
// Normalising here keeps the views independent of small differences in the JSON formats.

export function inlineData() {
  const el = document.getElementById("flank-data");
  if (!el) return null;
  try {
    return JSON.parse(el.textContent);
  } catch (e) {
    console.error("flank-data is not valid JSON", e);
    return null;
  }
}

async function getJson(url, options) {
  const res = await fetch(url, options);
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: text };
  }
  if (!res.ok) throw new Error((body && body.error) || `${res.status} ${res.statusText}`);
  return body;
}

export const api = {
  scenarios: () => getJson("api/scenarios"),
  scenario: (id) => getJson(`api/scenarios/${encodeURIComponent(id)}`),
  startRun: (request) =>
    getJson("api/runs", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    }),
  run: (id) => getJson(`api/runs/${encodeURIComponent(id)}`),
  timeline: (id, rep) => getJson(`api/runs/${encodeURIComponent(id)}/timeline?rep=${rep}`),
  sweeps: () => getJson("api/sweeps"),
};

const SIDES = ["red", "blue"];
export const sideName = (s) => (typeof s === "number" ? SIDES[s] ?? String(s) : String(s));

function interval(v) {
  if (v == null) return null;
  if (Array.isArray(v)) return { p: v[0], lo: v[1], hi: v[2] };
  if (typeof v === "number") return { p: v, lo: v, hi: v };
  return { p: v.p ?? v.estimate ?? v.mean, lo: v.lo ?? v.low, hi: v.hi ?? v.high };
}

export function normaliseSummary(s) {
  if (!s) return null;
  const scenario = s.scenario ?? { id: s.scenario_id, name: s.scenario_name };
  const horizonDays = s.horizon_days ?? (s.objectives?.[0]?.by_day?.length ?? 1) - 1;
  const objectives = (s.objectives ?? []).map((o) => {
    const byDay = (o.by_day ?? o.probability_by_day ?? []).map((v, day) => ({
      day: v.day ?? day,
      ...interval(v),
    }));
    const binHours = o.histogram?.bin_hours ?? o.bin_hours ?? s.histogram_bin_hours ?? 12;
    const counts = o.hour_histogram ?? o.histogram ?? [];
    const histogram = (Array.isArray(counts) ? counts : counts.counts ?? []).map((c, i) => ({
      start: i * binHours,
      end: (i + 1) * binHours,
      count: c,
    }));
    let q = o.hours ?? o.hour_quantiles;
    if (q && !Array.isArray(q)) q = ["q05", "q25", "q50", "q75", "q95"].map((k) => q[k]);
    return {
      id: o.id,
      name: o.name ?? o.id,
      byDay,
      histogram,
      binHours,
      quantiles: (q ?? []).map((x) => (x == null || Number.isNaN(x) ? null : x)),
      ever: interval(o.ever) ?? byDay[byDay.length - 1] ?? null,
      beforeReinforcements: interval(o.before_reinforcements),
      heldAtEnd: interval(o.held_at_end),
    };
  });
  const losses = [];
  const L = s.losses?.personnel ?? s.losses ?? {};
  for (const side of SIDES) {
    const v = L[side] ?? L.by_side?.[side];
    if (v) losses.push({ side, mean: v.mean, q05: v.q05, q50: v.q50, q95: v.q95 });
  }
  if (!losses.length && s.personnel_lost_mean) {
    SIDES.forEach((side, i) =>
      losses.push({
        side,
        mean: s.personnel_lost_mean[i],
        q05: s.personnel_lost_quantiles?.[i]?.[0],
        q50: s.personnel_lost_quantiles?.[i]?.[1],
        q95: s.personnel_lost_quantiles?.[i]?.[2],
      }),
    );
  }
  const territory = [];
  const T = s.territory;
  if (T) {
    const days = T.days ?? [3, 7, 14, 30];
    for (const side of SIDES) {
      const row = T[side] ?? T.mean?.[side];
      if (row) days.forEach((d, i) => territory.push({ side, day: d, share: row[i] }));
    }
  }
  const escalation = (Array.isArray(s.escalation) ? s.escalation : s.escalation?.rules ?? []).map(
    (e) => ({ id: e.id, name: e.name ?? e.id, ...interval(e.probability ?? e) }),
  );
  return {
    raw: s,
    scenarioId: scenario?.id,
    scenarioName: scenario?.name ?? scenario?.id ?? "scenario",
    replications: s.replications ?? s.n ?? s.run_info?.replications,
    seed: s.seed ?? s.run_info?.seed,
    combatModel: s.combat_model ?? s.run_info?.combat_model,
    horizonDays,
    objectives,
    losses,
    territory,
    escalation,
    anyEscalation: interval(s.any_escalation ?? s.escalation?.any),
    runInfo: s.run_info ?? {},
    powerLost: s.losses?.power_lost_fraction ?? null,
    lossesByCategory: s.losses?.by_category ?? [],
  };
}

// Unit status codes of flank-timeline-1 (docs/formats.md §3).
export const STATUS = ["not arrived", "holding", "moving", "attacking", "withdrawing", "broken", "destroyed or surrendered", "waiting", "not ready"];
const statusName = (v) => (typeof v === "number" ? (STATUS[v] ?? String(v)) : String(v ?? ""));

const asSide = (v) => (v === 0 || v === "red" ? "red" : v === 1 || v === "blue" ? "blue" : v);

export function normaliseTimeline(t) {
  if (!t) return null;
  const regions = t.regions.map((r, i) => ({ ...r, index: i }));
  const regionIndex = new Map(regions.map((r) => [r.id, r.index]));
  const ref = (v) => (typeof v === "string" ? (regionIndex.get(v) ?? -1) : v);
  const links = (t.links ?? []).map((l) => ({ ...l, a: ref(l.a), b: ref(l.b) }));
  const units = t.units.map((u, i) => ({ ...u, index: i, side: asSide(u.side) }));
  const frames = t.frames.map((f) => ({
    hour: f.hour,
    control: (f.control ?? []).map(asSide),
    // Units cut off from supply in this step, and this step's engagements (region indices).
    cutOff: new Set(f.cut_off ?? []),
    engagements: (f.engagements ?? []).map((e) => ({ ...e, hour: e.hour ?? f.hour, region: ref(e.region) })),
    units: (f.units ?? []).map((u) =>
      Array.isArray(u)
        ? { region: ref(u[0]), strength: u[1], status: statusName(u[2]), toward: u[3] ?? -1, progress: u[4] ?? 0 }
        : { region: ref(u.region), strength: u.strength, status: statusName(u.status), toward: u.toward ?? -1, progress: u.progress ?? 0 },
    ),
  }));
  // Engagements come per frame (flank-timeline-1) or as one list with hours (older fixtures).
  const engagements = [
    ...(t.engagements ?? []),
    ...t.frames.flatMap((f) => (f.engagements ?? []).map((e) => ({ ...e, hour: e.hour ?? f.hour }))),
  ].map((e) => ({ ...e, region: ref(e.region) }));
  const objectives = (t.objectives ?? []).map((o) => ({
    ...o,
    regions: (o.regions ?? []).map(ref),
  }));
  const scenario = t.scenario ?? { id: t.scenario_id, name: t.scenario_name, start: t.start };
  return {
    raw: t,
    scenario,
    start: new Date(scenario.start ?? t.start ?? "2023-07-15T00:00:00Z"),
    replication: t.replication ?? t.rep ?? 0,
    regions,
    links,
    units,
    frames,
    engagements,
    // Whether the timeline says which units are cut off (older ones do not).
    operational: t.frames.some((f) => Array.isArray(f.cut_off)),
    events: t.events ?? [],
    objectives,
    outcome: t.outcome ?? {},
    objectiveHours: (t.objectives ?? []).map((o, k) => {
      const out = t.outcome ?? {};
      const h = out.objectives?.[k]?.hour ?? out.objective_hour?.[k];
      return h == null || h < 0 ? null : h;
    }),
  };
}

export function formatDate(start, hour) {
  const d = new Date(start.getTime() + hour * 3600e3);
  const day = d.toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
  const hh = String(d.getUTCHours()).padStart(2, "0");
  return `${day} ${hh}:00Z`;
}
