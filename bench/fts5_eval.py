#!/usr/bin/env python3
"""SQLite FTS5 baseline for the CACM ranking benchmark, with trec_eval-style metrics.

usage: python3 bench/fts5_eval.py OUT_DIR [--run-out FILE] [--weights TITLE,BODY] [--docs NAME]
       python3 bench/fts5_eval.py --self-test

OUT_DIR is what bench/cacm_prepare.py wrote (cacm.jsonl, queries.tsv, qrels.txt), or
bench/bbc_known_item.py with `--docs docs.jsonl`.

Indexes every record in an in-memory FTS5 table
    docs(id UNINDEXED, title, body, tokenize='porter unicode61'),
runs each query as an OR of its words (regex [A-Za-z0-9]+, each word quoted, repeats
kept), ranks by bm25(docs) (or bm25(docs, 0, TITLE, BODY) with --weights), keeps the
top 1000, writes a TREC run (`qid Q0 docid rank score fts5`, score = -bm25, higher is
better; default OUT_DIR/fts5.run) and prints MAP, nDCG@10, P@10 and Recall@100.

Metrics follow trec_eval (`trec_eval -c -m map -m ndcg_cut.10 -m P.10 -m recall.100`):
  * a run is ordered by score descending, ties by docid descending (string compare),
    whatever its rank column says; scores are compared as 32-bit floats, as trec_eval
    stores them, so near-equal doubles tie;
  * a document is relevant when its qrels level is >= 1;
  * means are over every query with at least one relevant document in qrels; such a
    query with no retrieved documents scores 0 (that is trec_eval's -c); run entries for
    queries without relevant documents are ignored.

Standard library only.
"""
import argparse
import json
import math
import os
import re
import sqlite3
import struct
import sys

DEPTH = 1000
WORD = re.compile(r"[A-Za-z0-9]+")
METRICS = ("map", "ndcg_cut_10", "P_10", "recall_100")


# --------------------------------------------------------------------------- metrics

def as_float32(x):
    """trec_eval keeps run scores as C `float`, so compare them at that precision."""
    return struct.unpack("f", struct.pack("f", x))[0]


def trec_order(ranked):
    """Order [(docid, score), ...] as trec_eval does: score desc, then docid desc.

    Scores are compared as 32-bit floats, like trec_eval's `float sim`: two doubles
    that round to the same float tie, and the tie goes to the larger docid string.
    """
    by_docid = sorted(ranked, key=lambda ds: ds[0], reverse=True)
    return sorted(by_docid, key=lambda ds: as_float32(ds[1]), reverse=True)  # stable


def query_metrics(ranked, rels):
    """Metrics of one query.

    ranked: [(docid, score), ...] in any order (re-sorted here as trec_eval does).
    rels:   {docid: level}; level >= 1 means relevant. Must hold >= 1 relevant doc.
    """
    relevant = {d for d, lvl in rels.items() if lvl >= 1}
    num_rel = len(relevant)
    docs = [d for d, _ in trec_order(ranked)]

    hits = 0
    ap_sum = 0.0
    for k, d in enumerate(docs, start=1):
        if d in relevant:
            hits += 1
            ap_sum += hits / k
    ap = ap_sum / num_rel

    # Binary gain: trec_eval uses the level itself as gain; levels here are 0/1.
    dcg = sum(1.0 / math.log2(k + 1)
              for k, d in enumerate(docs[:10], start=1) if d in relevant)
    idcg = sum(1.0 / math.log2(k + 1) for k in range(1, min(num_rel, 10) + 1))
    ndcg10 = dcg / idcg

    p10 = sum(1 for d in docs[:10] if d in relevant) / 10.0
    r100 = sum(1 for d in docs[:100] if d in relevant) / num_rel
    return {"map": ap, "ndcg_cut_10": ndcg10, "P_10": p10, "recall_100": r100}


