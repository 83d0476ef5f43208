// Browser tests of the viewer, run by CTest (label `browser`):
//   node tests/browser/viewer.mjs path/to/flank
// Starts `flank serve` on a free loopback port, drives headless Chromium (playwright-core
// from web/node_modules) through the map replay and the dashboard, checks what is drawn
// against the API's own data, then opens a `flank report` file from file:// and checks that
// it makes no network request. Screenshots go to tests/browser/artifacts/ and docs/img/.
// Exit status 77 (CTest SKIP_RETURN_CODE) only when Chromium is absent.
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const artifacts = join(here, "artifacts");
const flank = resolve(process.argv[2] ?? join(root, "build/release/flank"));
const SCENARIO = "eastern-flank-2023";

const chromiumPath = [process.env.FLANK_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (p) => p && existsSync(p),
);
if (!chromiumPath) {
  console.log("SKIP: Chromium not found (install it with FLANK_WITH_BROWSER=1 bash scripts/setup.sh)");
  process.exit(77);
}
let chromium;
try {
  ({ chromium } = createRequire(join(root, "web/package.json"))("playwright-core"));
} catch (e) {
  console.error(`playwright-core is missing: run 'npm ci' in web/ (the CMake web build does). ${e.message}`);
  process.exit(1);
}
if (!existsSync(flank)) {
  console.error(`flank binary not found: ${flank}`);
  process.exit(1);
}
mkdirSync(artifacts, { recursive: true });

const results = { passed: 0, failed: 0 };
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.passed++;
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.failed++;
    console.log(`not ok - ${name}\n  ${String(e.stack ?? e).split("\n").join("\n  ")}`);
  }
}

function startServer(extra = []) {
  return new Promise((resolvePort, reject) => {
    const proc = spawn(flank, ["serve", "--port", "0", "--host", "127.0.0.1", ...extra], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`flank serve did not start: ${out}`)), 20000);
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolvePort({ proc, base: `http://127.0.0.1:${m[1]}` });
      }
    });
    proc.stderr.on("data", (d) => process.stderr.write(`[serve] ${d}`));
    proc.on("exit", (code) => reject(new Error(`flank serve exited with ${code}: ${out}`)));
  });
}

