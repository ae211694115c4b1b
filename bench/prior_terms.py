#!/usr/bin/env python3
"""Which terms of prior-v1 help or hurt its ranking, on exported rows.

  reachrank export --db DB --cutoff T --live-ages 2 --out live.csv
  bench/prior_terms.py live.csv [--holdout-share 0.5]

(one age per file: the rows of a post at several ages share its time.)

Reads the terms (feature, weight, center) from ranking/prior.cc, scores the
latest rows of the CSV (oldest first; the last --holdout-share of them) with
the prior's margin as documented in docs/model.md (a missing feature takes
its center), and prints the AUC of the draft terms, of all terms, and per
live term: the feature alone, the draft terms plus it, and all terms
without it. Needs numpy and scipy.
"""
import argparse
import csv
import os
import re

import numpy as np
from scipy.stats import rankdata

TERM = re.compile(r'\{"(\w+)",\s*(-?[\d.]+),\s*(-?[\d.]+)\}')


def prior_terms():
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                       "ranking", "prior.cc")
    text = open(src).read()
    live_at = text.index("LiveTerms()")
    end = text.index("class PriorModel")
    draft, live = [], []
    for m in TERM.finditer(text, 0, end):
        term = (m.group(1), float(m.group(2)), float(m.group(3)))
        (draft if m.start() < live_at else live).append(term)
    return draft, live


def auc(y, p):
    r = rankdata(p)
    pos = y == 1
    npos, nneg = pos.sum(), len(y) - pos.sum()
    return (r[pos].sum() - npos * (npos + 1) / 2) / (npos * nneg)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("--holdout-share", type=float, default=0.5)
    args = parser.parse_args()
    with open(args.csv) as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    rows = rows[int(len(rows) * (1 - args.holdout_share)):]
    cols = {name: np.array([float(r[i]) if r[i] else np.nan for r in rows])
            for i, name in enumerate(header)}
    y = cols["label"]
    draft, live = prior_terms()

    def margin(terms):
        m = np.zeros(len(y))
        for feature, w, center in terms:
            x = cols[feature]
            m += np.where(np.isnan(x), 0.0, w * (x - center))
        return m

    print(f"{len(y)} rows, positive rate {y.mean():.3f}")
    print(f"draft terms AUC {auc(y, margin(draft)):.4f}; "
          f"all terms {auc(y, margin(draft + live)):.4f}")
    print("live term | weight | center | alone | draft + it | all but it")
    for term in live:
        feature, w, center = term
        alone = np.sign(w) * np.nan_to_num(cols[feature], nan=center)
        print(f"{feature} | {w:+g} | {center:g} | {auc(y, alone):.4f} | "
              f"{auc(y, margin(draft + [term])):.4f} | "
              f"{auc(y, margin(draft + [t for t in live if t != term])):.4f}")


if __name__ == "__main__":
    main()
