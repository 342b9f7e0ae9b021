#!/usr/bin/env bash
# The AsyncAPI Initiative's own parser (npm @asyncapi/parser, pinned by asyncapi/package-lock.json),
# installed once into the cache, for checking the services' AsyncAPI documents.
#   asyncapi.sh validate FILE...   exit 1 if a document has an error or a warning
# Env: TEXTBUS_CACHE (~/.cache/textbus). Needs Node.js 18+ and npm.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/asyncapi" && pwd)
cache=${TEXTBUS_CACHE:-$HOME/.cache/textbus}
dir=$cache/asyncapi-$(sha256sum "$here/package-lock.json" | cut -c1-8)

fetch() {
  [[ -e $dir/.complete ]] && return 0
  mkdir -p "$dir"
  (
    flock 9
    [[ -e $dir/.complete ]] && exit 0
    rm -rf "$dir/node_modules"
    cp "$here/package.json" "$here/package-lock.json" "$dir/"
    npm ci --prefix "$dir" --silent --no-audit --no-fund >&2
    touch "$dir/.complete"
  ) 9>"$dir/.lock"
}

case ${1:-} in
  fetch) fetch ;;
  validate)
    shift
    fetch
    # Beside its node_modules, where node resolves the parser from.
    cp "$here/validate.mjs" "$dir/validate.mjs"
    exec node "$dir/validate.mjs" "$@"
    ;;
  *)
    echo "usage: asyncapi.sh fetch | validate FILE..." >&2
    exit 2
    ;;
esac
