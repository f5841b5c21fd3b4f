#!/usr/bin/env python3
"""Proposes labels for candidate near-duplicate pairs.

Reads the candidate pairs `search eval-dups --candidates F` prints (exact and
estimated similarity, grouped, path a, path b) on stdin, and prints each pair
with the share of the shorter article's sentences (of five words or more)
that the other has verbatim, and a proposed label: `same` from 0.4 on,
else `different`. The proposals are then checked by reading (see
tests/data/dup-labels.tsv for what was changed by hand).

    search eval-dups --index bbc.idx --candidates 0.1 | bench/label_dups.py CORPUS_ROOT
"""
import re
import sys


def sentences(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    parts = re.split(r'(?<=[.!?"])\s+', text)
    return {" ".join(s.split()) for s in parts if len(s.split()) >= 5}


def main():
    root = sys.argv[1].rstrip("/") + "/" if len(sys.argv) > 1 else ""
    for line in sys.stdin:
        if line.startswith("#") or not line.strip():
            continue
        exact, estimate, grouped, a, b = line.rstrip("\n").split("\t")
        sa, sb = sentences(a), sentences(b)
        shorter = min(len(sa), len(sb)) or 1
        share = len(sa & sb) / shorter
        label = "same" if share >= 0.4 else "different"
        name = lambda p: p[len(root):] if p.startswith(root) else p
        print(f"{name(a)}\t{name(b)}\t{label}\t# share {share:.2f} exact {exact} estimate {estimate}")


if __name__ == "__main__":
    main()
