#!/usr/bin/env bash
# Lint the GitHub Actions workflows with actionlint (workflow syntax, expressions and their types, job needs,
# runner labels, action inputs, ...), built once per version from its Go module into the cache.
#   bash scripts/validate/actionlint.sh [workflow files...]     (default: .github/workflows/*.yml)
# Exit status: actionlint's (1 on any finding).
set -euo pipefail
# shellcheck source=scripts/validate/common.sh
source "$(dirname "$0")/common.sh"

ACTIONLINT_VERSION=v1.7.12
ACTIONLINT_MODULE=github.com/rhysd/actionlint/cmd/actionlint
BIN=$CACHE/actionlint/$ACTIONLINT_VERSION/actionlint

if [ -x "$BIN" ]; then
  log "actionlint $ACTIONLINT_VERSION: cached"
else
  go_build_env "actionlint"
  start=$SECONDS
  mkdir -p "$(dirname "$BIN")"
  TMPBIN=$(mktemp -d "$CACHE/tmp.XXXXXX")
  trap 'rm -rf "$TMPBIN"' EXIT
  # go install checks the module against the checksum database; only a finished binary is moved into place.
  GOBIN=$TMPBIN go install -trimpath -ldflags "-s -w" "$ACTIONLINT_MODULE@$ACTIONLINT_VERSION" >&2 \
    || die "go install $ACTIONLINT_MODULE@$ACTIONLINT_VERSION failed"
  mv "$TMPBIN/actionlint" "$BIN"
  log "actionlint $ACTIONLINT_VERSION: built in $((SECONDS - start)) s"
fi

cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || set -- .github/workflows/*.yml
"$BIN" -version | head -n1 >&2
# shellcheck is optional for actionlint; it checks `run:` scripts with it when one is on PATH.
command -v shellcheck >/dev/null || log "actionlint: no shellcheck on PATH: run: scripts are checked by actionlint's own rules only"
"$BIN" "$@"
log "actionlint: $# workflow file(s) clean"
