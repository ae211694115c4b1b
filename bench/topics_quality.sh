#!/usr/bin/env bash
# Topic classification quality on SIB-200's test split, per language:
# ours (`reachrank topics train` + `reachrank topics eval`, default settings)
# against fastText's own CLI, next to the paper's n-gram MLP baseline.
#
# The CLI gets the same input bytes (`reachrank topics segment` writes the
# exact file `train` hands to the library) and the same arguments (read back
# from our metadata.json: one thread, the same seed, every hyperparameter);
# the script checks that both wrote byte-identical models. Each test text is
# scored as ours routes it (model.bin; for mostly-Han texts model.han.bin
# alone or a weighted mean of both, per metadata.json's han_routing and
# han_weight; with han_seeds K the CLI trains K Han models with seeds
# seed..seed+K-1, as ours does, and takes their mean), read as the CLI
# reads a line (with its newline). Both train on the Chinese sentences in
# both scripts (zho_Hans and zho_Hant, Traditional mapped to Simplified by
# the segmenter); the paper's baseline is zho_Hans alone, which is the
# row it is compared with; zho_Hant's test split is reported beside it.
#   bench/topics_quality.sh [BUILD_DIR]
#   SPLITS="train dev" bench/topics_quality.sh ...   train on more splits
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
SPLITS=${SPLITS:-train}
BIN="$BUILD_DIR/bin/reachrank"
DATA=data/sib200
LANGS=(eng_Latn deu_Latn zho_Hans zho_Hant)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
TRAIN=$(for s in $SPLITS; do for l in "${LANGS[@]}"; do
  echo "$DATA/$l/$s.tsv"; done; done)

echo "training ours on: $SPLITS" >&2
"$BIN" topics train --data $TRAIN --taxonomy "$DATA/taxonomy.tsv" \
  --out "$WORK/ours" 2>/dev/null
# One evaluation per test split: zho_Hans and zho_Hant are both "zh".
declare -A OURS_EVAL
for l in "${LANGS[@]}"; do
  OURS_EVAL[$l]=$("$BIN" topics eval --model "$WORK/ours" \
    --data "$DATA/$l/test.tsv" 2>/dev/null)
done

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
SIMPLIFY=$(python3 -c "import json,sys; print('--simplify-han' if json.load(open(sys.argv[1]))['segmenter'].get('simplify_han') else '--no-simplify-han')" "$WORK/ours/metadata.json")
segment() { "$BIN" topics segment --cjk-char-ngrams "$CJK" "$SIMPLIFY" "$@" 2>/dev/null; }

echo "training fastText's CLI..." >&2
segment --data $TRAIN > "$WORK/all.train"
segment --han-only --data $TRAIN > "$WORK/han.train"
fasttext supervised -input "$WORK/all.train" -output "$WORK/cli" -verbose 0 \
  $(flags fasttext) >/dev/null
meta() {  # key in metadata.json, default
  python3 -c "import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], sys.argv[3]))" \
    "$WORK/ours/metadata.json" "$1" "$2"
}
HAN_SEEDS=$(meta han_seeds 1)
HAN_WEIGHT=$(meta han_weight 0.5)
SEED=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['han_fasttext']['seed'])" "$WORK/ours/metadata.json")
PAIRS=("cli.bin model.bin")
for ((i = 0; i < HAN_SEEDS; i++)); do
  # -seed given last overrides the one in the flags.
  fasttext supervised -input "$WORK/han.train" -output "$WORK/cli_han$i" \
    -verbose 0 $(flags han_fasttext) -seed $((SEED + i)) >/dev/null
  if ((i == 0)); then ours_file=model.han.bin; else ours_file=model.han.$((i + 1)).bin; fi
  PAIRS+=("cli_han$i.bin $ours_file")
done
for pair in "${PAIRS[@]}"; do
  set -- $pair
  if cmp -s "$WORK/$1" "$WORK/ours/$2"; then same=identical; else same=DIFFERENT; fi
  echo "fastText CLI $1 vs ours $2: $same" >&2
done

# Accuracy of the CLI's models on one language's test split, each line
# scored as ours routes it: model.bin for most texts; for mostly-Han texts
# model.han.bin alone (han_routing "han-model") or the mean of both models'
# probabilities (han_routing "average").
ROUTING=$(meta han_routing han-model)
cli_accuracy() {  # test.tsv
  segment --data "$1" > "$WORK/t.all"
  segment --han-only --data "$1" > "$WORK/t.han"
  python3 - "$WORK" "$ROUTING" "$HAN_SEEDS" "$HAN_WEIGHT" <<'PY'
import collections, subprocess, sys
work, routing = sys.argv[1], sys.argv[2]
seeds, weight = int(sys.argv[3]), float(sys.argv[4])
if routing == "han-model":
    weight = 1.0
lines = open(f"{work}/t.all").read().splitlines()
han = open(f"{work}/t.han").read().splitlines()
rest = list((collections.Counter(lines) - collections.Counter(han)).elements())


def probabilities(model, part):
    """fastText's predict-prob: {label: p} per line, every label."""
    open(f"{work}/t.part", "w").write("".join(l + "\n" for l in part))
    out = subprocess.run(["fasttext", "predict-prob", f"{work}/{model}",
                          f"{work}/t.part", "-1"], check=True,
                         capture_output=True, text=True).stdout.splitlines()
    dists = []
    for line in out:
        t = line.split()
        dists.append({t[i]: float(t[i + 1]) for i in range(0, len(t), 2)})
    return dists


def best(d):  # most probable; ties in label order, as ours
    return min(d, key=lambda label: (-d[label], label))


# Mostly-Han texts: weight / K for each Han model, 1 - weight for cli.bin
# (as ours: han-model routing is weight 1, no cli.bin).
members = [(weight / seeds, f"cli_han{i}.bin") for i in range(seeds)]
if weight < 1.0:
    members.append((1.0 - weight, "cli.bin"))
correct = 0
for model, part in (("cli.bin", rest), ("han", han)):
    if not part:
        continue
    if model == "han":
        dists = [collections.defaultdict(float) for _ in part]
        for w, member in members:
            for d, p in zip(dists, probabilities(member, part)):
                for label, x in p.items():
                    d[label] += w * x
    else:
        dists = probabilities(model, part)
    correct += sum(l.split(" ", 1)[0] == best(d) for l, d in zip(part, dists))
print(f"{100 * correct / len(lines):.2f}")
PY
}

declare -A BASELINE=([eng_Latn]=59.9 [deu_Latn]=61.8 [zho_Hans]=74.7 [zho_Hant]=-)
declare -A CODE=([eng_Latn]=en [deu_Latn]=de [zho_Hans]=zh [zho_Hant]=zh)
printf "%-9s %8s %14s %14s\n" test ours fasttext-cli paper-MLP
for l in "${LANGS[@]}"; do
  cli=$(cli_accuracy "$DATA/$l/test.tsv")
  ours=$(echo "${OURS_EVAL[$l]}" | awk -v l="${CODE[$l]}" '$1=="accuracy" && $2==l {print $3}')
  printf "%-9s %8s %14s %14s\n" "$l" "$ours" "$cli" "${BASELINE[$l]}"
done
for l in "${LANGS[@]}"; do
  echo
  echo "== $l"
  echo "${OURS_EVAL[$l]}"
done
