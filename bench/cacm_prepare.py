#!/usr/bin/env python3
"""Convert the CACM test collection into files the ranking benchmarks read.

usage: python3 bench/cacm_prepare.py CACM_DIR OUT_DIR

CACM_DIR holds cacm.all, query.text and qrels.text (e.g. ../shared/corpora/cacm).
The collection itself stays outside the repository; this script only reads it.

Writes to OUT_DIR:
  cacm.jsonl   one JSON object per record, in file order:
               {"id": "1410", "title": ..., "body": ..., "date": "1958"}
               body is the .W abstract, or the title again when a record has no .W;
               date is the year from the .B line, omitted when there is none.
  queries.tsv  qid<TAB>query text (the .W field only, folded to one line);
               entries without .W text (query.text ends with an empty ".I 0") are skipped.
  qrels.txt    TREC qrels: "qid 0 docid 1" per judged pair.

Standard library only.
"""
import json
import os
import re
import sys

# A field marker is a whole line such as ".T" or ".I 12"; nothing else in the
# collection starts with a dot followed by a capital letter and a space/end.
MARKER = re.compile(r"^\.([A-Z])(?:\s+(\S+))?\s*$")
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def fold(text):
    """Collapse all runs of whitespace to one space and trim."""
    return " ".join(text.split())


def parse_records(path):
    """Yield (id, {field letter: text}) for each `.I` record of a SMART-format file."""
    rec_id = None
    fields = {}
    current = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = MARKER.match(line)
            if m:
                letter, arg = m.group(1), m.group(2)
                if letter == "I":
                    if rec_id is not None:
                        yield rec_id, fields
                    rec_id = str(int(arg))
                    fields = {}
                    current = None
                else:
                    current = letter
                    fields.setdefault(current, [])
                continue
            if current is not None:
                fields[current].append(line)
    if rec_id is not None:
        yield rec_id, fields


def joined(fields, letter):
    return fold(" ".join(fields.get(letter, [])))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: cacm_prepare.py CACM_DIR OUT_DIR\n")
        return 2
    src, out = argv[1], argv[2]
    os.makedirs(out, exist_ok=True)

    n_docs = n_no_w = n_no_date = 0
    with open(os.path.join(out, "cacm.jsonl"), "w", encoding="utf-8") as f:
        for rec_id, fields in parse_records(os.path.join(src, "cacm.all")):
            title = joined(fields, "T")
            body = joined(fields, "W")
            if not body:
                body = title
                n_no_w += 1
            doc = {"id": rec_id, "title": title, "body": body}
            m = YEAR.search(joined(fields, "B"))
            if m:
                doc["date"] = m.group(1)
            else:
                n_no_date += 1
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
            n_docs += 1

    n_queries = n_skipped = 0
    with open(os.path.join(out, "queries.tsv"), "w", encoding="utf-8") as f:
        for qid, fields in parse_records(os.path.join(src, "query.text")):
            text = joined(fields, "W")
            if not text:
                n_skipped += 1
                continue
            f.write(f"{qid}\t{text}\n")
            n_queries += 1

    pairs = []
    seen = set()
    with open(os.path.join(src, "qrels.text"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            key = (str(int(parts[0])), str(int(parts[1])))
            if key not in seen:
                seen.add(key)
                pairs.append(key)
    with open(os.path.join(out, "qrels.txt"), "w", encoding="utf-8") as f:
        for qid, docid in pairs:
            f.write(f"{qid} 0 {docid} 1\n")
    judged = len({q for q, _ in pairs})

    print(f"records: {n_docs} ({n_no_w} without .W, body = title; {n_no_date} without a year)")
    print(f"queries: {n_queries} ({n_skipped} empty entries skipped)")
    print(f"qrels:   {len(pairs)} judged pairs over {judged} queries")
    print(f"wrote {out}/cacm.jsonl, queries.tsv, qrels.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
