#!/usr/bin/env python3
"""Convert a gen-corpus txt folder to JSON lines for the peer engines of bench/peers.sh.

usage: python3 bench/peers_convert.py CORPUS_DIR OUT.jsonl

Each .txt file (sorted by path) is one article:
    <title>
    <blank line>
     date YYYY-MM-DD <text ...>
becomes one line {"id": N, "title": ..., "body": ...}. The leading ` date YYYY-MM-DD `
marker is removed from the body (peers get no date field); `id` is the 0-based file
number (tantivy-cli needs a fast field for its count aggregation). Other files are
ignored. Prints one JSON summary line: {"docs", "text_bytes", "jsonl_bytes", "files"}.
Standard library only.
"""
import json
import os
import re
import sys

DATE = re.compile(r"^\s*date \d{4}-\d{2}-\d{2} ")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    corpus, out_path = sys.argv[1], sys.argv[2]
    paths = []
    for root, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        paths.extend(os.path.join(root, f) for f in files
                     if f.endswith(".txt") and not f.startswith("."))
    paths.sort()
    text_bytes = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for n, path in enumerate(paths):
            with open(path, "rb") as f:
                raw = f.read()
            text_bytes += len(raw)
            text = raw.decode("utf-8", errors="replace")
            title, _, body = text.partition("\n")
            body = DATE.sub("", body.lstrip("\n"), count=1)
            out.write(json.dumps({"id": n, "title": title.strip(), "body": body.strip()},
                                 ensure_ascii=False))
            out.write("\n")
    print(json.dumps({"docs": len(paths), "files": len(paths), "text_bytes": text_bytes,
                      "jsonl_bytes": os.path.getsize(out_path)}))


if __name__ == "__main__":
    main()
