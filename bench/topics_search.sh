#!/usr/bin/env bash
# The hyperparameter search behind `reachrank topics train`'s defaults:
# trains on SIB-200's train split (en+de+zh together) and scores the dev
# split, one line per setting. Uses fastText's CLI on the exact input that
# `reachrank topics segment` produces (the same as `train` would use), which
# trains the same model as the library with one thread and a fixed seed.
#   CJKS="0 1 2" DIMS="25 50" bench/topics_search.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
BIN="$BUILD_DIR/bin/reachrank"
DATA=data/sib200
LANGS=(eng_Latn deu_Latn zho_Hans)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

segment() {  # cjk_char_ngrams
  local split
  for split in train dev; do
    "$BIN" topics segment --cjk-char-ngrams "$1" \
      --data $(for l in "${LANGS[@]}"; do echo "$DATA/$l/$split.tsv"; done) \
      > "$WORK/all.$split" 2>/dev/null
    for l in "${LANGS[@]}"; do
      "$BIN" topics segment --cjk-char-ngrams "$1" --data "$DATA/$l/$split.tsv" \
        > "$WORK/$l.$split" 2>/dev/null
    done
  done
}

run() {  # label, fastText flags...
  local label=$1; shift
  fasttext supervised -input "$WORK/all.train" -output "$WORK/m" -thread 1 \
    -seed 1 -verbose 0 "$@" >/dev/null
  local line="$label $*" sum=0 l p
  for l in "${LANGS[@]}"; do
    p=$(fasttext test "$WORK/m.bin" "$WORK/$l.dev" | awk '/^P@1/{printf "%.1f", 100*$2}')
    line+=" | ${l%%_*} $p"
    sum=$(echo "$sum + $p" | bc)
  done
  echo "$line | mean $(echo "scale=1; $sum / 3" | bc)"
}

# Every combination of the lists below (space-separated; override by env).
CJKS=${CJKS:-"1"}
SUBWORDS=${SUBWORDS:-"3,6"}   # minn,maxn pairs
EPOCHS=${EPOCHS:-"100"}
LRS=${LRS:-"0.5"}
WNGS=${WNGS:-"1"}
DIMS=${DIMS:-"50"}
BUCKETS=${BUCKETS:-"50000"}
for cjk in $CJKS; do
  segment "$cjk"
  for sw in $SUBWORDS; do for e in $EPOCHS; do for lr in $LRS; do
  for wn in $WNGS; do for dim in $DIMS; do for b in $BUCKETS; do
    run "cjk=$cjk" -minn "${sw%,*}" -maxn "${sw#*,}" -epoch "$e" -lr "$lr" \
      -wordNgrams "$wn" -dim "$dim" -bucket "$b"
  done; done; done; done; done; done
done
