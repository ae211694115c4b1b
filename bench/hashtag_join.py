#!/usr/bin/env python3
"""Would splitting hashtags written as one lowercase word (#homecooking) into
their words help the topic model? Measured without hashtags data: SIB-200's
English dev sentences (never the test split) are turned into the words a
caption's hashtags would carry, once spaced and once joined as a lowercase
tag would join them, and classified by `reachrank topics classify` with the
default model; the accuracy of the joined forms against the spaced ones is
what a perfect splitter could win back.

  bench/hashtag_join.py [--cli build/bin/reachrank] [--model DIR]

Prints one line per form: accuracy on the 99 dev sentences and an example.
"""
import argparse
import csv
import json
import os
import re
import subprocess

DATA = "data/sib200/eng_Latn/dev.tsv"
# Function words left out, as hashtags leave them out.
STOP = set("the a an of to in and or is are was were be been for on at by "
           "with from as that this it its into than then".split())


def content_words(text):
    return [w for w in (m.lower() for m in re.findall(r"[A-Za-z]+", text))
            if w not in STOP]


def forms(text):
    """{form name: the text classified} for one sentence."""
    w = content_words(text)
    pairs = [w[i:i + 2] for i in range(0, len(w), 2)]
    return {
        "the sentence": text,
        "content words, spaced": " ".join(w),
        "content words, joined in pairs": " ".join("".join(p) for p in pairs),
        "first two content words, spaced": " ".join(w[:2]),
        "first two content words, joined": "".join(w[:2]),
        "first three content words, spaced": " ".join(w[:3]),
        "first three content words, joined": "".join(w[:3]),
    }


def top_topics(cli, model, texts):
    argv = [cli, "topics", "classify", "--language", "en"]
    if model:
        argv += ["--model", model]
    out = subprocess.run(argv, input="\n".join(texts) + "\n",
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line)["topics"][0]["topic_id"]
            for line in out.splitlines()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", default="build/bin/reachrank")
    parser.add_argument("--model", default="")
    args = parser.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    with open(DATA, newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))[1:]
    labels = [r[1] for r in rows]
    table = [forms(r[2]) for r in rows]
    for name in table[0]:
        texts = [t[name] for t in table]
        predicted = top_topics(args.cli, args.model, texts)
        accuracy = sum(p == y for p, y in zip(predicted, labels)) / len(rows)
        print(f"{name}: {accuracy:.3f} ({len(rows)} sentences)  "
              f"e.g. {texts[0][:50]!r}", flush=True)


if __name__ == "__main__":
    main()