def evaluate(run, qrels):
    """Mean metrics over every query of qrels with a relevant document.

    run:   {qid: [(docid, score), ...]}
    qrels: {qid: {docid: level}}
    Returns (means, per_query) where per_query is {qid: {metric: value}}.
    """
    per_query = {}
    for qid, rels in qrels.items():
        if not any(lvl >= 1 for lvl in rels.values()):
            continue
        per_query[qid] = query_metrics(run.get(qid, []), rels)
    n = len(per_query)
    means = {m: (sum(v[m] for v in per_query.values()) / n if n else 0.0)
             for m in METRICS}
    return means, per_query


def self_test():
    """Hand-worked example (two judged queries, plus one unjudged that must be ignored).

    Query "1": relevant {d1, d3, d7}, R = 3. Run scores d1 .9, d2 .8, d3 .8, d4 .7, d5 .6.
      d2 and d3 tie, so trec_eval order is docid descending: d1, d3, d2, d4, d5.
      Relevant at ranks 1 and 2 (d7 never retrieved).
      AP      = (1/1 + 2/2) / 3                        = 2/3       = 0.666667
      DCG@10  = 1/log2(2) + 1/log2(3) = 1 + 0.630930  = 1.630930
      IDCG@10 = 1 + 1/log2(3) + 1/log2(4) = 1 + 0.630930 + 0.5 = 2.130930
      nDCG@10 = 1.630930 / 2.130930                   = 0.765361
      P@10    = 2/10                                  = 0.2
      R@100   = 2/3                                   = 0.666667
    Query "2": relevant {d9}, judged d8 at level 0; no results -> every metric 0.
    Query "3": in the run, not in qrels -> ignored.
    Means over the 2 judged queries:
      MAP = 1/3 = 0.333333, nDCG@10 = 0.382680, P@10 = 0.1, R@100 = 1/3 = 0.333333
    (Ignoring the tie rule, i.e. order d1, d2, d3, would give AP = (1 + 2/3)/3 = 5/9.)

    Float32 ties: scores 1.0 + 1e-9 ("a", relevant) and 1.0 ("b") differ as doubles
    but are the same 32-bit float, so trec_eval ranks b (larger docid) first:
    AP = (1/2) / 1 = 0.5, P@10 = 0.1, R@100 = 1, nDCG@10 = (1/log2(3)) / 1 = 0.630930.
    """
    run = {
        "1": [("d1", 0.9), ("d2", 0.8), ("d3", 0.8), ("d4", 0.7), ("d5", 0.6)],
        "3": [("d1", 1.0)],
    }
    qrels = {"1": {"d1": 1, "d3": 1, "d7": 1}, "2": {"d9": 1, "d8": 0}}
    means, per_q = evaluate(run, qrels)
    log2_3 = math.log2(3)
    expect_q1 = {"map": 2 / 3,
                 "ndcg_cut_10": (1 + 1 / log2_3) / (1 + 1 / log2_3 + 0.5),
                 "P_10": 0.2, "recall_100": 2 / 3}
    assert set(per_q) == {"1", "2"}, per_q
    for m, v in expect_q1.items():
        assert abs(per_q["1"][m] - v) < 1e-12, (m, per_q["1"][m], v)
        assert per_q["2"][m] == 0.0, (m, per_q["2"][m])
        assert abs(means[m] - v / 2) < 1e-12, (m, means[m], v / 2)
    assert abs(expect_q1["ndcg_cut_10"] - 0.765361) < 1e-6
    assert abs(means["ndcg_cut_10"] - 0.382680) < 1e-6
    # a perfect ranking scores 1 everywhere except P@10 (= R/10 when R < 10)
    m, _ = evaluate({"q": [("a", 2.0), ("b", 1.0)]}, {"q": {"a": 1, "b": 1}})
    assert m == {"map": 1.0, "ndcg_cut_10": 1.0, "P_10": 0.2, "recall_100": 1.0}, m
    m, _ = evaluate({"q": [("a", 1.0 + 1e-9), ("b", 1.0)]}, {"q": {"a": 1}})
    assert abs(m["map"] - 0.5) < 1e-12 and abs(m["ndcg_cut_10"] - 1 / log2_3) < 1e-12, m
    assert m["P_10"] == 0.1 and m["recall_100"] == 1.0, m
    print("self-test ok:", " ".join(f"{k}={v:.6f}" for k, v in means.items()))


