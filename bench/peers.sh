#!/usr/bin/env bash
# Side-by-side benchmark: `search` vs tantivy-cli 0.24 vs SQLite FTS5 on the same
# corpus with the same queries, in one run.
#
# usage: bench/peers.sh CORPUS_DIR [RUNS]
#   CORPUS_DIR  folder of txt articles made by ../shared/tools/gen-corpus (title line,
#               blank line, ` date YYYY-MM-DD ` + text)
#   RUNS        times each query is run per engine (default 5); p50/p95 over all runs
#
# Measures, on a warm page cache:
#   * indexing, each under /usr/bin/time -v: `search index` (full, then an unchanged
#     re-run), `tantivy index -t 2` (JSON lines on stdin), a python3 sqlite3 script
#     filling a file-backed FTS5 table in one transaction;
#   * whole-process query latency over the plain-text lines of bench/queries.txt for
#     every engine (and all lines, filters included, for `search`);
#   * `cat` and `wc -w` of the corpus as physical limits.
# Peers read the articles pre-converted to JSON lines (bench/peers_convert.py); the
# conversion is timed separately and not counted.
# Prints one Markdown report on stdout (progress on stderr).
#
# Environment:
#   SEARCH_BIN  use this `search` binary instead of `cargo build --release`
#   KEEP_WORK=1 keep the temporary folder (indexes, JSON lines, raw timings)
#   TMPDIR      where the temporary folder goes (needs ~4-5x the corpus size)
# Needs: cargo (first run: installs tantivy-cli 0.24 into bench/.tools), python3,
# /usr/bin/time (GNU), optionally the sqlite3 CLI.
set -euo pipefail
corpus=${1:?usage: bench/peers.sh CORPUS_DIR [RUNS]}
runs=${2:-5}
corpus=$(cd "$corpus" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
tools=$here/.tools
tv=$tools/bin/tantivy
# The real interpreter, not a pyenv/asdf shim (a shim adds ~50-150 ms per process).
py=$(python3 -c 'import sys; print(sys.executable)')
log() { echo "peers: $*" >&2; }
now_ns() { date +%s%N; }

work=$(mktemp -d "${TMPDIR:-/tmp}/peers.XXXXXX")
if [[ ${KEEP_WORK:-0} == 1 ]]; then log "keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
notes=()
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- 1. tantivy-cli
want=0.24.0
if ! "$tv" --version 2>/dev/null | grep -q ' 0\.24\.'; then
  if cargo info "tantivy-cli@$want" > "$work/cargo-info.txt" 2>&1; then
    ver=$want
  else
    ver=$(cargo info 'tantivy-cli@~0.24' 2>/dev/null | awk '/^version:/ {print $2}')
    [[ -n $ver ]] || { log "no tantivy-cli 0.24.x on crates.io"; exit 1; }
    log "tantivy-cli $want not available; using $ver"
  fi
  log "installing tantivy-cli $ver into $tools (a few minutes)"
  mkdir -p "$tools"
  if cargo install tantivy-cli --version "$ver" --root "$tools" --locked \
       > "$tools/install.log" 2>&1; then
    echo "installed with --locked" >> "$tools/install.log"
  else
    log "--locked install failed (see $tools/install.log); retrying without --locked"
    mv "$tools/install.log" "$tools/install-locked.log"
    cargo install tantivy-cli --version "$ver" --root "$tools" > "$tools/install.log" 2>&1
    echo "installed without --locked (the locked dependency set does not build)" \
      >> "$tools/install.log"
  fi
fi
tv_ver=$("$tv" --version | awk '{print $NF}')
[[ $tv_ver == "$want" ]] || notes+=("tantivy-cli $want was not available; $tv_ver used.")
tv_lib=$(grep -ho 'Compiling tantivy v[0-9.]*' "$tools"/install.log 2>/dev/null | head -1 | awk '{print $3}' || true)
tv_how=$(grep -ho 'installed with.*\|installed without.*' "$tools"/install.log 2>/dev/null | tail -1 || true)

# ---------------------------------------------------------------- search binary
if [[ -n ${SEARCH_BIN:-} ]]; then
  cp "$SEARCH_BIN" "$work/search"
else
  (cd "$root" && cargo build --release --quiet)
  cp "$root/target/release/search" "$work/search"
fi
bin=$work/search   # a private copy: a rebuild during the run cannot change it

# ---------------------------------------------------------------- 2. conversion
log "converting $corpus to JSON lines"
t0=$(now_ns)
"$py" "$here/peers_convert.py" "$corpus" "$work/docs.jsonl" > "$work/convert.json"
convert_s=$(( $(now_ns) - t0 ))

# Warm the page cache (corpus and JSON lines) so no tool pays the first read.
find "$corpus" -type f -print0 | xargs -0 cat > /dev/null
cat "$work/docs.jsonl" > /dev/null

# ---------------------------------------------------------------- 3. indexing
timed() { local name=$1; shift; /usr/bin/time -v -o "$work/$name.time" "$@"; }

log "search index (full)"
timed search_index "$bin" index "$corpus" --index "$work/search-idx" --quiet
log "search index (unchanged re-run)"
timed search_rerun "$bin" index "$corpus" --index "$work/search-idx" --quiet

log "tantivy-cli index"
# `tantivy new` is interactive; answer its prompts: title and body are Text, stored,
# not fast, indexed, tokenized (en_stem), with frequencies and positions; id is a u64
# fast field (not stored, not indexed) for the count aggregation of `search -a`.
printf '%s\n' title Text Y N Y Y Y Y Y  body Text Y N Y Y Y Y Y  id u64 N Y N N \
  | "$tv" new -i "$work/tv-idx" > "$work/tv-new.out" 2>&1
timed tantivy_index "$tv" index -i "$work/tv-idx" -t 2 < "$work/docs.jsonl" > "$work/tv-index.out"

log "SQLite FTS5 index"
timed fts5_index "$py" "$here/peers_fts5.py" index "$work/fts5.db" "$work/docs.jsonl" \
  > "$work/fts5-index.out"

search_docs=$("$bin" --index "$work/search-idx" query --limit 0 --json \
  | "$py" -c 'import json,sys; print(json.load(sys.stdin)["total"])')
tv_docs=$("$tv" search -i "$work/tv-idx" -q '*' -a '{"n":{"value_count":{"field":"id"}}}' 2>/dev/null \
  | "$py" -c 'import json,sys; print(int(json.load(sys.stdin)["n"]["value"]))' || echo "?")
fts5_docs=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["docs"])' "$work/fts5-index.out")
conv_docs=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["docs"])' "$work/convert.json")
for n in "$search_docs" "$tv_docs" "$fts5_docs"; do
  [[ $n == "$conv_docs" ]] || notes+=("DOC COUNTS DIFFER: converted $conv_docs, search $search_docs, tantivy-cli $tv_docs, FTS5 $fts5_docs.")
