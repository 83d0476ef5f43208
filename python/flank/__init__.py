"""flank: campaign simulation of NATO's eastern flank, from Python.

    import flank
    run = flank.load("builtin:eastern-flank-2023").run(1000, seed=1)
    run.summary["objectives"][0]["ever"]      # the CLI's JSON summary, as a dict
    run.outcomes["hour:vilnius"].describe()   # one row per replication (pandas)

The numbers are those of `flank run` for the same scenario, seed and overrides: the module
calls the same library. Simulation runs without the GIL; Ctrl-C stops it. docs/python.md
describes the API and the columns.
"""
import json
import sys
import time

import numpy as np
import pandas as pd

from . import _flank

__all__ = ["load", "builtins", "sweep", "Scenario", "Run", "Timeline", "Store", "Study",
           "InputError"]

InputError = _flank.InputError

_DTYPES = {"integer": "int64", "real": "float64", "boolean": "bool"}


def _frame(columns):
    """A DataFrame from the core's (name, type, float64 array) columns, each typed."""
    data = {}
    for name, kind, values in columns:
        if kind == "real" or np.isnan(values).any():
            # A missing flag (a point without that column) keeps pandas' nullable types.
            data[name] = (pd.array(values, dtype="float64") if kind == "real" else
                          pd.array([None if np.isnan(v) else v for v in values],
                                   dtype="Int64" if kind == "integer" else "boolean"))
        else:
            data[name] = values.astype(_DTYPES[kind])
    return pd.DataFrame(data)


def _override_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_override_text(v) for v in value) + "]"
    return str(value)


def _overrides(set):
    if set is None:
        return []
    if isinstance(set, dict):
        return [f"{path}={_override_text(value)}" for path, value in set.items()]
    return [str(s) for s in set]  # already "path=value" strings, as for the CLI's --set


class _Bar:
    """The CLI's progress on stderr, a line per tenth (`progress=True`)."""

    def __init__(self, what):
        self.what, self.start, self.last = what, time.monotonic(), -1

    def __call__(self, done, total):
        tenth = 10 * done // total if total else 10
        if tenth == self.last and done != total:
            return
        self.last = tenth
        rate = done / max(time.monotonic() - self.start, 1e-9)
        print(f"flank {self.what}: {done}/{total} ({rate:.0f}/s)", file=sys.stderr)


def _progress(progress, what):
    if progress is True:
        return _Bar(what)
    return progress or None


def builtins():
    """The built-in scenarios as a DataFrame (ref, name): refs for load()."""
    return pd.DataFrame(_flank.builtins(), columns=["ref", "name"])


def load(ref="", set=None):
    """Loads and validates a scenario: a file path, "builtin:<id>", or "" (the built-in).

    set: overrides as {path: value} (or ["path=value", ...]), as `flank run --set`.
    Raises flank.InputError (a ValueError) naming file, line and field on bad input.
    """
    return Scenario(_flank.load(str(ref), _overrides(set)))


class Scenario:
    """A compiled, immutable scenario."""

    def __init__(self, core):
        self._core = core

    id = property(lambda self: self._core.id)
    name = property(lambda self: self._core.name)
    hash = property(lambda self: self._core.hash)
    overrides = property(lambda self: list(self._core.overrides))

    def __repr__(self):
        extra = f" set={self.overrides}" if self.overrides else ""
        return f"<flank.Scenario {self.id} {self.hash}{extra}>"

    def summary(self):
        """Counts, sources and assumptions (what `flank serve` and reports show)."""
        return json.loads(self._core.info_json())

    def to_dict(self):
        """The resolved scenario document (after extends: and overrides) as a dict."""
        return json.loads(self._core.document_json())

    def geojson(self):
        """Regions (points) and links (lines) as a GeoJSON dict (docs/formats.md)."""
        return json.loads(self._core.geojson())

    def run(self, n=1000, seed=1, threads=None, combat=None, progress=None):
        """Runs n replications; returns a Run. threads None = all cores (results do not
        depend on it). progress: True for a line per tenth on stderr, or f(done, total)."""
        out = self._core.run(int(n), int(seed), int(threads or 0), combat or "",
                             _progress(progress, "run"))
        return Run(self, int(seed), combat or "", json.loads(out["summary"]),
                   _frame(out["columns"]))


