#!/usr/bin/env python3
"""SVG figures of one bench/run, from the files report.py reads.

Usage: bench/figures.py OUT_DIR [--to DIR]   (default DIR: OUT_DIR/figures)
       bench/figures.py --calibration TRAIN_OUTPUT --to DIR

- targets.svg: every ratio with a target as a share of its target (1 = the
  target; right of it is met), the median that the table reports and each
  repetition's own ratio, so the spread between repetitions shows.
- latency.svg: per-request latency from the h2load request logs as the
  share of requests slower than each latency (both axes log, so the tail
  reads off: 1 % is p99): P3's Score and empty RPC at the same offered
  load, P6's Score one call at a time per database size.
- calibration.svg (--calibration): a reliability diagram from the
  "calibration:" table that `reachrank train --compare-prior` prints
  (scripts/model-card's output): observed rate against mean predicted
  probability per bucket, one curve per model.
Standard library only.
"""
import glob
import json
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (the same readers as the table)

GREEN, RED, GREY, INK = "#2e7d32", "#c62828", "#9e9e9e", "#222"
LINES = ["#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457"]


class Svg:
    """A minimal SVG document: shapes in user units, text in px."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.items = []

    def line(self, x1, y1, x2, y2, color=INK, width=1, dash=None):
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.items.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{color}" stroke-width="{width}"{extra}/>')

    def circle(self, x, y, r, fill, stroke="none"):
        self.items.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" '
                          f'fill="{fill}" stroke="{stroke}"/>')

    def polyline(self, points, color, width=1.5):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        self.items.append(f'<polyline points="{pts}" fill="none" '
                          f'stroke="{color}" stroke-width="{width}"/>')

    def text(self, x, y, s, size=12, anchor="start", color=INK, bold=False):
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        weight = ' font-weight="bold"' if bold else ""
        self.items.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" '
            f'text-anchor="{anchor}" fill="{color}"{weight}>{s}</text>')

    def write(self, path):
        with open(path, "w") as f:
            f.write(f'<svg xmlns="http://www.w3.org/2000/svg" '
                    f'width="{self.width}" height="{self.height}" '
                    f'viewBox="0 0 {self.width} {self.height}" '
                    f'font-family="DejaVu Sans, Arial, sans-serif">\n'
                    f'<rect width="100%" height="100%" fill="white"/>\n')
            f.write("\n".join(self.items))
            f.write("\n</svg>\n")


def log_axis(lo, hi, x0, x1):
    """Maps a value on a log scale [lo, hi] to [x0, x1], clamped."""
    def x(v):
        v = min(max(v, lo), hi)
        return x0 + (x1 - x0) * math.log(v / lo) / math.log(hi / lo)
    return x


# --- targets.svg -----------------------------------------------------------

def share(value, target):
    """value as a share of its target: > 1 is better than the target."""
    op, limit = target.split()[0], float(target.split()[1].rstrip("x%"))
    if target.endswith("%"):
        value = value / 100
        limit = limit / 100
    return value / limit if op == ">=" else limit / value


def gb_reps(path, prefix, value="cpu"):
    """{repetition_index: CPU seconds, or items per wall-clock second for
    value="rate"} of the Google Benchmark run named `prefix` (or
    `prefix`/args) in `path`."""
    reps = {}
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    for b in json.load(open(path)).get("benchmarks", []) \
            if os.path.exists(path) else []:
        name = b["run_name"].replace("/real_time", "")
        if b.get("run_type") != "iteration" or not (
                name == prefix or name.startswith(prefix + "/")):
            continue
        cpu = b["cpu_time"] * scale[b["time_unit"]]
        rate = b.get("items_per_second")
        if rate and "/real_time" not in b["run_name"]:
            rate *= b["cpu_time"] / b["real_time"]  # per CPU second before
        reps[b.get("repetition_index", len(reps))] = (
            rate if value == "rate" else cpu)
    return reps


def paired(a, b):
    """(a_i, b_i) for the repetition indices both runs have."""
    return [(a[i], b[i]) for i in sorted(a) if i in b]


def h2load_reps(raw, what):
    return [report.h2load_qps(f) for f in
            sorted(glob.glob(os.path.join(raw, f"p3-{what}-[0-9]*.h2load")))]


def p7_rounds(raw):
    """(CLI drafts/s, raw parts' drafts/s) of each alternating P7 round."""
    rounds = []
    for f in sorted(glob.glob(os.path.join(raw, "p7-cli-*.txt"))):
        i = os.path.basename(f)[len("p7-cli-"):-len(".txt")]
        drafts, seconds = (float(v) for v in open(f).read().split()[:2])
        parts_file = os.path.join(raw, f"gb-parts-{i}.json")
        parts = [median_rate(parts_file, f"BM_{p}")
                 for p in ("Classify", "Features", "Evaluate")]
        if all(parts):
            rounds.append((drafts / seconds, 1 / sum(1 / p for p in parts)))
    return rounds


def median_rate(path, prefix):
    rates = [r for r in gb_reps(path, prefix, "rate").values() if r]
    return report.median(rates)


def repetition_values(raw, name):
    """Each repetition's own value of the table row `name`, in its unit."""
    model = os.path.join(raw, "gb-model.json")
    if name.startswith("P1"):
        batch = 1 if "batch 1 " in name else 1000
        return [x / o for o, x in paired(
            gb_reps(model, f"BM_OursPredictMargin/{batch}"),
            gb_reps(model, f"BM_XGBoostPredictFromDense/{batch}"))]
    if name.startswith("P2"):
        ranking = os.path.join(raw, "gb-ranking.json")
        return [r / m for r, m in paired(gb_reps(ranking, "BM_Rank/3600"),
                                         gb_reps(ranking, "BM_RawMultiGet"))]
    if name.startswith("P3 Score"):
        return [100 * s / e for s, e in zip(h2load_reps(raw, "score"),
                                            h2load_reps(raw, "health"))
                if s and e]
    if name.startswith("P4 "):
        ingest = os.path.join(raw, "gb-ingest.json")
        return [100 * s / w for s, w in paired(
            gb_reps(ingest, "BM_ServiceRecordEvents", "rate"),
            gb_reps(ingest, "BM_RawWriteBatch", "rate"))]
    if name.startswith("P7 "):
        return [100 * cli / parts for cli, parts in p7_rounds(raw)]
    if name.startswith("P5 "):
        topics = os.path.join(raw, "gb-topics.json")
        return [100 * r / c for c, r in paired(
            gb_reps(topics, "BM_ClassifyBatch"),
            gb_reps(topics, "BM_RawPredictLine"))]
    return []


def targets_figure(results, raw, path):
    # Rows with a target, but not the baseline compared with itself (P6's
    # smallest database).
    rows = [r for r in results["rows"]
            if r["target"] and r["value"] and r["A"] != r["B"]]
    top, row_h, x0, x1 = 58, 30, 360, 740
    svg = Svg(780, top + row_h * len(rows) + 50)
    x = log_axis(0.25, 8, x0, x1)
    svg.text(10, 22, "Each ratio as a share of its target (log scale; "
             "right of 1 = target met)", 14, bold=True)
    svg.text(10, 42, f"bench/run, {results['machine']['cores']} cores, "
             f"load average {results['machine']['loadavg']}; ● median "
             "(the table), ○ single repetitions", 11, color="#555")
    bottom = top + row_h * len(rows)
    for v in (0.25, 0.5, 1, 2, 4, 8):
        svg.line(x(v), top - 6, x(v), bottom, GREY if v != 1 else INK,
                 1 if v != 1 else 2, None if v == 1 else "3,3")
        svg.text(x(v), bottom + 16, f"{v:g}", 11, "middle")
    svg.text((x0 + x1) / 2, bottom + 34, "share of target", 11, "middle")
    for i, r in enumerate(rows):
        y = top + row_h * i + row_h / 2
        label = r["ratio"].split(" (")[0]
        label = label if len(label) <= 48 else label[:47] + "…"
        svg.text(10, y + 4, label, 11)
        for v in repetition_values(raw, r["ratio"]):
            svg.circle(x(share(v, r["target"])), y, 3.5, "none", GREY)
        s = share(r["value"], r["target"])
        color = GREEN if r["met"] else RED
        svg.line(x(1), y, x(s), y, color, 4)
        svg.circle(x(s), y, 5, color)
        svg.text(x1 + 4, y + 4, report.fmt(r["value"], r["unit"]), 10,
                 color=color)
    svg.write(path)


# --- latency.svg -----------------------------------------------------------

def latencies(path):
    out = []
    for line in open(path):
        cols = line.split()
        if len(cols) >= 3 and cols[1] == "200":
            out.append(int(cols[2]))
    return sorted(out)


def latency_figure(raw, path):
    series = []
    rps = report.read_number(os.path.join(raw, "p3-load.rps"))
    for what, label in (("score", "P3 Score"), ("health", "P3 empty RPC")):
        f = os.path.join(raw, f"p3-{what}-load.lat")
        if os.path.exists(f):
            at = f" at {report.fmt(rps)} rps" if rps else ""
            series.append((label + at, latencies(f)))
    for f in sorted(glob.glob(os.path.join(raw, "p6-*-score.lat"))):
        size = os.path.basename(f).split("-")[1]
        series.append((f"P6 Score, {size} posts, one call at a time",
                       latencies(f)))
    series = [(n, v) for n, v in series if v]
    if not series:
        return False
    left, right, top, bottom = 70, 740, 40, 330
    svg = Svg(780, bottom + 40 + 16 * len(series))
    x = log_axis(10, 100000, left, right)
    y = log_axis(1e-4, 1, bottom, top)
    svg.text(10, 22, "Latency per request (h2load request logs, loopback): "
             "share of requests slower", 14, bold=True)
    for v in (10, 100, 1000, 10000, 100000):
        svg.line(x(v), top, x(v), bottom, GREY, 1, "3,3")
        svg.text(x(v), bottom + 16, f"{v:,} µs", 11, "middle")
    for q, label in ((1, "all"), (0.5, "half"), (0.1, "10 %"),
                     (0.01, "1 %"), (0.001, "0.1 %"), (1e-4, "0.01 %")):
        svg.line(left, y(q), right, y(q), GREY, 1, "3,3")
        svg.text(left - 6, y(q) + 4, label, 11, "end")
    for k, (name, lat) in enumerate(series):
        n = len(lat)
        # (latency, share of requests slower than it), thinned on a log
        # grid of shares so that the tail keeps every point.
        points, last = [], None
        for i, v in enumerate(lat):
            slower = max((n - 1 - i) / n, 1e-4)
            key = round(math.log(slower) * 40)
            if key != last or i == n - 1:
                points.append((x(v), y(slower)))
                last = key
        color = LINES[k % len(LINES)]
        svg.polyline(points, color)
        p50, p99 = lat[n // 2], lat[min(n - 1, int(n * 0.99))]
        svg.line(20, bottom + 40 + 16 * k, 44, bottom + 40 + 16 * k, color, 3)
        svg.text(50, bottom + 44 + 16 * k, f"{name}: p50 {report.fmt(p50)} µs, "
                 f"p99 {report.fmt(p99)} µs ({n:,} requests)", 11)
    svg.write(path)
    return True


# --- calibration.svg -------------------------------------------------------

def calibration_tables(text):
    """One {model: [(mean p, observed rate, posts)]} per "calibration:"
    block of `reachrank train --compare-prior` output, in order (a bucket
    with no posts, printed "-", is left out)."""
    lines = text.splitlines()
    return [calibration_table(lines, i) for i, l in enumerate(lines)
            if l.startswith("calibration:")]


def calibration_table(lines, start):
    """The table of the "calibration:" block at lines[start]."""
    names = re.split(r"\s{2,}", lines[start + 1].strip())[1:]
    table = {n: [] for n in names}
    cell = re.compile(r"(\d+\.\d+) / (\d+\.\d+) \((\d+)\)|(?<!\S)-(?!\S)")
    for line in lines[start + 2:]:
        bucket, _, rest = line.strip().partition(" ")
        if not re.fullmatch(r"\d\.\d-\d\.\d", bucket):
            break
        for name, m in zip(names, cell.finditer(rest)):
            if m.group(1):
                table[name].append((float(m.group(1)), float(m.group(2)),
                                    int(m.group(3))))
    return table


def calibration_figure(table, path, title="Calibration on the holdout"):
    left, top, size = 60, 66, 340
    svg = Svg(left + size + 250, top + size + 50)
    x = lambda v: left + size * v  # noqa: E731
    y = lambda v: top + size * (1 - v)  # noqa: E731
    svg.text(10, 22, title, 14, bold=True)
    svg.text(10, 40, "observed rate against mean predicted p, per bucket "
             "of p (0-0.1, 0.1-0.2, ...)", 11, color="#555")
    svg.text(x(0) - 6, top - 10, "observed rate", 11)
    for v in (0, 0.25, 0.5, 0.75, 1):
        svg.line(x(v), y(0), x(v), y(1), GREY, 1, "3,3")
        svg.line(x(0), y(v), x(1), y(v), GREY, 1, "3,3")
        svg.text(x(v), y(0) + 16, f"{v:g}", 11, "middle")
        svg.text(x(0) - 6, y(v) + 4, f"{v:g}", 11, "end")
    svg.line(x(0), y(0), x(1), y(1), INK, 1.5)
    svg.text(x(0.5), y(0) + 34, "mean predicted p", 11, "middle")
    for k, (name, buckets) in enumerate(table.items()):
        color = LINES[k % len(LINES)]
        svg.polyline([(x(m), y(r)) for m, r, _ in buckets], color, 2)
        for m, r, n in buckets:
            svg.circle(x(m), y(r), 2 + math.log10(max(n, 1)), color)
        ly = top + 20 + 22 * k
        svg.line(x(1) + 20, ly, x(1) + 44, ly, color, 3)
        svg.text(x(1) + 50, ly + 4, name, 12)
    svg.text(x(1) + 20, top + 30 + 22 * len(table),
             "dot size: posts in the bucket (log)", 10, color="#555")
    svg.text(x(1) + 20, top + 46 + 22 * len(table),
             "on the diagonal: calibrated", 10, color="#555")
    svg.write(path)


def main():
    if "--calibration" in sys.argv:
        to = sys.argv[sys.argv.index("--to") + 1]
        with open(sys.argv[sys.argv.index("--calibration") + 1]) as f:
            tables = calibration_tables(f.read())
        os.makedirs(to, exist_ok=True)
        # scripts/model-card: the trained models, then the calibrated prior.
        figures = [("calibration.svg", "Calibration on the holdout"),
                   ("calibration-prior.svg",
                    "Calibration on the holdout: the calibrated prior")]
        for table, (name, title) in zip(tables, figures):
            calibration_figure(table, os.path.join(to, name), title)
            print(f"figures: {os.path.join(to, name)}")
        return
    out = sys.argv[1] if len(sys.argv) > 1 else "out/bench"
    to = sys.argv[sys.argv.index("--to") + 1] if "--to" in sys.argv else \
        os.path.join(out, "figures")
    raw = os.path.join(out, "raw")
    with open(os.path.join(out, "results.json")) as f:
        results = json.load(f)
    os.makedirs(to, exist_ok=True)
    targets_figure(results, raw, os.path.join(to, "targets.svg"))
    written = ["targets.svg"]
    if latency_figure(raw, os.path.join(to, "latency.svg")):
        written.append("latency.svg")
    print(f"figures: {', '.join(os.path.join(to, w) for w in written)}")


if __name__ == "__main__":
    main()
