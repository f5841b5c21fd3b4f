#!/usr/bin/env bash
# Takes the README's screenshot of the search page (docs/serve.png): indexes
# seeds/ into a temporary folder, starts `search serve` on a free loopback
# port, and has headless Chromium (Debian's `chromium`) save the page.
#
# usage: bench/screenshot.sh [OUT.png] [PAGE-QUERY]
#   OUT.png     where to write [docs/serve.png]
#   PAGE-QUERY  the page's query string [q=layoffs]
# Uses target/release/search if built, else target/debug/search (SEARCH_BIN overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/serve.png}
query=${2:-q=layoffs}
bin=${SEARCH_BIN:-}
if [ -z "$bin" ]; then
  if [ -x target/release/search ]; then bin=target/release/search; else bin=target/debug/search; fi
fi
[ -x "$bin" ] || { echo "screenshot: build search first (cargo build --release)" >&2; exit 2; }
command -v chromium >/dev/null || { echo "screenshot: needs chromium (apt-get install chromium)" >&2; exit 2; }

work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" index seeds --index "$work/idx" --quiet
"$bin" --index "$work/idx" serve --addr 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://[^ ]*' "$work/serve.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/serve.err" >&2; exit 2; }

chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --hide-scrollbars --force-prefers-reduced-motion \
  --window-size=1280,860 --virtual-time-budget=5000 \
  --screenshot="$out" "${url}?${query}" 2>/dev/null
echo "screenshot of ${url}?${query} written to $out"
