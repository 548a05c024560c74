#!/usr/bin/env bash
# Usage: base-synth.sh <git-ref> <out-dir>
# Synthesizes the app as it is at <git-ref> (the pull request's base) into <out-dir>, for `npm run review --
# --against`: the ref's files are exported to a scratch folder, installed from their own lock file, synthesized.
# Exit 3 when the ref has no app to synthesize (a first pull request), so the caller reviews without a base.
source "$(dirname "$0")/common.sh"
[ $# -eq 2 ] || die "usage: base-synth.sh <git-ref> <out-dir>"
ref=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT

git rev-parse --verify --quiet "$ref^{commit}" >/dev/null || die "git ref $ref not found (fetch it first: the checkout needs fetch-depth 0)"
git archive "$ref" | tar -x -C "$src"
if [ ! -f "$src/cdktf.json" ]; then
  echo "base-synth: $ref has no cdktf.json: nothing to compare with" >&2
  exit 3
fi
cd "$src"
npm ci --no-audit --no-fund
npx cdktf synth --output "$out"
echo "base-synth: $ref synthesized into $out" >&2
