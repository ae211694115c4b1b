#!/usr/bin/env python3
"""Parameter and feature search for `reachrank train --csv` on Online News
Popularity, by time-ordered cross-validation inside the training part only.

The latest 20 % of the rows (the holdout that `reachrank train` reports) is
cut off first and never read. Inside the remaining 80 % (oldest first), fold
k trains on every row before block k and scores block k, k = 1..3, the
blocks being the latest three eighths of the training part (each 10 % of the
file); a setting's score is its mean AUC over the three blocks.

  bench/onp_search.py BUILD_DIR [--features base|derived] [--grid small|wide]
      [--depths 4,5,6] [--params TRAIN_FLAGS...]
Prints one line per setting, best last.
"""
import argparse
import csv
import itertools
import os
import re
import subprocess
import tempfile

DATA = "data/online_news_popularity/OnlineNewsPopularity_reduced.csv"


def read_rows():
    with open(DATA) as f:
        rows = list(csv.reader(f))
    return [h.strip() for h in rows[0]], rows[1:]


# `reachrank train --derive` features: counts and per-token rates that a
# tree cannot build from one column at a time.
DERIVED = ["n_unique_tokens*n_tokens_content", "num_hrefs/n_tokens_content",
           "num_imgs/n_tokens_content"]


def auc_of(binary, path, holdout_fraction, flags, work):
    out = subprocess.run(
        [binary, "train", "--csv", path, "--label", "shares", "--threshold",
         "1400", "--holdout-fraction", repr(holdout_fraction), "--nthread",
         "1", "--model-version", "cv", "--out", os.path.join(work, "m")]
        + flags, check=True, capture_output=True, text=True).stdout
    return float(re.search(r"holdout AUC ([0-9.]+)", out).group(1))


def grid(kind, depths):
    if kind == "small":
        space = [depths, ((0.03, 300),), (20,), (0.8,), (0.8,)]
    else:
        space = [depths, ((0.03, 300), (0.01, 1200)), (20, 100), (0.8,),
                 (0.5, 0.8)]
    for depth, (eta, rounds), mcw, sub, col in itertools.product(*space):
        yield ["--max-depth", str(depth), "--eta", str(eta), "--rounds",
               str(rounds), "--min-child-weight", str(mcw), "--subsample",
               str(sub), "--colsample", str(col)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build_dir")
    parser.add_argument("--features", choices=("base", "derived"),
                        default="base")
    parser.add_argument("--grid", choices=("small", "wide"), default="small")
    parser.add_argument("--depths", default="4,5,6")
    parser.add_argument("--params", nargs=argparse.REMAINDER,
                        help="one setting: train flags (instead of a grid)")
    args = parser.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    binary = os.path.join(args.build_dir, "bin", "reachrank")
    header, rows = read_rows()
    extra = []
    if args.features == "derived":
        for expr in DERIVED:
            extra += ["--derive", expr]
    depths = tuple(int(d) for d in args.depths.split(","))
    settings = [args.params] if args.params else grid(args.grid, depths)
    train_part = rows[:len(rows) - round(0.2 * len(rows))]  # holdout cut off
    n = len(train_part)
    block = n // 8
    results = []
    with tempfile.TemporaryDirectory() as work:
        paths = []
        for k in (3, 2, 1):  # fold k: rows up to block k's end
            end = n - (k - 1) * block
            path = os.path.join(work, f"fold{k}.csv")
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(header)
                w.writerows(train_part[:end])
            paths.append((path, block / end))
        for flags in settings:
            aucs = [auc_of(binary, p, frac, flags + extra, work)
                    for p, frac in paths]
            mean = sum(aucs) / len(aucs)
            line = (f"{args.features} {' '.join(flags)} | "
                    + " ".join(f"{a:.4f}" for a in aucs) + f" | mean {mean:.4f}")
            print(line, flush=True)
            results.append((mean, line))
    print("best:", max(results)[1])


if __name__ == "__main__":
    main()
