#!/usr/bin/env bash
# Prove every synthesized stack with real Terraform, real provider binaries and
# checkov, without network access beyond package registries.
#   npm run validate          (= bash scripts/validate.sh)
# Env: METAFLOW_GCP_CACHE  where built tools live (default ~/.cache/metaflow-gcp)
#      VALIDATE_SKIP_SYNTH=1  reuse an existing cdktf.out instead of synthesizing
#      VALIDATE_KEEP=1        keep the scratch dir (its path is printed)
# Exit status: non-zero if a stack fails init/validate, a plan fails for a reason
# other than needing the network, or checkov reports an unjustified failure.
# How and why: docs/validation.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/validate/common.sh
source scripts/validate/common.sh
PY=$PWD/scripts/validate/stack.py
OUT=cdktf.out STACKS=cdktf.out/stacks

bash scripts/validate/toolchain.sh
TF=$(find_terraform)
[ -n "$TF" ] || die "no terraform after toolchain.sh"

if [ "${VALIDATE_SKIP_SYNTH:-}" != 1 ] || [ ! -f "$OUT/manifest.json" ]; then
  log "synth: npm run synth"
  npm run --silent synth >&2
fi
# The stacks in deploy order, from the manifest the app wrote.
ORDER=$(python3 "$PY" order "$OUT") || die "cannot read the stacks of $OUT/manifest.json"

# Terraform never runs in cdktf.out: every stack is copied to a scratch dir.
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/metaflow-gcp-validate.XXXXXX")
if [ "${VALIDATE_KEEP:-}" = 1 ]; then log "scratch dir kept: $SCRATCH"; else trap 'rm -rf "$SCRATCH"' EXIT; fi

# Providers built at another version than the one pinned (see common.sh).
PINS=()
for p in "${PROVIDERS[@]}"; do
  read -r name pinned built _ <<<"$p"
  [ "$pinned" = "$built" ] || PINS+=("$name=$built")
done

# Throwaway service-account credentials, made fresh each run and never kept:
# enough for the google provider to configure itself, useless for anything else.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$SCRATCH/key.pem" 2>/dev/null
python3 - "$SCRATCH/key.pem" >"$SCRATCH/credentials.json" <<'EOF'
import json, sys
print(json.dumps({
    "type": "service_account", "project_id": "offline-project",
    "private_key_id": "0" * 40, "private_key": open(sys.argv[1]).read(),
    "client_email": "offline@offline-project.iam.gserviceaccount.com", "client_id": "1",
    "auth_uri": "https://accounts.google.com/o/oauth2/auth",
    "token_uri": "https://oauth2.googleapis.com/token",
}))
EOF
# Plans run with these credentials only, and with a proxy that refuses every
# connection, so a provider that tries to reach an API fails at once, visibly.
PLAN_ENV=(env -u GOOGLE_OAUTH_ACCESS_TOKEN -u GOOGLE_IMPERSONATE_SERVICE_ACCOUNT
  -u CLOUDSDK_AUTH_ACCESS_TOKEN -u KUBECONFIG -u KUBE_CONFIG_PATH -u KUBE_CONFIG_PATHS
  GOOGLE_CREDENTIALS="$(cat "$SCRATCH/credentials.json")"
  GOOGLE_APPLICATION_CREDENTIALS="$SCRATCH/credentials.json"
  HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9
  http_proxy=http://127.0.0.1:9 NO_PROXY= no_proxy=)

errors() { # log -> its errors, from the first "Error:" on, indented, without blank lines
  sed -n '/^Error: /,$p' "$1" | grep -v '^[[:space:]]*$' | sed 's/^/    /' | head -n 30 || true
}

plan() { # extra plan options... -- plans in $p with $token, writing plan.log
  (cd "$p" && "${PLAN_ENV[@]}" "${token[@]}" "$TF" plan -refresh=false -lock=false -input=false \
    -no-color -out=tfplan "$@" >plan.log 2>&1)
}
summary() { # -> "N to add, ..."; saves the plan's known outputs for stacks that read them
  (cd "$p" && "$TF" show -json tfplan >plan.json && python3 "$PY" summary plan.json "$outputs/$stack.json")
}

failed=0 outputs=$SCRATCH/outputs
mkdir -p "$outputs"
for stack in $ORDER; do
  v=$SCRATCH/$stack/validate p=$SCRATCH/$stack/plan
  mkdir -p "$v" "$p"
  # validate: the stack as synthesized, providers from the mirror, no backend.
  # A committed lock file would carry the registry's hashes, which builds from
  # source never match, so it is dropped; init writes one for these binaries.
  cp -R "$STACKS/$stack/." "$v/"
  rm -rf "$v/.terraform" "$v/.terraform.lock.hcl"
  note=$(python3 "$PY" validate-copy "$STACKS/$stack/cdk.tf.json" "$v/cdk.tf.json" "${PINS[@]}")
  if ! (cd "$v" && "$TF" init -backend=false -input=false -no-color >init.log 2>&1); then
    echo "validate: $stack FAILED (terraform init)"; errors "$v/init.log"; failed=1; continue
  fi
  if ! (cd "$v" && "$TF" validate -no-color >validate.log 2>&1); then
    echo "validate: $stack FAILED"; errors "$v/validate.log"; failed=1; continue
  fi
  echo "validate: $stack OK$note"

  # plan: local state instead of the configured backend, remote state replaced
  # by a generated local one, -refresh=false so nothing existing is read.
  cp -R "$v/." "$p/"
  rm -f "$p/init.log" "$p/validate.log"
  python3 "$PY" plan-copy "$OUT" "$stack" "$p/cdk.tf.json" "$outputs" "${PINS[@]}" >&2
  # data.google_client_config exists to mint an OAuth token, which takes a round
  # trip to Google with a key; a static dummy token stands in for it there.
  token=(); note=""
  if grep -q '"google_client_config"' "$p/cdk.tf.json"; then
    token=(GOOGLE_OAUTH_ACCESS_TOKEN=offline-dummy-token); note=" [static dummy access token]"
  fi
  if ! (cd "$p" && "$TF" init -input=false -no-color >init.log 2>&1); then
    echo "plan: $stack FAILED (terraform init)"; errors "$p/init.log"; failed=1; continue
  fi
  if plan; then
    s=$(summary); echo "plan: $stack OK (${s%%,*})$note"; continue
  fi
  # Errors other than a refused connection are real: fail. Resources that
  # could only be planned online (a Helm chart repository to read, a cluster
  # API to ask) are left out with -target on everything else, and named.
  python3 "$PY" plan-errors "$p/plan.log" >"$p/errors.txt"
  if [ ! -s "$p/errors.txt" ] || grep -qv '^network ' "$p/errors.txt"; then
    echo "plan: $stack FAILED"; errors "$p/plan.log"; failed=1; continue
  fi
  cp "$p/plan.log" "$p/plan-full.log"
  # shellcheck disable=SC2046  # addresses and -target options are single words
  python3 "$PY" targets "$p/cdk.tf.json" $(cut -d' ' -f2 "$p/errors.txt") >"$p/targets.txt"
  left_out=$(sed -n 's/^left-out: //p' "$p/targets.txt")
  # shellcheck disable=SC2046
  if ! grep -q '^network -$' "$p/errors.txt" && plan $(grep '^-target=' "$p/targets.txt"); then
    s=$(summary)
    echo "plan: $stack PARTIAL (${s%%,*}; left out as they need the network: $left_out)$note"
  else
    echo "plan: $stack SKIPPED (needs the network)$note"; errors "$p/plan-full.log"
  fi
done

bash scripts/validate/checkov.sh || failed=1
exit $failed
