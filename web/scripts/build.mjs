// Builds the viewer for CMake: installs dependencies with `npm ci` only when
// package-lock.json changed since the last install (deps.mjs), then runs `vite build` into
// the folder given as the first argument.
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { web, withDependencies } from "./deps.mjs";

const outDir = resolve(process.argv[2] ?? join(web, "dist"));

withDependencies(() =>
  execFileSync(process.execPath, [join(web, "node_modules", "vite", "bin", "vite.js"), "build", "--logLevel", "warn"], {
    cwd: web,
    stdio: "inherit",
    env: { ...process.env, FLANK_WEB_OUT: outDir },
  }),
);
