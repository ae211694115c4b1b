#!/usr/bin/env python3
"""The hyperparameter search behind `reachrank topics train`'s defaults.

k-fold cross-validation over SIB-200's train+dev splits pooled (800
sentences per language; a sentence's en, de and zh versions share a fold).
The test split is never read. Dev alone has 99 sentences per language, one sentence per point,
too few to tell neighbouring settings apart; five folds score every setting
on all 2,400 sentences.

Training uses fastText's CLI on the exact lines `reachrank topics segment`
writes (the input `reachrank topics train` gives the library); with one
thread and the same seed the CLI and the library write byte-identical
models, and prediction reads each line with its end-of-sentence token as
the library does.

  bench/topics_search.py BUILD_DIR han    model.han.bin: mostly-Han texts, zh
  bench/topics_search.py BUILD_DIR main   model.bin: the other texts, en+de
  bench/topics_search.py BUILD_DIR han-wide   model.han.bin, wider, staged:
    1. structure: Han character n-grams 0..3 x fastText minn/maxn (none,
       1-2, 1-3) x wordNgrams 1..2, at dim 25, lr 0.5, epoch 100;
    2. training: the 2 best structures x dim 25/50/100 x (epoch, lr) in
       (50, 1.0), (100, 0.5), (100, 1.0), (200, 0.25), (200, 0.5);
    3. the 5 best of stage 2 again on two other fold assignments (fold
       seeds 2 and 3); the best mean over the three assignments wins.
  bench/topics_search.py BUILD_DIR han-routing [--fold-seed N]
    mostly-Han texts scored by model.han.bin alone, by model.bin alone,
    or by the mean of both models' probabilities (the shipped settings
    otherwise).
  bench/topics_search.py BUILD_DIR han-ensemble [--fold-seed N]
    mostly-Han texts scored by ensembles of fold models: model.han.bin
    trained with fastText seeds 1..5 (same lines), model.bin with seeds
    1..3, model.han.bin with loss ova; seed bags (mean of K models'
    probabilities), weighted means w*han + (1-w)*main and the geometric
    mean, each printed as zh accuracy of the mostly-Han held-out texts.
  bench/topics_search.py BUILD_DIR han-augment
    model.han.bin trained on its lines plus copies with words dropped at
    random (a grid on fold seeds 1-3; no augmentation and the best two
    again on fold seeds 4-8).
  bench/topics_search.py BUILD_DIR han-views
    model.han.bin trained on other segmentations of the same sentences
    (Han n-grams 1 or 3; ICU words with 1-2 character subwords), alone
    and averaged with the shipped one, on fold seeds 1-3, then again on
    fresh fold seeds 4-8.
  bench/topics_search.py BUILD_DIR han-traditional
    model.han.bin trained on the Simplified Chinese sentences alone or with
    the same sentences' Traditional-script translation (zho_Hant; the
    segmenter maps it to Simplified), and with Cantonese (yue_Hant) when
    data/sib200/yue_Hant is present (not bundled); scored on held-out
    zho_Hans sentences only, fold seeds 1-3 then fresh 4-8; then model.bin's
    en/de with and without zho_Hant, fold seeds 1-3.
  bench/topics_search.py BUILD_DIR han-pretrain
    model.han.bin started from word vectors that fastText's skipgram or
    cbow learnt, without labels, from the same training lines of the fold
    (-pretrainedVectors), against no pretraining, on fold seeds 1-3.
Prints one line per setting: cross-validated accuracy per language and
their mean, best last.
"""
import argparse
import collections
import concurrent.futures
import itertools
import math
import os
import random
import subprocess
import tempfile

LANGS = {"eng_Latn": "en", "deu_Latn": "de", "zho_Hans": "zh"}
DATA = "data/sib200"