done
"$py" - "$work" <<'PY'
import json, os, sys
w = sys.argv[1]
def du(p):
    if os.path.isfile(p):
        return os.path.getsize(p)
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(p) for f in fs)
json.dump({"search": du(f"{w}/search-idx"), "tantivy": du(f"{w}/tv-idx"),
           "fts5": du(f"{w}/fts5.db")}, open(f"{w}/sizes.json", "w"))
PY

# ---------------------------------------------------------------- 4. queries
agg='{"count":{"value_count":{"field":"id"}}}'
have_sqlite_cli=0; command -v sqlite3 > /dev/null && have_sqlite_cli=1
: > "$work/lat.tsv"; : > "$work/queries.tsv"
qno=0
mapfile -t lines < <(grep -v -e '^#' -e '^[[:space:]]*$' "$root/bench/queries.txt")
for line in "${lines[@]}"; do
  qno=$((qno + 1))
  plain=1; [[ $line == *--* ]] && plain=0
  printf '%s\t%s\t%s\n' "$qno" "$plain" "$line" >> "$work/queries.tsv"
done

lap() {  # lap ENGINE PLAIN QNO CMD...: run CMD once, append its wall time in µs
  local eng=$1 plain=$2 q=$3; shift 3
  local s e
  s=$(now_ns); "$@" > /dev/null 2>&1 || true; e=$(now_ns)
  printf '%s\t%s\t%s\t%s\n' "$eng" "$plain" "$q" "$(( (e - s) / 1000 ))" >> "$work/lat.tsv"
}
sqlite_cli_query() {  # top 10 by bm25 with a snippet each (snippets for the 10 only)
  local m=${1//\'/\'\'}
  sqlite3 -readonly "$work/fts5.db" "SELECT title, snippet(docs, 1, '[', ']', '…', 32) \
FROM docs WHERE docs MATCH '$m' AND rowid IN (SELECT rowid FROM docs WHERE docs MATCH '$m' \
ORDER BY bm25(docs) LIMIT 10) ORDER BY bm25(docs)"
}

# One untimed pass: check that every command works (timed runs discard errors) and
# record match counts (search: `total` of --json; tantivy-cli: the count aggregation).
log "queries: checking each command once"
mkdir -p "$work/out"
: > "$work/matches.tsv"
qno=0
for line in "${lines[@]}"; do
  qno=$((qno + 1))
  eval "args=($line)"
  rc=0; "$bin" --index "$work/search-idx" query "${args[@]}" --json > "$work/out/search-$qno.json" 2>&1 || rc=$?
  # exit 1 is "no match" (grep-like); anything else is a failure
  (( rc <= 1 )) || notes+=("search query failed (exit $rc) for: $line")
  s_n=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$work/out/search-$qno.json" 2>/dev/null || echo "?")
  t_n=-
  if [[ $line != *--* ]]; then
    q="${args[*]}"   # the line as the shell splits it, e.g. "prime minister" with its quotes
    rc=0; "$tv" search -i "$work/tv-idx" -q "$q" -a "$agg" > "$work/out/tantivy-$qno.json" 2>&1 || rc=$?
    (( rc == 0 )) || notes+=("tantivy-cli search failed (exit $rc) for: $line")
    t_n=$("$py" -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["count"]["value"]))' "$work/out/tantivy-$qno.json" 2>/dev/null || echo "?")
    rc=0; "$py" "$here/peers_fts5.py" query "$work/fts5.db" "$q" > "$work/out/fts5-$qno.txt" 2>&1 || rc=$?
    (( rc == 0 )) || notes+=("FTS5 query failed (exit $rc) for: $line")
    if [[ $have_sqlite_cli == 1 ]]; then
      rc=0; sqlite_cli_query "$("$py" "$here/peers_fts5.py" match "$q")" > "$work/out/sqlite-$qno.txt" 2>&1 || rc=$?
      (( rc == 0 )) || notes+=("sqlite3 CLI query failed (exit $rc) for: $line")
    fi
  fi
  printf '%s\t%s\t%s\n' "$qno" "$s_n" "$t_n" >> "$work/matches.tsv"
