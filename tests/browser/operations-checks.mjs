// The map replay's operational layer and replication ranking, checked against the API's own
// timelines: cut-off units ringed at the hours the timeline lists them, besieged regions,
// engagement kinds and defences on hover, the event log's kinds and region ids, and the
// "typical" and "worst" buttons against GET /api/runs/{id}'s ranking.
import assert from "node:assert/strict";
import { join } from "node:path";
import { api, check, finishedRun } from "./harness.mjs";

const KIND_LABEL = { assault: "Assault", overrun: "Overrun", siege: "Siege" };

async function setFrame(page, k) {
  await page.$eval(
    ".map-toolbar .slider",
    (el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    },
    k,
  );
}

async function showReplication(page, rep) {
  await page.fill(".map-toolbar .rep input", String(rep));
  await page.dispatchEvent(".map-toolbar .rep input", "change");
  await page.waitForFunction((r) => window.flank.timeline?.replication === r, rep, { timeout: 20000 });
}

// The first replication (from 0) of a run whose timeline has a frame satisfying `wanted`.
async function findReplication(base, run, wanted, limit) {
  for (let rep = 0; rep < Math.min(limit, run.n); rep++) {
    const timeline = await api(base, `/api/runs/${run.id}/timeline?rep=${rep}`);
    const k = timeline.frames.findIndex((f) => wanted(f));
    if (k >= 0) return { rep, timeline, k };
  }
  return null;
}

// The median and the earliest fall, by the ranking's hours (never last, ties by replication).
function expectedRanks(hours) {
  const order = hours.map((h, rep) => ({ rep, h: h ?? Infinity })).sort((a, b) => a.h - b.h || a.rep - b.rep);
  return { median: order[Math.floor((order.length - 1) / 2)], worst: order[0] };
}

