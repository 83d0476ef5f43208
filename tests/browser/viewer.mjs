// Browser tests of the viewer, run by CTest (label `browser`):
//   node tests/browser/viewer.mjs path/to/flank
// Starts `flank serve` on a free loopback port, drives headless Chromium (playwright-core
// from web/node_modules) through the map replay, the dashboard and the sweep view, checks
// what is drawn against the API's own data and the Natural Earth shapes, then opens `flank
// report` files from file:// and checks that they make no network request and run no
// injected script. Screenshots go to tests/browser/artifacts/ and docs/img/.
// Exit status 77 (CTest SKIP_RETURN_CODE) only when Chromium is absent.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CHROMIUM_ARGS, WATCH_SCRIPT, api, check, findChromium, finishedRun, here, overlappingText, results, root, startServer } from "./harness.mjs";
import { mapChecks } from "./map-checks.mjs";
import { operationsChecks } from "./operations-checks.mjs";
import { gameChecks, storeGame } from "./game-checks.mjs";

const artifacts = join(here, "artifacts");
const flank = resolve(process.argv[2] ?? join(root, "build/release/flank"));
const SCENARIO = "eastern-flank-2023";
const { chromium, path: chromiumPath } = findChromium();
if (!existsSync(flank)) {
  console.error(`flank binary not found: ${flank}`);
  process.exit(1);
}
mkdirSync(artifacts, { recursive: true });

// A name that runs script if any view writes it as HTML, and a marker it would set.
const HOSTILE = `Vilnius <img src=x onerror="window.__pwned='img'"><script>window.__pwned='script'</script>`;

