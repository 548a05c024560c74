#!/usr/bin/env bash
# Usage: upgrade-review.sh
# The upgrade from the previous release, reviewed: the shipped example (examples/environments.json) synthesized at the
# commit package.json records under metaflowGcp.previousRelease and as it is now, compared by `npm run review --
# --against --strict`. A stateful resource destroyed or replaced (the database, the bucket, the cluster, a node pool,
# a namespace) is a loud flag, so the script exits 1 and prints the change review. The previous release's synth comes
# from previous-release.sh (cached by commit under ${METAFLOW_GCP_CACHE:-~/.cache/metaflow-gcp}/releases/).
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/../.."

cache=$(bash scripts/ci/previous-release.sh)
commit=${cache##*/}
export METAFLOW_GCP_CONFIG=examples/environments.json
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

npx cdktf synth --output "$out/synth" >"$out/synth.log" 2>&1 || { cat "$out/synth.log" >&2; die "this release did not synthesize"; }
if ! npm run --silent review -- --out "$out/synth" --against "$cache" --config "$METAFLOW_GCP_CONFIG" --strict; then
  for report in "$out"/synth/review/*.md; do sed -n '/^## Change review/,/^#### `/p' "$report" | sed '$d' >&2; done
  die "upgrade from the previous release ($commit): a stateful resource is destroyed or replaced (above)"
fi
