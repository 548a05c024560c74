#!/usr/bin/env bash
# Run checkov (pinned, in a venv in the cache) over the synthesized stacks and
# apply the skips listed, with their reasons, in .checkov.yaml. Prints every
# unjustified failure and the counts; exits non-zero if there is any.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/validate/common.sh
source scripts/validate/common.sh

CHECKOV_VERSION=3.3.30
VENV=$CACHE/checkov-$CHECKOV_VERSION
if [ ! -x "$VENV/bin/checkov" ]; then
  log "checkov: installing $CHECKOV_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi

# terraform_json reads cdk.tf.json as written, for every stack, whether or not
# its plan ran offline. checkov runs from an empty dir so that it does not
# apply .checkov.yaml by itself: the skips are applied below, where what they
# hide can be counted. BC_SKIP_MAPPING: don't fetch guideline links online.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# checkov 3.3.30's terraform_json parser takes every key of the terraform block for a block and fails on the string
# required_version ("this method receives only dicts"), reporting a parsing error and no check for the whole stack:
# it reads copies without that one key, which no check looks at.
stacks=$work/stacks
for f in cdktf.out/stacks/*/cdk.tf.json; do
  mkdir -p "$stacks/$(basename "$(dirname "$f")")"
  python3 -c 'import json, sys
doc = json.load(open(sys.argv[1]))
doc.get("terraform", {}).pop("required_version", None)
json.dump(doc, open(sys.argv[2], "w"), indent=2)' "$f" "$stacks/$(basename "$(dirname "$f")")/cdk.tf.json"
done
(cd "$work" && BC_SKIP_MAPPING=TRUE CKV_PROGRESS_BAR=false "$VENV/bin/checkov" \
  --directory "$stacks" --framework terraform_json --output json --quiet --soft-fail \
  >report.json 2>err.log) || { cat "$work/err.log" >&2; die "checkov did not run"; }

# checkov's venv has PyYAML, for reading .checkov.yaml.
"$VENV/bin/python" - "$work/report.json" .checkov.yaml "$(ls -d cdktf.out/stacks/*/ | wc -l)" <<'PY'
import json, sys, yaml
raw = open(sys.argv[1]).read().strip()
reports = json.loads(raw) if raw else []
reports = reports if isinstance(reports, list) else [reports]
skips = set((yaml.safe_load(open(sys.argv[2])) or {}).get("skip-check") or [])
passed, failures, parse_errors, resources = 0, [], 0, 0
for r in reports:
    passed += r.get("summary", {}).get("passed", 0)
    parse_errors += r.get("summary", {}).get("parsing_errors", 0)
    resources += r.get("summary", {}).get("resource_count", 0)
    failures += r.get("results", {}).get("failed_checks", [])
# A stack checkov cannot parse is a stack with no check at all, reported as 0 passed: refuse it rather than pass.
stacks = int(sys.argv[3])
checked = {f["file_path"].strip("/").split("/")[0] for f in failures} | {
    p["file_path"].strip("/").split("/")[0] for r in reports for p in r.get("results", {}).get("passed_checks", [])}
if parse_errors or len(checked) < stacks:
    print(f"checkov: parsed {len(checked)} of {stacks} stacks ({parse_errors} parsing errors, {resources} resources): "
          "every stack must be checked; run checkov by hand on cdktf.out/stacks to see the parser's error")
    sys.exit(1)
skipped = [f for f in failures if f["check_id"] in skips]
failed = [f for f in failures if f["check_id"] not in skips]
for f in failed:
    stack = f["file_path"].strip("/").split("/")[0]
    print(f"  FAILED {f['check_id']} {stack} {f['resource']}: {f['check_name']}")
if failed:
    print("  fix the construct, or skip the check in .checkov.yaml with a one-line reason")
print(f"checkov: {passed} checks passed, {len(failed)} failed, {len(skipped)} skipped "
      f"by .checkov.yaml ({len({f['check_id'] for f in skipped})} of its {len(skips)} checks hit)")
sys.exit(1 if failed else 0)
PY
