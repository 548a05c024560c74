#!/usr/bin/env bash
# Usage: deploy.sh <env>
# After the approval gate: preflight the environment, deploy its infra stack, then its services stack (which reads
# the infra stack's outputs from state), then `npm run verify <env>` as the deployer, through the cluster's DNS endpoint.
source "$(dirname "$0")/common.sh"
[ $# -eq 1 ] || die "usage: deploy.sh <env>"
env=$1
for stack in "$env-infra" "$env-services"; do
  [ -d "cdktf.out/stacks/$stack" ] || die "cdktf.out/stacks/$stack is missing: run npm run synth first"
done
npm run preflight "$env"
npx cdktf deploy "$env-infra" --skip-synth --auto-approve
npx cdktf deploy "$env-services" --skip-synth --auto-approve
# No gcloud on the runners: verify reaches the endpoint the services stack used with the deployer's own credentials.
endpoint=$(terraform -chdir="cdktf.out/stacks/$env-infra" output -raw cluster_endpoint)
npm run verify -- "$env" --server "https://$endpoint"
