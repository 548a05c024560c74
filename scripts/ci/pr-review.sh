#!/usr/bin/env bash
# Usage: pr-review.sh <base-ref> <summary-file>
# The pull request's review: synthesize the base ref and this tree, run `npm run review -- --against` the base
# (without --against when the base has no app yet), and gather the reports into one Markdown file for the
# pull request comment (summary.sh). The review's exit status is kept: a loud flag does not fail the job,
# a broken synth or review does.
source "$(dirname "$0")/common.sh"
[ $# -eq 2 ] || die "usage: pr-review.sh <base-ref> <summary-file>"
here=$(cd "$(dirname "$0")" && pwd)
base_out="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/base.out"
against=()
status=0
"$here/base-synth.sh" "$1" "$base_out" || status=$?
case $status in
  0) against=(--against "$base_out") ;;
  3) echo "pr-review: reviewing without a base" >&2 ;;
  *) die "the synth of $1 failed (exit $status)" ;;
esac
npm run synth
npm run review -- "${against[@]}"
"$here/summary.sh" cdktf.out/review "$2"
