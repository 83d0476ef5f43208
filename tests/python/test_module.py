"""The Python module against the CLI: same scenario, seed and overrides give the same
summary; the outcomes DataFrame is typed and agrees with the summary; timelines carry ids;
sweeps and stores read back. Run by CTest (python_module) with Debian's /usr/bin/python3 and
PYTHONPATH=<build>/python; FLANK_BINARY names the CLI."""
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

import numpy as np
import pandas as pd

import flank

BINARY = os.environ["FLANK_BINARY"]
SOURCE = os.environ.get("FLANK_SOURCE_DIR", os.getcwd())


def cli_json(*args):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.json")
        subprocess.run([BINARY, "run", "--quiet", "--json", path, *args], check=True,
                       cwd=SOURCE)
        with open(path) as f:
            return json.load(f)


def without_run_info(summary):
    return {k: v for k, v in summary.items() if k != "run_info"}


class SameAsCli(unittest.TestCase):
    def test_run_matches_cli_json(self):
        overrides = {"doctrine.blue.decision_delay_hours": 48}
        cli = cli_json("builtin:wagner-25k", "-n", "60", "--seed", "7", "--set",
                       "doctrine.blue.decision_delay_hours=48")
        run = flank.load("builtin:wagner-25k", set=overrides).run(60, seed=7, threads=2)
        self.assertEqual(without_run_info(run.summary), without_run_info(cli))
        # Any thread count gives the same numbers.
        again = flank.load("builtin:wagner-25k", set=overrides).run(60, seed=7, threads=1)
        self.assertEqual(without_run_info(again.summary), without_run_info(cli))

    def test_default_scenario_and_combat_model(self):
        cli = cli_json("-n", "24", "--seed", "2", "--combat", "lanchester-square")
        run = flank.load().run(24, seed=2, combat="lanchester-square")
        self.assertEqual(without_run_info(run.summary), without_run_info(cli))
        self.assertEqual(run.summary["combat_model"], "lanchester-square")

    def test_bad_input_is_a_value_error_naming_the_field(self):
        with self.assertRaises(ValueError) as e:
            flank.load("builtin:eastern-flank-2023", set={"no.such.path": 1})
        self.assertIn("no.such.path", str(e.exception))
        with self.assertRaises(ValueError):
            flank.load("builtin:does-not-exist")
        with self.assertRaises(ValueError):
            flank.load().run(0)


class Outcomes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.result = flank.load().run(50, seed=3)

    def test_shape_and_dtypes(self):
        df = self.result.outcomes
        self.assertIsInstance(df, pd.DataFrame)
        self.assertEqual(len(df), 50)
        self.assertEqual(df["replication"].dtype, np.int64)
        self.assertEqual(list(df["replication"]), list(range(50)))
        for o in self.result.summary["objectives"]:
            self.assertEqual(df[f"hour:{o['id']}"].dtype, np.float64)
            self.assertEqual(df[f"held_at_end:{o['id']}"].dtype, np.bool_)
            # NaN where it never fell: the count of hours is the summary's `achieved`.
            self.assertEqual(int(df[f"hour:{o['id']}"].notna().sum()), o["achieved"])
            self.assertEqual(int(df[f"held_at_end:{o['id']}"].sum()),
                             round(o["held_at_end"]["p"] * 50))
        self.assertEqual(df["escalation:any"].dtype, np.bool_)
        for side in ("red", "blue"):
            self.assertAlmostEqual(df[f"lost:{side}"].mean(),
                                   self.result.summary["losses"]["personnel"][side]["mean"],
                                   delta=1e-6 * max(1.0, df[f"lost:{side}"].mean()))

    def test_matches_cli_outcomes_csv(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "o.csv")
            subprocess.run([BINARY, "run", "--quiet", "-n", "50", "--seed", "3", "--outcomes",
                            path], check=True, cwd=SOURCE)
            cli = pd.read_csv(path)
        self.assertEqual(list(cli.columns), list(self.result.outcomes.columns))
        pd.testing.assert_frame_equal(cli, self.result.outcomes, check_dtype=False)


