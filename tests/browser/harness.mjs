// Shared by the browser tests: finding Chromium and playwright-core, starting `flank serve`,
// the JSON API, named checks, and geometry read from the page.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "../..");

export function findChromium() {
  const path = [process.env.FLANK_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => p && existsSync(p));
  if (!path) {
    console.log("SKIP: Chromium not found (install it with FLANK_WITH_BROWSER=1 bash scripts/setup.sh)");
    process.exit(77);
  }
  try {
    const { chromium } = createRequire(join(root, "web/package.json"))("playwright-core");
    return { chromium, path };
  } catch (e) {
    console.error(`playwright-core is missing: run 'npm ci' in web/ (the CMake web build does). ${e.message}`);
    process.exit(1);
  }
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const results = { passed: 0, failed: 0 };
export async function check(name, fn) {
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

export function startServer(flank, extra = []) {
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

export async function api(base, path, options) {
  const res = await fetch(base + path, options);
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export async function finishedRun(base, request) {
  const started = await api(base, "/api/runs", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(request),
  });
  let run;
  for (let i = 0; i < 600; i++) {
    run = await api(base, `/api/runs/${started.id}`);
    if (run.status === "done" || run.status === "failed") break;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (run.status !== "done") throw new Error(`run did not finish: ${JSON.stringify(run).slice(0, 300)}`);
  return run;
}

// Records Content-Security-Policy violations and a marker a hostile payload would set.
export const WATCH_SCRIPT = `
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
`;

// Text boxes of an element's SVG charts that overlap (client rectangles, 0.5 px slack).
export async function overlappingText(page, selector) {
  return page.$$eval(selector, (charts) => {
    const found = [];
    for (const chart of charts) {
      for (const svg of chart.querySelectorAll("svg")) {
        const boxes = [...svg.querySelectorAll("text")]
          .filter((t) => t.textContent.trim() && !t.closest("title"))
          .map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }))
          .filter((b) => b.r.width > 0 && b.r.height > 0);
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i].r;
            const b = boxes[j].r;
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (w > 0.5 && h > 0.5) found.push(`${boxes[i].text} / ${boxes[j].text}`);
          }
      }
    }
    return found;
  });
}
