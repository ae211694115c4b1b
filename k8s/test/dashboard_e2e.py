#!/usr/bin/env python3
"""End-to-end test of the Grafana dashboard against a real Prometheus.

Starts reachrank on loopback (free ports, temporary directory), a real
Prometheus scraping it every second, drives a bounded load, then evaluates
every query of every dashboard panel through Prometheus' HTTP API and
asserts that each returns data. Both processes are stopped by PID.

  dashboard_e2e.py --source-dir k8s --cli build/bin/reachrank \\
      --ingest build/bin/reachrank-ingest --protos protos [--lint-only]

A query may be reported PENDING (not failed) only when every metric it is
missing is listed in PENDING_METRICS and the running binary does not expose
it: metrics of services not built yet. Everything else must return data.
Exit codes: 0 pass, 1 fail, 77 skipped (a tool is missing).
"""
import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

SKIP = 77
# Metrics the dashboard shows that no running binary exposes yet: the
# ranking service's (reachrank-rank, and `reachrank serve` once it hosts
# ranking). Once a binary exposes one, its panels must return data.
PENDING_METRICS = {
    "reachrank_rank_scores_bucket",
    "reachrank_rank_candidates_scored_total",
    "reachrank_model_info",
    "reachrank_rank_secondary_lag_seconds",
}
METRIC_RE = re.compile(r"\b((?:reachrank|grpc_server|process)_[a-z0-9_]+)")
RANGE_RE = re.compile(r"\[([^\]]*)\]")
SCRAPE_JOB = "reachrank"
SERVICES_EXPECTED = ["reachrank.v1.IngestService", "reachrank.v1.TopicService"]


def log(msg):
    print(msg, flush=True)


def skip(reason):
    log(f"SKIPPED: {reason}")
    sys.exit(SKIP)


def fail(msg):
    log(f"FAIL: {msg}")
    sys.exit(1)


# --- the dashboard ---------------------------------------------------------

def panels_with_targets(dash):
    for p in dash["panels"]:
        for inner in [p] + p.get("panels", []):
            if inner.get("targets"):
                yield inner


def lint(dash):
    """Static checks; returns a list of problems."""
    problems = []
    if not dash.get("uid"):
        problems.append("dashboard has no stable uid")
    names = {v["name"]: v for v in dash.get("templating", {}).get("list", [])}
    if names.get("datasource", {}).get("type") != "datasource":
        problems.append("no datasource variable")
    for var in ("job", "instance"):
        if var not in names:
            problems.append(f"no {var} variable")
    rows = [p["title"] for p in dash["panels"] if p["type"] == "row"]
    for row in ("Overview", "Ingest", "Topics", "Ranking", "RocksDB", "Process"):
        if row not in rows:
            problems.append(f"no {row} row")
    ids = [p["id"] for p in dash["panels"]]
    if len(ids) != len(set(ids)):
        problems.append("panel ids are not unique")
    for p in panels_with_targets(dash):
        if p.get("datasource", {}).get("uid") != "${datasource}":
            problems.append(f"panel '{p['title']}' does not use $datasource")
        for t in p["targets"]:
            expr = t["expr"]
            for rng in RANGE_RE.findall(expr):
                if rng != "$__rate_interval":
                    problems.append(
                        f"panel '{p['title']}' uses [{rng}], not [$__rate_interval]")
            if not re.search(r'job=~"\$job"', expr) or \
                    not re.search(r'instance=~"\$instance"', expr):
                problems.append(
                    f"panel '{p['title']}' query {t['refId']} ignores $job/$instance")
            if t.get("datasource", {}).get("uid") != "${datasource}":
                problems.append(
                    f"panel '{p['title']}' query {t['refId']} does not use $datasource")
    return problems


# --- processes -------------------------------------------------------------

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def wait_for(what, check, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, urllib.error.URLError, ValueError):
            pass
        time.sleep(0.25)
    fail(f"timed out after {seconds}s waiting for {what}")


