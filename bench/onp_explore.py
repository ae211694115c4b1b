#!/usr/bin/env python3
"""Ideas for Online News Popularity that `reachrank train` does not offer as
flags, scored by the same time-ordered cross-validation as
bench/onp_search.py, with XGBoost's Python package (1.7) and the trainer's
parameters. With those parameters it reproduces onp_search.py's figures.

The latest 20 % of the rows (the holdout that `reachrank train` reports) is
cut off first and never read. Fold k trains on every row before block k and
scores block k; the blocks are the latest three eighths of the rest.

  bench/onp_explore.py [--only NAME...]   # default: every idea
  bench/onp_explore.py --ratio-search [--quick]
      every ratio and product of two non-binary columns, each added alone
      (--quick: eta 0.1 and 90 rounds, as most of docs/model.md's search)
  bench/onp_explore.py --forest-grid
      XGBoost's random-forest mode (FOREST) over depth, min_child_weight
      and columns per split, with and without the recency weights
  bench/onp_explore.py --context
      features of an article's time context, from the columns of the
      articles before it (never their shares), each added to setting B
      (soft labels 0.25, colsample_bynode 0.5)
  bench/onp_explore.py --demand
      the demand side: the mean log shares of the last W articles of the
      same channel published at least L rows earlier (L 1,200 rows is
      about three weeks: shares that had settled), alone and beside the
      channel's lead over all channels, each added to setting C
  bench/onp_explore.py --row-index
      the row's position in the file (publication order) as a feature, so
      that trees can tell periods apart, added to settings C and D
  bench/onp_explore.py --more
      around setting C: each column dropped in turn, soft labels around a
      rolling local threshold, the dart booster, and a rank blend with the
      random forest
  bench/onp_explore.py --targets
      around setting C: regression on log shares (absolute, pseudo-Huber and
      squared error) scored by its prediction, and the label mean of each
      row's k nearest training rows (standardized columns; a training row's
      own label left out) as a feature
Needs numpy, scipy and xgboost. Prints one line per idea: block AUCs and
their mean. Every idea uses the recency weights of --recency-half-life 0.2.
"""
import argparse
import csv
import itertools
import os

import numpy as np
import xgboost as xgb
from numpy.lib.stride_tricks import sliding_window_view
from scipy.spatial import cKDTree
from scipy.stats import rankdata

DATA = "data/online_news_popularity/OnlineNewsPopularity_reduced.csv"
THRESHOLD = 1400
HALF_LIFE = 0.2
# The trainer's defaults (ranking/train/xgboost_booster.h), one thread.
BASE = dict(objective="binary:logistic", tree_method="hist", max_depth=5,
            eta=0.03, min_child_weight=20, subsample=0.8,
            colsample_bytree=0.8, seed=1, nthread=1)
ROUNDS = 300


def load():
    with open(DATA) as f:
        rows = list(csv.reader(f))
    header = [h.strip() for h in rows[0]]
    values = np.array([[float(c) if c.strip() else np.nan for c in r]
                       for r in rows[1:]])
    li = header.index("shares")
    names = [h for h in header if h != "shares"]
    return names, np.delete(values, li, axis=1), values[:, li]


def auc(y, p):
    r = rankdata(p)
    pos = y == 1
    npos, nneg = pos.sum(), len(y) - pos.sum()
    return (r[pos].sum() - npos * (npos + 1) / 2) / (npos * nneg)


def recency(n):
    return np.exp2(-(n - 1 - np.arange(n)) / (HALF_LIFE * n))


def folds(n_all):
    n = n_all - round(0.2 * n_all)  # the holdout is cut off
    block = n // 8
    for k in (3, 2, 1):
        end = n - (k - 1) * block
        yield end - block, end  # fit rows [0, start), score [start, end)


def margins(x, target, xt, params=None, rounds=ROUNDS, group=None,
            weight=None):
    p = dict(BASE, **(params or {}))
    d = xgb.DMatrix(x, label=target, missing=np.nan,
                    weight=recency(len(target)) if weight is None and
                    group is None else weight)
    if group is not None:
        d.set_group(group)
    booster = xgb.train(p, d, rounds)
    return booster.predict(xgb.DMatrix(xt, missing=np.nan),
                           output_margin=True)


def plain(params=None, rounds=ROUNDS):
    return lambda x, s, xt: margins(x, (s >= THRESHOLD) * 1.0, xt, params,
                                    rounds)


def bagged(n):
    return lambda x, s, xt: sum(
        margins(x, (s >= THRESHOLD) * 1.0, xt, {"seed": 1 + i})
        for i in range(n)) / n


