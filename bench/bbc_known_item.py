#!/usr/bin/env python3
"""Build a known-item test collection of long questions from the BBC corpus.

usage: python3 bench/bbc_known_item.py BBC_DIR OUT_DIR [--min-words N] [--max-words N]

BBC_DIR is the BBC folder (e.g. ../shared/corpora/bbc: business/001.txt, ...; each
file is a headline line, a blank line, then paragraphs separated by blank lines).
The corpus stays outside the repository; this script only reads it.

Made mechanically, with no hand judgment:
  * the query of an article is its first paragraph (the lead: a one-sentence summary
    of the story, 10-30 words by default), folded to one line;
  * the indexed document is the article WITHOUT that lead: the headline as title and
    the remaining paragraphs as body, so the query's words must be found in the rest
    of the story, as a reader's question would;
  * relevant to a query is its own article and every near-copy of it (the corpus has
    syndicated copies of one story): two articles are copies when at least half of
    the word 5-shingles of either one's remaining text occur in the other's;
  * one query per group of copies whose leads are the same text (the first article
    of the group, in file order, gives the query id).

Writes to OUT_DIR:
  docs.jsonl   {"id": "business/001", "title": ..., "body": ...} per article, file order
  queries.tsv  qid<TAB>lead text
  qrels.txt    TREC qrels: "qid 0 docid 1"

Standard library only. Deterministic: the same corpus gives the same files.
"""
import argparse
import json
import os
import re
import sys
from collections import defaultdict

WORD = re.compile(r"[A-Za-z0-9]+")
SHINGLE = 5
COPY_CONTAINMENT = 0.5


def fold(text):
    return " ".join(text.split())


def read_article(path):
    """(headline, [paragraphs]) of one BBC file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    title = fold(lines[0])
    paragraphs, current = [], []
    for line in lines[1:]:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(fold(" ".join(current)))
            current = []
    if current:
        paragraphs.append(fold(" ".join(current)))
    return title, paragraphs


def shingles(text):
    words = [w.lower() for w in WORD.findall(text)]
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def copy_groups(ids, texts):
    """For each article index, the set of indexes of its near-copies (itself included)."""
    sets = [shingles(t) for t in texts]
    postings = defaultdict(list)
    for i, s in enumerate(sets):
        for sh in s:
            postings[sh].append(i)
    copies = [{i} for i in range(len(ids))]
    for i, s in enumerate(sets):
        shared = defaultdict(int)
        for sh in s:
            for j in postings[sh]:
                if j != i:
                    shared[j] += 1
        for j, n in shared.items():
            small = min(len(s), len(sets[j]))
            if small and n / small >= COPY_CONTAINMENT:
                copies[i].add(j)
                copies[j].add(i)
    return copies


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bbc_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--min-words", type=int, default=10)
    ap.add_argument("--max-words", type=int, default=30)
    args = ap.parse_args(argv[1:])

    ids, titles, leads, rests = [], [], [], []
    for topic in sorted(os.listdir(args.bbc_dir)):
        folder = os.path.join(args.bbc_dir, topic)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".txt"):
                continue
            title, paragraphs = read_article(os.path.join(folder, name))
            if len(paragraphs) < 2:
                continue
            ids.append(f"{topic}/{name[:-4]}")
            titles.append(title)
            leads.append(paragraphs[0])
            rests.append(" ".join(paragraphs[1:]))

    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "docs.jsonl"), "w", encoding="utf-8") as f:
        for i, doc_id in enumerate(ids):
            f.write(json.dumps({"id": doc_id, "title": titles[i], "body": rests[i]}) + "\n")

    copies = copy_groups(ids, rests)
    seen_leads = set()
    n_queries = n_rel = 0
    lengths = []
    with open(os.path.join(args.out_dir, "queries.tsv"), "w", encoding="utf-8") as fq, \
            open(os.path.join(args.out_dir, "qrels.txt"), "w", encoding="utf-8") as fr:
        for i, doc_id in enumerate(ids):
            n_words = len(WORD.findall(leads[i]))
            key = leads[i].lower()
            if not args.min_words <= n_words <= args.max_words or key in seen_leads:
                continue
            seen_leads.add(key)
            qid = doc_id.replace("/", "-")
            fq.write(f"{qid}\t{leads[i]}\n")
            for j in sorted(copies[i]):
                fr.write(f"{qid} 0 {ids[j]} 1\n")
                n_rel += 1
            n_queries += 1
            lengths.append(n_words)
    lengths.sort()
    print(f"docs {len(ids)}, queries {n_queries}, relevant pairs {n_rel}, "
          f"articles with a copy {sum(1 for c in copies if len(c) > 1)}, "
          f"query words median {lengths[len(lengths) // 2] if lengths else 0}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