class Process:
    """A child process in its own session, stopped by PID."""

    def __init__(self, name, argv, log_path):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log(f"started {name} (pid {self.proc.pid}): {' '.join(argv)}")

    def check_alive(self):
        if self.proc.poll() is not None:
            with open(self.log_path, "rb") as f:
                tail = f.read()[-3000:].decode(errors="replace")
            fail(f"{self.name} exited with {self.proc.returncode}:\n{tail}")

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()
        log(f"stopped {self.name} (pid {self.proc.pid}, exit {self.proc.returncode})")


# The service under test. `reachrank serve` hosts ingest + topics (+ rank,
# once it exists) in one process; reachrank-ingest alone proves fewer rows.
def serve_argv(args, grpc_port, metrics_port, data):
    return [args.cli, "serve", f"--listen=127.0.0.1:{grpc_port}",
            f"--metrics-listen=127.0.0.1:{metrics_port}", f"--data={data}",
            "--reclassify-interval-ms=200"]


def ingest_argv(args, grpc_port, metrics_port, data):
    return [args.ingest, f"--listen=127.0.0.1:{grpc_port}",
            f"--metrics-listen=127.0.0.1:{metrics_port}", f"--db={data}"]


SERVICE_ARGV = serve_argv  # switch to ingest_argv to test reachrank-ingest


# --- load ------------------------------------------------------------------