def grouped_pairwise(size):
    def fit(x, s, xt):
        n = len(s)
        sizes = [size] * (n // size) + ([n % size] if n % size else [])
        ends = np.cumsum(sizes) - 1
        return margins(x, (s >= THRESHOLD) * 1.0, xt,
                       {"objective": "rank:pairwise"}, group=sizes,
                       weight=recency(n)[ends])
    return fit


def single_pairwise(x, s, xt):
    return margins(x, (s >= THRESHOLD) * 1.0, xt,
                   {"objective": "rank:pairwise"})


def rolling_threshold(s, window):
    """Per row, the quantile of `s` over the `window` rows around it at the
    negative rate of THRESHOLD over all of `s`."""
    q = 1 - (s >= THRESHOLD).mean()
    pad = np.concatenate([np.full(window // 2, np.nan), s,
                          np.full(window - 1 - window // 2, np.nan)])
    return np.nanquantile(sliding_window_view(pad, window), q, axis=1)


def rolling_quantile_label(window):
    return lambda x, s, xt: margins(
        x, (s >= rolling_threshold(s, window)) * 1.0, xt)


def thresholds_mean(thresholds):
    return lambda x, s, xt: sum(margins(x, (s >= t) * 1.0, xt)
                                for t in thresholds)


def soft(scale, params=None, rounds=ROUNDS):
    return lambda x, s, xt: margins(
        x, 1 / (1 + np.exp(-np.log(s / THRESHOLD) / scale)), xt, params,
        rounds)


# A random forest, the paper's model class: one round of 300 trees grown on
# 63.2 % subsamples, a fifth of the columns tried at each split, eta 1.
FOREST = {"num_parallel_tree": 300, "eta": 1, "max_depth": 12,
          "min_child_weight": 1, "subsample": 0.632, "colsample_bytree": 1,
          "colsample_bynode": 0.2, "reg_lambda": 1e-5}


IDEAS = {
    "recency only": plain(),
    "rank:pairwise, one group": single_pairwise,
    "rank:pairwise, groups of 1000": grouped_pairwise(1000),
    "5 boosters, seeds 1-5": bagged(5),
    "lossguide, 16 leaves": plain({"grow_policy": "lossguide",
                                   "max_leaves": 16, "max_depth": 0}),
    "gamma 1": plain({"gamma": 1}),
    "lambda 10": plain({"reg_lambda": 10}),
    "alpha 1": plain({"alpha": 1}),
    "max_bin 64": plain({"max_bin": 64}),
    "max_bin 32": plain({"max_bin": 32}),
    "depth 4": plain({"max_depth": 4}),
    "depth 6, mcw 50": plain({"max_depth": 6, "min_child_weight": 50}),
    "rolling quantile label, 6000 rows": rolling_quantile_label(6000),
    "num_parallel_tree 4": plain({"num_parallel_tree": 4}),
    "colsample_bynode 0.5": plain({"colsample_bynode": 0.5}),
    "mean of thresholds 1000/1400/2000": thresholds_mean([1000, 1400, 2000]),
    "soft labels 0.25": soft(0.25),
    "soft labels 0.25, colsample_bynode 0.5": soft(0.25,
                                                   {"colsample_bynode": 0.5}),
    "random forest": plain(FOREST, 1),
    "random forest, depth 16": plain(dict(FOREST, max_depth=16), 1),
    "random forest, soft labels 0.25": soft(0.25, FOREST, 1),
}


def local_soft(scale, params, window):
    """Soft labels around rolling_threshold instead of the fixed one."""
    def fit(x, s, xt):
        local = rolling_threshold(s, window)
        return margins(x, 1 / (1 + np.exp(-np.log(s / local) / scale)), xt,
                       params)
    return fit


def rank_blend(a, b, w):
    """w x the ranks of fit a's margins + (1 - w) x fit b's."""
    return lambda x, s, xt: (w * rankdata(a(x, s, xt)) +
                             (1 - w) * rankdata(b(x, s, xt)))


def more(names, x, shares):
    """The --more ideas, each against setting C."""
    c = np.column_stack([x, derive(names, x, "num_imgs/n_tokens_content")])
    columns = names + ["num_imgs/n_tokens_content"]
    bynode = {"colsample_bynode": 0.5}
    score("C", soft(0.25, bynode), c, shares)
    for j, name in enumerate(columns):
        score("C without " + name, soft(0.25, bynode), np.delete(c, j, 1),
              shares)
    for window in (3000, 6000, 12000):
        score(f"C, soft labels around the rolling threshold over {window}",
              local_soft(0.25, bynode, window), c, shares)
    score("C, dart (rate_drop 0.1, skip_drop 0.5)", soft(0.25, dict(
        bynode, booster="dart", rate_drop=0.1, skip_drop=0.5)), c, shares)
    for w in (0.5, 0.7):
        score(f"C ranks x {w} + forest (soft labels 0.25) x {1 - w:.1f}",
              rank_blend(soft(0.25, bynode), soft(0.25, FOREST, 1), w), c,
              shares)


def log_shares(objective, params, extra=None):
    """Regression of log shares, scored by its prediction."""
    return lambda x, s, xt: margins(x, np.log(s), xt, dict(
        params, objective=objective, base_score=float(np.log(THRESHOLD)),
        **(extra or {})))


def neighbour_labels(k, params):
    """Setting C's fit with one more column: the mean label of the k
    nearest training rows (a training row's own label is left out)."""
    def fit(x, s, xt):
        y = (s >= THRESHOLD) * 1.0
        z = np.nan_to_num(x)
        mu, sd = z.mean(0), z.std(0) + 1e-9
        tree = cKDTree((z - mu) / sd)
        _, i = tree.query((z - mu) / sd, k + 1)
        _, j = tree.query((np.nan_to_num(xt) - mu) / sd, k)
        return soft(0.25, params)(np.column_stack([x, y[i[:, 1:]].mean(1)]),
                                  s, np.column_stack([xt, y[j].mean(1)]))
    return fit


def targets(names, x, shares):
    """The --targets ideas, each against setting C."""
    c = np.column_stack([x, derive(names, x, "num_imgs/n_tokens_content")])
    bynode = {"colsample_bynode": 0.5}
    score("C", soft(0.25, bynode), c, shares)
    for objective, extra in (("reg:absoluteerror", None),
                             ("reg:pseudohubererror", {"huber_slope": 1.0}),
                             ("reg:squarederror", None)):
        score(f"C, {objective} on log shares",
              log_shares(objective, bynode, extra), c, shares)
    for k in (20, 100):
        score(f"C + label mean of the {k} nearest training rows",
              neighbour_labels(k, bynode), c, shares)


def derive(names, x, expr):
    op = "/" if "/" in expr else "*"
    a, b = (x[:, names.index(c)] for c in expr.split(op))
    if op == "*":
        return a * b
    with np.errstate(all="ignore"):
        return np.where(b == 0, np.nan, a / b)


def score(name, fit, x, shares):
    y = (shares >= THRESHOLD) * 1.0
    aucs = [auc(y[start:end], fit(x[:start], shares[:start], x[start:end]))
            for start, end in folds(len(y))]
    print(f"{name} | " + " ".join(f"{a:.4f}" for a in aucs)
          + f" | mean {np.mean(aucs):.4f}", flush=True)


def context_features(names, x):
    """Columns computed from the rows before each row (file order is
    publication order): the weekday reconstructed from the runs of
    is_weekend (a week starts at the first weekday row after a weekend;
    position in the week's weekday rows, 0-1, weekend rows 1-2), the share
    of the last 300 articles in the same channel (crowding), and each
    non-binary column's percentile among the last 1,000 articles."""
    n = len(x)
    we = x[:, names.index("is_weekend")]
    week = np.concatenate([[0], np.cumsum((we[1:] == 0) & (we[:-1] == 1))])
    counts = np.bincount(week)
    pos = np.arange(n) - np.concatenate([[0], np.cumsum(counts)[:-1]])[week]
    weekdays = np.bincount(week, weights=(we == 0))[week]
    weekpos = np.where(we == 0, pos / np.maximum(weekdays, 1),
                       1 + (pos - weekdays) /
                       np.maximum(counts[week] - weekdays, 1))
    channel = sum((i + 1) * x[:, names.index(c)] for i, c in enumerate(
        [c for c in names if c.startswith("data_channel")]))
    idx = np.arange(n)
    lo = np.maximum(idx - 300, 0)
    crowding = np.zeros(n)
    for c in np.unique(channel):
        cs = np.concatenate([[0], np.cumsum(channel == c)])
        crowding = np.where(channel == c, (cs[idx] - cs[lo]) /
                            np.maximum(idx - lo, 1), crowding)
    binary = [c for c in names if c.startswith("data_channel")] + [
        "is_weekend"]
    pct = np.full((n, len(names) - len(binary)), np.nan)
    for j, c in enumerate(c for c in names if c not in binary):
        v = x[:, names.index(c)]
        for i in range(1, n):
            w = v[max(0, i - 1000):i]
            pct[i, j] = (w < v[i]).mean() + 0.5 * (w == v[i]).mean()
    return {"weekday (from is_weekend runs)": weekpos[:, None],
            "channel share of the last 300": crowding[:, None],
            "percentiles among the last 1,000": pct}


def lagged_mean(values, groups, window, lag):
    """Per row i, the mean of `values` over the last `window` rows j of the
    same group with j <= i - lag (NaN when there is none)."""
    out = np.full(len(values), np.nan)
    for g in np.unique(groups):
        idx = np.where(groups == g)[0]
        cs = np.concatenate([[0], np.cumsum(values[idx])])
        end = np.searchsorted(idx, idx - lag, side="right")
        start = np.maximum(end - window, 0)
        with np.errstate(all="ignore"):
            out[idx] = np.where(end > start, (cs[end] - cs[start]) /
                                (end - start), np.nan)
    return out


def demand_features(names, x, shares):
    """{name: columns} of earlier articles' shares, lagged (see --demand)."""
    channel = sum((i + 1) * x[:, names.index(c)] for i, c in enumerate(
        [c for c in names if c.startswith("data_channel")]))
    everyone = np.zeros(len(shares))
    out = {}
    for lag, window in itertools.product((1200, 300), (300, 1000)):
        mine = lagged_mean(np.log(shares), channel, window, lag)
        lead = mine - lagged_mean(np.log(shares), everyone, 3 * window, lag)
        out[f"channel mean log shares, W {window}, L {lag}"] = mine[:, None]
        out[f"channel mean and lead, W {window}, L {lag}"] = np.column_stack(
            [mine, lead])
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="+", choices=sorted(IDEAS))
    parser.add_argument("--ratio-search", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--context", action="store_true")
    parser.add_argument("--forest-grid", action="store_true")
    parser.add_argument("--demand", action="store_true")
    parser.add_argument("--row-index", action="store_true")
    parser.add_argument("--more", action="store_true")
    parser.add_argument("--targets", action="store_true")
    args = parser.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    names, x, shares = load()
    if args.targets:
        targets(names, x, shares)
        return
    if args.more:
        more(names, x, shares)
        return
    if args.forest_grid:
        for depth, mcw, bynode, weighted in itertools.product(
                (8, 12, 16), (1, 10, 40), (0.2, 0.35, 0.5), (False, True)):
            params = dict(FOREST, max_depth=depth, min_child_weight=mcw,
                          colsample_bynode=bynode)
            fit = plain(params, 1) if weighted else (
                lambda x, s, xt, p=params: margins(
                    x, (s >= THRESHOLD) * 1.0, xt, p, 1,
                    weight=np.ones(len(s))))
            score(f"forest depth {depth}, mcw {mcw}, bynode {bynode}, "
                  f"{'recency weights' if weighted else 'unweighted'}",
                  fit, x, shares)
        return
    if args.context:
        b = soft(0.25, {"colsample_bynode": 0.5})
        score("B", b, x, shares)
        for name, cols in context_features(names, x).items():
            score("B + " + name, b, np.column_stack([x, cols]), shares)
        return
    if args.demand:
        c = np.column_stack([x, derive(names, x, "num_imgs/n_tokens_content")])
        b = soft(0.25, {"colsample_bynode": 0.5})
        score("C", b, c, shares)
        for name, cols in demand_features(names, x, shares).items():
            score("C + " + name, b, np.column_stack([c, cols]), shares)
        return
    if args.row_index:
        c = np.column_stack([x, derive(names, x, "num_imgs/n_tokens_content")])
        row = np.arange(len(x), dtype=float)
        for name, params in (("C", {"colsample_bynode": 0.5}),
                             ("D", {"colsample_bynode": 0.5,
                                    "num_parallel_tree": 4,
                                    "subsample": 0.5})):
            fit = soft(0.25, params)
            score(name, fit, c, shares)
            score(name + " + row index", fit, np.column_stack([c, row]),
                  shares)
        return
    if not args.ratio_search:
        for name in args.only or IDEAS:
            score(name, IDEAS[name], x, shares)
        return
    binary = [n for n in names if n.startswith("data_channel")] + [
        "is_weekend"]
    cont = [n for n in names if n not in binary]
    for a, b in itertools.combinations(cont, 2):
        for expr in (f"{a}/{b}", f"{b}/{a}", f"{a}*{b}"):
            fit = plain({"eta": 0.1}, 90) if args.quick else plain()
            score(expr, fit, np.column_stack([x, derive(names, x, expr)]),
                  shares)


if __name__ == "__main__":
    main()
