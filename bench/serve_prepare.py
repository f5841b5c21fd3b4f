#!/usr/bin/env python3
"""Inputs of bench/serve_load.sh: request paths for `search serve` and Typesense,
and the articles of a search index as Typesense documents.

usage:
  python3 bench/serve_prepare.py queries QUERIES.txt SEARCH.paths TYPESENSE.paths
  python3 bench/serve_prepare.py docs ALL.json DOCS.jsonl

queries: each line of QUERIES.txt (bench/queries.txt: the arguments of `search
query`, shell-quoted) becomes one /api/search path and one Typesense search
path asking the same: the words (phrases in double quotes, as both take them),
--company as a company filter, --year/--since/--until as a year filter,
--limit as the page size (default 10), and in both the company facet (10
values) and the year facet. Typesense searches title and body with its
default typo tolerance.

docs: ALL.json is `search query --json --limit N` over the whole index (every
article, with the companies and year search extracted); each hit becomes
{"id", "title", "body", "company": [...], "year": N (0 unknown)}, the body read
from the hit's file as bench/peers_convert.py reads it (the title line and the
leading ` date YYYY-MM-DD ` marker removed). Standard library only.
"""
import json
import re
import shlex
import sys
import urllib.parse

DATE = re.compile(r"^\s*date \d{4}-\d{2}-\d{2} ")


def queries(src, search_out, ts_out):
    with open(src, encoding="utf-8") as f, open(search_out, "w") as s, open(ts_out, "w") as t:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            args = shlex.split(line)
            words, companies, year, since, until, limit = [], [], None, None, None, 10
            i = 0
            while i < len(args):
                a = args[i]
                if a in ("--company", "-c"):
                    companies.append(args[i + 1]); i += 2
                elif a in ("--year", "-y"):
                    year = args[i + 1]; i += 2
                elif a == "--since":
                    since = args[i + 1]; i += 2
                elif a == "--until":
                    until = args[i + 1]; i += 2
                elif a in ("--limit", "-n"):
                    limit = int(args[i + 1]); i += 2
                else:
                    words.append(a); i += 1
            q = " ".join(words)
            p = [("q", q)] + [("company", c) for c in companies]
            if year:
                p.append(("year", year))
            if since:
                p.append(("since", since))
            if until:
                p.append(("until", until))
            p.append(("limit", str(limit)))
            s.write("/api/search?" + urllib.parse.urlencode(p) + "\n")
            filters = []
            if companies:
                filters.append("company:=[" + ",".join("`%s`" % c for c in companies) + "]")
            if year:
                filters.append("year:=%s" % year)
            elif since or until:
                filters.append("year:[%s..%s]" % (since or 1, until or 9999))
            tp = [("q", q or "*"), ("query_by", "title,body"), ("facet_by", "company,year"),
                  ("max_facet_values", "10"), ("per_page", str(limit))]
            if filters:
                tp.append(("filter_by", " && ".join(filters)))
            t.write("/collections/news/documents/search?" + urllib.parse.urlencode(tp) + "\n")


def docs(src, out_path):
    with open(src, encoding="utf-8") as f:
        results = json.load(f)
    n = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for hit in results["hits"]:
            with open(hit["path"], "rb") as f:
                text = f.read().decode("utf-8", errors="replace")
            parts = text.split("\n", 2)
            body = parts[2] if len(parts) > 2 else text
            body = DATE.sub("", body, count=1)
            out.write(json.dumps({
                "id": str(n),
                "title": hit["title"],
                "body": body,
                "company": hit["companies"],
                "year": hit["year"] or 0,
            }) + "\n")
            n += 1
    print(json.dumps({"docs": n}))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "queries":
        queries(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "docs":
        docs(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