def run(argv, what, timeout):
    log(f"load: {what}")
    try:
        out = subprocess.run(argv, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        fail(f"{what} did not finish in {timeout}s")
    if out.returncode != 0:
        fail(f"{what} exited {out.returncode}: {out.stderr.decode()[-2000:]}")
    return out


def grpc_frame(args, message, text, tmp):
    """A gRPC request body: protoc-encoded `text`, length-prefixed."""
    proto = {"UpsertPostsRequest": "reachrank/v1/ingest.proto",
             "ClassifyRequest": "reachrank/v1/topics.proto"}[message]
    out = subprocess.run(
        ["protoc", f"-I{args.protos}", f"--encode=reachrank.v1.{message}", proto],
        input=text.encode(), capture_output=True, timeout=30)
    if out.returncode != 0:
        fail(f"protoc --encode {message}: {out.stderr.decode()}")
    body = b"\x00" + len(out.stdout).to_bytes(4, "big") + out.stdout
    path = os.path.join(tmp, f"{message}.bin")
    with open(path, "wb") as f:
        f.write(body)
    return path


def unary_call(args, grpc_port, method, message, text, tmp, n):
    body = grpc_frame(args, message, text, tmp)
    out = run(["h2load", "-n", str(n), "-c", "1", "-m", "1", "-d", body,
               "-H", "content-type: application/grpc", "-H", "te: trailers",
               f"http://127.0.0.1:{grpc_port}/{method}"],
              f"{n} x {method} (h2load)", 60)
    if b"succeeded, 0 failed" in out.stdout and f"{n} succeeded".encode() not in out.stdout:
        fail(f"h2load {method}: {out.stdout.decode()}")


def drive_load(args, grpc_port, tmp, hosted):
    run([args.cli, "simulate", "--server", f"127.0.0.1:{grpc_port}",
         "--people", "30", "--days", "10", "--seed", "7"],
        "reachrank simulate --people 30 --days 10", 120)
    # One post without an id: rejected with a reason (ingest row).
    unary_call(args, grpc_port, "reachrank.v1.IngestService/UpsertPosts",
               "UpsertPostsRequest",
               'posts { platform: "tiktok" author_id: "a1" text: "no id" }', tmp, 3)
    if "reachrank.v1.TopicService" in hosted:
        unary_call(args, grpc_port, "reachrank.v1.TopicService/Classify",
                   "ClassifyRequest",
                   'items { id: "1" text: "How to bake sourdough bread at home, '
                   'step by step" } items { id: "2" text: "Der Bundestag hat '
                   'heute ein neues Gesetz beschlossen" }', tmp, 20)
    # Ranking load (the score CLI) joins here once `reachrank score` exists.


# --- Prometheus ------------------------------------------------------------

def start_prometheus(args, tmp, prom_port, metrics_port):
    rules = os.path.join(tmp, "rules.yml")
    shutil.copy(os.path.join(args.source_dir, "monitoring/prometheus/rules.yml"), rules)
    config = os.path.join(tmp, "prometheus.yml")
    with open(config, "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [{rules}]
scrape_configs:
  - job_name: {SCRAPE_JOB}
    static_configs:
      - targets: ['127.0.0.1:{metrics_port}']
""")
    return Process("prometheus", [
        "prometheus", f"--config.file={config}",
        f"--storage.tsdb.path={os.path.join(tmp, 'tsdb')}",
        f"--web.listen-address=127.0.0.1:{prom_port}",
        "--log.level=warn"], os.path.join(tmp, "prometheus.log"))


def wait_scrapes(prom_port, since, n):
    """Waits until Prometheus has scraped the service `n` times after `since`."""
    def scraped():
        now = time.time()
        window = max(1, int(now - since))
        result, _ = query(prom_port, f'count_over_time(up{{job="{SCRAPE_JOB}"}}[{window}s])', now)
        return bool(result) and float(result[0]["value"][1]) >= n
    wait_for(f"{n} scrapes", scraped, 30)


def query(prom_port, expr, at):
    url = (f"http://127.0.0.1:{prom_port}/api/v1/query?" +
           urllib.parse.urlencode({"query": expr, "time": f"{at:.3f}"}))
    try:
        body = json.loads(http_get(url, timeout=10))
    except urllib.error.HTTPError as e:
        return None, f"HTTP {e.code}: {e.read().decode()[:300]}"
    if body.get("status") != "success":
        return None, body.get("error", "no status")
    return body["data"]["result"], None


def finite_values(result):
    vals = []
    for series in result:
        if "value" in series:
            vals.append(float(series["value"][1]))
    return [v for v in vals if math.isfinite(v)]


def check_panels(dash, prom_port, at, rate_interval, instance, exposed):
    passed, pending, failed = [], [], []
    for p in panels_with_targets(dash):
        for t in p["targets"]:
            expr = (t["expr"].replace("$__rate_interval", rate_interval)
                    .replace("$job", SCRAPE_JOB).replace("$instance", instance))
            name = f"{p['title']} [{t['refId']}]"
            missing = {m for m in METRIC_RE.findall(t["expr"]) if m not in exposed}
            if missing and missing <= PENDING_METRICS:
                pending.append(f"{name}: {', '.join(sorted(missing))} not exposed yet")
                continue
            result, error = query(prom_port, expr, at)
            if error:
                failed.append(f"{name}: query error {error}\n    {expr}")
            elif not result:
                failed.append(f"{name}: no data"
                              + (f" (not exposed: {', '.join(sorted(missing))})" if missing else "")
                              + f"\n    {expr}")
            elif not finite_values(result):
                failed.append(f"{name}: only NaN/Inf values\n    {expr}")
            else:
                passed.append(f"{name}: {len(result)} series")
    return passed, pending, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source-dir", required=True, help="the k8s/ directory")
    ap.add_argument("--cli")
    ap.add_argument("--ingest")
    ap.add_argument("--protos")
    ap.add_argument("--dashboard", help="default: monitoring/grafana/reachrank.json")
    ap.add_argument("--lint-only", action="store_true")
    args = ap.parse_args()
    path = args.dashboard or os.path.join(args.source_dir, "monitoring/grafana/reachrank.json")
    with open(path) as f:
        dash = json.load(f)
    problems = lint(dash)
    if problems:
        fail("dashboard lint:\n  " + "\n  ".join(problems))
    n_queries = sum(len(p["targets"]) for p in panels_with_targets(dash))
    log(f"dashboard lint: uid {dash['uid']}, {n_queries} queries pass")
    if args.lint_only:
        return
    for tool in ("prometheus", "promtool", "h2load", "protoc"):
        if shutil.which(tool) is None:
            skip(f"{tool} is not installed (scripts/setup installs it)")
    for binary in (args.cli, args.ingest):
        if not binary or not os.access(binary, os.X_OK):
            skip(f"{binary} is not built")

    tmp = tempfile.mkdtemp(prefix="reachrank-dashboard-")
    grpc_port, metrics_port, prom_port = free_port(), free_port(), free_port()
    service = prom = None
    try:
        service = Process("reachrank", SERVICE_ARGV(args, grpc_port, metrics_port,
                                                    os.path.join(tmp, "data")),
                          os.path.join(tmp, "service.log"))
        metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
        wait_for("the service's /metrics", lambda: (service.check_alive(),
                 "reachrank_build_info" in http_get(metrics_url))[1], 60)
        wait_for("the service's gRPC port", lambda: (service.check_alive(),
                 socket.create_connection(("127.0.0.1", grpc_port), timeout=1).close())
                 is not None, 60)
        prom = start_prometheus(args, tmp, prom_port, metrics_port)
        wait_for("Prometheus ready", lambda: (prom.check_alive(), http_get(
            f"http://127.0.0.1:{prom_port}/-/ready") is not None)[1], 60)

        # The load must fall between scrapes that Prometheus has made.
        wait_for("Prometheus' first scrapes", lambda: bool(query(
            prom_port, f'count_over_time(up{{job="{SCRAPE_JOB}"}}[1m]) >= 2',
            time.time())[0]), 30)
        hosted = [s for s in SERVICES_EXPECTED
                  if SERVICE_ARGV is serve_argv or s == "reachrank.v1.IngestService"]
        # Counters of a method appear at its first call, and Prometheus sees
        # no increase in a series' first sample: the load runs twice, the
        # second time (the same simulation replayed, so duplicates too)
        # after Prometheus has scraped what the first one created.
        drive_load(args, grpc_port, tmp, hosted)
        wait_scrapes(prom_port, time.time(), 2)
        load_start = time.time()
        drive_load(args, grpc_port, tmp, hosted)
        service.check_alive()
        load_end = time.time()
        exposition = http_get(metrics_url)
        metrics_file = os.path.join(tmp, "metrics.txt")
        with open(metrics_file, "w") as f:
            f.write(exposition)
        lint_out = subprocess.run(["promtool", "check", "metrics"], input=exposition.encode(),
                                  capture_output=True, timeout=30)
        if lint_out.returncode != 0:
            fail("promtool check metrics:\n" + lint_out.stdout.decode() + lint_out.stderr.decode())
        log("promtool check metrics: /metrics is clean")
        exposed = {line.split("{")[0].split(" ")[0] for line in exposition.splitlines()
                   if line and not line.startswith("#")}
        wait_scrapes(prom_port, load_end, 3)
        at = time.time()
        # Every rate window reaches back to just before the load.
        rate_interval = f"{int(at - load_start) + 3}s"
        passed, pending, failed = check_panels(
            dash, prom_port, at, rate_interval, f"127.0.0.1:{metrics_port}", exposed)

        services_seen, _ = query(prom_port, 'sum by (grpc_service) '
                                 '(grpc_server_handled_total{job="reachrank"})', at)
        seen = sorted(s["metric"].get("grpc_service", "") for s in services_seen or [])
        log(f"\nservice: {' '.join(SERVICE_ARGV(args, 0, 0, 'DATA')[:2])}; "
            f"rate interval {rate_interval}; gRPC services with calls: {', '.join(seen)}")
        for s in hosted:
            if s not in seen:
                failed.append(f"RED rows: no calls recorded for {s}")
        for line in passed:
            log(f"PASS    {line}")
        for line in pending:
            log(f"PENDING {line}")
        for line in failed:
            log(f"FAIL    {line}")
        log(f"\n{len(passed)} queries returned data, {len(pending)} pending, "
            f"{len(failed)} failed")
        if failed:
            fail(f"{len(failed)} dashboard queries returned no data")
    finally:
        for p in (prom, service):
            if p is not None:
                p.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
