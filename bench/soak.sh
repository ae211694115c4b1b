#!/usr/bin/env bash
# A bounded soak of `reachrank serve` over loopback: for --seconds (default
# 300) it drives, at the same time,
#   - ingest streams: `reachrank simulate --server` (the first run brings new
#     events, every later run the same ones again: all duplicates),
#   - batch draft scoring: `reachrank score --server` (ScoreDrafts) on a file
#     whose last lines are invalid on purpose (rejected by the client),
#   - Score (draft and post), Rank and Classify through h2load with prepared
#     gRPC bodies, and Score with an invalid draft (INVALID_ARGUMENT on
#     purpose),
# samples the server's RSS every few seconds into rss.csv (seconds, MiB), and
# then checks:
#   - no error except the provoked ones (server status codes from /metrics,
#     client exit codes, h2load failures),
#   - RSS growth after warm-up (the first 20 % of the run, or
#     --warmup-seconds) at most 10 %,
#   - /metrics agrees with the clients' counts (events ingested and
#     duplicates, RPCs per method, draft scores served),
#   - `reachrank admin check` finds the database's derived rows consistent
#     (read live, through a secondary instance).
# Exits 1 with a message per violated check.
#   bench/soak.sh [--seconds N] [--warmup-seconds W] [--out DIR] [--bin DIR]
# A short run needs an explicit warm-up: the server's memory grows until
# RocksDB's memtable budget (32 MiB) and block cache have filled, which
# took about a minute in the 5-minute run of docs/reliability.md.
# --bin holds reachrank (default: build/bin beside this script's repo, or
# $REACHRANK_BIN); --out keeps logs, rss.csv and summary.txt (default: a
# fresh temp dir). Needs h2load, protoc, curl and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
seconds=300
warmup=""
out=""
bin=${REACHRANK_BIN:-$repo/build/bin}
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --warmup-seconds) warmup=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    *) echo "soak: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/reachrank-soak.XXXXXX")
mkdir -p "$out"
out=$(cd "$out" && pwd)
cli=$bin/reachrank
for tool in h2load protoc curl python3; do
  command -v "$tool" > /dev/null || { echo "soak: needs $tool" >&2; exit 2; }
done
[ -x "$cli" ] || { echo "soak: no $cli (use --bin)" >&2; exit 2; }

# shellcheck source=bench/soak_lib.sh
. "$here/soak_lib.sh"

grpc_port=$(soak_free_port)
metrics_port=$(soak_free_port)
addr=127.0.0.1:$grpc_port
insecure=()
if "$cli" serve --help 2>&1 | grep -q -- --insecure; then insecure=(--insecure); fi

rm -rf "$out/data"  # a fresh database: the first ingest run must be all new
"$cli" serve --listen "$addr" --metrics-listen "127.0.0.1:$metrics_port" \
  --data "$out/data" --block-cache-mb 32 "${insecure[@]}" \
  > "$out/serve.log" 2>&1 &
server=$!
trap 'kill $(jobs -p) 2> /dev/null || true; wait 2> /dev/null || true' EXIT
soak_wait_serving "$out/serve.log" "$metrics_port" 60 || soak_die "serve did not start (see $out/serve.log)"

# History to score against, before the clock starts: every event is new.
sim_args=(simulate --server "$addr" --people 40 --days 20 --seed 7)
"$cli" "${sim_args[@]}" 2> "$out/sim-0.log" || soak_die "first simulate failed"
read -r _ first_events < <(soak_sim_counts "$out/sim-0.log")
soak_make_inputs "$out" "$repo/protos"

begin=$(date +%s)
deadline=$((begin + seconds))
soak_sample_rss "$server" "$begin" "$deadline" "$out/rss.csv" &
sampler=$!
soak_ingest_loop "$cli" "$deadline" "$out" "${sim_args[@]}" &
ingest=$!
soak_score_loop "$cli" "$deadline" "$out" "$addr" &
scorer=$!
soak_h2load_loop "$deadline" "$out" "$addr" &
h2=$!
failed=0
for pid in $ingest $scorer $h2 $sampler; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || soak_fail "a load loop failed (see $out/*.log)"
kill -0 "$server" 2> /dev/null || soak_die "serve died (see $out/serve.log)"

sleep 1  # let the last calls' metrics land
curl -sf "http://127.0.0.1:$metrics_port/metrics" > "$out/metrics.txt" \
  || soak_die "cannot scrape /metrics"
soak_failed=${soak_failed:-0}
soak_check "$out" "$first_events" "$seconds" "${warmup:-$((seconds / 5))}" || soak_failed=1
"$cli" admin check --db "$out/data" > "$out/check.log" 2>&1 \
  || soak_fail "admin check: $(tail -n 1 "$out/check.log")"
echo "soak: output in $out"
exit "$soak_failed"
