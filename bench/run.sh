#!/usr/bin/env bash
# Benchmark `search` on a corpus folder: full index build, an unchanged re-run,
# then query latency over bench/queries.txt as whole processes and in process
# (benches/query_latency.rs).
#
# usage: bench/run.sh CORPUS [RUNS]
#   CORPUS  folder of articles (e.g. made by ../shared/tools/gen-corpus)
#   RUNS    times each query is run (default 5); p50/p95 are over all runs
#
# Prints a Markdown table row set for BENCHMARKS.md. Needs /usr/bin/time and python3.
set -euo pipefail
corpus=${1:?usage: bench/run.sh CORPUS [RUNS]}
runs=${2:-5}
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/search
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

corpus_bytes=$(du -sb "$corpus" | cut -f1)
# Warm the page cache so that the first tool measured is not penalised.
cat $(find "$corpus" -type f) > /dev/null 2>&1 || find "$corpus" -type f -exec cat {} + > /dev/null

/usr/bin/time -v "$bin" index "$corpus" --index "$work/idx" --json > "$work/summary.json" 2> "$work/time.txt" || true
articles=$(python3 -c "import json,sys; print(json.load(open('$work/summary.json'))['indexed'])")
wall=$(grep 'Elapsed (wall clock)' "$work/time.txt" | awk '{print $NF}')
user=$(grep 'User time' "$work/time.txt" | awk '{print $NF}')
sys=$(grep 'System time' "$work/time.txt" | awk '{print $NF}')
rss_kb=$(grep 'Maximum resident' "$work/time.txt" | awk '{print $NF}')
index_bytes=$(du -sb "$work/idx" | cut -f1)

: > "$work/lat.txt"
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  eval "args=($line)"
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$bin" --index "$work/idx" query "${args[@]}" > /dev/null || true
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000 ))" >> "$work/lat.txt"
  done
done < bench/queries.txt

# Unchanged re-run (incremental): nothing to read again.
rerun_start=$(date +%s%N)
"$bin" index "$corpus" --index "$work/idx" --quiet > /dev/null 2>&1 || true
rerun_ms=$(( ($(date +%s%N) - rerun_start) / 1000000 ))

# In process: the same queries through the library, index opened once (20 runs each).
cargo bench --quiet --bench query_latency -- "$work/idx" bench/queries.txt 20 > "$work/inproc.md" 2>/dev/null || true
inproc=$(grep '^| \*\*all' "$work/inproc.md" | sed 's/\*//g' | awk -F'|' '{print $5 "/" $6}' | tr -d ' ')

python3 - "$work" "$corpus" "$corpus_bytes" "$articles" "$wall" "$user" "$sys" "$rss_kb" "$index_bytes" "$rerun_ms" "$inproc" <<'PY'
import sys, statistics
work, corpus, cbytes, articles, wall, user, sys_t, rss_kb, ibytes, rerun_ms, inproc = sys.argv[1:]
def secs(s):
    parts = [float(p) for p in s.split(':')]
    t = 0.0
    for p in parts:
        t = t * 60 + p
    return t
w = secs(wall)
lat = sorted(int(x) / 1000 for x in open(f"{work}/lat.txt"))
p = lambda q: lat[min(len(lat) - 1, int(round(q * (len(lat) - 1))))]
cb = int(cbytes)
print(f"corpus: {corpus} ({int(articles)} articles, {cb/1e6:.1f} MB)")
print("| metric | value |")
print("|---|---|")
print(f"| index wall time | {w:.2f} s |")
print(f"| index CPU time (user+sys) | {float(user)+float(sys_t):.2f} s |")
print(f"| articles/s | {int(articles)/w:,.0f} |")
print(f"| MB/s | {cb/1e6/w:.1f} |")
print(f"| peak RSS | {int(rss_kb)/1024:.0f} MiB |")
print(f"| index size / text size | {int(ibytes)/1e6:.1f} MB / {cb/1e6:.1f} MB = {int(ibytes)/cb:.2f}x |")
print(f"| query, whole process, p50 ({len(lat)} runs) | {p(0.5):.1f} ms |")
print(f"| query, whole process, p95 | {p(0.95):.1f} ms |")
print(f"| unchanged re-run | {int(rerun_ms)/1000:.2f} s = {int(rerun_ms)/1000/w:.1%} of the full build |")
if "/" in inproc:
    p50, p95 = inproc.split("/")
    print(f"| query, in process (index open once; 20 runs each), p50 / p95 | {p50} / {p95} ms |")
PY
