#!/usr/bin/env bash
# Load test of the REST API on loopback, bounded in time: builds civicspace
# and cmd/loadtest, serves a fresh SQLite database (or DB=postgres://...)
# with an admin API key made for the run,
# runs each scenario for DURATION with CONCURRENCY clients, and prints
# requests/s and latency percentiles, then the in-process engine time and
# the ratio of an inline score over HTTP to it.
#
#   scripts/loadtest.sh                      # 10s per scenario, 8 clients
#   DURATION=30s CONCURRENCY=16 scripts/loadtest.sh
#   scripts/loadtest.sh -scenarios stored-score
#   DB='postgres://postgres@127.0.0.1:5432/test?sslmode=disable&search_path=cs_load' \
#     scripts/loadtest.sh     # PostgreSQL; the cs_load schema stays, drop it after
#
# Extra arguments go to cmd/loadtest (see go doc ./cmd/loadtest).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-10s}
concurrency=${CONCURRENCY:-8}
tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" && wait "$pid" || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/civicspace" ./cmd/civicspace
go build -o "$tmp/loadtest" ./cmd/loadtest

db=${DB:-sqlite:$tmp/load.db}
# Writes and inline scores need a key: an admin key, made as an operator
# bootstraps a server.
"$tmp/civicspace" migrate --db "$db" >/dev/null
export CIVICSPACE_API_KEY
CIVICSPACE_API_KEY=$("$tmp/civicspace" keys create --role admin --name loadtest --db "$db" 2>/dev/null)

"$tmp/civicspace" serve --addr 127.0.0.1:0 --db "$db" >"$tmp/serve.out" 2>"$tmp/serve.log" &
pid=$!
url=
for _ in $(seq 1 200); do
  url=$(sed -n 's/^civicspace serving \(http:[^ ]*\) .*/\1/p' "$tmp/serve.out")
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the server did not start" >&2; cat "$tmp/serve.log" >&2; exit 1; }
echo "server: $(cat "$tmp/serve.out")"
echo "go: $(go version); $(nproc) CPUs"
echo

"$tmp/loadtest" -url "$url" -duration "$duration" -concurrency "$concurrency" "$@"