async function api(base, path, options) {
  const res = await fetch(base + path, options);
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

const profile = mkdtempSync(join(tmpdir(), "flank-browser-"));
let server;
let context;
try {
  // A small sweep of the test scenario, so that the sweep view has a study to show.
  const design = join(profile, "design.yaml");
  writeFileSync(
    design,
    "study: browser-sweep\nscenario: builtin:test-duel\ndesign: full_factorial\n" +
      "factors:\n  - {path: parameters.noise_sigma, levels: [0.1, 0.3]}\noutputs: [p:take-west]\n" +
      "replications: 40\nseed: 2\n",
  );
  const store = join(profile, "results.db");
  execFileSync(flank, ["sweep", "--design", design, "--store", store, "-q"], { stdio: "inherit" });
  server = await startServer(["--store", store]);
  const { base } = server;

  // One run shared by the checks: small enough to finish in a few seconds on two cores.
  const started = await api(base, "/api/runs", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ scenario: SCENARIO, n: 300, seed: 7 }),
  });
  let run;
  for (let i = 0; i < 600; i++) {
    run = await api(base, `/api/runs/${started.id}`);
    if (run.status === "done" || run.status === "failed") break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(run.status, "done", `run did not finish: ${JSON.stringify(run).slice(0, 300)}`);
  const timeline = await api(base, `/api/runs/${started.id}/timeline?rep=0`);

  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("request", (r) => requests.push(r.url()));

  await check("the viewer loads from flank serve and finds the run", async () => {
    await page.goto(`${base}/?run=${started.id}`);
    await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    assert.deepEqual(errors, []);
    const foreign = requests.filter((u) => !u.startsWith(base));
    assert.deepEqual(foreign, [], "every request goes to flank serve itself");
  });

  await check("the map draws country borders and the Suwałki region", async () => {
    const countries = await page.locator("svg.map path.country").count();
    assert.ok(countries > 100, `Natural Earth countries drawn: ${countries}`);
    const box = await page.locator('svg.map path.region[data-region="suwalki"]').boundingBox();
    assert.ok(box && box.width > 5 && box.height > 5, `Suwałki cell has a size: ${JSON.stringify(box)}`);
    const map = await page.locator("svg.map").boundingBox();
    assert.ok(box.x >= map.x && box.x + box.width <= map.x + map.width, "Suwałki lies inside the map");
    const regions = await page.locator("svg.map path.region").count();
    assert.equal(regions, timeline.regions.length);
    const units = await page.locator("svg.map g.unit").count();
    assert.equal(units, timeline.units.length);
  });

  // Region control in the DOM must equal the timeline's frame, at every frame we visit.
  async function domControl() {
    return page.$$eval("svg.map path.region", (els) => Object.fromEntries(els.map((e) => [e.dataset.region, e.dataset.control])));
  }
  function frameControl(k) {
    return Object.fromEntries(timeline.regions.map((r, i) => [r.id, timeline.frames[k].control[i] === 0 ? "red" : "blue"]));
  }
  async function setFrame(k) {
    await page.$eval(".map-toolbar .slider", (el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, k);
  }

  await check("the slider moves time and region control follows the timeline", async () => {
    const first = await domControl();
    assert.deepEqual(first, frameControl(0));
    assert.equal(await page.locator(".clock .hour").textContent(), `Hour ${timeline.frames[0].hour}`);
    // The first frame at which some region has changed hands since the start.
    const k = timeline.frames.findIndex((f) => f.control.some((c, i) => c !== timeline.frames[0].control[i]));
    assert.ok(k > 0, "some region changes hands in replication 0");
    await setFrame(k);
    const later = await domControl();
    assert.deepEqual(later, frameControl(k));
    assert.notDeepEqual(later, first);
    assert.equal(await page.locator(".clock .hour").textContent(), `Hour ${timeline.frames[k].hour}`);
    const date = await page.locator(".clock .date").textContent();
    const expected = new Date(Date.parse(timeline.scenario.start) + timeline.frames[k].hour * 3600e3);
    assert.ok(date.includes(String(expected.getUTCFullYear())) && date.includes(`${String(expected.getUTCHours()).padStart(2, "0")}:00Z`), date);
  });

  await check("play advances the clock", async () => {
    await setFrame(0);
    await page.click(".map-toolbar .play");
    await page.waitForFunction(() => +document.querySelector(".map-toolbar .slider").value >= 6, null, { timeout: 10000 });
    await page.click(".map-toolbar .play");
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
    const unitText = await page.locator(".details").textContent();
    assert.ok(unitText.includes(name), `${name} in ${unitText.slice(0, 200)}`);
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
    await setFrame(best);
    await page.evaluate(() => window.flank.map.zoomTo(["suwalki", "vilnius", "hrodna"], 1.7));
    await page.locator('svg.map path.region[data-region="suwalki"]').dispatchEvent("click");
    await page.screenshot({ path: join(artifacts, "map.png") });
  });

  await check("another replication is replayed on demand", async () => {
    const other = await api(base, `/api/runs/${started.id}/timeline?rep=2`);
    await page.fill(".map-toolbar .rep input", "2");
    await page.dispatchEvent(".map-toolbar .rep input", "change");
    await page.waitForFunction(() => window.flank.timeline?.replication === 2, null, { timeout: 20000 });
    const last = other.frames.length - 1;
    await setFrame(last);
    const control = await domControl();
    assert.deepEqual(control, Object.fromEntries(other.regions.map((r, i) => [r.id, other.frames[last].control[i] === 0 ? "red" : "blue"])));
    await page.fill(".map-toolbar .rep input", "0");
    await page.dispatchEvent(".map-toolbar .rep input", "change");
    await page.waitForFunction(() => window.flank.timeline?.replication === 0, null, { timeout: 20000 });
  });

  await check("the sweep view shows the store's study", async () => {
    const sweeps = await api(base, "/api/sweeps");
    const study = sweeps.studies[0];
    await page.click('.tabs button[data-view="sweeps"]');
    const card = page.locator(`#view-sweeps section[data-study="${study.study.id}"]`);
    assert.match(await card.locator("h3").first().textContent(), /browser-sweep/);
    const rows = await card.locator(".variant-table tbody tr").count();
    assert.equal(rows, study.points.length);
    const first = await card.locator(".variant-table tbody tr td b").first().textContent();
    assert.equal(first, `${(100 * study.points[0].metrics["p:take-west"].value).toFixed(1)} %`);
  });

  await check("the dashboard's probabilities are the run's", async () => {
    await page.click('.tabs button[data-view="dashboard"]');
    const rows = await page.$$eval(".objective-table tbody tr", (trs) =>
      trs.map((tr) => ({ id: tr.dataset.objective, p: +tr.dataset.p, text: tr.querySelector("td.p").textContent })),
    );
    const objectives = run.summary.objectives;
    assert.equal(rows.length, objectives.length);
    objectives.forEach((o, i) => {
      assert.equal(rows[i].id, o.id);
      assert.equal(rows[i].p, o.ever.p);
      assert.equal(rows[i].text, `${(100 * o.ever.p).toFixed(1)} %`);
    });
    assert.ok((await page.locator(".prob svg").count()) > 0, "probability chart drawn");
    await page.screenshot({ path: join(artifacts, "dashboard.png"), fullPage: true });
  });

  await check("the report opens from file:// with no network request", async () => {
    const summaryFile = join(artifacts, "summary.json");
    writeFileSync(summaryFile, JSON.stringify(run.summary));
    const reportFile = join(artifacts, "report.html");
    execFileSync(flank, ["report", summaryFile, "-o", reportFile], { stdio: "inherit" });
    const offline = await context.newPage();
    const network = [];
    const reportErrors = [];
    offline.on("pageerror", (e) => reportErrors.push(e.message));
    // Anything but the file itself (or inline data: URLs) is recorded and refused.
    await offline.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
      network.push(url);
      return route.abort();
    });
    offline.on("request", (r) => {
      const url = r.url();
      if (!url.startsWith("file:") && !url.startsWith("data:")) network.push(url);
    });
    await offline.goto(pathToFileURL(reportFile).href);
    await offline.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    assert.deepEqual(reportErrors, []);
    assert.ok((await offline.locator('svg.map path.region[data-region="suwalki"]').count()) === 1);
    await offline.click('.tabs button[data-view="dashboard"]');
    const ps = await offline.$$eval(".objective-table tbody tr", (trs) => trs.map((tr) => +tr.dataset.p));
    assert.deepEqual(ps, run.summary.objectives.map((o) => o.ever.p));
    await offline.click('.tabs button[data-view="about"]');
    assert.match(await offline.locator("#view-about").textContent(), /Sources \(\d+\)/);
    await offline.waitForTimeout(500);
    assert.deepEqual([...new Set(network)], []);
    await offline.close();
  });

  for (const name of ["map.png", "dashboard.png"]) {
    if (existsSync(join(artifacts, name))) copyFileSync(join(artifacts, name), join(root, "docs/img", name));
  }
} catch (e) {
  results.failed++;
  console.log(`not ok - setup\n  ${e.stack ?? e}`);
} finally {
  if (context) await context.close().catch(() => {});
  if (server) server.proc.kill("SIGTERM");
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed ? 1 : 0);
