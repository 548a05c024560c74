#!/usr/bin/env bash
# Usage: previous-release.sh
# Prints the directory holding the previous release's synth of the shipped example (examples/environments.json): the
# commit package.json records under metaflowGcp.previousRelease, synthesized by base-synth.sh once and cached by
# commit under ${METAFLOW_GCP_CACHE:-~/.cache/metaflow-gcp}/releases/<commit> (a cdktf.out: manifest.json, stacks/).
# Used by upgrade-review.sh (the change review) and scripts/cluster/cluster-test.sh (the upgrade applied).
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/../.."

commit=$(node -p 'require("./package.json").metaflowGcp.previousRelease.commit')
[[ $commit =~ ^[0-9a-f]{40}$ ]] || die "package.json: metaflowGcp.previousRelease.commit is not a full commit hash: $commit"
cache="${METAFLOW_GCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metaflow-gcp}/releases/$commit"
if [ ! -f "$cache/manifest.json" ]; then
  git rev-parse --verify --quiet "$commit^{commit}" >/dev/null ||
    die "the previous release's commit $commit is not in this clone (a shallow clone: git fetch --unshallow)"
  log=$(mktemp)
  rm -rf "$cache.partial"
  METAFLOW_GCP_CONFIG=examples/environments.json bash scripts/ci/base-synth.sh "$commit" "$cache.partial" >"$log" 2>&1 ||
    { cat "$log" >&2; rm -f "$log"; die "the previous release ($commit) did not synthesize"; }
  rm -f "$log"
  mv "$cache.partial" "$cache"
  echo "previous-release: $commit synthesized into $cache" >&2
fi
echo "$cache"
