// CI entry for `npm run lint` (scripts/test.sh): installs dependencies the same way the
// CMake viewer build does (deps.mjs), so the build that follows finds them in place, then
// lints. Exits with the linters' status.
import { execFileSync } from "node:child_process";
import { npm, web, withDependencies } from "./deps.mjs";

try {
  withDependencies(() => execFileSync(npm, ["run", "--silent", "lint"], { cwd: web, stdio: "inherit" }));
} catch (e) {
  process.exit(typeof e.status === "number" && e.status !== 0 ? e.status : 1);
}
