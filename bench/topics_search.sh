#!/usr/bin/env bash
# The hyperparameter search behind `reachrank topics train`'s defaults,
# scored on SIB-200's dev split (test is never looked at here). Uses
# fastText's CLI on the exact input `reachrank topics segment` produces (the
# input `train` uses), which with one thread and a fixed seed trains the
# same model as the library.
#   bench/topics_search.sh [BUILD_DIR] main   model.bin: all languages, en+de dev
#   bench/topics_search.sh [BUILD_DIR] han    model.han.bin: Han texts, zh dev
# Grids: space-separated lists, overridable by env.
set -euo pipefail
SUBWORDS=${SUBWORDS:-"2,5 3,6"}  # minn,maxn pairs
DIMS=${DIMS:-"25 50"}
BUCKETS=${BUCKETS:-"20000 50000"}
EPOCHS=${EPOCHS:-"50 100"}
LRS=${LRS:-"0.5"}
CJKS=${CJKS:-"1 2"}
WNGS=${WNGS:-"1 2"}
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
PART=${2:-main}
BIN="$BUILD_DIR/bin/reachrank"
DATA=data/sib200
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

segment() {  # cjk_char_ngrams
  local l s
  "$BIN" topics segment --cjk-char-ngrams "$1" \
    --data $DATA/{eng_Latn,deu_Latn,zho_Hans}/train.tsv > "$WORK/all.train" 2>/dev/null
  "$BIN" topics segment --cjk-char-ngrams "$1" --han-only \
    --data $DATA/{eng_Latn,deu_Latn,zho_Hans}/train.tsv > "$WORK/han.train" 2>/dev/null
  for l in eng_Latn deu_Latn zho_Hans; do
    "$BIN" topics segment --cjk-char-ngrams "$1" --data "$DATA/$l/dev.tsv" \
      > "$WORK/$l.dev" 2>/dev/null
  done
}

run() {  # train file, languages to score, fastText flags...
  local train=$1 langs=$2; shift 2
  fasttext supervised -input "$WORK/$train" -output "$WORK/m" -thread 1 \
    -seed 1 -verbose 0 "$@" >/dev/null
  local line="$*" l
  for l in $langs; do
    line+=" | ${l%%_*} $(fasttext test "$WORK/m.bin" "$WORK/$l.dev" |
      awk '/^P@1/{printf "%.1f", 100*$2}')"
  done
  echo "$line"
}

if [ "$PART" = main ]; then
  segment 2
  for sw in $SUBWORDS; do for dim in $DIMS; do
  for b in $BUCKETS; do for e in $EPOCHS; do
  for lr in $LRS; do
    run all.train "eng_Latn deu_Latn" -minn "${sw%,*}" -maxn "${sw#*,}" \
      -dim "$dim" -bucket "$b" -epoch "$e" -lr "$lr"
  done; done; done; done; done
else
  for cjk in $CJKS; do
    segment "$cjk"
    for dim in $DIMS; do for e in $EPOCHS; do
    for wn in $WNGS; do
      echo -n "cjk=$cjk "
      run han.train zho_Hans -minn 0 -maxn 0 -dim "$dim" -epoch "$e" \
        -wordNgrams "$wn" -bucket 50000 -lr 0.5
    done; done; done
  done
fi
