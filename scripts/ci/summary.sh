#!/usr/bin/env bash
# Usage: summary.sh <review-dir> <out-file> [max-chars]
# Gathers the review reports (<review-dir>/<env>.md) into one Markdown body for a pull request comment or a build
# summary. GitHub refuses a comment body over 65536 characters, so a longer body is cut at a line boundary to
# max-chars (default 60000) with a note pointing at the full reports in the workflow run's artifact.
source "$(dirname "$0")/common.sh"
[ $# -ge 2 ] || die "usage: summary.sh <review-dir> <out-file> [max-chars]"
dir=$1 out=$2 max=${3:-60000}
shopt -s nullglob
reports=("$dir"/*.md)
[ ${#reports[@]} -gt 0 ] || die "no review report in $dir (did npm run review run?)"
body=$(mktemp)
trap 'rm -f "$body"' EXIT
{
  echo "<!-- metaflow-gcp review -->"
  echo "## metaflow-gcp review"
  for r in "${reports[@]}"; do
    printf '\n<details><summary>%s</summary>\n\n' "$(basename "$r" .md)"
    cat "$r"
    printf '\n</details>\n'
  done
} >"$body"
if [ "$(wc -m <"$body")" -le "$max" ]; then
  mv "$body" "$out"
else
  note=$'\n**Cut to fit a comment**: the full reports are in the run\'s `review` artifact.\n'
  # Whole lines up to the limit, less room for the note.
  awk -v max=$((max - ${#note})) '{ n += length($0) + 1; if (n > max) exit; print }' "$body" >"$out"
  printf '%s' "$note" >>"$out"
fi
echo "summary: ${#reports[@]} report(s) -> $out ($(wc -m <"$out") chars)" >&2