def segment(binary, cjk, path, han_only=False):
    cmd = [binary, "topics", "segment", "--cjk-char-ngrams", str(cjk),
           "--data", path] + (["--han-only"] if han_only else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return out.stdout.splitlines()


def load(binary, cjk, langs=None):
    """(language, is_han, line, index_id) for every train and dev sentence.

    `reachrank topics segment` shuffles its lines, so each sentence's label
    is tagged with its index_id on the way in ("travel@431") and untagged
    on the way out."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for directory, lang in (langs or LANGS).items():
            for split in ("train", "dev"):
                tagged = os.path.join(tmp, f"{directory}.{split}.tsv")
                with open(f"{DATA}/{directory}/{split}.tsv") as src, \
                        open(tagged, "w") as out:
                    out.write(next(src))
                    for line in src:
                        index_id, category, text = line.split("\t", 2)
                        out.write(f"{index_id}\t{category}@{index_id}\t{text}")
                han = {untag(line)[1] for line in
                       segment(binary, cjk, tagged, True)}
                for line in segment(binary, cjk, tagged):
                    text, index_id = untag(line)
                    rows.append((lang, index_id in han, text, index_id))
    rows.sort()
    return rows


def untag(line):
    """("__label__travel rest", "431") from "__label__travel@431 rest"."""
    label, rest = line.split(" ", 1)
    label, index_id = label.rsplit("@", 1)
    return f"{label} {rest}", index_id


def folds(rows, k, seed):
    """Fold number of each row. The languages are parallel (one index_id is
    the same sentence in en, de and zh), so a sentence's three versions share
    a fold: otherwise a held-out Chinese sentence's English and German
    translations would be in the training lines, and the shared names and
    numbers would leak its label into model.bin."""
    ids = sorted({r[3] for r in rows}, key=int)
    random.Random(seed).shuffle(ids)
    fold_of = {index_id: n % k for n, index_id in enumerate(ids)}
    return [fold_of[r[3]] for r in rows]


def augmented(lines, copies, dropout, seed):
    """`lines` and, per line, `copies` more in which each word is dropped
    with probability `dropout` (the label stays; at least one word does)."""
    rng = random.Random(seed)
    out = list(lines)
    for line in lines:
        label, rest = line.split(" ", 1)
        words = rest.split(" ")
        for _ in range(copies):
            kept = [w for w in words if rng.random() >= dropout] or words[:1]
            out.append(label + " " + " ".join(kept))
    return out


def run_fold(rows, fold, f, han, flags, work, augment=(0, 0.0),
             pretrain=None):
    """{language: (correct, total)} on fold f of the model of part `han`,
    its training lines augmented by `augment` = (copies, dropout), its word
    vectors started from `pretrain` = (skipgram|cbow, epoch, ws) vectors of
    the same lines (labels left out) when given."""
    # model.bin trains on every text, model.han.bin on the mostly-Han ones.
    train = [r[2] for r, g in zip(rows, fold) if g != f and (r[1] or not han)]
    if augment[0] > 0:
        train = augmented(train, augment[0], augment[1], 1000 + f)
    held = [r for r, g in zip(rows, fold) if g == f and r[1] == han]
    random.Random(f).shuffle(train)
    prefix = os.path.join(work, f"m{f}_{os.getpid()}_{random.random()}")
    with open(prefix + ".train", "w") as out:
        out.write("".join(line + "\n" for line in train))
    with open(prefix + ".held", "w") as out:
        out.write("".join(r[2] + "\n" for r in held))
    if pretrain:
        flags = flags + pretrained_vectors(train, prefix, flags, *pretrain)
    subprocess.run(["fasttext", "supervised", "-input", prefix + ".train",
                    "-output", prefix, "-thread", "1", "-seed", "1",
                    "-verbose", "0"] + flags, check=True,
                   stdout=subprocess.DEVNULL)
    pred = subprocess.run(["fasttext", "predict", prefix + ".bin",
                           prefix + ".held", "1"], check=True,
                          capture_output=True, text=True).stdout.splitlines()
    for ext in (".train", ".held", ".bin", ".vec", ".text", "u.bin",
                "u.vec"):
        if os.path.exists(prefix + ext):
            os.remove(prefix + ext)
    score = collections.defaultdict(lambda: [0, 0])
    for r, p in zip(held, pred):
        score[r[0]][0] += r[2].split(" ", 1)[0] == p
        score[r[0]][1] += 1
    return score


def cv_accuracy(rows, seed, flags, args, pool, work, han=True,
                augment=(0, 0.0), pretrain=None):
    """{language: CV accuracy, %} of model.han.bin (`han`) or model.bin with
    `flags` over the folds of fold seed `seed` (run_fold's `augment` and
    `pretrain`)."""
    fold = folds(rows, args.folds, seed)
    jobs = [pool.submit(run_fold, rows, fold, f, han, flags, work, augment,
                        pretrain)
            for f in range(args.folds)]
    total = collections.defaultdict(lambda: [0, 0])
    for job in jobs:
        for lang, (c, n) in job.result().items():
            total[lang][0] += c
            total[lang][1] += n
    return {lang: 100.0 * c / n for lang, (c, n) in total.items()}


def han_accuracy(rows, seed, flags, args, pool, work, augment=(0, 0.0),
                 pretrain=None):
    """zh CV accuracy, %, of model.han.bin with `flags` over the folds of
    fold seed `seed` (run_fold's `augment` and `pretrain`)."""
    return cv_accuracy(rows, seed, flags, args, pool, work, True, augment,
                       pretrain)["zh"]


def pretrained_vectors(lines, prefix, flags, model, epoch, ws):
    """Flags that start a supervised model from `model` (skipgram or cbow)
    vectors learnt on `lines` without their labels, at the model's dim."""
    with open(prefix + ".text", "w") as out:
        out.write("".join(line.split(" ", 1)[1] + "\n" for line in lines))
    dim = flags[flags.index("-dim") + 1]
    subprocess.run(["fasttext", model, "-input", prefix + ".text", "-output",
                    prefix + "u", "-dim", dim, "-minCount", "1", "-minn",
                    "0", "-maxn", "0", "-epoch", str(epoch), "-ws", str(ws),
                    "-thread", "1", "-seed", "1", "-verbose", "0"],
                   check=True, stdout=subprocess.DEVNULL)
    return ["-pretrainedVectors", prefix + "u.vec"]


def han_pretrain(binary, args, pool, work):
    """model.han.bin (Han n-grams 2) with and without pretrained vectors."""
    rows = load(binary, 2)
    for pretrain in (None, ("skipgram", 50, 5), ("cbow", 50, 5),
                     ("skipgram", 200, 10)):
        accs = [han_accuracy(rows, seed, han_flags((0, 0, 1), 25, 0.5, 100),
                             args, pool, work, pretrain=pretrain)
                for seed in (1, 2, 3)]
        print(f"pretrained {pretrain or 'none'} | fold seeds 1,2,3: "
              + " ".join(f"{a:.2f}" for a in accs)
              + f" | mean {sum(accs) / len(accs):.2f}", flush=True)


def grid(part, cjk_main):
    if part == "han":
        for cjk, wng, epoch in itertools.product((1, 2), (1, 2), (50, 100)):
            yield cjk, ["-minn", "0", "-maxn", "0", "-dim", "25", "-lr", "0.5",
                        "-epoch", str(epoch), "-wordNgrams", str(wng),
                        "-bucket", "50000"]
    else:
        for (mn, mx), bucket, epoch in itertools.product(
                ((2, 5), (3, 6)), (20000, 50000), (50, 100)):
            yield cjk_main, ["-minn", str(mn), "-maxn", str(mx), "-dim", "25",
                      "-lr", "0.5", "-epoch", str(epoch), "-wordNgrams", "1",
                      "-bucket", str(bucket)]


def han_flags(ngrams, dim, lr, epoch):
    minn, maxn, wng = ngrams
    return ["-minn", str(minn), "-maxn", str(maxn), "-dim", str(dim),
            "-lr", str(lr), "-epoch", str(epoch), "-wordNgrams", str(wng),
            "-bucket", "50000"]


def han_wide(binary, args, pool, work):
    """The staged search for model.han.bin; returns the winning line."""
    data = {}

    def score(cjk, flags, seed=1):
        if (cjk, seed) not in data:
            if cjk not in data:
                data[cjk] = load(binary, cjk)
            rows = data[cjk]
            data[(cjk, seed)] = folds(rows, args.folds, seed=seed)
        rows, fold = data[cjk], data[(cjk, seed)]
        jobs = [pool.submit(run_fold, rows, fold, f, True, flags, work)
                for f in range(args.folds)]
        c = n = 0
        for job in jobs:
            for _, (cc, nn) in job.result().items():
                c += cc
                n += nn
        acc = 100.0 * c / n
        print(f"fold-seed {seed} cjk {cjk} {' '.join(flags)} | zh {acc:.2f}",
              flush=True)
        return acc

    stage1 = []
    for cjk, mm, wng in itertools.product(
            (0, 1, 2, 3), ((0, 0), (1, 2), (1, 3)), (1, 2)):
        ngrams = (mm[0], mm[1], wng)
        stage1.append((score(cjk, han_flags(ngrams, 25, 0.5, 100)),
                       cjk, ngrams))
    stage1.sort(key=lambda t: -t[0])
    print("stage 1 best:", stage1[:2], flush=True)
    stage2 = []
    for _, cjk, ngrams in stage1[:2]:
        for dim, (epoch, lr) in itertools.product(
                (25, 50, 100),
                ((50, 1.0), (100, 0.5), (100, 1.0), (200, 0.25), (200, 0.5))):
            flags = han_flags(ngrams, dim, lr, epoch)
            stage2.append((score(cjk, flags), cjk, flags))
    stage2.sort(key=lambda t: -t[0])
    stage3 = []
    for acc, cjk, flags in stage2[:5]:
        accs = [acc] + [score(cjk, flags, seed) for seed in (2, 3)]
        mean = sum(accs) / len(accs)
        line = (f"cjk {cjk} {' '.join(flags)} | zh over fold seeds 1,2,3: "
                + " ".join(f"{a:.2f}" for a in accs) + f" | mean {mean:.2f}")
        print(line, flush=True)
        stage3.append((mean, line))
    return max(stage3)[1]


def predict_prob(model, held, prefix):
    """{label: p} per held-out row, every label."""
    with open(prefix + ".held", "w") as out:
        out.write("".join(r[2] + "\n" for r in held))
    lines = subprocess.run(["fasttext", "predict-prob", model, prefix + ".held",
                            "-1"], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    dists = []
    for line in lines:
        t = line.split()
        dists.append({t[i]: float(t[i + 1]) for i in range(0, len(t), 2)})
    return dists


def train_and_predict(lines, held, prefix, flags, seed=1):
    """{label: p} per row of `held` from a model that fastText's CLI trains
    on `lines` (one thread, `seed`); its files are removed afterwards."""
    with open(prefix + ".train", "w") as out:
        out.write("".join(line + "\n" for line in lines))
    subprocess.run(["fasttext", "supervised", "-input", prefix + ".train",
                    "-output", prefix, "-thread", "1", "-seed", str(seed),
                    "-verbose", "0"] + flags, check=True,
                   stdout=subprocess.DEVNULL)
    dists = predict_prob(prefix + ".bin", held, prefix)
    for ext in (".train", ".held", ".bin", ".vec"):
        if os.path.exists(prefix + ext):
            os.remove(prefix + ext)
    return dists


def routing_fold(rows, fold, f, work):
    """Correct mostly-Han rows of fold f per routing, and their count."""
    main_flags = ["-minn", "3", "-maxn", "6", "-dim", "25", "-lr", "0.5",
                  "-epoch", "100", "-wordNgrams", "1", "-bucket", "50000"]
    han_flags_ = han_flags((0, 0, 1), 25, 0.5, 100)
    train = [r for r, g in zip(rows, fold) if g != f]
    held = [r for r, g in zip(rows, fold) if g == f and r[1]]
    gold = [r[2].split(" ", 1)[0] for r in held]
    dists = {}
    for name, flags, lines in (
            ("han-model", han_flags_, [r[2] for r in train if r[1]]),
            ("main-model", main_flags, [r[2] for r in train])):
        random.Random(f).shuffle(lines)
        dists[name] = train_and_predict(
            lines, held, os.path.join(work, f"r{f}_{name}"), flags)
    dists["average"] = [
        {k: (a.get(k, 0) + b.get(k, 0)) / 2 for k in set(a) | set(b)}
        for a, b in zip(dists["han-model"], dists["main-model"])]
    best = lambda d: min(d, key=lambda label: (-d[label], label))
    return {name: sum(best(d) == g for d, g in zip(ds, gold))
            for name, ds in dists.items()}, len(held)


def han_routing(binary, args, pool, work):
    rows = load(binary, 2)
    fold = folds(rows, args.folds, seed=args.fold_seed)
    jobs = [pool.submit(routing_fold, rows, fold, f, work)
            for f in range(args.folds)]
    results = [job.result() for job in jobs]
    total = sum(n for _, n in results)
    for name in ("han-model", "main-model", "average"):
        correct = sum(r[name] for r, _ in results)
        print(f"fold seed {args.fold_seed} {name}: zh (mostly-Han) "
              f"{100 * correct / total:.2f}", flush=True)


MAIN_FLAGS = ["-minn", "3", "-maxn", "6", "-dim", "25", "-lr", "0.5",
              "-epoch", "100", "-wordNgrams", "1", "-bucket", "50000"]
HAN_SEEDS = (1, 2, 3, 4, 5)
MAIN_SEEDS = (1, 2, 3)


def ensemble_fold(rows, fold, f, work):
    """{member: [{label: p}] per mostly-Han held-out row}, and gold labels."""
    train = [r for r, g in zip(rows, fold) if g != f]
    held = [r for r, g in zip(rows, fold) if g == f and r[1]]
    gold = [r[2].split(" ", 1)[0] for r in held]
    members = [(f"han{s}", han_flags((0, 0, 1), 25, 0.5, 100), True, s)
               for s in HAN_SEEDS]
    members += [(f"main{s}", MAIN_FLAGS, False, s) for s in MAIN_SEEDS]
    members += [("han-ova", han_flags((0, 0, 1), 25, 0.5, 100)
                 + ["-loss", "ova"], True, 1)]
    dists = {}
    for name, flags, han, seed in members:
        lines = [r[2] for r in train if r[1] or not han]
        random.Random(f).shuffle(lines)
        dists[name] = train_and_predict(
            lines, held, os.path.join(work, f"e{f}_{name}"), flags, seed)
    return dists, gold


def mix(parts):
    """Weighted mean of [(weight, [dist per row])]."""
    out = []
    for row in zip(*(d for _, d in parts)):
        labels = set().union(*row)
        out.append({k: sum(w * d.get(k, 0) for (w, _), d in zip(parts, row))
                    for k in labels})
    return out


def geometric(a, b):
    return [{k: math.log(x.get(k, 0) + 1e-5) + math.log(y.get(k, 0) + 1e-5)
             for k in set(x) | set(y)} for x, y in zip(a, b)]


def ensemble_scores(dists):
    """{combination: dists} over one fold's members."""
    def bag(prefix, seeds):
        return mix([(1 / len(seeds), dists[f"{prefix}{s}"]) for s in seeds])
    han = {1: dists["han1"]}
    for k in (2, 3, 5):
        han[k] = bag("han", HAN_SEEDS[:k])
    main3 = bag("main", MAIN_SEEDS)
    out = {}
    for k, h in han.items():
        for w in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            out[f"han x{k}, main x1, w_han {w}"] = mix(
                [(w, h), (1 - w, dists["main1"])])
        out[f"han x{k}, main x3, w_han 0.5"] = mix([(0.5, h), (0.5, main3)])
        out[f"han x{k}, main x1, geometric"] = geometric(h, dists["main1"])
    out["han alone x1"] = han[1]
    out["han alone x5"] = han[5]
    out["main alone x1"] = dists["main1"]
    out["main alone x3"] = main3
    out["han ova x1, main x1, w_han 0.5"] = mix(
        [(0.5, dists["han-ova"]), (0.5, dists["main1"])])
    out["han seeds 2-5 x4, main x1, w_han 0.5"] = mix(
        [(0.5, bag("han", HAN_SEEDS[1:])), (0.5, dists["main1"])])
    return out


def han_ensemble(binary, args, pool, work):
    rows = load(binary, 2)
    fold = folds(rows, args.folds, seed=args.fold_seed)
    jobs = [pool.submit(ensemble_fold, rows, fold, f, work)
            for f in range(args.folds)]
    correct = collections.Counter()
    total = 0
    best = lambda d: min(d, key=lambda label: (-d[label], label))
    for job in jobs:
        dists, gold = job.result()
        total += len(gold)
        for name, ds in ensemble_scores(dists).items():
            correct[name] += sum(best(d) == g for d, g in zip(ds, gold))
    for name in sorted(correct):
        print(f"fold seed {args.fold_seed} {name}: zh (mostly-Han) "
              f"{100 * correct[name] / total:.2f}", flush=True)


# (copies, dropout, epoch) of the augmentation search; (0, 0, 100) = none.
AUGMENT_GRID = [(0, 0.0, 100)] + [
    (c, p, 100) for c, p in ((1, 0.1), (2, 0.05), (2, 0.1), (2, 0.15),
                             (2, 0.2), (4, 0.05), (4, 0.1), (4, 0.15),
                             (4, 0.3), (8, 0.1))] + [
    (2, 0.1, 50), (4, 0.1, 50), (4, 0.2, 50), (8, 0.1, 25)]


def han_augment(binary, args, pool, work):
    """Token-dropout copies of model.han.bin's training lines (Han n-grams
    2): the grid on fold seeds 1-3, then no augmentation and the best two
    again on fresh fold seeds 4-8, which did not choose them."""
    rows = load(binary, 2)

    def score(copies, dropout, epoch, seeds):
        accs = [han_accuracy(rows, seed, han_flags((0, 0, 1), 25, 0.5, epoch),
                             args, pool, work, augment=(copies, dropout))
                for seed in seeds]
        mean = sum(accs) / len(accs)
        print(f"copies {copies} dropout {dropout} epoch {epoch} | fold seeds "
              f"{','.join(map(str, seeds))}: "
              + " ".join(f"{a:.2f}" for a in accs) + f" | mean {mean:.2f}",
              flush=True)
        return mean

    score(*AUGMENT_GRID[0], (1, 2, 3))
    stage1 = sorted(((score(*g, (1, 2, 3)), g) for g in AUGMENT_GRID[1:]),
                    reverse=True)
    for g in [AUGMENT_GRID[0]] + [g for _, g in stage1[:2]]:
        score(*g, (4, 5, 6, 7, 8))


# Views of a mostly-Han text for model.han.bin: (name, Han character
# n-grams after each ICU word, fastText flags). "cjk2" is the shipped one.
HAN_VIEWS = [
    ("cjk2", 2, han_flags((0, 0, 1), 25, 0.5, 100)),
    ("cjk1", 1, han_flags((0, 0, 1), 25, 0.5, 100)),
    ("cjk3", 3, han_flags((0, 0, 1), 25, 0.5, 100)),
    ("words+sub12", 0, han_flags((1, 2, 1), 25, 0.5, 100)),
]
VIEW_MIXES = [("cjk2",), ("cjk1", "cjk2"), ("cjk2", "cjk3"),
              ("cjk1", "cjk2", "cjk3"), ("cjk2", "words+sub12"),
              ("cjk1", "cjk2", "cjk3", "words+sub12")]


def views_fold(rows_by_cjk, fold_of, f, work):
    """{view: {index_id: {label: p}}} for fold f's mostly-Han held-out
    rows, each view's model trained on its own segmentation of the same
    training sentences; and {index_id: gold label}."""
    dists, gold = {}, {}
    for name, cjk, flags in HAN_VIEWS:
        rows = [r for r in rows_by_cjk[cjk] if r[1]]
        train = [r[2] for r in rows if fold_of[r[3]] != f]
        held = sorted((r for r in rows if fold_of[r[3]] == f),
                      key=lambda r: int(r[3]))
        random.Random(f).shuffle(train)
        predicted = train_and_predict(
            train, held, os.path.join(work, f"v{f}_{name}"), flags)
        dists[name] = dict(zip((r[3] for r in held), predicted))
        gold.update((r[3], r[2].split(" ", 1)[0]) for r in held)
    return dists, gold


def han_views(binary, args, pool, work):
    """model.han.bin on other segmentations of the same sentences (Han
    n-grams 1 or 3, or ICU words with fastText's 1-2 character subwords),
    alone and averaged with the shipped one; fold seeds 1-3 choose, 4-8
    (fresh) check the choice."""
    rows_by_cjk = {cjk: load(binary, cjk) for cjk in {v[1] for v in HAN_VIEWS}}
    best = lambda d: min(d, key=lambda label: (-d[label], label))
    for seeds in ((1, 2, 3), (4, 5, 6, 7, 8)):
        accs = collections.defaultdict(list)
        for seed in seeds:
            rows = rows_by_cjk[2]
            fold_of = {r[3]: g for r, g in
                       zip(rows, folds(rows, args.folds, seed))}
            jobs = [pool.submit(views_fold, rows_by_cjk, fold_of, f, work)
                    for f in range(args.folds)]
            correct, total = collections.Counter(), 0
            for job in jobs:
                dists, gold = job.result()
                total += len(gold)
                for mix_ in [(v[0],) for v in HAN_VIEWS[1:]] + VIEW_MIXES:
                    for index_id, label in gold.items():
                        p = collections.Counter()
                        for view in mix_:
                            p.update(dists[view][index_id])
                        correct[mix_] += best(p) == label
            for mix_, c in correct.items():
                accs[mix_].append(100.0 * c / total)
        for mix_, a in sorted(accs.items(), key=lambda kv: sum(kv[1])):
            print(f"{' + '.join(mix_)} | fold seeds "
                  f"{','.join(map(str, seeds))}: "
                  + " ".join(f"{x:.2f}" for x in a)
                  + f" | mean {sum(a) / len(a):.2f}", flush=True)


def han_traditional(binary, args, pool, work):
    """Chinese training sentences in Simplified script alone or with their
    Traditional-script translations (see the module's docstring)."""
    han_sets = [("zho_Hans", {"zho_Hans": "zh"}),
                ("zho_Hans + zho_Hant", {"zho_Hans": "zh", "zho_Hant": "zt"})]
    if os.path.isdir(f"{DATA}/yue_Hant"):
        han_sets.append(("zho_Hans + zho_Hant + yue_Hant",
                         {"zho_Hans": "zh", "zho_Hant": "zt",
                          "yue_Hant": "yue"}))
    flags = han_flags((0, 0, 1), 25, 0.5, 100)
    for name, langs in han_sets:
        rows = load(binary, 2, langs)  # zh accuracy: zho_Hans rows only
        for seeds in ((1, 2, 3), (4, 5, 6, 7, 8)):
            accs = [han_accuracy(rows, s, flags, args, pool, work)
                    for s in seeds]
            print(f"model.han.bin on {name} | fold seeds "
                  f"{','.join(map(str, seeds))}: "
                  + " ".join(f"{a:.2f}" for a in accs)
                  + f" | mean {sum(accs) / len(accs):.2f}", flush=True)
    main_flags = ["-minn", "3", "-maxn", "6", "-dim", "25", "-lr", "0.5",
                  "-epoch", "100", "-wordNgrams", "1", "-bucket", "50000"]
    for name, langs in (("en + de + zho_Hans", LANGS),
                        ("+ zho_Hant", dict(LANGS, zho_Hant="zt"))):
        rows = load(binary, 2, langs)
        accs = [cv_accuracy(rows, s, main_flags, args, pool, work, han=False)
                for s in (1, 2, 3)]
        print(f"model.bin on {name} | fold seeds 1,2,3: "
              + " ".join(f"en {a['en']:.2f} de {a['de']:.2f}" for a in accs),
              flush=True)


# The searches that print their own results; "han" and "main" are grids.
SEARCHES = {
    "han-wide": lambda *a: print("best:", han_wide(*a)),
    "han-routing": han_routing,
    "han-ensemble": han_ensemble,
    "han-augment": han_augment,
    "han-pretrain": han_pretrain,
    "han-views": han_views,
    "han-traditional": han_traditional,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build_dir")
    parser.add_argument("part", choices=("han", "main", *SEARCHES))
    parser.add_argument("--fold-seed", type=int, default=1)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cjk", type=int, default=2,
                        help="Han character n-grams for the main search")
    args = parser.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    binary = os.path.join(args.build_dir, "bin", "reachrank")
    han = args.part == "han"
    data = {}
    results = []
    with tempfile.TemporaryDirectory() as work, \
            concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        if args.part in SEARCHES:
            SEARCHES[args.part](binary, args, pool, work)
            return
        for cjk, flags in grid(args.part, args.cjk):
            if cjk not in data:
                data[cjk] = load(binary, cjk)
            by_lang = cv_accuracy(data[cjk], 1, flags, args, pool, work, han)
            langs = ["zh"] if han else ["en", "de"]
            acc = {l: by_lang[l] for l in langs}
            mean = sum(acc.values()) / len(acc)
            line = f"cjk {cjk} {' '.join(flags)} | " + " ".join(
                f"{l} {acc[l]:.2f}" for l in langs) + f" | mean {mean:.2f}"
            print(line, flush=True)
            results.append((mean, line))
    print("best:", max(results)[1])


if __name__ == "__main__":
    main()
