#!/usr/bin/env python3
"""Builds bench/run's table and JSON from the raw outputs in OUT/raw.

Usage: bench/report.py OUT_DIR [--quick]

Reads Google Benchmark JSON files (gb-*.json), h2load outputs (*.h2load,
req/s) and request logs (*.lat, h2load --log-file), RSS figures (*.rss, kB)
and `reachrank score` timings (p7-cli-*.txt: "drafts seconds"). Medians are
taken over the repetitions of each measurement. Prints one table and writes
OUT_DIR/results.json. Standard library only.
"""
import glob
import json
import os
import re
import statistics
import sys


def median(values):
    return statistics.median(values) if values else None


def gb_runs(path):
    """{run_name: [per-repetition dicts with wall/cpu seconds and rate]}."""
    runs = {}
    for f in sorted(glob.glob(path)):
        with open(f) as fh:
            data = json.load(fh)
        for b in data.get("benchmarks", []):
            if b.get("run_type") != "iteration" or b.get("error_occurred"):
                continue
            scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
            name = b["run_name"].replace("/real_time", "")
            runs.setdefault(name, []).append({
                "real": b["real_time"] * scale,
                "cpu": b["cpu_time"] * scale,
                # items/s as Google Benchmark computed it (CPU time, or
                # wall time for UseRealTime benchmarks)
                "rate": b.get("items_per_second"),
                "real_rate": "/real_time" in b["run_name"],
            })
    return runs


def gb_key(runs, prefix):
    """The run name that is `prefix` or starts with `prefix`/ (args added)."""
    for name in runs:
        if name == prefix or name.startswith(prefix + "/"):
            return name
    return prefix


def gb_time(runs, name, clock="cpu"):
    reps = runs.get(name, [])
    return median([r[clock] for r in reps])


def gb_rate(runs, name, clock="cpu"):
    """Median items/s over `clock` (cpu or real)."""
    values = []
    for r in runs.get(name, []):
        if r["rate"] is None:
            continue
        measured = "real" if r["real_rate"] else "cpu"
        values.append(r["rate"] * r[measured] / r[clock])
    return median(values)


def h2load_qps(pattern):
    values = []
    for f in sorted(glob.glob(pattern)):
        text = open(f).read()
        m = re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text)
        ok = re.search(r"status codes: (\d+) 2xx", text)
        done = re.search(r"requests: \d+ total, \d+ started, (\d+) done", text)
        if m and ok and done and ok.group(1) == done.group(1):
            values.append(float(m.group(1)))
    return median(values)


def latency_percentiles(pattern):
    """p50, p99 in µs over every request in the matching h2load logs."""
    lat = []
    for f in sorted(glob.glob(pattern)):
        for line in open(f):
            cols = line.split()
            if len(cols) >= 3 and cols[1] == "200":
                lat.append(int(cols[2]))
    if not lat:
        return None, None
    lat.sort()
    return lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.99))]


def read_number(path):
    try:
        return float(open(path).read().split()[0])
    except (OSError, IndexError, ValueError):
        return None


def machine():
    model, cores = "unknown", os.cpu_count()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = open("/proc/loadavg").read().split()[:3] if os.path.exists(
        "/proc/loadavg") else []
    return {"cores": cores, "cpu": model, "loadavg": " ".join(load)}


class Table:
    def __init__(self):
        self.rows = []

    def add(self, name, a, b, ratio, target="", met=None, unit=""):
        self.rows.append({"ratio": name, "A": a, "B": b, "value": ratio,
                          "target": target, "met": met, "unit": unit})


def fmt(v, unit=""):
    if v is None:
        return "n/a"
    if isinstance(v, str):
        return v
    if abs(v) >= 100:
        s = f"{v:,.0f}"
    elif abs(v) >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.3g}"
    return s + unit


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def check(value, op, limit):
    if value is None:
        return None
    return value >= limit if op == ">=" else value <= limit