export async function operationsChecks(page, base, run, artifacts) {
  await check("a unit cut off from supply is ringed at an hour the timeline says so", async () => {
    const found = await findReplication(base, run, (f) => f.cut_off?.length > 0, 12);
    assert.ok(found, "some replication among the first 12 has a unit cut off");
    const { rep, timeline, k } = found;
    await showReplication(page, rep);
    const marks = async () =>
      page.$$eval("svg.map g.unit", (els) =>
        Object.fromEntries(
          els.map((e) => {
            const ring = e.querySelector(".cut-off-ring");
            const box = ring.getBoundingClientRect();
            return [e.dataset.unit, { flagged: e.dataset.cutOff === "1", ringShown: ring.getAttribute("display") !== "none" && box.width > 0 }];
          }),
        ),
      );
    await setFrame(page, k);
    const cut = new Set(timeline.frames[k].cut_off.map((i) => timeline.units[i].id));
    const at = await marks();
    for (const u of timeline.units) {
      assert.equal(at[u.id].flagged, cut.has(u.id), `${u.id} at hour ${timeline.frames[k].hour}`);
      assert.equal(at[u.id].ringShown, cut.has(u.id), `${u.id}'s ring at hour ${timeline.frames[k].hour}`);
    }
    assert.equal(+(await page.getAttribute(".status .cut-off-status", "data-cut-off")), cut.size);
    // And no ring at an hour with nobody cut off.
    const clear = timeline.frames.findIndex((f) => f.cut_off.length === 0);
    await setFrame(page, clear);
    assert.deepEqual(Object.entries(await marks()).filter(([, m]) => m.flagged || m.ringShown), []);
    assert.match(await page.locator(".legend").textContent(), /cut off from supply/i);
  });

  await check("the event log offers every kind and places events by their region ids", async () => {
    const timeline = await page.evaluate(() => window.flank.timeline.raw);
    const options = await page.$$eval(".events-box .event-kind option", (os) => os.map((o) => o.value));
    for (const kind of ["overrun", "pocket", "surrender", "control", "break", "arrival", "objective", "escalation", "decision"]) assert.ok(options.includes(kind), `the filter offers ${kind}`);
    const items = await page.$$eval("ol.event-log li", (lis) => lis.map((li) => ({ region: li.dataset.region, placed: li.dataset.placed })));
    let byId = 0;
    timeline.events.forEach((e, i) => {
      if (e.region == null) return;
      byId++;
      assert.equal(items[i].region, timeline.regions[e.region].id, `${e.text}`);
      assert.equal(items[i].placed, "id");
    });
    assert.ok(byId > 0, "some events carry a region id");
    const kind = ["pocket", "overrun", "surrender"].find((x) => timeline.events.some((e) => e.kind === x));
    assert.ok(kind, "this replication has a pocket, overrun or surrender event");
    await page.selectOption(".events-box .event-kind", kind);
    assert.equal(await page.locator("ol.event-log li:not([hidden])").count(), timeline.events.filter((e) => e.kind === kind).length);
    await page.selectOption(".events-box .event-kind", "");
  });

  await check("engagements show their kind and the defence they met on hover", async () => {
    const timeline = await page.evaluate(() => window.flank.timeline.raw);
    const k = timeline.frames.findIndex((f) => f.engagements.length > 0 && f.engagements.some((e) => e.kind !== "assault"));
    const at = k >= 0 ? k : timeline.frames.findIndex((f) => f.engagements.length > 0);
    await setFrame(page, at);
    const hour = timeline.frames[at].hour;
    const want = timeline.frames
      .filter((f) => f.hour <= hour && f.hour > hour - 6)
      .flatMap((f) => f.engagements.map((e) => `${timeline.regions[e.region].id} ${e.kind} ${e.defence} ${f.hour}`))
      .sort();
    const stars = await page.$$eval("svg.map path.engagement", (ps) => ps.map((p) => ({ region: p.dataset.region, kind: p.dataset.kind, defence: p.dataset.defence, title: p.querySelector("title")?.textContent ?? "" })));
    const got = stars.map((s) => `${s.region} ${s.kind} ${s.defence} ${s.title.match(/hour (\d+)/)?.[1]}`).sort();
    assert.deepEqual(got, want);
    for (const s of stars) {
      assert.ok(s.title.startsWith(`${KIND_LABEL[s.kind]} at `), s.title);
      assert.ok(s.title.includes(`${s.defence} defence`) || (s.defence === "screen" && s.title.includes("a screen")), s.title);
    }
  });

  await check("a besieged region is drawn hatched while its cut-off defenders are attacked", async () => {
    // Sieges are rarer than pockets: the first replications of this run, else of a run of
    // the Baltic scenario of RAND's 2016 wargames.
    const isolated = (f, e) => e.defenders.length > 0 && e.defenders.every((i) => f.cut_off.includes(i));
    const siege = (f) => f.engagements.some((e) => e.kind === "siege" || isolated(f, e));
    let target = run;
    let found = await findReplication(base, run, siege, 24);
    if (!found) {
      target = await finishedRun(base, { scenario: "rand-2016-baltics", n: 8, seed: 1 });
      found = await findReplication(base, target, siege, 8);
    }
    assert.ok(found, "a siege in one of the first 24 replications of the run or 8 of the Baltic scenario");
    const { rep, timeline, k } = found;
    const other = target === run ? page : await page.context().newPage();
    if (other !== page) {
      await other.goto(`${base}/?run=${target.id}`);
      await other.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    }
    if (rep !== (await other.evaluate(() => window.flank.timeline.replication))) await showReplication(other, rep);
    await setFrame(other, k);
    const f = timeline.frames[k];
    const want = [...new Set(f.engagements.filter((e) => e.kind === "siege" || isolated(f, e)).map((e) => timeline.regions[e.region].id))].sort();
    const flagged = await other.$$eval('svg.map path.region[data-besieged="1"]', (ps) => ps.map((p) => p.dataset.region).sort());
    const hatched = await other.$$eval("svg.map path.besieged", (ps) => ps.map((p) => p.dataset.region).sort());
    assert.deepEqual(flagged, want);
    assert.deepEqual(hatched, want);
    await other.locator(`svg.map path.region[data-region="${want[0]}"]`).dispatchEvent("click");
    assert.match(await other.locator(".details").textContent(), /Besieged.*cut off/);
    await other.evaluate((id) => window.flank.map.zoomTo([id], 3), want[0]);
    // The cells' fill transitions (headless Chromium advances them only slowly).
    await other.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    await other.screenshot({ path: join(artifacts, "siege.png") });
    if (other === page) await page.evaluate(() => window.flank.map.zoomReset());
    else await other.close();
  });

  await check('"typical" shows the median replication and "worst" the earliest fall', async () => {
    const ranking = run.ranking;
    assert.ok(ranking && ranking.hours.length === run.n, "the run lists every replication's hour");
    const { median, worst } = expectedRanks(ranking.hours);
    const k = run.summary.objectives.findIndex((o) => o.id === ranking.objective);
    for (const [button, want] of [
      ["typical", median],
      ["worst", worst],
    ]) {
      await page.click(`.map-toolbar .rep button.${button}`);
      await page.waitForFunction((r) => window.flank.timeline?.replication === r, want.rep, { timeout: 20000 });
      const shown = await page.evaluate((i) => window.flank.timeline.objectiveHours[i], k);
      assert.equal(shown ?? Infinity, want.h, `${button}: replication ${want.rep}'s own timeline`);
      assert.match(await page.locator(".status h3").textContent(), new RegExp(`^Replication ${want.rep} of ${run.n}$`));
    }
    // The median splits the run: no more than half the replications fell later, none is
    // counted twice.
    const later = ranking.hours.filter((h) => (h ?? Infinity) > median.h).length;
    const sooner = ranking.hours.filter((h) => (h ?? Infinity) < median.h).length;
    assert.ok(sooner <= run.n / 2 && later <= run.n / 2, `median hour ${median.h}: ${sooner} sooner, ${later} later of ${run.n}`);
    await showReplication(page, 0);
  });
}