done

# Timed passes: engines interleaved query by query, pass after pass, so a disturbance
# from another process hits every engine alike rather than one of them.
log "queries: ${#lines[@]} lines (peers: plain lines only) x $runs passes"
for _ in $(seq "$runs"); do
  qno=0
  for line in "${lines[@]}"; do
    qno=$((qno + 1)); plain=1; [[ $line == *--* ]] && plain=0
    eval "args=($line)"
    lap search "$plain" "$qno" "$bin" --index "$work/search-idx" query "${args[@]}"
    [[ $plain == 1 ]] || continue
    q="${args[*]}"
    lap tantivy 1 "$qno" "$tv" search -i "$work/tv-idx" -q "$q" -a "$agg"
    lap fts5 1 "$qno" "$py" "$here/peers_fts5.py" query "$work/fts5.db" "$q"
    if [[ $have_sqlite_cli == 1 ]]; then
      lap sqlite_cli 1 "$qno" sqlite_cli_query "$("$py" "$here/peers_fts5.py" match "$q")"
    fi
  done
done
for _ in $(seq $((runs * 5))); do lap python_start 0 0 "$py" -c 'import sqlite3'; done

# ---------------------------------------------------------------- 4b. in process
# The same plain queries with the index opened once: `search` through its library
# (benches/query_latency.rs: top 10, snippets, both facets), tantivy-cli through
# `tantivy bench` (top 10 + count, nothing fetched). RUNS x 4 runs per query.
log "queries in process (index opened once)"
: > "$work/plain-queries.txt"; : > "$work/tv-queries.txt"
for line in "${lines[@]}"; do
  [[ $line == *--* ]] && continue
  printf '%s\n' "$line" >> "$work/plain-queries.txt"
  eval "args=($line)"
  printf '%s\n' "${args[*]}" >> "$work/tv-queries.txt"
