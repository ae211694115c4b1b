#!/usr/bin/env python3
"""End-to-end test of the Grafana dashboard against a real Prometheus.

Starts on loopback (free ports, temporary directory):
  - `reachrank serve` (job "reachrank"): ingest, topics and ranking in one
    process, the writer of the database;
  - `reachrank-rank` (job "reachrank-rank") on the same database as a
    RocksDB secondary, as the rank container reads its shard's writer on
    Kubernetes: the only source of the catch-up metrics, which serve (it
    reads its own database) does not have;
  - a real Prometheus scraping both every second.
Drives a bounded load (the simulator; a reclassification; rejected posts;
Classify; Score and Rank through h2load; ScoreDrafts through `reachrank
score --server`; Rank on the standalone rank service), then evaluates every query of every dashboard
panel through Prometheus' HTTP API and asserts that each returns finite
data. All three processes are stopped by PID.

  dashboard_e2e.py --source-dir k8s --cli build/bin/reachrank \\
      --rank build/bin/reachrank-rank --protos protos [--lint-only]

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
METRIC_RE = re.compile(r"\b((?:reachrank|grpc_server|process)_[a-z0-9_]+)")
RANGE_RE = re.compile(r"\[([^\]]*)\]")
SERVE_JOB = "reachrank"
RANK_JOB = "reachrank-rank"
INGEST = "reachrank.v1.IngestService"
TOPICS = "reachrank.v1.TopicService"
RANKING = "reachrank.v1.RankingService"
# The gRPC services each job must show calls of (the RED rows).
SERVICES_EXPECTED = {SERVE_JOB: [INGEST, TOPICS, RANKING], RANK_JOB: [RANKING]}
# Simulation of the load; its posts also feed the drafts and candidates.
SIM_ARGS = ["--people", "30", "--days", "10", "--seed", "7"]


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
                # An instant query (a table) counts over the time range.
                if rng == "$__range" and t.get("instant"):
                    continue
                if rng != "$__rate_interval":
                    problems.append(
                        f"panel '{p['title']}' uses [{rng}], not [$__rate_interval]"
                        " (or [$__range] in an instant query)")
            # One instant value of increase over $__rate_interval is the last
            # minute or so, not what the table's time range shows.
            if t.get("instant") and re.search(
                    r"increase\([^\[]*\[\$__rate_interval\]", expr):
                problems.append(
                    f"panel '{p['title']}' query {t['refId']} is instant: "
                    "increase over [$__range], not [$__rate_interval]")
            # A rate is 0 while a service is idle, and x / 0 is NaN: the
            # divisor is filtered with > 0 so that idle series drop out.
            for rhs in expr.split(" / ")[1:]:
                if not re.fullmatch(r"\(.*\s>\s*0\)\s*", rhs):
                    problems.append(
                        f"panel '{p['title']}' query {t['refId']} divides by "
                        "a rate that may be 0: use / (… > 0)")
            if not re.search(r'job=~"\$job"', expr) or \
                    not re.search(r'instance=~"\$instance"', expr):
                problems.append(
                    f"panel '{p['title']}' query {t['refId']} ignores $job/$instance")
            if t.get("datasource", {}).get("uid") != "${datasource}":
                problems.append(
                    f"panel '{p['title']}' query {t['refId']} does not use $datasource")
    return problems


# --- processes -------------------------------------------------------------

_given_ports = set()


def free_port():
    """A loopback port free a moment ago and not handed out before: the
    kernel may give a released port again before the process it was for
    has bound it (it once went to both serve's metrics and Prometheus)."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _given_ports:
            _given_ports.add(port)
            return port
    raise RuntimeError("no loopback port not handed out before")


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


class Target:
    """A service under test: its gRPC and /metrics ports and its process."""

    def __init__(self, job, name):
        self.job = job
        self.name = name
        self.grpc_port = free_port()
        self.metrics_port = free_port()
        self.process = None

    @property
    def grpc(self):
        return f"127.0.0.1:{self.grpc_port}"

    @property
    def instance(self):
        return f"127.0.0.1:{self.metrics_port}"

    def metrics(self):
        return http_get(f"http://{self.instance}/metrics")

    def start(self, argv, tmp):
        self.process = Process(self.name, argv, os.path.join(tmp, f"{self.name}.log"))
        wait_for(f"{self.name}'s /metrics", lambda: (self.process.check_alive(),
                 "reachrank_build_info" in self.metrics())[1], 60)
        wait_for(f"{self.name}'s gRPC port", lambda: (self.process.check_alive(),
                 socket.create_connection(("127.0.0.1", self.grpc_port), timeout=1).close())
                 is not None, 60)


# `reachrank serve` writes the database; `reachrank-rank` reads it as a
# RocksDB secondary (which takes no lock), with serve's topic service for
# drafts: the shard pod's rank container, with serve as its writer.
def serve_argv(args, t, data):
    return [args.cli, "serve", f"--listen={t.grpc}", f"--metrics-listen={t.instance}",
            f"--data={data}", "--reclassify-interval-ms=200", "--insecure"]


def rank_argv(args, t, data, secondary, topics):
    return [args.rank, f"--listen={t.grpc}", f"--metrics-listen={t.instance}",
            f"--db={data}", f"--secondary-dir={secondary}", "--catch-up-interval=200",
            f"--topics={topics}", "--insecure"]


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


PROTO_OF = {"UpsertPostsRequest": "reachrank/v1/ingest.proto",
            "ClassifyRequest": "reachrank/v1/topics.proto",
            "ScoreRequest": "reachrank/v1/ranking.proto",
            "RankRequest": "reachrank/v1/ranking.proto"}


def grpc_frame(args, message, text, tmp):
    """A gRPC request body: protoc-encoded `text`, length-prefixed."""
    out = subprocess.run(
        ["protoc", f"-I{args.protos}", f"--encode=reachrank.v1.{message}",
         PROTO_OF[message]],
        input=text.encode(), capture_output=True, timeout=30)
    if out.returncode != 0:
        fail(f"protoc --encode {message}: {out.stderr.decode()}")
    body = b"\x00" + len(out.stdout).to_bytes(4, "big") + out.stdout
    fd, path = tempfile.mkstemp(prefix=f"{message}-", suffix=".bin", dir=tmp)
    with os.fdopen(fd, "wb") as f:
        f.write(body)
    return path


def unary_call(args, target, method, message, text, tmp, n):
    """`n` calls through h2load. h2load counts HTTP statuses only; the gRPC
    status codes are checked on /metrics (check_ranking_calls)."""
    body = grpc_frame(args, message, text, tmp)
    out = run(["h2load", "-n", str(n), "-c", "1", "-m", "1", "-d", body,
               "-H", "content-type: application/grpc", "-H", "te: trailers",
               f"http://{target.grpc}/{method}"],
              f"{n} x {method} on {target.name} (h2load)", 60)
    if f"{n} succeeded, 0 failed".encode() not in out.stdout:
        fail(f"h2load {method}: {out.stdout.decode()}")


class RankingLoad:
    """Requests built from the simulated posts (the same seed the simulator
    streams into serve): drafts with the posts' authors, texts and media,
    and Rank candidates that exist plus one that does not."""

    def __init__(self, args, tmp):
        sim = os.path.join(tmp, "sim")
        run([args.cli, "simulate", "--out", sim] + SIM_ARGS,
            "reachrank simulate --out (the posts for drafts and candidates)", 60)
        with open(os.path.join(sim, "posts.jsonl")) as f:
            posts = [json.loads(line) for line in f if line.strip()]
        if len(posts) < 20:
            fail(f"the simulation wrote {len(posts)} posts, expected at least 20")
        self.drafts = os.path.join(tmp, "drafts.jsonl")
        fields = ("platform", "author_id", "text", "language", "media_kind",
                  "duration_seconds", "hashtags")
        with open(self.drafts, "w") as f:
            for post in posts[:12]:
                draft = {"draft_id": "draft-" + post["post_id"]}
                draft.update({k: post[k] for k in fields if k in post})
                f.write(json.dumps(draft, ensure_ascii=False) + "\n")
        self.n_drafts = 12
        ids = [p["post_id"] for p in posts[:40]] + ["no-such-post"]
        self.rank_text = " ".join(f'post_ids: "{i}"' for i in ids) + " limit: 10"
        self.score_text = f'post_id: "{posts[0]["post_id"]}" explain: true'

    def score_drafts(self, args, target, tmp):
        out = os.path.join(tmp, "scores.jsonl")
        run([args.cli, "score", "--server", target.grpc, self.drafts, "-o", out],
            f"reachrank score --server ({self.n_drafts} drafts, ScoreDrafts) on {target.name}", 60)
        with open(out) as f:
            scores = [json.loads(line) for line in f if line.strip()]
        bad = [s for s in scores if not isinstance(s.get("p_reach", s.get("pReach")), (int, float))]
        if len(scores) != self.n_drafts or bad:
            fail(f"reachrank score: {len(scores)} lines for {self.n_drafts} drafts, "
                 f"{len(bad)} without p_reach: {(bad or scores)[:2]}")


def drive_load(args, serve, rank, ranking, tmp):
    run([args.cli, "simulate", "--server", serve.grpc] + SIM_ARGS,
        f"reachrank simulate {' '.join(SIM_ARGS)} on serve", 120)
    # The simulated posts classified again, with two topics each instead of
    # three (ingest row: posts reclassified).
    run([args.cli, "admin", "reclassify", "--server", serve.grpc, "--top-k", "2"],
        "reachrank admin reclassify on serve", 60)
    # One post without an id: rejected with a reason (ingest row).
    unary_call(args, serve, f"{INGEST}/UpsertPosts", "UpsertPostsRequest",
               'posts { platform: "tiktok" author_id: "a1" text: "no id" }', tmp, 3)
    unary_call(args, serve, f"{TOPICS}/Classify", "ClassifyRequest",
               'items { id: "1" text: "How to bake sourdough bread at home, '
               'step by step" } items { id: "2" text: "Der Bundestag hat '
               'heute ein neues Gesetz beschlossen" }', tmp, 20)
    # Ranking: a post by id, candidate lists, a file of drafts.
    unary_call(args, serve, f"{RANKING}/Score", "ScoreRequest", ranking.score_text, tmp, 10)
    unary_call(args, serve, f"{RANKING}/Rank", "RankRequest", ranking.rank_text, tmp, 5)
    ranking.score_drafts(args, serve, tmp)
    # The standalone rank service, reading serve's writes as a secondary.
    unary_call(args, rank, f"{RANKING}/Rank", "RankRequest", ranking.rank_text, tmp, 5)


# --- /metrics ----------------------------------------------------------------

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(exposition, name):
    """(labels, value) of every sample of `name` in a text exposition."""
    for line in exposition.splitlines():
        m = SAMPLE_RE.match(line)
        if m and m.group(1) == name:
            yield dict(LABEL_RE.findall(m.group(2) or "")), float(m.group(3))


def total(exposition, name, **labels):
    return sum(v for l, v in samples(exposition, name)
               if all(l.get(k) == want for k, want in labels.items()))


def check_ranking_calls(serve_metrics, rank_metrics):
    """Every RankingService call the load made ended OK, and the counters
    behind the ranking panels moved the way the load says they should."""
    problems = []
    for job, exposition, methods in ((SERVE_JOB, serve_metrics, ("Score", "Rank", "ScoreDrafts")),
                                     (RANK_JOB, rank_metrics, ("Rank",))):
        for method in methods:
            ok = total(exposition, "grpc_server_handled_total", grpc_service=RANKING,
                       grpc_method=method, grpc_code="OK")
            all_codes = total(exposition, "grpc_server_handled_total",
                              grpc_service=RANKING, grpc_method=method)
            if ok == 0 or ok != all_codes:
                problems.append(f"{job}: {RANKING}/{method}: {ok:g} OK of {all_codes:g} calls")
        if total(exposition, "reachrank_rank_candidates_total", result="scored") == 0:
            problems.append(f"{job}: no Rank candidate was found and scored")
        if total(exposition, "reachrank_rank_candidates_total", result="unknown") == 0:
            problems.append(f"{job}: the unknown Rank candidate was not counted")
    for kind in ("post", "draft"):
        if total(serve_metrics, "reachrank_rank_scores_count", kind=kind) == 0:
            problems.append(f"{SERVE_JOB}: no {kind} scores")
    if not list(samples(rank_metrics, "reachrank_rank_catch_up_lag_seconds")):
        problems.append(f"{RANK_JOB}: no reachrank_rank_catch_up_lag_seconds")
    if problems:
        fail("ranking load:\n  " + "\n  ".join(problems))
    log("ranking load: every RankingService call OK; post and draft scores, "
        "scored and unknown candidates counted on both jobs")


# --- Prometheus ------------------------------------------------------------

def start_prometheus(tmp, source_dir, prom_port, targets):
    rules = os.path.join(tmp, "rules.yml")
    shutil.copy(os.path.join(source_dir, "monitoring/prometheus/rules.yml"), rules)
    config = os.path.join(tmp, "prometheus.yml")
    jobs = "".join(f"""  - job_name: {t.job}
    static_configs:
      - targets: ['{t.instance}']
""" for t in targets)
    with open(config, "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [{rules}]
scrape_configs:
{jobs}""")
    return Process("prometheus", [
        "prometheus", f"--config.file={config}",
        f"--storage.tsdb.path={os.path.join(tmp, 'tsdb')}",
        f"--web.listen-address=127.0.0.1:{prom_port}",
        "--log.level=warn"], os.path.join(tmp, "prometheus.log"))


def wait_scrapes(prom_port, targets, since, n):
    """Waits until Prometheus has scraped every target `n` times after `since`."""
    jobs = "|".join(t.job for t in targets)

    def scraped():
        now = time.time()
        window = max(1, int(now - since))
        result, _ = query(prom_port,
                          f'count_over_time(up{{job=~"{jobs}"}}[{window}s]) >= {n}', now)
        return len(result or []) == len(targets)
    wait_for(f"{n} scrapes of every target", scraped, 30)


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


def check_panels(dash, prom_port, at, rate_interval, targets, exposed):
    """Every query, with $job and $instance selecting every target (as
    Grafana's "All"), must return at least one finite value."""
    jobs = "|".join(t.job for t in targets)
    instances = "|".join(t.instance for t in targets)
    passed, failed = [], []
    for p in panels_with_targets(dash):
        for t in p["targets"]:
            # $__range: the load is the time range shown.
            expr = (t["expr"].replace("$__rate_interval", rate_interval)
                    .replace("$__range", rate_interval)
                    .replace("$job", jobs).replace("$instance", instances))
            name = f"{p['title']} [{t['refId']}]"
            missing = sorted({m for m in METRIC_RE.findall(t["expr"]) if m not in exposed})
            result, error = query(prom_port, expr, at)
            if error:
                failed.append(f"{name}: query error {error}\n    {expr}")
            elif not result:
                failed.append(f"{name}: no data"
                              + (f" (not exposed: {', '.join(missing)})" if missing else "")
                              + f"\n    {expr}")
            elif not finite_values(result):
                failed.append(f"{name}: only NaN/Inf values\n    {expr}")
            else:
                passed.append(f"{name}: {len(result)} series")
    return passed, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source-dir", required=True, help="the k8s/ directory")
    ap.add_argument("--cli", help="the reachrank binary (serve, simulate, score)")
    ap.add_argument("--rank", help="the reachrank-rank binary")
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
    for binary in (args.cli, args.rank):
        if not binary or not os.access(binary, os.X_OK):
            skip(f"{binary} is not built")

    tmp = tempfile.mkdtemp(prefix="reachrank-dashboard-")
    data = os.path.join(tmp, "data")
    serve = Target(SERVE_JOB, "reachrank-serve")
    rank = Target(RANK_JOB, "reachrank-rank")
    targets = [serve, rank]
    prom_port = free_port()
    prom = None
    try:
        ranking = RankingLoad(args, tmp)
        serve.start(serve_argv(args, serve, data), tmp)
        # serve has created the database; the secondary opens it.
        rank.start(rank_argv(args, rank, data, os.path.join(tmp, "rank-secondary"),
                             serve.grpc), tmp)
        prom = start_prometheus(tmp, args.source_dir, prom_port, targets)
        wait_for("Prometheus ready", lambda: (prom.check_alive(), http_get(
            f"http://127.0.0.1:{prom_port}/-/ready") is not None)[1], 60)

        # The load must fall between scrapes that Prometheus has made.
        wait_scrapes(prom_port, targets, time.time() - 60, 2)
        # Counters of a method appear at its first call, and Prometheus sees
        # no increase in a series' first sample: the load runs twice, the
        # second time (the same simulation replayed, so duplicates too)
        # after Prometheus has scraped what the first one created.
        drive_load(args, serve, rank, ranking, tmp)
        wait_scrapes(prom_port, targets, time.time(), 2)
        load_start = time.time()
        drive_load(args, serve, rank, ranking, tmp)
        for t in targets:
            t.process.check_alive()
        load_end = time.time()
        expositions = {t.job: t.metrics() for t in targets}
        for job, exposition in expositions.items():
            with open(os.path.join(tmp, f"metrics-{job}.txt"), "w") as f:
                f.write(exposition)
            lint_out = subprocess.run(["promtool", "check", "metrics"],
                                      input=exposition.encode(), capture_output=True,
                                      timeout=30)
            if lint_out.returncode != 0:
                fail(f"promtool check metrics ({job}):\n" + lint_out.stdout.decode()
                     + lint_out.stderr.decode())
        log("promtool check metrics: /metrics of every target is clean")
        check_ranking_calls(expositions[SERVE_JOB], expositions[RANK_JOB])
        exposed = {line.split("{")[0].split(" ")[0]
                   for exposition in expositions.values()
                   for line in exposition.splitlines() if line and not line.startswith("#")}
        wait_scrapes(prom_port, targets, load_end, 3)
        at = time.time()
        # Every rate window reaches back to just before the load.
        rate_interval = f"{int(at - load_start) + 3}s"
        passed, failed = check_panels(dash, prom_port, at, rate_interval, targets, exposed)

        services_seen, _ = query(prom_port, 'sum by (job, grpc_service) '
                                 '(grpc_server_handled_total)', at)
        seen = sorted((s["metric"].get("job", ""), s["metric"].get("grpc_service", ""))
                      for s in services_seen or [])
        log(f"\ntargets: {', '.join(f'{t.job} ({t.name})' for t in targets)}; "
            f"rate interval {rate_interval}; gRPC services with calls: "
            + ", ".join(f"{job}/{svc}" for job, svc in seen))
        for job, services in SERVICES_EXPECTED.items():
            for s in services:
                if (job, s) not in seen:
                    failed.append(f"RED rows: no calls recorded for {s} on job {job}")
        for line in passed:
            log(f"PASS    {line}")
        for line in failed:
            log(f"FAIL    {line}")
        log(f"\n{len(passed)} queries returned data, {len(failed)} failed")
        if failed:
            fail(f"{len(failed)} dashboard checks failed")
    finally:
        for p in (prom, rank.process, serve.process):
            if p is not None:
                p.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
