#!/bin/sh
# Build civicspace the way it is released: static binaries (CGO_ENABLED=0),
# -trimpath, the version stamped with -ldflags -X. POSIX sh, so that the
# Dockerfile's build stage (Alpine, no bash) runs the same flags.
#
#   scripts/release.sh [-v VERSION] all         every target in scripts/release-targets,
#                                               into dist/, with dist/SHA256SUMS
#   scripts/release.sh [-v VERSION] host        the host's target only, then checks that
#                                               `civicspace version` prints VERSION (CI)
#   scripts/release.sh [-v VERSION] binary OUT  the host's target to OUT (the Dockerfile)
#   scripts/release.sh [-v VERSION] container   docker build where docker can build (its
#                                               daemon answers and the base images can be
#                                               had), else `host` with the same flags
#
# VERSION defaults to `git describe --tags --always --dirty`, else "dev".
set -eu
cd "$(dirname "$0")/.."

version=""
if [ "${1:-}" = "-v" ]; then
  version=$2
  shift 2
fi
if [ -z "$version" ]; then
  version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
fi
pkg=github.com/civicspace/civicspace/internal/buildinfo
ldflags="-s -w -X $pkg.Version=$version"

# build GOOS GOARCH OUT
build() {
  echo "building $3 ($1/$2, version $version)"
  CGO_ENABLED=0 GOOS=$1 GOARCH=$2 go build -trimpath -ldflags "$ldflags" -o "$3" ./cmd/civicspace
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

# check BINARY: it must print the stamped version.
check() {
  out=$("$1" version)
  case "$out" in
    "civicspace $version "*) echo "ok: $out" ;;
    *) echo "$1 version printed \"$out\", not civicspace $version" >&2; exit 1 ;;
  esac
}

host() {
  goos=$(go env GOOS)
  goarch=$(go env GOARCH)
  ext=""
  [ "$goos" = windows ] && ext=.exe
  mkdir -p dist
  out="dist/civicspace_${version}_${goos}_${goarch}${ext}"
  build "$goos" "$goarch" "$out"
  check "$out"
}

case "${1:-}" in
all)
  rm -rf dist && mkdir -p dist
  grep -v '^#' scripts/release-targets | while read -r target; do
    [ -n "$target" ] || continue
    goos=${target%/*}
    goarch=${target#*/}
    ext=""
    [ "$goos" = windows ] && ext=.exe
    build "$goos" "$goarch" "dist/civicspace_${version}_${goos}_${goarch}${ext}"
  done
  (cd dist && sha256 civicspace_* >SHA256SUMS)
  cat dist/SHA256SUMS
  ;;
host)
  host
  ;;
binary)
  build "$(go env GOOS)" "$(go env GOARCH)" "$2"
  check "$2"
  ;;
container)
  if docker info >/dev/null 2>&1; then
    if docker build --build-arg VERSION="$version" -t "civicspace:$version" .; then
      check_out=$(docker run --rm "civicspace:$version" version)
      case "$check_out" in
        "civicspace $version "*) echo "ok: $check_out"; exit 0 ;;
        *) echo "the image's civicspace version printed \"$check_out\"" >&2; exit 1 ;;
      esac
    fi
    # A build that failed with its base images at hand is a real failure;
    # one that could not pull them is this machine's limit.
    for image in $(sed -n 's/^FROM \([^ ]*\).*/\1/p' Dockerfile); do
      if ! docker image inspect "$image" >/dev/null 2>&1; then
        echo "docker cannot get the base image $image here: building with go instead, same flags"
        host
        exit 0
      fi
    done
    echo "docker build failed" >&2
    exit 1
  fi
  echo "docker cannot build here (no daemon answers): building with go instead, same flags"
  host
  ;;
*)
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