def p1(t, raw):
    runs = gb_runs(os.path.join(raw, "gb-model.json"))
    delta = None
    log = os.path.join(raw, "gb-model.log")
    if os.path.exists(log):
        m = re.search(r"max \|margin diff\| .* = (\S+)", open(log).read())
        delta = m.group(1) if m else None
    for batch, target in ((1, 5.0), (1000, 2.0)):
        ours = gb_time(runs, f"BM_OursPredictMargin/{batch}")
        xgb = gb_time(runs, f"BM_XGBoostPredictFromDense/{batch}")
        r = ratio(xgb, ours)
        t.add(f"P1 evaluator vs XGBoost, batch {batch} (speed-up; max |Δ| {delta})",
              fmt(ours and ours * 1e6, " µs"), fmt(xgb and xgb * 1e6, " µs"),
              r, f">= {target:g}x", check(r, ">=", target), "x")


def p2(t, raw):
    runs = gb_runs(os.path.join(raw, "gb-ranking.json"))
    rank = gb_time(runs, "BM_Rank/3600")
    multiget = gb_time(runs, "BM_RawMultiGet")
    r = ratio(rank, multiget)
    t.add("P2 Rank 1,000 in-process vs raw MultiGet (cost, CPU)",
          fmt(rank and rank * 1e3, " ms"), fmt(multiget and multiget * 1e3, " ms"),
          r, "<= 1.5x", check(r, "<=", 1.5), "x")


def p3(t, raw):
    score = h2load_qps(os.path.join(raw, "p3-score-*.h2load"))
    empty = h2load_qps(os.path.join(raw, "p3-health-*.h2load"))
    r = ratio(score, empty)
    t.add("P3 Score RPC vs empty RPC (QPS, h2load, loopback)",
          fmt(score, " qps"), fmt(empty, " qps"), r and 100 * r, ">= 80%",
          check(r, ">=", 0.8), "%")
    for what in ("score", "health"):
        p50, p99 = latency_percentiles(os.path.join(raw, f"p3-{what}-load.lat"))
        load = read_number(os.path.join(raw, "p3-load.rps"))
        t.add(f"P3 {what} latency at {fmt(load)} rps (50% of Score max)",
              fmt(p50, " µs p50"), fmt(p99, " µs p99"), None)


def p4(t, raw):
    runs = gb_runs(os.path.join(raw, "gb-ingest.json"))
    service = gb_rate(runs, gb_key(runs, "BM_ServiceRecordEvents"), "real")
    rawwb = gb_rate(runs, gb_key(runs, "BM_RawWriteBatch"), "real")
    r = ratio(service, rawwb)
    t.add("P4 ingest via gRPC stream vs raw WriteBatch+Merge (events/s, wall)",
          fmt(service, "/s"), fmt(rawwb, "/s"), r and 100 * r, ">= 70%",
          check(r, ">=", 0.7), "%")
    store = gb_rate(runs, gb_key(runs, "BM_StoreRecordEvents"), "cpu")
    raw_cpu = gb_rate(runs, gb_key(runs, "BM_RawWriteBatch"), "cpu")
    r = ratio(store, raw_cpu)
    if store is not None:
        t.add("P4' Store::RecordEvents vs raw WriteBatch+Merge (events/s, CPU)",
              fmt(store, "/s"), fmt(raw_cpu, "/s"), r and 100 * r, "", None,
              "%")


def p5(t, raw):
    runs = gb_runs(os.path.join(raw, "gb-topics.json"))
    # Classify in batches of 256 (validation included) is what the topic
    # service, `reachrank score` and ingest call; ClassifyOne beside it.
    batch = gb_rate(runs, gb_key(runs, "BM_ClassifyBatch"))
    one = gb_rate(runs, "BM_Classify")
    fasttext = gb_rate(runs, "BM_RawPredictLine")
    r = ratio(batch, fasttext)
    t.add("P5 classifier (Classify, batches of 256) vs raw fastText "
          "predictLine (texts/s, CPU)",
          fmt(batch, "/s"), fmt(fasttext, "/s"), r and 100 * r, ">= 80%",
          check(r, ">=", 0.8), "%")
    r = ratio(one, fasttext)
    t.add("P5' one text at a time (ClassifyOne) vs the same raw predictLine",
          fmt(one, "/s"), fmt(fasttext, "/s"), r and 100 * r, "", None, "%")


