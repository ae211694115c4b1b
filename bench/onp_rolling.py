#!/usr/bin/env python3
"""The paper's evaluation protocol on Online News Popularity: the model is
retrained as time moves on, and each block of the holdout is scored by a
model fitted on every row before that block. This READS the holdout (the
latest 20 % of rows that `reachrank train` reports), so it is a measurement
of a deployment regime, not a way to choose settings; docs/model.md has
its figures.

  bench/onp_rolling.py [--every N] [--window W]
      --every N   retrain every N rows of the holdout (default 1000,
                  the paper's test window)
      --window W  fit on the last W rows only, unweighted (the paper's
                  sliding window); default: every earlier row with the
                  recency weights of --recency-half-life 0.2
Prints, per setting, the single-model holdout AUC (what `reachrank train`
prints) and the rolling one. Needs numpy, scipy and xgboost.
"""
import argparse
import os

import numpy as np

import onp_explore as E

# name -> (soft-label scale or None, extra parameters, derived column)
SETTINGS = {
    "defaults + recency": (None, {}, None),
    "A soft labels 0.25": (0.25, {}, None),
    "D (CV-selected)": (0.25, {"colsample_bynode": 0.5,
                               "num_parallel_tree": 4, "subsample": 0.5},
                        "num_imgs/n_tokens_content"),
}


def target(shares, soft):
    if soft is None:
        return (shares >= E.THRESHOLD) * 1.0
    return 1 / (1 + np.exp(-np.log(shares / E.THRESHOLD) / soft))


def fit_predict(x, shares, fit_rows, score_rows, soft, params, window):
    lo = 0 if window is None else max(0, fit_rows.stop - window)
    rows = slice(lo, fit_rows.stop)
    weight = None if window is None else np.ones(rows.stop - rows.start)
    return E.margins(x[rows], target(shares[rows], soft), x[score_rows],
                     params, weight=weight)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--window", type=int)
    args = parser.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    names, x0, shares = E.load()
    y = (shares >= E.THRESHOLD) * 1.0
    n = len(y)
    start = n - round(0.2 * n)
    for name, (soft, params, derived) in SETTINGS.items():
        x = x0 if derived is None else np.column_stack(
            [x0, E.derive(names, x0, derived)])
        single = fit_predict(x, shares, slice(0, start), slice(start, n),
                             soft, params, args.window)
        rolling = np.concatenate([
            fit_predict(x, shares, slice(0, a),
                        slice(a, min(n, a + args.every)), soft, params,
                        args.window)
            for a in range(start, n, args.every)])
        print(f"{name} | single {E.auc(y[start:], single):.4f}"
              f" | rolling {E.auc(y[start:], rolling):.4f}", flush=True)


if __name__ == "__main__":
    main()
