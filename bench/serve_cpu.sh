#!/usr/bin/env bash
# CPU time per answer of `search serve`, and of the load generator beside it.
#
# usage: bench/serve_cpu.sh BIN INDEX PATHS [CLIENTS] [SECONDS] [-- SERVE ARGS...]
#   BIN      a `search` binary (release build)
#   INDEX    an index folder
#   PATHS    request paths, one a line (as bench/serve_prepare.py writes them)
#   CLIENTS  concurrent clients [16]; SECONDS measured [5], no warm-up
# Starts BIN serve on a free loopback port, runs benches/serve_load.rs
# against it, and prints its table line, then the server's CPU time (user +
# system, from /proc/PID/stat) and the load generator's (from
# /usr/bin/time) divided by the answers, the server's peak memory (VmHWM),
# and the load average. To compare two builds, alternate them: A B A B.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
bin=$1; idx=$2; paths=$3
clients=${4:-16}; secs=${5:-5}
shift $(( $# < 5 ? $# : 5 ))
[ "${1:-}" = "--" ] && shift
out=$(mktemp -d)
trap 'kill ${pid:-} 2>/dev/null || true; rm -rf "$out"' EXIT
"$bin" --index "$idx" serve --addr 127.0.0.1:0 "$@" >"$out/serve.out" 2>"$out/serve.err" &
pid=$!
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://[^ ]*' "$out/serve.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$out/serve.err" >&2; exit 2; }
url=${url%/}
curl -sf "$url/api/health" >/dev/null
load=$(ls -t "$repo"/target/release/deps/serve_load-* | grep -v '\.d$' | head -1)
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
t0=$(ticks)
/usr/bin/time -f "%U %S" -o "$out/time" "$load" --base "$url" --paths "$paths" \
  --clients "$clients" --seconds "$secs" --warmup 0 --label search >"$out/load"
t1=$(ticks)
sed -n 2p "$out/load"
python3 - "$t0" "$t1" "$(getconf CLK_TCK)" "$out/load" "$out/time" <<'PY'
import json, sys
t0, t1, hz = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
run = json.loads(open(sys.argv[4]).read().splitlines()[-1])
user, system = map(float, open(sys.argv[5]).read().split())
n = max(run["queries"], 1)
print(f"server CPU {1000 * (t1 - t0) / hz / n:.3f} ms/answer, "
      f"load generator CPU {1000 * (user + system) / n:.3f} ms/answer")
PY
echo "peak memory $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status") MiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
