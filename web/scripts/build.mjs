// Builds the viewer for CMake: installs dependencies with `npm ci` only when
// package-lock.json changed since the last install (deps.mjs), then runs `vite build` into
// the folder given as the first argument, and prepares the bundle for inlining.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
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

// `flank report` inlines assets/app.js in a <script> block, which ends at the first
// "</script" and can be confused by "<!--". Such text can only sit in strings, templates or
// regular expressions of the bundle, where "\x3C" means the same "<". The report's
// Content-Security-Policy allows exactly this text by its SHA-256 (assets/app.js.sha256),
// so no other inline script can run; the C++ side refuses a bundle that still needs escaping.
const appJs = join(outDir, "assets", "app.js");
const js = readFileSync(appJs, "utf8").replace(/<(?=\/script|!--)/gi, "\\x3C");
writeFileSync(appJs, js);
writeFileSync(`${appJs}.sha256`, createHash("sha256").update(js, "utf8").digest("base64"));
