#!/usr/bin/env python3
"""bench/prior_terms.py reads prior-v1's terms from ranking/prior.cc: the
draft and live terms come out complete and name real features, and the
script scores a small made-up export (a term that ranks the rows
perfectly has AUC 1 alone)."""
import csv
import math
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import prior_terms  # noqa: E402


def feature_names():
    path = os.path.join(HERE, "..", "ranking", "feature_names.cc")
    return set(re.findall(r'"([a-z0-9_]+)"', open(path).read()))


class PriorTermsTest(unittest.TestCase):
    def test_reads_every_term_of_both_sets(self):
        draft, live = prior_terms.prior_terms()
        self.assertEqual(len(draft), 17)
        self.assertEqual(len(live), 10)
        names = [t[0] for t in draft + live]
        self.assertEqual(len(set(names)), len(names))
        self.assertLessEqual(set(names), feature_names())
        self.assertIn(("early_post_age_hours", -0.01, 2.0, 168.0), live)
        self.assertIn(("acct_niche_focus", 0.9, 0.5, math.inf), draft)

    def test_scores_an_export(self):
        draft, live = prior_terms.prior_terms()
        header = [t[0] for t in draft + live] + ["label"]
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "live.csv")
            with open(path, "w", newline="") as f:
                out = csv.writer(f)
                out.writerow(header)
                for i in range(40):
                    label = i % 2
                    row = ["" for _ in header]
                    # Strangers' completion decides the label here.
                    row[header.index("early_stranger_completion_rate")] = (
                        str(0.2 + 0.5 * label))
                    row[-1] = str(label)
                    out.writerow(row)
            text = subprocess.run(
                [sys.executable, os.path.join(HERE, "prior_terms.py"), path,
                 "--holdout-share", "1"],
                check=True, capture_output=True, text=True).stdout
        self.assertIn("40 rows, positive rate 0.500", text)
        line = next(l for l in text.splitlines()
                    if l.startswith("early_stranger_completion_rate |"))
        self.assertEqual(line.split(" | ")[3], "1.0000")


if __name__ == "__main__":
    unittest.main()
