# Helpers of bench/soak.sh (sourced). Every loop ends at its deadline and
# after a bounded number of rounds; counts go to files in the output dir.

soak_die() { echo "soak: FAIL: $*" >&2; exit 1; }
soak_fail() { echo "soak: FAIL: $*" >&2; soak_failed=1; }

soak_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# soak_wait_serving LOG PORT SECONDS: until the server logged that it serves
# and /metrics answers.
soak_wait_serving() {
  local i
  for ((i = 0; i < $3 * 5; i++)); do
    if grep -q "serving on port" "$1" 2> /dev/null \
      && curl -sf "http://127.0.0.1:$2/metrics" > /dev/null; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

# soak_sim_counts LOG: "<event records> <events>" from simulate's summary.
soak_sim_counts() {
  sed -n 's/.* \([0-9]*\) event records (\([0-9]*\) events).*/\1 \2/p' "$1" | tail -1
}

# soak_frame: stdin (a protobuf message) as one uncompressed gRPC frame.
soak_frame() {
  python3 -c 'import sys,struct; d=sys.stdin.buffer.read(); sys.stdout.buffer.write(b"\0"+struct.pack(">I",len(d))+d)'
}

# soak_body OUT PROTOS TYPE PROTO_FILE: a gRPC body from text format on stdin.
soak_body() {
  (cd "$2" && protoc -I. --encode="reachrank.v1.$3" "reachrank/v1/$4") \
    | soak_frame > "$1"
}

# soak_make_inputs OUT PROTOS: h2load bodies and the drafts file.
soak_make_inputs() {
  local out=$1 protos=$2 i ids=""
  soak_body "$out/classify.bin" "$protos" ClassifyRequest topics.proto <<'P'
items { id: "a" text: "How to: fix a bike chain in 5 steps" }
items { id: "b" text: "Die Mannschaft gewann das Finale." language: "de" }
items { id: "c" text: "旅行打包清单" }
P
  soak_body "$out/score_draft.bin" "$protos" ScoreRequest ranking.proto <<'P'
draft { draft_id: "d1" platform: "tiktok" author_id: "acct-000001"
        text: "How to: pack a carry-on for two weeks"
        media_kind: MEDIA_KIND_VIDEO duration_seconds: 45 }
explain: true
P
  soak_body "$out/score_post.bin" "$protos" ScoreRequest ranking.proto <<'P'
post_id: "post-00000003"
explain: true
P
  for i in $(seq 0 49); do ids="$ids post_ids: \"$(printf 'post-%08d' "$i")\""; done
  echo "$ids limit: 20" \
    | soak_body "$out/rank.bin" "$protos" RankRequest ranking.proto
  soak_body "$out/bad_score.bin" "$protos" ScoreRequest ranking.proto <<'P'
draft { draft_id: "bad" platform: "Not A Platform" media_kind: MEDIA_KIND_VIDEO }
P
  : > "$out/drafts.jsonl"
  for i in $(seq 1 100); do
    printf '{"draft_id":"d%d","platform":"douyin","author_id":"acct-%06d","text":"How to: cook rice, step %d","media_kind":"MEDIA_KIND_VIDEO","duration_seconds":%d}\n' \
      "$i" "$((i % 30 + 1))" "$i" "$((10 + i))" >> "$out/drafts.jsonl"
  done
  # Provoked: rejected by the client's reader, never sent.
  cat >> "$out/drafts.jsonl" <<'J'
{"draft_id":"bad1","platform":"BAD PLATFORM","media_kind":"MEDIA_KIND_VIDEO"}
{"draft_id":"bad2","platform":"douyin"}
not json
J
}

# soak_sample_rss PID BEGIN DEADLINE CSV: "seconds,rss_mib" every few seconds.
soak_sample_rss() {
  local pid=$1 begin=$2 deadline=$3 csv=$4 step kb now
  step=$(( (deadline - begin) / 60 )); [ "$step" -ge 1 ] || step=1
  [ "$step" -le 5 ] || step=5
  echo "seconds,rss_mib" > "$csv"
  while now=$(date +%s); [ "$now" -le "$deadline" ]; do
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2> /dev/null) || return 1
    [ -n "$kb" ] || return 1
    echo "$((now - begin)),$(awk -v kb="$kb" 'BEGIN {printf "%.1f", kb / 1024}')" >> "$csv"
    sleep "$step"
  done
}

# soak_ingest_loop CLI DEADLINE OUT SIM_ARGS...: simulate again and again
# (all duplicates); "<event records> <events>" per run in ingest.counts.
soak_ingest_loop() {
  local cli=$1 deadline=$2 out=$3 i
  shift 3
  : > "$out/ingest.counts"
  for ((i = 1; i <= 1000 && $(date +%s) < deadline; i++)); do
    "$cli" "$@" 2> "$out/sim.log" || { echo "simulate run $i failed" >&2; return 1; }
    soak_sim_counts "$out/sim.log" >> "$out/ingest.counts"
  done
}

# soak_score_loop CLI DEADLINE OUT ADDR: `reachrank score --server`; exit 3
# (the provoked lines failed) is expected. "<scored> <failed>" per run.
soak_score_loop() {
  local cli=$1 deadline=$2 out=$3 addr=$4 i rc
  : > "$out/score.counts"
  for ((i = 1; i <= 10000 && $(date +%s) < deadline; i++)); do
    rc=0
    "$cli" score "$out/drafts.jsonl" --server "$addr" -o "$out/scores.jsonl" \
      2> "$out/score.log" || rc=$?
    [ "$rc" = 3 ] || { echo "score run $i: exit $rc, expected 3" >&2; return 1; }
    echo "$(grep -c '"pReach"' "$out/scores.jsonl" || true)" \
      "$(grep -c '"error"' "$out/scores.jsonl" || true)" >> "$out/score.counts"
  done
}

# soak_h2load_loop DEADLINE OUT ADDR: rounds of h2load over the prepared
# bodies; "<body> <succeeded> <failed> <errored>" per call in h2load.counts.
soak_h2load_loop() {
  local deadline=$1 out=$2 addr=$3 i body path line
  : > "$out/h2load.counts"
  for ((i = 1; i <= 10000 && $(date +%s) < deadline; i++)); do
    for body in classify score_draft score_post rank bad_score; do
      case $body in
        classify) path=reachrank.v1.TopicService/Classify ;;
        rank) path=reachrank.v1.RankingService/Rank ;;
        *) path=reachrank.v1.RankingService/Score ;;
      esac
      h2load -n 100 -c 2 -m 4 -H 'content-type: application/grpc' \
        -H 'te: trailers' -d "$out/$body.bin" "http://$addr/$path" \
        > "$out/h2load.log" 2>&1 || { echo "h2load $body failed" >&2; return 1; }
      line=$(grep '^requests:' "$out/h2load.log") \
        || { echo "h2load $body: no summary" >&2; return 1; }
      echo "$body $(echo "$line" | sed 's/.* \([0-9]*\) succeeded, \([0-9]*\) failed, \([0-9]*\) errored.*/\1 \2 \3/')" \
        >> "$out/h2load.counts"
    done
  done
}

# soak_check OUT FIRST_EVENTS SECONDS WARMUP: the final checks
# (bench/soak_check.py).
soak_check() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/soak_check.py" "$1" "$2" "$3" "$4"
}