def p6(t, raw, cache_mib):
    sizes = sorted({os.path.basename(f).split("-")[1]
                    for f in glob.glob(os.path.join(raw, "p6-*-score.lat"))},
                   key=lambda s: float(s[:-1]) * (1e3 if s.endswith("k") else 1e6))
    base = None
    for size in sizes:
        p50, p99 = latency_percentiles(os.path.join(raw, f"p6-{size}-score.lat"))
        base = p50 if base is None else base
        rank = h2load_qps(os.path.join(raw, f"p6-{size}-rank-*.h2load"))
        rss = read_number(os.path.join(raw, f"p6-{size}.rss"))
        r = ratio(p50, base)
        t.add(f"P6 {size} posts: Score p50 vs 100k",
              fmt(p50, " µs"), fmt(base, " µs"), r, "<= 1.3x",
              check(r, "<=", 1.3), "x")
        t.add(f"P6 {size} posts: Rank 1,000 throughput",
              fmt(rank and rank * 1000, " cand/s"), fmt(rank, " rpc/s"), None)
        rss_mib = rss and rss / 1024
        limit = cache_mib + 256
        t.add(f"P6 {size} posts: RSS vs block cache + 256 MiB",
              fmt(rss_mib, " MiB"), fmt(limit, " MiB"), ratio(rss_mib, limit),
              "<= 1x", check(ratio(rss_mib, limit), "<=", 1.0), "x")


def p7(t, raw):
    cli = []
    for f in sorted(glob.glob(os.path.join(raw, "p7-cli-*.txt"))):
        drafts, seconds = (float(x) for x in open(f).read().split()[:2])
        cli.append(drafts / seconds)
    runs = gb_runs(os.path.join(raw, "gb-parts-*.json"))
    parts = [gb_rate(runs, gb_key(runs, f"BM_{p}"), "real")
             for p in ("Classify", "Features", "Evaluate")]
    raw_rate = None
    if all(parts):
        raw_rate = 1.0 / sum(1.0 / p for p in parts)
    a = median(cli)
    r = ratio(a, raw_rate)
    t.add("P7 `reachrank score` vs raw parts (drafts/s, all cores)",
          fmt(a, "/s"), fmt(raw_rate, "/s"), r and 100 * r, ">= 70%",
          check(r, ">=", 0.7), "%")
    engine = gb_rate(runs, gb_key(runs, "BM_ScoreDrafts"), "real")
    t.add("P7' parts: classify / features / evaluate / ScoreDrafts in-process",
          " / ".join(fmt(p, "/s") for p in parts), fmt(engine, "/s"), None)


def main():
    out = sys.argv[1]
    raw = os.path.join(out, "raw")
    cache_mib = read_number(os.path.join(raw, "block-cache.mib")) or 256
    t = Table()
    for section in (p1, p2, p3, p4, p5):
        section(t, raw)
    p6(t, raw, cache_mib)
    p7(t, raw)
    info = machine()
    mode = "quick" if "--quick" in sys.argv else "full"
    print(f"reachrank bench/run ({mode}) — {info['cores']} cores, {info['cpu']},"
          f" load average {info['loadavg']}")
    header = ("ratio", "A", "B", "ratio", "target", "met?")
    lines = [header]
    t.rows = [r for r in t.rows if (r["A"], r["B"]) != ("n/a", "n/a")]
    for row in t.rows:
        met = {True: "yes", False: "NO", None: ""}[row["met"]]
        lines.append((row["ratio"], row["A"], row["B"],
                      fmt(row["value"], row["unit"]), row["target"], met))
    widths = [max(len(str(l[i])) for l in lines) for i in range(len(header))]
    for i, l in enumerate(lines):
        print(" | ".join(str(c).ljust(w) for c, w in zip(l, widths)))
        if i == 0:
            print("-+-".join("-" * w for w in widths))
    result = {"mode": mode, "machine": info, "rows": t.rows}
    with open(os.path.join(out, "results.json"), "w") as fh:
        json.dump(result, fh, indent=2)
    print(f"JSON: {os.path.join(out, 'results.json')}")


if __name__ == "__main__":
    main()
