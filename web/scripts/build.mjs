// Builds the viewer for CMake: installs dependencies with `npm ci` only when
// package-lock.json changed since the last install, then runs `vite build` into the folder
// given as the first argument. Several build trees share web/node_modules, so the whole job
// holds a lock directory while it runs.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = resolve(process.argv[2] ?? join(web, "dist"));
const lock = join(web, ".build-lock");

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function acquire() {
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      return;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      // A lock older than 10 minutes belongs to a build that died.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600e3) rmSync(lock, { recursive: true, force: true });
      } catch {}
      if (i % 20 === 0) console.log("web: waiting for another viewer build to finish");
      sleep(500);
    }
  }
}

function installed() {
  const hidden = join(web, "node_modules", ".package-lock.json");
  const viteBin = join(web, "node_modules", "vite", "bin", "vite.js");
  if (!existsSync(hidden) || !existsSync(viteBin)) return false;
  const want = JSON.parse(readFileSync(join(web, "package-lock.json"), "utf8")).packages ?? {};
  const have = JSON.parse(readFileSync(hidden, "utf8")).packages ?? {};
  return Object.entries(want).every(([k, v]) => k === "" || v.optional || have[k]?.version === v.version);
}

acquire();
try {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  if (!installed()) {
    console.log("web: npm ci");
    execFileSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: web, stdio: "inherit" });
  }
  execFileSync(process.execPath, [join(web, "node_modules", "vite", "bin", "vite.js"), "build", "--logLevel", "warn"], {
    cwd: web,
    stdio: "inherit",
    env: { ...process.env, FLANK_WEB_OUT: outDir },
  });
} finally {
  rmSync(lock, { recursive: true, force: true });
}