# --------------------------------------------------------------------------- FTS5 run

def load_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 4:
                qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return qrels


def load_queries(path):
    queries = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                qid, _, text = line.partition("\t")
                queries.append((qid, text))
    return queries


def fts_query(text):
    """OR of the quoted words of `text`; None when it has no words."""
    words = WORD.findall(text)
    return " OR ".join(f'"{w}"' for w in words) if words else None


def build_index(jsonl_path):
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE docs USING fts5("
                "id UNINDEXED, title, body, tokenize='porter unicode61')")
    n = 0
    with open(jsonl_path, encoding="utf-8") as f:
        rows = []
        for line in f:
            doc = json.loads(line)
            rows.append((doc["id"], doc.get("title", ""), doc.get("body", "")))
        con.executemany("INSERT INTO docs(id, title, body) VALUES (?, ?, ?)", rows)
        n = len(rows)
    con.commit()
    return con, n


def run_queries(con, queries, weights):
    rank_expr = "bm25(docs)" if weights is None else \
        "bm25(docs, 0, {!r}, {!r})".format(*weights)
    sql = (f"SELECT id, {rank_expr} AS s FROM docs WHERE docs MATCH ? "
           f"ORDER BY s, id DESC LIMIT {DEPTH}")
    run = {}
    for qid, text in queries:
        q = fts_query(text)
        rows = con.execute(sql, (q,)).fetchall() if q else []
        # score = -bm25 so that higher is better; order as trec_eval will read it
        run[qid] = trec_order([(docid, -s) for docid, s in rows])
    return run


def write_run(run, path, tag="fts5"):
    with open(path, "w", encoding="utf-8") as f:
        for qid, ranked in run.items():
            for rank, (docid, score) in enumerate(ranked, start=1):
                f.write(f"{qid} Q0 {docid} {rank} {score!r} {tag}\n")


def parse_weights(s):
    try:
        t, b = (float(x) for x in s.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected TITLE,BODY, e.g. 2,1")
    return t, b


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", nargs="?", help="folder written by cacm_prepare.py")
    ap.add_argument("--run-out", help="TREC run file (default OUT_DIR/fts5.run)")
    ap.add_argument("--weights", type=parse_weights, metavar="TITLE,BODY",
                    help="column weights for bm25(docs, 0, TITLE, BODY)")
    ap.add_argument("--docs", default="cacm.jsonl",
                    help="JSON lines file of OUT_DIR to index (default cacm.jsonl)")
    ap.add_argument("--self-test", action="store_true",
                    help="check the metric code on a hand-worked example and exit")
    args = ap.parse_args(argv[1:])

    if args.self_test:
        self_test()
        return 0
    if not args.out_dir:
        ap.error("OUT_DIR is required unless --self-test")

    con, n_docs = build_index(os.path.join(args.out_dir, args.docs))
    queries = load_queries(os.path.join(args.out_dir, "queries.tsv"))
    qrels = load_qrels(os.path.join(args.out_dir, "qrels.txt"))
    run = run_queries(con, queries, args.weights)
    run_out = args.run_out or os.path.join(args.out_dir, "fts5.run")
    write_run(run, run_out)

    means, per_q = evaluate(run, qrels)
    label = "bm25(docs)" if args.weights is None else \
        "bm25(docs, 0, {:g}, {:g})".format(*args.weights)
    print(f"FTS5 {label}, porter unicode61, OR of query words, top {DEPTH}")
    print(f"docs {n_docs}, queries run {len(queries)}, "
          f"evaluated {len(per_q)} (with >= 1 relevant doc), run -> {run_out}")
    print(f"MAP        {means['map']:.4f}")
    print(f"nDCG@10    {means['ndcg_cut_10']:.4f}")
    print(f"P@10       {means['P_10']:.4f}")
    print(f"Recall@100 {means['recall_100']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
