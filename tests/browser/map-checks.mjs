// The map replay's checks: geography against the Natural Earth shapes drawn on the page,
// markers against their coordinates, the status panel against the map, the event log, unit
// echelons and stacks, time and details.
import assert from "node:assert/strict";
import { join } from "node:path";
import { check } from "./harness.mjs";

const COUNTRY = { PL: "Poland", LT: "Lithuania", LV: "Latvia", BY: "Belarus", RU: "Russia", EE: "Estonia" };
// APP-6 echelon by personnel, as docs/viewer.md states the thresholds.
const echelonOf = (p) => (p < 60 ? "platoon" : p < 300 ? "company" : p < 1000 ? "battalion" : p < 2000 ? "regiment" : p < 8000 ? "brigade" : p < 25000 ? "division" : "corps");

export async function mapChecks(page, timeline, run, artifacts) {
  const side = (c) => (c === 0 ? "red" : "blue");
  async function domControl() {
    return page.$$eval("svg.map path.region", (els) => Object.fromEntries(els.map((e) => [e.dataset.region, e.dataset.control])));
  }
  const frameControl = (k) => Object.fromEntries(timeline.regions.map((r, i) => [r.id, side(timeline.frames[k].control[i])]));
  async function setFrame(k) {
    await page.$eval(
      ".map-toolbar .slider",
      (el, v) => {
        el.value = String(v);
        el.dispatchEvent(new Event("input", { bubbles: true }));
      },
      k,
    );
  }

  await check("the map draws the countries, every region and unit", async () => {
    const countries = await page.locator("svg.map path.country").count();
    assert.ok(countries > 100, `Natural Earth countries drawn: ${countries}`);
    assert.equal(await page.locator("svg.map path.region").count(), timeline.regions.length);
    assert.equal(await page.locator("svg.map g.unit").count(), timeline.units.length);
  });

  await check("every region cell lies inside its own country (Lithuanian cells inside Lithuania)", async () => {
    const report = await page.evaluate((names) => {
      const svg = document.querySelector("svg.map");
      const out = [];
      for (const cell of svg.querySelectorAll("path.region")) {
        const name = names[cell.dataset.country];
        if (!name) continue;
        const country = svg.querySelector(`path.country[data-country="${name}"]`);
        const box = cell.getBBox();
        let inside = 0;
        let outside = 0;
        const inCell = (x, y) => cell.isPointInFill(new DOMPoint(x, y));
        for (let x = box.x; x <= box.x + box.width; x += 1.5) {
          for (let y = box.y; y <= box.y + box.height; y += 1.5) {
            // Points within 1.5 px of the cell's edge are left out: both outlines are drawn
            // from the same shapes, but rounded differently.
            if (!inCell(x, y) || !inCell(x + 1.5, y) || !inCell(x - 1.5, y) || !inCell(x, y + 1.5) || !inCell(x, y - 1.5)) continue;
            if (country.isPointInFill(new DOMPoint(x, y))) inside++;
            else outside++;
          }
        }
        out.push({ region: cell.dataset.region, country: name, inside, outside });
      }
      return out;
    }, COUNTRY);
    const lithuanian = report.filter((r) => r.country === "Lithuania");
    assert.equal(lithuanian.length, timeline.regions.filter((r) => r.country === "LT").length);
    for (const r of report) {
      assert.ok(r.inside > 0, `${r.region}: the cell has an inside`);
      assert.equal(r.outside, 0, `${r.region}: ${r.outside} of ${r.inside + r.outside} sample points outside ${r.country}`);
    }
  });

  await check("objective markers sit on their coordinates at two zoom levels", async () => {
    const objectiveRegions = [...new Set(timeline.objectives.flatMap((o) => o.regions))].map((i) => timeline.regions[i]);
    // The page's projection, checked against the Natural Earth shape it draws: a point well
    // inside Lithuania maps into the Lithuania path.
    const probe = await page.evaluate(() => {
      const [x, y] = window.flank.map.screenPoint(24.0, 55.3);
      return document.elementsFromPoint(x, y).map((e) => e.dataset?.country ?? "");
    });
    assert.ok(probe.includes("Lithuania"), `24.0° E 55.3° N is drawn in Lithuania: ${probe}`);
    for (const zoom of ["default", "whole", "close"]) {
      if (zoom === "whole") await page.evaluate(() => window.flank.map.zoomReset());
      if (zoom === "close") await page.evaluate(() => window.flank.map.zoomTo(["vilnius"], 4));
      const k = +(await page.getAttribute("svg.map", "data-zoom"));
      for (const r of objectiveRegions) {
        const got = await page.evaluate(
          ({ id, lon, lat }) => {
            const star = document.querySelector(`svg.map path.objective-star[data-region="${id}"]`);
            const b = star.getBoundingClientRect();
            const visible = b.right > 0 && b.bottom > 0 && b.left < innerWidth && b.top < innerHeight;
            return { at: [b.left + b.width / 2, b.top + b.height / 2], want: window.flank.map.screenPoint(lon, lat), visible };
          },
          { id: r.id, lon: r.lon, lat: r.lat },
        );
        const d = Math.hypot(got.at[0] - got.want[0], got.at[1] - got.want[1]);
        assert.ok(d < 3, `${r.id} at zoom ${k}: the star is ${d.toFixed(1)} px from its coordinates`);
      }
    }
    await page.evaluate(() => window.flank.map.zoomReset());
  });

  await check("the default view shows the Suwałki corridor with its width", async () => {
    const fresh = await page.context().newPage();
    await fresh.goto(page.url());
    await fresh.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    const k = +(await fresh.getAttribute("svg.map", "data-zoom"));
    assert.ok(k > 1.5, `opens zoomed in on the gap (k = ${k})`);
    const gap = +(await fresh.getAttribute("svg.map .corridor-label", "data-gap-km"));
    // Belarus to Kaliningrad oblast: about 65 km (Wikipedia, "Suwałki Gap").
    assert.ok(gap > 55 && gap < 75, `gap width ${gap} km`);
    const border = await fresh.locator("svg.map path.corridor-border").boundingBox();
    const map = await fresh.locator("svg.map").boundingBox();
    assert.ok(border && border.x > map.x && border.x + border.width < map.x + map.width && border.y > map.y && border.y + border.height < map.y + map.height, "the corridor lies inside the view");
    for (const id of ["suwalki", "vilnius", "hrodna", "kaunas"]) {
      const star = await fresh.locator(`svg.map .region-label[data-region="${id}"]`).boundingBox();
      assert.ok(star && star.x > map.x && star.x < map.x + map.width && star.y > map.y && star.y < map.y + map.height, `${id} is in the default view`);
    }
    await fresh.close();
  });

  await check("the slider moves time and region control follows the timeline", async () => {
    await setFrame(0);
    const first = await domControl();
    assert.deepEqual(first, frameControl(0));
    assert.equal(await page.locator(".clock .hour").textContent(), `Hour ${timeline.frames[0].hour}`);
    const k = timeline.frames.findIndex((f) => f.control.some((c, i) => c !== timeline.frames[0].control[i]));
    assert.ok(k > 0, "some region changes hands in replication 0");
    await setFrame(k);
    const later = await domControl();
    assert.deepEqual(later, frameControl(k));
    assert.notDeepEqual(later, first);
    const date = await page.locator(".clock .date").textContent();
    const expected = new Date(Date.parse(timeline.scenario.start) + timeline.frames[k].hour * 3600e3);
    assert.ok(date.includes(String(expected.getUTCFullYear())) && date.includes(`${String(expected.getUTCHours()).padStart(2, "0")}:00Z`), date);
  });

  await check("the status panel agrees with the map at the last hour", async () => {
    const last = timeline.frames.length - 1;
    await setFrame(last);
    const control = await domControl();
    const ids = timeline.regions.map((r) => r.id);
    const red = (i) => control[ids[i]] === "red";
    const adjacent = ids.map(() => []);
    for (const l of timeline.links) adjacent[l.a].push(l.b), adjacent[l.b].push(l.a);
    const connected = (from, to) => {
      const seen = new Set(from.filter(red));
      const queue = [...seen];
      while (queue.length) {
        const i = queue.shift();
        if (to.includes(i)) return true;
        for (const j of adjacent[i]) if (!seen.has(j) && red(j)) seen.add(j), queue.push(j);
      }
      return false;
    };
    for (const [k, o] of timeline.objectives.entries()) {
      const li = page.locator(`.status li.objective[data-objective="${o.id}"]`);
      const heldOnMap = o.kind === "connect" ? connected(o.from, o.to) : o.regions.every(red);
      assert.equal(await li.getAttribute("data-held-now"), heldOnMap ? "red" : "no", `${o.id}: held now`);
      const text = await li.textContent();
      assert.match(text, heldOnMap ? /held by Red now/ : /not held by Red now/);
      const hour = timeline.outcome.objectives[k].hour;
      assert.equal(await li.getAttribute("data-taken"), hour == null ? "" : String(hour));
      if (hour != null) assert.ok(text.includes(`taken at hour ${hour}`), text);
    }
    const typical = await page.locator(".status .typicality").getAttribute("data-n");
    assert.equal(+typical, run.summary.replications);
  });

  await check("the event log lists every event and links each to its region", async () => {
    assert.equal(await page.locator("ol.event-log li").count(), timeline.events.length);
    const kinds = [...new Set(timeline.events.map((e) => e.kind))];
    await page.selectOption(".events-box .event-kind", "control");
    const shown = await page.locator("ol.event-log li:not([hidden])").count();
    assert.equal(shown, timeline.events.filter((e) => e.kind === "control").length);
    await page.selectOption(".events-box .event-kind", "");
    assert.ok(kinds.length > 1);
    const control = timeline.events.findIndex((e) => e.kind === "control");
    const item = page.locator("ol.event-log li").nth(control);
    const region = await item.getAttribute("data-region");
    const r = timeline.regions.find((x) => x.id === region);
    assert.ok(r && timeline.events[control].text.startsWith(r.name), `${timeline.events[control].text} → ${region}`);
    await item.locator("button").click();
    assert.equal(await page.locator(".clock .hour").textContent(), `Hour ${timeline.events[control].hour}`);
    assert.equal(await page.locator(".details h3").textContent(), r.name);
    assert.equal(await page.locator(`svg.map path.region.selected`).getAttribute("data-region"), region);
  });

  await check("units carry the echelon of their size, and piles their count and strength", async () => {
    const marks = await page.$$eval("svg.map g.unit", (els) => Object.fromEntries(els.map((e) => [e.dataset.unit, e.querySelector(".echelon")?.dataset.echelon])));
    for (const u of timeline.units) assert.equal(marks[u.id], echelonOf(u.personnel), `${u.id} (${Math.round(u.personnel)} personnel)`);
    assert.ok(new Set(Object.values(marks)).size >= 3, "several echelons in the built-in scenario");
    const k = timeline.frames.findIndex((f) => f.hour === 48);
    await setFrame(k);
    const badges = await page.$$eval("svg.map g.stack-count", (els) => els.map((e) => ({ n: +e.dataset.count, text: e.textContent })));
    for (const b of badges) assert.match(b.text, new RegExp(`^${b.n} units · [\\d,]+`));
  });

  await check("clicking a region and a unit shows details with sources", async () => {
    await setFrame(Math.min(timeline.frames.length - 1, 47));
    await page.locator('svg.map path.region[data-region="suwalki"]').dispatchEvent("click");
    const regionText = await page.locator(".details").textContent();
    assert.match(regionText, /Suwałki/);
    assert.match(regionText, /Source:/);
    const unit = page.locator('svg.map g.unit:not([display="none"])').first();
    const id = await unit.getAttribute("data-unit");
    await unit.dispatchEvent("click");
    const name = timeline.units.find((u) => u.id === id).name;
    assert.ok((await page.locator(".details").textContent()).includes(name));
  });

  await check("play advances the clock", async () => {
    await setFrame(0);
    await page.click(".map-toolbar .play");
    await page.waitForFunction(() => +document.querySelector(".map-toolbar .slider").value >= 6, null, { timeout: 10000 });
    await page.click(".map-toolbar .play");
  });

  await check("map screenshot", async () => {
    // A moment with fighting, for the picture: the hour with the most engagements in day 2-3.
    let best = 0;
    let bestCount = -1;
    timeline.frames.forEach((f, k) => {
      if (f.hour < 24 || f.hour > 72) return;
      const n = (f.engagements ?? []).length;
      if (n > bestCount) [best, bestCount] = [k, n];
    });
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    await setFrame(best);
    await page.locator('svg.map path.region[data-region="suwalki"]').dispatchEvent("click");
    // The cells' fill transitions (headless Chromium advances them only slowly).
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    await page.screenshot({ path: join(artifacts, "map.png") });
  });
}
