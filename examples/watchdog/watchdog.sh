#!/usr/bin/env bash
# watchdog.sh: what examples/watchdog does, with curl. Pulls the ranking of
# every country for a period (each kind of assessment ranked apart) and the
# comparison of a country's shadow assessment with its government's
# self-assessment from a civicspace server, and writes them as CSV files:
# OUT/ranking-PERIOD.csv and OUT/gap-COUNTRY-PERIOD.csv.
#
#   examples/watchdog/watchdog.sh -s http://localhost:8080 -p 2025 -c KEN -o report/
#
# Comparisons read published assessments only: no key is needed (-k KEY, or
# CIVICSPACE_API_KEY, sends one). Needs bash and curl.
set -euo pipefail

server="http://localhost:8080"
key="${CIVICSPACE_API_KEY:-}"
period=""
country=""
out="."

usage() { echo "usage: watchdog.sh -s URL -p YEAR -c CODE [-k KEY] [-o DIR]" >&2; exit 2; }
while getopts "s:k:p:c:o:" opt; do
  case "$opt" in
    s) server="${OPTARG%/}" ;;
    k) key="$OPTARG" ;;
    p) period="$OPTARG" ;;
    c) country="$OPTARG" ;;
    o) out="$OPTARG" ;;
    *) usage ;;
  esac
done
[ -n "$period" ] && [ -n "$country" ] || usage
mkdir -p "$out"

auth=()
if [ -n "$key" ]; then auth=(-H "Authorization: Bearer $key"); fi

# fetch PATH FILE [curl arguments...]: GET the server's PATH as CSV into
# FILE; on an error answer, print the server's problem document and fail
# without leaving a partial file.
fetch() {
  local path="$1" file="$2"; shift 2
  local tmp status
  tmp="$(mktemp "$out/.fetch.XXXXXX")"
  status="$(curl -sS --get -o "$tmp" -w '%{http_code}' -H 'Accept: text/csv' ${auth[@]+"${auth[@]}"} "$@" "$server$path")" || { rm -f "$tmp"; return 1; }
  if [ "$status" != 200 ]; then
    echo "watchdog.sh: $path answered $status: $(cat "$tmp")" >&2
    rm -f "$tmp"
    return 1
  fi
  chmod 644 "$tmp"
  mv "$tmp" "$file"
  echo "wrote $file ($(wc -c < "$file") bytes)"
}

fetch /v1/comparisons/ranking "$out/ranking-$period.csv" --data-urlencode "period=$period"
fetch "/v1/comparisons/gap/$country/$period" "$out/gap-$country-$period.csv"