class Timeline:
    """One replication hour by hour, as DataFrames with ids (and the raw JSON of
    `flank run --timeline`): units (hour × unit), control (hour × region), engagements
    (one row per fight) and events."""

    def __init__(self, raw):
        self.raw = raw
        regions = [r["id"] for r in raw["regions"]]
        units = raw["units"]
        sides = [s["id"] for s in raw["sides"]]

        def region(i):
            return regions[i] if i is not None and 0 <= i < len(regions) else None

        rows = []
        control = []
        for f in raw["frames"]:
            hour = f["hour"]
            cut = set(f.get("cut_off", []))
            for i, u in enumerate(f["units"]):
                rows.append((hour, units[i]["id"], sides[units[i]["side"]], region(u[0]), u[1],
                             _STATUS[u[2]] if 0 <= u[2] < len(_STATUS) else str(u[2]),
                             region(u[3]), u[4], i in cut))
            for r, side in enumerate(f["control"]):
                control.append((hour, regions[r], sides[side]))
        self.units = pd.DataFrame(rows, columns=["hour", "unit", "side", "region", "strength",
                                                 "status", "toward", "progress", "cut_off"])
        self.frames = self.units  # the frames' unit rows, by their usual name
        self.control = pd.DataFrame(control, columns=["hour", "region", "control"])
        eng = []
        for f in raw["frames"]:
            for e in f["engagements"]:
                eng.append((f["hour"], region(e["region"]),
                            ",".join(units[u]["id"] for u in e["attackers"]),
                            ",".join(units[u]["id"] for u in e["defenders"]), e["ratio"],
                            e["att_loss"], e["def_loss"], e["defence"], e["kind"]))
        self.engagements = pd.DataFrame(eng, columns=[
            "hour", "region", "attackers", "defenders", "ratio", "att_loss", "def_loss",
            "defence", "kind"])
        self.events = pd.DataFrame(
            [(e["hour"], e["kind"], e["text"], region(e["region"]),
              sides[e["side"]] if e["side"] is not None else None,
              units[e["unit"]]["id"] if e["unit"] is not None else None)
             for e in raw["events"]],
            columns=["hour", "kind", "text", "region", "side", "unit"])
        self.outcome = raw["outcome"]


_STATUS = ["not-arrived", "holding", "moving", "attacking", "withdrawing", "broken",
           "destroyed", "waiting", "not-ready"]


class Run:
    """The result of Scenario.run: summary (the CLI's JSON as a dict) and outcomes (one
    DataFrame row per replication; columns in docs/formats.md)."""

    def __init__(self, scenario, seed, combat, summary, outcomes):
        self.scenario, self.seed, self.combat = scenario, seed, combat
        self.summary, self.outcomes = summary, outcomes

    def __repr__(self):
        return (f"<flank.Run {self.scenario.id} seed={self.seed} "
                f"n={self.summary['replications']}>")

    def timeline(self, rep):
        """Replays replication rep alone (same numbers as inside the run)."""
        return Timeline(json.loads(self._core_timeline(rep, geojson=False)))

    def timeline_geojson(self, rep):
        """Control and units by hour, as `flank run --timeline REP --geojson FILE`."""
        return json.loads(self._core_timeline(rep, geojson=True))

    def _core_timeline(self, rep, geojson):
        return self.scenario._core.timeline(self.seed, int(rep), self.combat, geojson)


def sweep(design, store, n=None, seed=None, chunk=None, threads=None, resume=False,
          progress=None):
    """Runs a design file (as `flank sweep`) into a results store; returns its Study.
    n, seed and chunk default to the design's. Ctrl-C stops between chunks; resume=True
    continues the newest matching study."""
    study = _flank.sweep(str(design), str(store), n, seed, chunk, int(threads or 0),
                         bool(resume), _progress(progress, "sweep"))
    return Store(store).study(study)


class Store:
    """A results store (SQLite), as `flank results` reads it."""

    def __init__(self, path):
        self.path = str(path)

    def __repr__(self):
        return f"<flank.Store {self.path}>"

    def studies(self):
        """The studies, one row each."""
        return pd.DataFrame(_flank.studies(self.path),
                            columns=["id", "name", "kind", "scenario", "scenario_hash", "seed",
                                     "replications", "status", "created", "outputs"])

    def study(self, id):
        return Study(self, int(id))


class Study:
    """One study of a store: its points, metrics and per-replication outcomes."""

    def __init__(self, store, id):
        self.store, self.id = store, id
        self.points = pd.DataFrame(_flank.points(store.path, id),
                                   columns=["point", "scenario", "role", "overrides",
                                            "factors", "status"])

    def __repr__(self):
        return f"<flank.Study {self.id} of {self.store.path}: {len(self.points)} points>"

    def to_pandas(self):
        """One row per (point, replication), with the point's scenario and role."""
        df = _frame(_flank.study_replications(self.store.path, self.id))
        info = self.points[["point", "scenario", "role", "overrides"]]
        return info.merge(df, on="point", how="right")

    def metrics(self):
        """The design's outputs per point (`flank results --csv`)."""
        import io
        return pd.read_csv(io.StringIO(_flank.study_csv(self.store.path, self.id)))

    def to_dict(self):
        """`flank results --json` as a dict."""
        return json.loads(_flank.study_json(self.store.path, self.id))
