#!/usr/bin/env bash
# Renders the documentation's example pictures: the SVG scorecard, ranking
# chart and trend chart that "civicspace compare" and the REST API draw, and
# PNG screenshots of them taken with headless Chromium, into docs/img/.
#
# The pictures come from demo data only (the example assessments of
# examples/assessments and variants of them, for user-assigned demo codes
# XAA-XAL), scored by the built-in policy and stored in a temporary SQLite
# database by internal/demopictures. Run it again after changing the
# catalog, the policy or the pictures, look at the PNGs, and commit both.
#
# Needs Go and Chromium (Debian: apt-get install -y chromium). Usage:
#
#   scripts/screenshots.sh [OUTDIR]      # default docs/img
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/img}"

chrome=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then chrome="$c"; break; fi
done
if [ -z "$chrome" ]; then
  echo "screenshots: Chromium not found; install it (Debian: apt-get install -y chromium)" >&2
  exit 1
fi

go run ./internal/demopictures -out "$out" >/dev/null

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
for svg in "$out"/scorecard.svg "$out"/ranking.svg "$out"/trend.svg; do
  png="${svg%.svg}.png"
  # The window is the picture's own size, read from its root element.
  read -r width height < <(sed -n '1s/.*width="\([0-9.]*\)" height="\([0-9.]*\)".*/\1 \2/p' "$svg")
  # No network, no sync, no first-run work: the SVGs load nothing, and the
  # browser must not either.
  "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" \
    --window-size="${width%.*},${height%.*}" --screenshot="$png" \
    "file://$(pwd)/$svg" >/dev/null 2>&1
  test -s "$png" || { echo "screenshots: no $png" >&2; exit 1; }
  echo "$png (${width%.*}x${height%.*})"
done
