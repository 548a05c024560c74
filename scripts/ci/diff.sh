#!/usr/bin/env bash
# Usage: diff.sh <env>
# `cdktf diff` of the environment's infra stack, then its services stack, from the synth already in cdktf.out.
# Pull requests plan as the read-only planner, which may read state but not write its lock: plans run unlocked.
source "$(dirname "$0")/common.sh"
[ $# -eq 1 ] || die "usage: diff.sh <env>"
export TF_CLI_ARGS_plan="-lock=false"
for stack in "$1-infra" "$1-services"; do
  [ -d "cdktf.out/stacks/$stack" ] || die "cdktf.out/stacks/$stack is missing: run npm run synth first"
  echo "::group::cdktf diff $stack"
  npx cdktf diff "$stack" --skip-synth
  echo "::endgroup::"
done
