#!/usr/bin/env python3
"""bench/report.py and bench/figures.py on a small made-up run and a
made-up model-card output: the table's ratios, and figures that are
well-formed SVG with one row per target ratio, one mark per repetition,
one curve per request log and one per model."""
import json
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SVG = "{http://www.w3.org/2000/svg}"


def gb_file(path, runs):
    """A Google Benchmark JSON file: runs = {name: [(cpu µs, items/s)]}."""
    benchmarks = []
    for name, reps in runs.items():
        for i, (cpu, rate) in enumerate(reps):
            b = {"name": name, "run_name": name, "run_type": "iteration",
                 "repetition_index": i, "time_unit": "us",
                 "real_time": cpu, "cpu_time": cpu}
            if rate is not None:
                b["items_per_second"] = rate
            benchmarks.append(b)
    with open(path, "w") as f:
        json.dump({"benchmarks": benchmarks}, f)


def run(script, out):
    return subprocess.run([sys.executable, os.path.join(HERE, script), out],
                          check=True, capture_output=True, text=True).stdout


class FiguresTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = self.tmp.name
        raw = os.path.join(self.out, "raw")
        os.makedirs(raw)
        # P1 at batch 1: medians 3 µs (ours) and 30 µs (XGBoost): 10x.
        gb_file(os.path.join(raw, "gb-model.json"), {
            "BM_OursPredictMargin/1": [(2, None), (3, None), (4, None)],
            "BM_XGBoostPredictFromDense/1": [(20, None), (30, None),
                                             (40, None)]})
        # P5: medians 750 and 1,000 texts/s: 75 %, below its 80 % target.
        gb_file(os.path.join(raw, "gb-topics.json"), {
            "BM_ClassifyBatch/256": [(1, 700), (1, 750), (1, 800)],
            "BM_RawPredictLine": [(1, 1000), (1, 900), (1, 1100)]})
        with open(os.path.join(raw, "p3-score-load.lat"), "w") as f:
            for i in range(100):  # 100 requests of 100..199 µs
                f.write(f"{1000 + i}\t200\t{100 + i}\n")

    def tearDown(self):
        self.tmp.cleanup()

    def test_table_then_figures(self):
        run("report.py", self.out)
        with open(os.path.join(self.out, "results.json")) as f:
            rows = {r["ratio"].split(" (")[0]: r for r in json.load(f)["rows"]}
        p1 = rows["P1 evaluator vs XGBoost, batch 1"]
        self.assertAlmostEqual(p1["value"], 10.0)
        self.assertTrue(p1["met"])
        p5 = rows["P5 classifier"]
        self.assertAlmostEqual(p5["value"], 75.0)
        self.assertFalse(p5["met"])

        printed = run("figures.py", self.out)
        self.assertIn("targets.svg", printed)
        figures = os.path.join(self.out, "figures")
        targets = ET.parse(os.path.join(figures, "targets.svg")).getroot()
        labels = [t.text for t in targets.iter(SVG + "text")]
        self.assertEqual(sum(l.startswith("P1 ") for l in labels), 1)
        self.assertEqual(sum(l.startswith("P5 ") for l in labels), 1)
        self.assertIn("10x", labels)
        self.assertIn("75.0%", labels)
        # Two medians and three repetitions per ratio.
        self.assertEqual(len(list(targets.iter(SVG + "circle"))), 2 + 3 + 3)

        latency = ET.parse(os.path.join(figures, "latency.svg")).getroot()
        self.assertEqual(len(list(latency.iter(SVG + "polyline"))), 1)
        legend = [t.text for t in latency.iter(SVG + "text")
                  if t.text.startswith("P3 Score")]
        self.assertEqual(len(legend), 1)
        self.assertIn("p50 150 µs, p99 199 µs (100 requests)", legend[0])


CARD_OUTPUT = """\
model            version                      AUC  log loss     ECE
calibration: mean p / observed rate (posts) per bucket of p
p        draft                 prior draft
0.0-0.1  0.05 / 0.04 (8153)    0.06 / 0.00 (759)
0.5-0.6  -                     0.55 / 0.04 (1363)
0.9-1.0  0.96 / 0.97 (3688)    0.97 / 0.51 (23431)
model            version                      AUC  log loss     ECE
calibration: mean p / observed rate (posts) per bucket of p
p        draft
0.0-0.1  0.05 / 0.02 (4053)
0.9-1.0  0.92 / 1.00 (21)
"""


def draw_calibration(figure):
    """The root of `figure` as figures.py --calibration draws it from
    CARD_OUTPUT."""
    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, "card.txt")
        with open(text, "w") as f:
            f.write(CARD_OUTPUT)
        subprocess.run([sys.executable, os.path.join(HERE, "figures.py"),
                        "--calibration", text, "--to", tmp], check=True,
                       capture_output=True)
        return ET.parse(os.path.join(tmp, figure)).getroot()


class CalibrationTest(unittest.TestCase):
    def test_one_curve_per_model_one_dot_per_bucket_with_posts(self):
        svg = draw_calibration("calibration.svg")
        curves = [p.get("points") for p in svg.iter(SVG + "polyline")]
        self.assertEqual(len(curves), 2)
        # draft's buckets: (0.05, 0.04) and (0.96, 0.97) on a 340-unit
        # square whose corner (0, 0) is at (60, 406); its empty 0.5-0.6
        # bucket ("-") has no point.
        self.assertEqual(curves[0], "77.0,392.4 386.4,76.2")
        self.assertEqual(len(curves[1].split()), 3)
        self.assertEqual(len(list(svg.iter(SVG + "circle"))), 2 + 3)
        texts = [t.text for t in svg.iter(SVG + "text")]
        self.assertIn("draft", texts)
        self.assertIn("prior draft", texts)

    def test_the_second_block_is_the_calibrated_prior(self):
        svg = draw_calibration("calibration-prior.svg")
        curves = [p.get("points") for p in svg.iter(SVG + "polyline")]
        self.assertEqual(curves, ["77.0,399.2 372.8,66.0"])
        texts = [t.text for t in svg.iter(SVG + "text")]
        self.assertIn("Calibration on the holdout: the calibrated prior", texts)


if __name__ == "__main__":
    unittest.main()