done
inproc_runs=$((runs * 4))
(cd "$root" && cargo bench --quiet --bench query_latency -- \
   "$work/search-idx" "$work/plain-queries.txt" "$inproc_runs") \
  > "$work/inproc-search.md" 2> "$work/inproc-search.err" \
  || notes+=("in-process search benchmark failed: $(tail -1 "$work/inproc-search.err")")
# `search` alone: every line of the list, filters and facets-only included.
(cd "$root" && cargo bench --quiet --bench query_latency -- \
   "$work/search-idx" "$here/queries.txt" "$inproc_runs") \
  > "$work/inproc-search-all.md" 2> "$work/inproc-search-all.err" \
  || notes+=("in-process search benchmark (all lines) failed: $(tail -1 "$work/inproc-search-all.err")")
# One extra repetition first: tantivy bench has no warm-up of its own.
"$tv" bench -i "$work/tv-idx" -q "$work/tv-queries.txt" -n $((inproc_runs + 1)) \
  > "$work/inproc-tantivy.txt" 2>&1 || notes+=("tantivy bench failed")

# ---------------------------------------------------------------- 5. cat, wc -w
log "cat and wc -w"
best() {  # best of 3 wall times (ns) of a shell snippet
  local b=0 s d
  for _ in 1 2 3; do
    s=$(now_ns); bash -c "$1" > /dev/null; d=$(( $(now_ns) - s ))
    if (( b == 0 || d < b )); then b=$d; fi
  done
  echo "$b"
}
export corpus
cat_ns=$(best 'find "$corpus" -type f -name "*.txt" -print0 | xargs -0 cat')
wc_ns=$(best 'find "$corpus" -type f -name "*.txt" -print0 | wc -w --files0-from=- | tail -1')
words=$(find "$corpus" -type f -name '*.txt' -print0 | wc -w --files0-from=- | tail -1 | awk '{print $1}')

