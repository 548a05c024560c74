#!/usr/bin/env bash
# Usage: deploy.sh <env>
# After the approval gate: preflight the environment, deploy its infra stack, then its services stack (which reads
# the infra stack's outputs from state), then `npm run verify <env>` where this version has it.
source "$(dirname "$0")/common.sh"
[ $# -eq 1 ] || die "usage: deploy.sh <env>"
env=$1
for stack in "$env-infra" "$env-services"; do
  [ -d "cdktf.out/stacks/$stack" ] || die "cdktf.out/stacks/$stack is missing: run npm run synth first"
done
npm run preflight "$env"
npx cdktf deploy "$env-infra" --skip-synth --auto-approve
npx cdktf deploy "$env-services" --skip-synth --auto-approve
if node -e 'process.exit(require("./package.json").scripts?.verify ? 0 : 1)'; then
  npm run verify "$env"
else
  echo "deploy: no npm run verify in this version: skipped"
fi
