#!/usr/bin/env python3
"""Which terms of prior-v1 help or hurt its ranking, on exported rows.

  reachrank export --db DB --cutoff T --live-ages 2 --out live.csv
  bench/prior_terms.py live.csv [--holdout-share 0.5]

(one age per file: the rows of a post at several ages share its time.)

Reads the terms (feature, weight, center, cap) from ranking/prior.cc, scores the
latest rows of the CSV (oldest first; the last --holdout-share of them) with
the prior's margin as documented in docs/model.md (a missing feature takes
its center), and prints the AUC of the draft terms, of all terms, and per
live term: the feature alone, the draft terms plus it, and all terms
without it. Plain Python, no packages.
"""
import argparse
import csv
import os
import math
import re

# {"feature", weight, center} or {"feature", weight, center, upper}
TERM = re.compile(
    r'\{"(\w+)",\s*(-?[\d.]+),\s*(-?[\d.]+)(?:,\s*([\d.]+))?\}')


def prior_terms():
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                       "ranking", "prior.cc")
    text = open(src).read()
    live_at = text.index("LiveTerms()")
    end = text.index("PriorMetadata(")
    draft, live = [], []
    for m in TERM.finditer(text, 0, end):
        upper = float(m.group(4)) if m.group(4) else math.inf
        term = (m.group(1), float(m.group(2)), float(m.group(3)), upper)
        (draft if m.start() < live_at else live).append(term)
    return draft, live


def auc(y, p):
    """Mann-Whitney AUC of scores p for 0/1 labels y; ties count a half."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    rank_sum, npos, i = 0.0, 0, 0
    while i < len(order):
        j = i
        while j < len(order) and p[order[j]] == p[order[i]]:
            j += 1
        mid_rank = (i + 1 + j) / 2  # ranks i+1..j share their mean
        for k in order[i:j]:
            if y[k] == 1:
                rank_sum += mid_rank
                npos += 1
        i = j
    nneg = len(y) - npos
    return (rank_sum - npos * (npos + 1) / 2) / (npos * nneg)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("--holdout-share", type=float, default=0.5)
    args = parser.parse_args()
    with open(args.csv) as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    rows = rows[int(len(rows) * (1 - args.holdout_share)):]
    cols = {name: [float(r[i]) if r[i] else math.nan for r in rows]
            for i, name in enumerate(header)}
    y = cols["label"]
    draft, live = prior_terms()

    def margin(terms):
        m = [0.0] * len(y)
        for feature, w, center, upper in terms:
            for i, x in enumerate(cols[feature]):
                if not math.isnan(x):
                    m[i] += w * (min(x, upper) - center)
        return m

    print(f"{len(y)} rows, positive rate {sum(y) / len(y):.3f}")
    print(f"draft terms AUC {auc(y, margin(draft)):.4f}; "
          f"all terms {auc(y, margin(draft + live)):.4f}")
    print("live term | weight | center | alone | draft + it | all but it")
    for term in live:
        feature, w, center, upper = term
        alone = [math.copysign(1, w) * (center if math.isnan(x)
                                        else min(x, upper))
                 for x in cols[feature]]
        print(f"{feature} | {w:+g} | {center:g} | {auc(y, alone):.4f} | "
              f"{auc(y, margin(draft + [term])):.4f} | "
              f"{auc(y, margin(draft + [t for t in live if t != term])):.4f}")


if __name__ == "__main__":
    main()
