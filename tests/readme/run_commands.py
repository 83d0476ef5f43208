#!/usr/bin/env python3
"""Runs every command block of the given Markdown files, as typed, and fails on a non-zero exit.

A command block is a fenced block tagged `sh` (```sh). Each line is one command, run by bash
in document order in one scratch folder per file. The scratch folder links the repository's
scenarios/, data/, examples/ and the build tree at build/release, so the paths of the README
resolve, and the outputs (out.json, study.db, report.html, ...) stay out of the source tree.
`flank` is the build's binary: its folder is first on PATH, as the README's set-up says.

Fast commands run fully. Long ones are shortened unless FLANK_README_FULL=1: any
`-n N` / `--replications N` above 50 becomes 20 (the commands are the same otherwise).
Commands that cannot run inside a test are listed in SKIP with the reason; they are
reported, never silently dropped.

usage: run_commands.py --flank FLANK --source SRC --build BUILD FILE.md...
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# Prefix of a command line -> why the test does not run it.
SKIP = {
    "make run": "the set-up itself (installs packages, builds); CI runs it",
    "make test": "runs this test among all the others",
    "make install": "writes to the user's home",
    "flank serve": "a server that runs until stopped; tests/server and the browser tests cover it",
}

SMALL_N = "20"


def blocks(path):
    """(line number, command) for each line of each ```sh block."""
    out = []
    fence = None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            stripped = line.strip()
            if fence is None:
                m = re.match(r"^(\s*)```\s*(\S*)", line)
                if m:
                    fence = m.group(2)
                continue
            if stripped.startswith("```"):
                fence = None
                continue
            if fence == "sh" and stripped and not stripped.startswith("#"):
                out.append((number, stripped))
    return out


def shorten(command):
    if os.environ.get("FLANK_README_FULL") == "1":
        return command

    def small(m):
        return m.group(1) + (SMALL_N if int(m.group(2)) > 50 else m.group(2))

    return re.sub(r"((?:^|\s)(?:-n|--replications)\s+)(\d+)", small, command)


def skip_reason(command):
    words = command.split("#", 1)[0].strip()
    for prefix, why in SKIP.items():
        if words == prefix or words.startswith(prefix + " "):
            return why
    return None


def scratch(source, build):
    d = tempfile.mkdtemp(prefix="flank-readme-")
    for name in ("scenarios", "data", "examples", "docs", "python"):
        os.symlink(os.path.join(source, name), os.path.join(d, name))
    os.makedirs(os.path.join(d, "build"))
    os.symlink(os.path.abspath(build), os.path.join(d, "build", "release"))
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flank", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(args.flank)) + os.pathsep + env.get("PATH", "")
    # Open MPI refuses to start as root unless told; CI containers run as root.
    env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    env.setdefault("MPLBACKEND", "Agg")
    failures = 0
    total = 0
    scratches = []
    for md in args.files:
        path = md if os.path.isabs(md) else os.path.join(args.source, md)
        work = scratch(args.source, args.build)
        scratches.append(work)
        commands = blocks(path)
        if not commands:
            print(f"{md}: no ```sh command blocks found", file=sys.stderr)
            failures += 1
        for number, command in commands:
            why = skip_reason(command)
            where = f"{md}:{number}"
            if why:
                print(f"skip {where}: {command}  ({why})")
                continue
            run = shorten(command)
            total += 1
            start = time.monotonic()
            p = subprocess.run(["bash", "-o", "pipefail", "-c", run], cwd=work, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=900)
            took = time.monotonic() - start
            status = "ok  " if p.returncode == 0 else "FAIL"
            shown = run if run == command else f"{run}   (as typed: {command})"
            print(f"{status} {where} [{took:.1f} s] {shown}")
            if p.returncode != 0:
                failures += 1
                print(f"  exit status {p.returncode}; output:")
                for line in p.stdout.splitlines()[-30:]:
                    print("    " + line)
    print(f"{total} commands run, {failures} failed")
    if failures:
        print("scratch folders kept for a look: " + " ".join(scratches))
        return 1
    for work in scratches:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
