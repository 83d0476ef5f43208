// Shared by build.mjs and lint.mjs: several build trees and the CI lint share
// web/node_modules, so whoever installs or uses it holds a lock directory, and `npm ci` runs
// only when package-lock.json differs from what is installed.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
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
      } catch {
        // The owner released the lock between mkdirSync and statSync: just try again.
      }
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

export const npm = process.platform === "win32" ? "npm.cmd" : "npm";

// Runs job() holding the lock, after `npm ci` if node_modules does not match the lock file.
export function withDependencies(job) {
  acquire();
  try {
    if (!installed()) {
      console.log("web: npm ci");
      execFileSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: web, stdio: "inherit" });
    }
    return job();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
