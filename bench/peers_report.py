#!/usr/bin/env python3
"""Print the Markdown report of bench/peers.sh from the files it left in WORK.

usage: python3 bench/peers_report.py WORK

WORK holds: info.json (corpus, versions, commands), convert.json, *.time
(`/usr/bin/time -v -o` output), sizes.json, lat.tsv (engine, plain 0/1, query number,
microseconds) and queries.tsv (query number, plain 0/1, line). Standard library only.
"""
import json
import os
import sys


def read_time(path):
    """Wall s, user+sys s, peak RSS KiB, exit status from `/usr/bin/time -v` output."""
    t = {}
    for line in open(path):
        key, _, val = line.strip().rpartition(": ")
        t[key] = val
    wall = 0.0
    for part in t["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
        wall = wall * 60 + float(part)
    cpu = float(t["User time (seconds)"]) + float(t["System time (seconds)"])
    return {"wall": wall, "cpu": cpu, "rss_kib": int(t["Maximum resident set size (kbytes)"]),
            "status": int(t.get("Exit status", "0"))}


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


def in_process(work):
    """p50/p95 (ms) of the in-process runs: search's bench table, tantivy bench's
    SEARCH section without its first repetition (the warm-up)."""
    found = {}
    for key, name in (("search", "inproc-search.md"), ("search-all", "inproc-search-all.md")):
        path = os.path.join(work, name)
        if os.path.exists(path):
            for line in open(path):
                if line.startswith("| **all"):
                    cells = [c.strip().strip("*") for c in line.split("|")]
                    found[key] = (float(cells[4]), float(cells[5]))
    path = os.path.join(work, "inproc-tantivy.txt")
    if os.path.exists(path):
        qfile = os.path.join(work, "tv-queries.txt")
        n_queries = sum(1 for _ in open(qfile)) if os.path.exists(qfile) else 0
        times, section = [], None
        for line in open(path):
            line = line.rstrip("\n")
            if line in ("SEARCH", "FETCH STORE"):
                section = line
                continue
            parts = line.split("\t")
            if section == "SEARCH" and len(parts) == 3 and parts[2].isdigit():
                times.append(int(parts[2]) / 1000)
        times = times[n_queries:]
        if times:
            found["tantivy"] = (pct(times, 0.5), pct(times, 0.95))
    return found


def main():
    work = sys.argv[1]
    info = json.load(open(os.path.join(work, "info.json")))
    conv = json.load(open(os.path.join(work, "convert.json")))
    sizes = json.load(open(os.path.join(work, "sizes.json")))
    docs, tb = conv["docs"], conv["text_bytes"]
    mb = tb / 1e6
    engines = [("search", "search"), ("tantivy", f"tantivy-cli {info['tantivy_cli']}"),
               ("fts5", f"SQLite FTS5 ({info['sqlite']}, python3)")]
    idx = {e: read_time(os.path.join(work, f"{e}_index.time")) for e, _ in engines}
    rerun = read_time(os.path.join(work, "search_rerun.time"))

    lat = {}
    for line in open(os.path.join(work, "lat.tsv")):
        eng, plain, qno, us = line.split("\t")
        lat.setdefault(eng, []).append((int(plain), int(qno), int(us) / 1000))
    queries = [line.rstrip("\n").split("\t", 2)
               for line in open(os.path.join(work, "queries.tsv"))]
    n_all = len(queries)
    n_plain = sum(1 for _, p, _ in queries if p == "1")

    def ms(eng, plain_only=True):
        v = [m for p, _, m in lat.get(eng, []) if p == 1 or not plain_only]
        return v

    out = []
    w = out.append
    w(f"## search vs tantivy-cli vs SQLite FTS5: {info['corpus_name']}")
    w("")
    w(f"Corpus: `{info['corpus']}`: {docs:,} articles in {conv['files']:,} txt files, "
      f"{mb:,.1f} MB of text. `search` reads the txt files; the peers read the same "
      f"articles pre-converted to JSON lines `{{\"id\",\"title\",\"body\"}}` "
      f"({conv['jsonl_bytes'] / 1e6:,.1f} MB; the ` date YYYY-MM-DD ` marker removed; "
      f"conversion took {info['convert_s']:.1f} s with `bench/peers_convert.py` and is not "
      f"counted for the peers). Throughput (docs/s, MB/s) is always over the original "
      f"text size ({mb:,.1f} MB).")
    w("")
    w(f"Machine: {info['machine']}. Date: {info['date']}. Page cache warm (corpus and "
      f"JSON lines read once before measuring). Query latency: each query run "
      f"{info['runs']} times as a whole process (fork, start, open, search, print to "
      f"/dev/null), timed by the shell; engines interleaved query by query.")
    w("")
    w(f"| metric | {' | '.join(label for _, label in engines)} |")
    w("|---|" + "---|" * len(engines))

    def row(name, f):
        w(f"| {name} | " + " | ".join(f(e) for e, _ in engines) + " |")

    row("index wall time", lambda e: f"{idx[e]['wall']:.2f} s")
    row("index CPU time (user+sys)", lambda e: f"{idx[e]['cpu']:.2f} s "
        f"({idx[e]['cpu'] / idx[e]['wall']:.2f} cores)")
    row("docs/s", lambda e: f"{docs / idx[e]['wall']:,.0f}")
    row("MB/s (original text)", lambda e: f"{mb / idx[e]['wall']:.1f}")
    row("peak RSS", lambda e: f"{idx[e]['rss_kib'] / 1024:,.0f} MiB")
    row("index size / text size", lambda e: f"{sizes[e] / 1e6:,.1f} MB = "
        f"{sizes[e] / tb:.2f}x")
    row("unchanged re-run (wall; ratio of full)", lambda e: (
        f"{rerun['wall']:.2f} s; {rerun['wall'] / idx[e]['wall']:.3f}x "
        f"(CPU {rerun['cpu']:.2f} s, RSS {rerun['rss_kib'] / 1024:,.0f} MiB)"
        if e == "search" else "n/a (no incremental mode)"))
    for label, q in (("p50", 0.5), ("p95", 0.95)):
        row(f"query {label}, {n_plain} plain queries x {info['runs']} "
            f"({n_plain * info['runs']} runs)",
            lambda e: f"{pct(ms(e), q):.1f} ms" if ms(e) else "-")
    for label, q in (("p50", 0.5), ("p95", 0.95)):
        row(f"query {label}, all {n_all} lines incl. filters/facets-only "
            f"({n_all * info['runs']} runs)",
            lambda e: f"{pct(ms(e, False), q):.1f} ms" if e == "search" else "n/a")
    inproc = in_process(work)
    for label, i in (("p50", 0), ("p95", 1)):
        row(f"query {label} in process (index opened once), {n_plain} plain queries",
            lambda e: f"{inproc[e][i]:.2f} ms" if e in inproc else "n/a")
    for label, i in (("p50", 0), ("p95", 1)):
        row(f"query {label} in process, all {n_all} lines incl. filters/facets-only",
            lambda e: f"{inproc['search-all'][i]:.2f} ms"
            if e == "search" and "search-all" in inproc else "n/a")
    w("")
    w("Physical limits and baselines (same machine, same run):")
    w("")
    w("| what | figure |")
    w("|---|---|")
    cat_s, wc_s = info["cat_s"], info["wc_s"]
    w(f"| `cat` of the corpus files (warm cache, best of 3) | {cat_s:.2f} s = "
      f"{mb / cat_s:,.0f} MB/s |")
    w(f"| `wc -w` of the corpus files (warm cache, best of 3) | {wc_s:.2f} s = "
      f"{mb / wc_s:,.0f} MB/s ({info['words']:,} words) |")
    w(f"| conversion txt -> JSON lines (python, not counted) | {info['convert_s']:.1f} s |")
    for eng, what in (("python_start", "`python3 -c 'import sqlite3'` (floor of the FTS5 "
                                       "python column)"),
                      ("sqlite_cli", f"FTS5 same queries via the `sqlite3` {info['sqlite_cli']} "
                                     "CLI (top 10 by bm25 with snippet, no python)")):
        if lat.get(eng):
            v = ms(eng, eng != "python_start")
            w(f"| {what}: p50 / p95 | {pct(v, 0.5):.1f} / {pct(v, 0.95):.1f} ms |")
    w("")
    matches = {}
    mpath = os.path.join(work, "matches.tsv")
    if os.path.exists(mpath):
        for line in open(mpath):
            q, s_n, t_n = line.rstrip("\n").split("\t")
            matches[q] = (s_n, t_n)
    w("Per query: p50 ms, and matching articles (search: `total` of `--json`; "
      "tantivy-cli: its count aggregation):")
    w("")
    w("| # | query | search | tantivy-cli | FTS5 py | FTS5 CLI | matches search / tantivy |")
    w("|---|---|---|---|---|---|---|")
    for qno, plain, line in queries:
        cells = []
        for eng in ("search", "tantivy", "fts5", "sqlite_cli"):
            v = [m for _, q, m in lat.get(eng, []) if q == int(qno)]
            cells.append(f"{pct(v, 0.5):.1f}" if v else "-")
        s_n, t_n = matches.get(qno, ("?", "?"))
        cells.append(f"{s_n} / {t_n}")
        w(f"| {qno} | `{line}` | " + " | ".join(cells) + " |")
    w("")
    w("Commands (T = a temporary folder; the index runs each under `/usr/bin/time -v`):")
    w("")
    w("```sh")
    for c in info["commands"]:
        w(c)
    w("```")
    w("")
    w("Versions: " + "; ".join(info["versions"]) + ".")
    w("")
    w("Notes: " + " ".join(info["notes"]))
    bad = [e for e, t in list(idx.items()) + [("search re-run", rerun)] if t["status"]]
    if bad:
        w("")
        w(f"WARNING: non-zero exit status from: {', '.join(bad)}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
