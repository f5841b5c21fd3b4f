#!/usr/bin/env python3
"""Makes edited copies of generated articles, and their labels, to measure
near-duplicate detection beyond the BBC pairs.

    gen-corpus --count 1000 --out /tmp/gen-1k --seed 7
    bench/dup_copies.py /tmp/gen-1k 200 > /tmp/gen-1k-labels.tsv
    search index /tmp/gen-1k --index /tmp/gen-1k.idx -q
    search --index /tmp/gen-1k.idx eval-dups --candidates 0.1 \
        | bench/dup_copies.py --others /tmp/gen-1k-labels.tsv >> /tmp/gen-1k-labels.tsv
    search --index /tmp/gen-1k.idx eval-dups --labels /tmp/gen-1k-labels.tsv

The first form copies the first N articles (in path order) into
CORPUS/copies/, each edited as syndicated copy is: a new headline, one
paragraph (not the first) dropped with probability 1/2, about 2% of the words
replaced by other words of the article, and a credit line added; it prints
`ORIGINAL<TAB>COPY<TAB>same` for each. Which edit is made is drawn from a
fixed seed. The second form (`--others LABELS`) reads candidate pairs on
stdin and labels `different` every candidate pair that is not an original
and its copy (generated articles are drawn independently; a pair of them is
not one story).
"""
import os
import random
import sys


def copies(corpus, n):
    rng = random.Random(17)
    files = sorted(
        os.path.join(d, f)
        for d, _, fs in os.walk(corpus)
        if "copies" not in d
        for f in fs
        if f.endswith(".txt")
    )[:n]
    out_dir = os.path.join(corpus, "copies")
    os.makedirs(out_dir, exist_ok=True)
    for i, path in enumerate(files):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        title, _, body = text.partition("\n\n")
        paragraphs = body.split("\n\n")
        if len(paragraphs) > 2 and rng.random() < 0.5:
            del paragraphs[rng.randrange(1, len(paragraphs))]
        words = "\n\n".join(paragraphs).split(" ")
        for _ in range(max(1, len(words) // 50)):
            words[rng.randrange(len(words))] = rng.choice(words)
        copy = f"UPDATE {rng.randint(1, 3)}-{title.strip()} (wire)\n\n" + " ".join(words)
        copy += "\n\n(Reporting by the wire desk; editing by the night desk)\n"
        target = os.path.join(out_dir, f"copy-{i:05}.txt")
        with open(target, "w", encoding="utf-8") as f:
            f.write(copy)
        print(f"{path}\t{target}\tsame")


def others(labels_path):
    same = set()
    with open(labels_path, encoding="utf-8") as f:
        for line in f:
            a, b, _ = line.rstrip("\n").split("\t")
            same.add(frozenset((a, b)))
    for line in sys.stdin:
        if line.startswith("#") or not line.strip():
            continue
        _, _, _, a, b = line.rstrip("\n").split("\t")
        if frozenset((a, b)) not in same:
            print(f"{a}\t{b}\tdifferent")


if __name__ == "__main__":
    if sys.argv[1] == "--others":
        others(sys.argv[2])
    else:
        copies(sys.argv[1], int(sys.argv[2]))