const profile = mkdtempSync(join(tmpdir(), "flank-browser-"));
let server;
let context;
try {
  // Two small studies of the test scenario, so that the sweep view has a table, a tornado
  // chart (with one output that never moves) and Sobol indices to show.
  const store = join(profile, "results.db");
  const sweep = (name, text) => {
    const file = join(profile, `${name}.yaml`);
    writeFileSync(file, text);
    execFileSync(flank, ["sweep", "--design", file, "--store", store, "-q"], { stdio: "inherit" });
  };
  sweep(
    "design",
    "study: browser-sweep\nscenario: builtin:test-duel\ndesign: full_factorial\n" +
      "factors:\n  - {path: parameters.noise_sigma, levels: [0.1, 0.3]}\noutputs: [p:take-west]\n" +
      "replications: 40\nseed: 2\n",
  );
  sweep(
    "sensitivity",
    "study: browser-sensitivity\nscenario: builtin:test-duel\ndesign: {kind: saltelli, base_samples: 8}\n" +
      "factors:\n  - {path: parameters.noise_sigma, label: noise sigma, range: [0.1, 0.5], base: 0.3}\n" +
      '  - {path: "units[red-1].personnel", label: Red personnel, range: [4000, 12000], integer: true, base: 8000}\n' +
      // By day 0 (hour 0) nothing can have fallen: an output no factor moves.
      "outputs: [p:take-west:day2, p:take-west:day0, lost:blue]\nreplications: 60\nseed: 3\n",
  );
  // A two-by-two game in the same store, and its JSON for a report's --game.
  const gameJson = storeGame(flank, profile, store);
  server = await startServer(flank, ["--store", store]);
  const { base } = server;

  // One run shared by the checks: small enough to finish in a few seconds on two cores.
  const run = await finishedRun(base, { scenario: SCENARIO, n: 300, seed: 7 });
  const timeline = await api(base, `/api/runs/${run.id}/timeline?rep=0`);

  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: CHROMIUM_ARGS,
  });
  await context.addInitScript(WATCH_SCRIPT);
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("request", (r) => requests.push(r.url()));

  await check("the viewer loads from flank serve and finds the run, within its CSP", async () => {
    await page.goto(`${base}/?run=${run.id}`);
    await page.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    assert.deepEqual(errors, []);
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
    assert.match(csp, /script-src 'self'(;|$)/, "no inline script, no eval");
    const foreign = requests.filter((u) => !u.startsWith(base));
    assert.deepEqual(foreign, [], "every request goes to flank serve itself");
  });

  await mapChecks(page, timeline, run, artifacts);

  await check("another replication is replayed on demand", async () => {
    const other = await api(base, `/api/runs/${run.id}/timeline?rep=2`);
    await page.fill(".map-toolbar .rep input", "2");
    await page.dispatchEvent(".map-toolbar .rep input", "change");
    await page.waitForFunction(() => window.flank.timeline?.replication === 2, null, { timeout: 20000 });
    const last = other.frames.length - 1;
    await page.evaluate((k) => window.flank.map.setFrame(k), last);
    const control = await page.$$eval("svg.map path.region", (els) => Object.fromEntries(els.map((e) => [e.dataset.region, e.dataset.control])));
    assert.deepEqual(control, Object.fromEntries(other.regions.map((r, i) => [r.id, other.frames[last].control[i] === 0 ? "red" : "blue"])));
    assert.match(await page.locator(".status h3").textContent(), /Replication 2 of 300/);
    await page.fill(".map-toolbar .rep input", "0");
    await page.dispatchEvent(".map-toolbar .rep input", "change");
    await page.waitForFunction(() => window.flank.timeline?.replication === 0, null, { timeout: 20000 });
  });

  await operationsChecks(page, base, run, artifacts);

  const sweeps = await api(base, "/api/sweeps");
  await check("the sweep view shows the store's studies", async () => {
    const study = sweeps.studies.find((x) => x.study.name === "browser-sweep");
    await page.click('.tabs button[data-view="sweeps"]');
    const card = page.locator(`#view-sweeps section[data-study="${study.study.id}"]`);
    assert.match(await card.locator("h3").first().textContent(), /browser-sweep/);
    const rows = await card.locator(".variant-table tbody tr").count();
    assert.equal(rows, study.points.length);
    const first = await card.locator(".variant-table tbody tr td b").first().textContent();
    assert.equal(first, `${(100 * study.points[0].metrics["p:take-west"].value).toFixed(1)} %`);
  });

  await check("a tornado bar starts at the base value and ends at the factor's result", async () => {
    const study = sweeps.studies.find((x) => x.study.name === "browser-sensitivity");
    // A probability that some factor moves in this design (the API's own numbers).
    const moves = (x) => x.tornado.bars.some((b) => b.output_at_low !== x.tornado.base || b.output_at_high !== x.tornado.base);
    const sens = study.analysis.sensitivity.find((x) => x.metric.startsWith("p:") && moves(x));
    assert.ok(sens, "some probability output varies in the sensitivity study");
    const chart = page.locator(`#view-sweeps section[data-study="${study.study.id}"] .chart.tornado[data-metric="${sens.metric}"]`);
    assert.equal(await chart.getAttribute("data-degenerate"), null, `${sens.metric} varies in this design`);
    // The x scale read back from the axis: tick labels are percentages.
    const geometry = await chart.evaluate((el) => {
      const svg = el.querySelector("svg.tornado-plot") ?? el.querySelector("svg");
      const ticks = [...svg.querySelectorAll('[aria-label="x-axis tick label"] text')].map((t) => {
        const r = t.getBoundingClientRect();
        return { v: parseFloat(t.textContent.replace("−", "-")), x: r.left + r.width / 2 };
      });
      const bars = [...svg.querySelectorAll('[aria-label="bar"] rect')].map((r) => {
        const b = r.getBoundingClientRect();
        return { left: b.left, right: b.right, title: r.querySelector("title")?.textContent ?? "" };
      });
      return { ticks, bars };
    });
    assert.ok(geometry.ticks.length >= 3, "x axis has ticks");
    const [t0, t1] = [geometry.ticks[0], geometry.ticks[geometry.ticks.length - 1]];
    const px = (v) => t0.x + ((100 * v - t0.v) / (t1.v - t0.v)) * (t1.x - t0.x);
    const basePx = px(sens.tornado.base);
    assert.equal(geometry.bars.length, 2 * sens.tornado.bars.length);
    for (const bar of geometry.bars) {
      const b = sens.tornado.bars.find((x) => bar.title.startsWith(`${x.factor} =`));
      assert.ok(b, `bar title names a factor: ${bar.title}`);
      const atHigh = bar.title.startsWith(`${b.factor} = ${b.high}:`);
      const end = px(atHigh ? b.output_at_high : b.output_at_low);
      const [from, to] = end >= basePx ? [bar.left, bar.right] : [bar.right, bar.left];
      if (Math.abs(end - basePx) < 1) continue; // a bar of no length
      assert.ok(Math.abs(from - basePx) < 1.5, `${bar.title}: starts at ${from}, base at ${basePx}`);
      assert.ok(Math.abs(to - end) < 1.5, `${bar.title}: ends at ${to}, result at ${end}`);
    }
    assert.match(await chart.textContent(), /pp\)/, "changes of a probability in percentage points");
  });

  await check("a degenerate output gets a note, and Sobol indices their intervals", async () => {
    const study = sweeps.studies.find((x) => x.study.name === "browser-sensitivity");
    const card = page.locator(`#view-sweeps section[data-study="${study.study.id}"]`);
    const flat = card.locator('.chart.tornado[data-metric="p:take-west:day0"]');
    assert.equal(await flat.getAttribute("data-degenerate"), "1");
    assert.equal(await flat.locator("svg").count(), 0, "no bars for an output nothing moves");
    assert.match(await flat.textContent(), /no factor/);
    for (const sens of study.analysis.sensitivity) {
      const block = card.locator(`.sobol-block[data-metric="${sens.metric}"]`);
      if (sens.variance <= 1e-12) {
        assert.equal(await block.getAttribute("data-degenerate"), "1", `${sens.metric}: variance ${sens.variance}`);
        continue;
      }
      if ((await block.getAttribute("data-degenerate")) === "1") continue; // within the noise
      for (const i of sens.indices) {
        const text = await block.locator(`tr[data-factor="${i.factor}"]`).textContent();
        assert.ok(text.includes(`(${i.total[1].toFixed(2)} to ${i.total[2].toFixed(2)})`), `${i.factor}: ${text}`);
      }
    }
  });

  await check("no text overlaps other text in the sweep view", async () => {
    const overlaps = await overlappingText(page, "#view-sweeps .chart");
    assert.deepEqual(overlaps, []);
    await page.screenshot({ path: join(artifacts, "sweeps.png"), fullPage: true });
  });

  await gameChecks(page, context, { base, flank, gameJson, run, artifacts });

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

  await check("the validation section is a table with the out-of-sample figures", async () => {
    await page.click('.tabs button[data-view="about"]');
    const table = page.locator(".validation table.validation-table");
    assert.equal(await table.count(), 1);
    const text = await table.textContent();
    assert.match(text, /Winner predicted correctly/);
    assert.match(await page.locator(".validation").textContent(), /Out of sample: \d+-fold cross-validation/);
  });

  await check("at 1024 × 700 every control is visible and nothing overflows", async () => {
    const small = await context.newPage();
    await small.setViewportSize({ width: 1024, height: 700 });
    await small.goto(`${base}/?run=${run.id}`);
    await small.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    const problems = await small.evaluate(() => {
      const found = [];
      const controls = document.querySelectorAll("header button, header select, header input, .map-toolbar button:not([hidden]), .map-toolbar select, .map-toolbar input");
      for (const el of controls) {
        const r = el.getBoundingClientRect();
        const name = `${el.tagName.toLowerCase()}.${el.className}`;
        if (r.width < 4 || r.height < 4) found.push(`${name} has no size`);
        else if (r.left < 0 || r.right > innerWidth || r.top < 0 || r.bottom > innerHeight) found.push(`${name} outside the window: ${JSON.stringify(r)}`);
        else {
          const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          if (!el.contains(top) && !top?.contains(el)) found.push(`${name} covered by ${top?.tagName}.${top?.className}`);
        }
      }
      if (document.documentElement.scrollWidth > innerWidth) found.push(`page scrolls sideways: ${document.documentElement.scrollWidth}`);
      return found;
    });
    await small.screenshot({ path: join(artifacts, "layout-1024.png") });
    await small.close();
    assert.deepEqual(problems, []);
  });

  await check("without ?run= the viewer opens the built-in scenario and reuses its run", async () => {
    const fresh = await context.newPage();
    await fresh.goto(`${base}/`);
    await fresh.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 60000 });
    assert.equal(await fresh.$eval(".runbar .scenario", (el) => el.value), SCENARIO);
    const first = new URL(fresh.url()).searchParams.get("run");
    const status = await api(base, `/api/runs/${first}`);
    assert.equal(status.scenario, SCENARIO);
    await fresh.goto(`${base}/`);
    await fresh.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 60000 });
    assert.equal(new URL(fresh.url()).searchParams.get("run"), first, "a second load shows the same run");
    await fresh.close();
  });

  // A hostile objective name, set by an override, must show as text and run nothing, in the
  // served viewer and in a report written from the same run.
  const hostile = await finishedRun(base, { scenario: SCENARIO, n: 20, seed: 3, overrides: { "objectives[vilnius].name": HOSTILE } });
  await check("a hostile objective name runs no script in the viewer", async () => {
    const evil = await context.newPage();
    await evil.goto(`${base}/?run=${hostile.id}`);
    await evil.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    for (const view of ["dashboard", "map"]) {
      await evil.click(`.tabs button[data-view="${view}"]`);
      await evil.waitForTimeout(200);
    }
    assert.equal(await evil.evaluate(() => window.__pwned ?? null), null);
    assert.equal(await evil.locator("#app img, #app script").count(), 0, "no element made from the name");
    assert.ok((await evil.locator(".status").textContent()).includes("<img src=x"), "the name is shown as text");
    assert.ok((await evil.locator(".objective-table").textContent()).includes("<script>"), "the name is shown as text");
    await evil.close();
  });

  await check("reports open from file:// with no network request and no injected script", async () => {
    const summaryFile = join(artifacts, "summary.json");
    writeFileSync(summaryFile, JSON.stringify(run.summary));
    const reportFile = join(artifacts, "report.html");
    execFileSync(flank, ["report", summaryFile, "-o", reportFile, "--store", store], { stdio: "inherit" });
    const hostileFile = join(profile, "hostile.html");
    execFileSync(flank, ["report", "--run", SCENARIO, "-n", "20", "--seed", "3", "--set", `objectives[vilnius].name=${HOSTILE}`, "-o", hostileFile], { stdio: "inherit" });
    for (const [file, evil] of [
      [reportFile, false],
      [hostileFile, true],
    ]) {
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
      await offline.goto(pathToFileURL(file).href);
      await offline.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
      assert.deepEqual(reportErrors, []);
      assert.deepEqual(await offline.evaluate(() => window.__cspViolations), []);
      assert.match(await offline.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content"), /script-src 'sha256-[A-Za-z0-9+/]+=*';/);
      assert.equal(await offline.locator('svg.map path.region[data-region="suwalki"]').count(), 1, "the map is drawn");
      await offline.click('.tabs button[data-view="dashboard"]');
      if (!evil) {
        const ps = await offline.$$eval(".objective-table tbody tr", (trs) => trs.map((tr) => +tr.dataset.p));
        assert.deepEqual(ps, run.summary.objectives.map((o) => o.ever.p));
        await offline.click('.tabs button[data-view="about"]');
        assert.match(await offline.locator("#view-about").textContent(), /Sources \(\d+\)/);
        await offline.click('.tabs button[data-view="sweeps"]');
        assert.ok((await offline.locator("#view-sweeps .chart.tornado").count()) > 0, "the store's tornado charts");
      } else {
        assert.equal(await offline.evaluate(() => window.__pwned ?? null), null);
        assert.ok((await offline.locator(".objective-table").textContent()).includes("<img src=x"));
        // Even markup that got into the page would not run: the CSP allows only the bundle.
        await offline.evaluate(() => {
          const s = document.createElement("script");
          s.textContent = "window.__pwned = 'inline'";
          document.body.append(s);
        });
        // The violation event is dispatched asynchronously.
        await offline.waitForFunction(() => window.__cspViolations.some((v) => v.startsWith("script-src")), null, { timeout: 5000 });
        assert.equal(await offline.evaluate(() => window.__pwned ?? null), null, "an injected inline script is blocked");
      }
      await offline.waitForTimeout(300);
      assert.deepEqual([...new Set(network)], []);
      await offline.close();
    }
  });

  for (const name of ["map.png", "dashboard.png", "sweeps.png", "siege.png", "game.png"]) {
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