# ---------------------------------------------------------------- 6. report
model=$(lscpu 2>/dev/null | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')
mem_gib=$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
rev=$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(cd "$root" && git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null | wc -l)
[[ $dirty == 0 ]] || rev="$rev + uncommitted changes in src/Cargo"
sqlite_cli_ver=$( (sqlite3 --version 2>/dev/null || echo none) | awk '{print $1}')
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
notes+=("Load average (1/5/15 min) at start: $load_start; at end: $load_end (other processes on this 2-CPU machine disturb the figures).")
export work runs convert_s cat_ns wc_ns words model mem_gib rev tv_ver tv_lib tv_how sqlite_cli_ver agg
export search_ver; search_ver=$("$bin" --version)
export tantivy_dep; tantivy_dep=$(grep -A1 '^name = "tantivy"$' "$root/Cargo.lock" | awk -F'"' '/version/ {print $2}' || true)
printf '%s\n' "${notes[@]+"${notes[@]}"}" > "$work/notes.txt"
"$py" - <<'PY'
import json, os, platform, sqlite3, subprocess, time
e = os.environ
corpus, w = e["corpus"], e["work"]
rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
notes = [n for n in open(f"{w}/notes.txt").read().splitlines() if n]
notes += [
    "Peers read pre-converted JSON lines; `search` reads and parses the txt files itself "
    "and also extracts title, date and companies (4,800 names) per article, which the "
    "peers do not do.",
    "Work differs per query: `search query` ranks (phrase / all words / some words tiers, "
    "BM25), builds company and year facets, makes snippets for the top 10 and prints them; "
    "`tantivy search -a` only counts all matches with an aggregation (no top 10, no stored "
    "documents, no snippets): tantivy-cli 0.24 has no top-k mode (without `-a` it prints "
    "every matching document in full); the FTS5 script ranks all matches by bm25(), then "
    "fetches title and snippet() for the top 10.",
    "Query semantics: every engine gets the line as the shell splits it (bench/queries.txt "
    "writes `'\"prime minister\"'` for a strict phrase): words are an OR for tantivy-cli "
    "and FTS5 and phrase/all/some tiers for `search`; a quoted part is a strict phrase "
    "for all three.",
    "Lines with `--` options (filters, facets only) are run by `search` only.",
    "Memory budgets are each tool's default: `search` 256 MB writer budget, 2 threads; "
    "tantivy-cli `-m` 1 GB split over its 2 threads (fewer, larger segments), merges "
    "waited for; FTS5 default pragmas, automerge, no `optimize`.",
    "Each FTS5 query pays a python3 start (see the baseline row); the `sqlite3` CLI row "
    "shows the same FTS5 work without python.",
]
info = {
    "corpus": corpus, "corpus_name": os.path.basename(corpus.rstrip("/")),
    "runs": int(e["runs"]), "convert_s": int(e["convert_s"]) / 1e9,
    "cat_s": int(e["cat_ns"]) / 1e9, "wc_s": int(e["wc_ns"]) / 1e9, "words": int(e["words"]),
    "tantivy_cli": e["tv_ver"], "sqlite": sqlite3.sqlite_version,
    "sqlite_cli": e["sqlite_cli_ver"],
    "machine": f"{os.cpu_count()} CPUs ({e['model']}), {e['mem_gib']} GiB RAM, "
               f"Linux {platform.release()}",
    "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    "versions": [
        f"{e['search_ver']} (git {e['rev']}; tantivy {e['tantivy_dep'] or '?'}), {rustc}",
        f"tantivy-cli {e['tv_ver']} (tantivy {e['tv_lib'] or '?'}; "
        f"{e['tv_how'] or 'install log missing'})",
        f"SQLite {sqlite3.sqlite_version} via Python {platform.python_version()}; "
        f"sqlite3 CLI {e['sqlite_cli_ver']}",
    ],
    "commands": [
        f"python3 bench/peers_convert.py {corpus} T/docs.jsonl   # not counted",
        f"search index {corpus} --index T/search-idx --quiet   # full",
        f"search index {corpus} --index T/search-idx --quiet   # unchanged re-run",
        "printf '%s\\n' title Text Y N Y Y Y Y Y body Text Y N Y Y Y Y Y id u64 N Y N N"
        " | tantivy new -i T/tv-idx   # title/body: text, stored, en_stem, positions;"
        " id: u64 fast",
        "tantivy index -i T/tv-idx -t 2 < T/docs.jsonl",
        "python3 bench/peers_fts5.py index T/fts5.db T/docs.jsonl"
        "   # CREATE VIRTUAL TABLE docs USING fts5(title, body,"
        " tokenize='porter unicode61'); all INSERTs in one transaction",
        "search --index T/search-idx query ARGS... > /dev/null   # each line of"
        " bench/queries.txt, shell-split",
        f"tantivy search -i T/tv-idx -q LINE -a '{e['agg']}' > /dev/null",
        "python3 bench/peers_fts5.py query T/fts5.db LINE > /dev/null   # MATCH"
        " '\"w1\" OR \"w2\" OR \"a phrase\"' ORDER BY bm25(docs) LIMIT 10, then"
        " title + snippet() of those 10",
        "sqlite3 -readonly T/fts5.db \"SELECT title, snippet(...) ... rowid IN (top 10"
        " by bm25)\" > /dev/null   # baseline row",
        "cargo bench --bench query_latency -- T/search-idx T/plain-queries.txt N"
        "   # in process: run_query (top 10, snippets, both facets), N = RUNS x 4,"
        " after one warm-up run per query",
        "cargo bench --bench query_latency -- T/search-idx bench/queries.txt N"
        "   # the same over every line, filters and facets-only included",
        "tantivy bench -i T/tv-idx -q T/tv-queries.txt -n N+1"
        "   # in process: top 10 + count; the first repetition (warm-up) is dropped",
        "find CORPUS -type f -name '*.txt' -print0 | xargs -0 cat > /dev/null",
        "find CORPUS -type f -name '*.txt' -print0 | wc -w --files0-from=-",
    ],
    "notes": notes,
}
json.dump(info, open(f"{w}/info.json", "w"))
PY
"$py" "$here/peers_report.py" "$work"
