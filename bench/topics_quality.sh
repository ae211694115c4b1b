#!/usr/bin/env bash
# Topic classification quality on SIB-200's test split, per language:
# ours (`reachrank topics train` + `reachrank topics eval`, default settings)
# against fastText's own CLI trained on the same split with the same
# settings on the same pre-segmented text (`reachrank topics segment`), next
# to the paper's n-gram MLP baseline.
#   bench/topics_quality.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
BIN="$BUILD_DIR/bin/reachrank"
DATA=data/sib200
LANGS=(eng_Latn deu_Latn zho_Hans)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
TRAIN=$(for l in "${LANGS[@]}"; do echo "$DATA/$l/train.tsv"; done)

echo "training ours..." >&2
"$BIN" topics train --data $TRAIN --taxonomy "$DATA/taxonomy.tsv" \
  --out "$WORK/ours" 2>/dev/null
ours_eval=$("$BIN" topics eval --model "$WORK/ours" \
  --data $(for l in "${LANGS[@]}"; do echo "$DATA/$l/test.tsv"; done) 2>/dev/null)

# fastText CLI flags equal to the settings recorded in our metadata.json.
flags() {  # key in metadata.json: fasttext or han_fasttext
  python3 - "$WORK/ours/metadata.json" "$1" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))[sys.argv[2]]
print(" ".join(f"-{k} {o[k]}" for k in
      ["epoch", "lr", "dim", "wordNgrams", "minn", "maxn", "bucket",
       "minCount", "loss", "thread", "seed"]))
PY
}
CJK=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['segmenter']['cjk_char_ngrams'])" "$WORK/ours/metadata.json")

echo "training fastText's CLI..." >&2
"$BIN" topics segment --cjk-char-ngrams "$CJK" --data $TRAIN > "$WORK/all.train" 2>/dev/null
"$BIN" topics segment --cjk-char-ngrams "$CJK" --han-only --data $TRAIN \
  > "$WORK/han.train" 2>/dev/null
fasttext supervised -input "$WORK/all.train" -output "$WORK/cli" -verbose 0 \
  $(flags fasttext) >/dev/null
fasttext supervised -input "$WORK/han.train" -output "$WORK/cli_han" -verbose 0 \
  $(flags han_fasttext) >/dev/null

declare -A BASELINE=([en]=59.9 [de]=61.8 [zh]=74.7)
declare -A CODE=([eng_Latn]=en [deu_Latn]=de [zho_Hans]=zh)
printf "%-8s %8s %14s %14s\n" language ours fasttext-cli paper-MLP
for l in "${LANGS[@]}"; do
  lang=${CODE[$l]}
  "$BIN" topics segment --cjk-char-ngrams "$CJK" --data "$DATA/$l/test.tsv" \
    > "$WORK/$l.test" 2>/dev/null
  # The SIB-200 Chinese texts are all mostly Han: they go to the Han model.
  model="$WORK/cli.bin"; [ "$lang" = zh ] && model="$WORK/cli_han.bin"
  cli=$(fasttext test "$model" "$WORK/$l.test" | awk '/^P@1/{printf "%.2f", 100*$2}')
  ours=$(echo "$ours_eval" | awk -v l="$lang" '$1=="accuracy" && $2==l {print $3}')
  printf "%-8s %8s %14s %14s\n" "$lang" "$ours" "$cli" "${BASELINE[$lang]}"
done
echo
echo "$ours_eval"
