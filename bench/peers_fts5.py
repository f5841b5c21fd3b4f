#!/usr/bin/env python3
"""SQLite FTS5 peer for bench/peers.sh: build a file-backed index, or run one query.

usage: python3 bench/peers_fts5.py index DB DOCS.jsonl
       python3 bench/peers_fts5.py query DB QUERY
       python3 bench/peers_fts5.py match QUERY      (print the FTS5 MATCH string)

index: creates DB with
    CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')
and inserts every line of DOCS.jsonl ({"title","body"}; rowid = line number + 1) in one
transaction (default pragmas, no 'optimize').

query: one whole process per query, as a user would run it: opens DB, turns QUERY
into an FTS5 OR query (each "quoted phrase" stays a phrase, every other word is
quoted; the same OR semantics as tantivy's default query parser), takes the top 10 by
bm25(docs), then prints rank, -bm25, title and an FTS5 snippet() of the body for each
of the 10 (snippets are computed for those 10 rows only).
Standard library only.
"""
import json
import re
import sqlite3
import sys

TOKEN = re.compile(r'"([^"]*)"|(\S+)')
WORD = re.compile(r"\w+")


def match_string(query):
    parts = []
    for phrase, word in TOKEN.findall(query):
        words = WORD.findall(phrase if phrase else word)
        if words:
            parts.append('"' + " ".join(words) + '"')
    return " OR ".join(parts)


def build(db, docs):
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, "
                "tokenize='porter unicode61')")
    with open(docs, encoding="utf-8") as f:
        rows = ((d["title"], d["body"]) for d in map(json.loads, f))
        with con:  # one transaction
            con.executemany("INSERT INTO docs(title, body) VALUES (?, ?)", rows)
    n = con.execute("SELECT count(*) FROM docs").fetchone()[0]
    con.close()
    print(json.dumps({"docs": n}))


def query(db, q):
    m = match_string(q)
    if not m:
        return
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    top = con.execute("SELECT rowid, bm25(docs) FROM docs WHERE docs MATCH ? "
                      "ORDER BY bm25(docs) LIMIT 10", (m,)).fetchall()
    out = []
    for i, (rowid, score) in enumerate(top, 1):
        title, snip = con.execute(
            "SELECT title, snippet(docs, 1, '[', ']', '…', 32) FROM docs "
            "WHERE docs MATCH ? AND rowid = ?", (m, rowid)).fetchone()
        out.append(f"{i:2}. {title}\n    score {-score:.2f}\n    {snip}\n")
    sys.stdout.write("\n".join(out))
    con.close()


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "index":
        build(a[1], a[2])
    elif len(a) == 3 and a[0] == "query":
        query(a[1], a[2])
    elif len(a) == 2 and a[0] == "match":
        print(match_string(a[1]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