class Timelines(unittest.TestCase):
    def test_timeline_has_ids_and_matches_cli(self):
        sc = flank.load()
        run = sc.run(4, seed=2)
        tl = run.timeline(3)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t.json")
            subprocess.run([BINARY, "run", "--quiet", "-n", "4", "--seed", "2", "--timeline",
                            "3", path], check=True, cwd=SOURCE)
            with open(path) as f:
                raw = json.load(f)
        self.assertEqual(tl.raw["frames"], raw["frames"])
        self.assertEqual(tl.raw["events"], raw["events"])
        regions = {r["id"] for r in raw["regions"]}
        units = {u["id"] for u in raw["units"]}
        self.assertEqual(len(tl.units), len(raw["frames"]) * len(raw["units"]))
        self.assertTrue(set(tl.units["unit"]) <= units)
        self.assertTrue(set(tl.units["region"].dropna()) <= regions)
        self.assertTrue(set(tl.control["control"]) <= {"red", "blue"})
        self.assertEqual(len(tl.control), len(raw["frames"]) * len(raw["regions"]))
        self.assertGreater(len(tl.engagements), 0)
        self.assertTrue(set(tl.engagements["region"]) <= regions)
        for ids in tl.engagements["attackers"]:
            self.assertTrue(set(ids.split(",")) <= units)
        self.assertGreater(len(tl.events), 0)
        self.assertTrue(set(tl.events["region"].dropna()) <= regions)
        self.assertTrue(set(tl.events["unit"].dropna()) <= units)
        # The replayed replication is the run's replication 3.
        for o in tl.outcome["objectives"]:
            hour = run.outcomes.loc[3, f"hour:{o['id']}"]
            self.assertEqual(o["hour"], None if np.isnan(hour) else hour)

    def test_scenario_summary_and_dict(self):
        sc = flank.load("builtin:uk-today")
        self.assertEqual(sc.id, "uk-today")
        self.assertIsInstance(sc.summary(), dict)
        doc = sc.to_dict()
        self.assertIn("regions", doc)
        g = sc.geojson()
        self.assertEqual(g["type"], "FeatureCollection")


class Cancel(unittest.TestCase):
    def test_ctrl_c_cancels_a_run(self):
        # SIGINT to ourselves while the run is under way: KeyboardInterrupt, and promptly.
        timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        start = time.monotonic()
        timer.start()
        with self.assertRaises(KeyboardInterrupt):
            flank.load().run(1_000_000, seed=1)
        self.assertLess(time.monotonic() - start, 30)
        # The module still works afterwards.
        self.assertEqual(len(flank.load().run(3).outcomes), 3)

    def test_progress_callback(self):
        seen = []
        flank.load().run(300, progress=lambda done, total: seen.append((done, total)))
        self.assertTrue(seen)
        self.assertEqual(seen[-1], (300, 300))


class Sweeps(unittest.TestCase):
    def test_sweep_store_and_plain_sql(self):
        with tempfile.TemporaryDirectory() as d:
            store = os.path.join(d, "r.db")
            design = os.path.join(SOURCE, "scenarios/designs/decision-delay.yaml")
            study = flank.sweep(design, store, n=20, seed=4)
            studies = flank.Store(store).studies()
            self.assertEqual(list(studies["id"]), [study.id])
            df = flank.Store(store).study(study.id).to_pandas()
            points = len(study.points)
            self.assertEqual(len(df), 20 * points)
            self.assertEqual(df["replication"].dtype, np.int64)
            self.assertIn("hour:vilnius", df.columns)
            # The same rows with nothing but sqlite3 and pandas.
            with sqlite3.connect(store) as con:
                long = pd.read_sql("SELECT * FROM replication_outcomes WHERE study = ?", con,
                                   params=(study.id,))
            wide = long.pivot(index=["point", "replication"], columns="name", values="value")
            mine = df.set_index(["point", "replication"])["hour:vilnius"]
            pd.testing.assert_series_equal(wide["hour:vilnius"], mine, check_names=False)
            # And the CLI's export of the same rows.
            out = subprocess.run([BINARY, "results", "--store", store, "--study", str(study.id),
                                  "--replications", "-"], check=True, capture_output=True,
                                 text=True).stdout
            self.assertEqual(len(out.strip().splitlines()), 20 * points + 1)
            metrics = study.metrics()
            self.assertGreater(len(metrics), 0)


if __name__ == "__main__":
    unittest.main()
