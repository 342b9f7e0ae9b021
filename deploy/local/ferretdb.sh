#!/usr/bin/env bash
# Local MongoDB stand-in for machines without containers: FerretDB 1.x on
# SQLite, embedded in the small Go module next to this script.
#
#   ferretdb.sh build   build once (minutes when cold), print the binary's path
#   ferretdb.sh run     build if needed, then serve in the foreground on
#                       127.0.0.1:$FERRETDB_PORT (SIGTERM/SIGINT stop it, exit 0)
#   ferretdb.sh ready   exit 0 if something accepts connections on the port
#
# Env: TEXTBUS_CACHE (default ~/.cache/textbus), FERRETDB_PORT (default 27018),
#      FERRETDB_DATA_DIR (default $TEXTBUS_CACHE/data/ferretdb).
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/ferretdb" && pwd)
cache=${TEXTBUS_CACHE:-$HOME/.cache/textbus}
port=${FERRETDB_PORT:-27018}
data_dir=${FERRETDB_DATA_DIR:-$cache/data/ferretdb}

# Keyed on the module's inputs so that a change to them builds a new binary
# instead of silently reusing a stale one.
hash=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" "$src"/patches/* | sha256sum | cut -c1-12)
bin=$cache/ferretdb-$hash/ferretdb

build() {
  [[ -x $bin ]] && return 0
  command -v go >/dev/null || { echo "ferretdb.sh: Go 1.24+ is needed to build FerretDB" >&2; exit 1; }
  echo "ferretdb.sh: building FerretDB into $bin (takes minutes the first time)" >&2
  local work=${bin%/*}
  mkdir -p "$work"
  # Build under a temporary name and rename: an interrupted build leaves no
  # binary behind, so the next call builds again instead of running a torn file.
  tmp=$bin.tmp.$$
  trap 'rm -f "$tmp"' EXIT
  patch_sources "$work"
  # -buildvcs=false: the module sits inside the project's git checkout, whose
  # state (no commits, unsafe ownership) must not be able to fail the build.
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -mod=readonly -buildvcs=false -modfile "$work/go.mod" \
    -o "$tmp" .) </dev/null
  mv -f "$tmp" "$bin"
  trap - EXIT
}

# Our fixes to FerretDB (patches/*.sed) go into a copy of its module source next to the binary, which a
# copy of go.mod replaces the module with: the module cache and our go.mod stay untouched, and each fix
# reads as a short sed script rather than a fork. A fix that no longer changes its file (another
# FerretDB version) stops the build instead of silently building the unfixed code.
patch_sources() {
  local work=$1 module
  module=$(cd "$src" && go mod download -json github.com/FerretDB/FerretDB | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -d $module ]] || { echo "ferretdb.sh: FerretDB's module source not found" >&2; exit 1; }
  rm -rf "$work/FerretDB"
  cp -R "$module" "$work/FerretDB"
  chmod -R u+w "$work/FerretDB"
  apply_patch "$work/FerretDB/internal/backends/sqlite/metadata/metadata.go" sqlite-id-lookup.sed
  cp "$src/go.mod" "$work/go.mod"
  cp "$src/go.sum" "$work/go.sum"
  (cd "$src" && go mod edit -modfile "$work/go.mod" -replace "github.com/FerretDB/FerretDB=$work/FerretDB")
}

apply_patch() {
  local file=$1 script=$src/patches/$2
  sed -f "$script" "$file" >"$file.patched"
  if cmp -s "$file" "$file.patched"; then
    echo "ferretdb.sh: $script no longer changes $file" >&2
    exit 1
  fi
  mv -f "$file.patched" "$file"
}

case ${1:-} in
  build)
    build
    echo "$bin"
    ;;
  run)
    build
    exec "$bin" -listen-addr "127.0.0.1:$port" -sqlite-dir "$data_dir" </dev/null
    ;;
  ready)
    # Connection refused fails at once on loopback, so no timeout is needed.
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
    ;;
  *)
    echo "usage: $0 build|run|ready" >&2
    exit 2
    ;;
esac
