#!/usr/bin/env bash
# Apply every <env>-services stack to a real Kubernetes API server on
# 127.0.0.1 and run the real Metaflow client against it.
#   npm run cluster-test          (= bash scripts/cluster/cluster-test.sh)
# Steps, each printed with its time: toolchain and cluster builds (cached),
# synth, cluster start, node pools as kwok nodes, the Argo and JobSet CRDs, the JobSet controller, then per
# stack: prepare, init, apply,
# endpoints, plan (must be empty), argo-start (the real Argo controllers and
# server on the stack's configuration), rbac, metaflow, argo (what they made of
# it), pool steps (where the scheduler puts them), snippets (END_USER_SETUP's secrets and image lines), jobset (a
# @parallel flow's JobSet through the real JobSet webhooks and controller), verify, undeploy (argo-workflows delete), destroy, argo-stop, leftovers.
# Then the upgrade phase, once: the previous release's dev-services stack of the shipped example (package.json
# metaflowGcp.previousRelease, synthesized once by scripts/ci/previous-release.sh) applied, then this release's over
# its state: the plan must destroy or replace nothing stateful, the Deployments roll, the next plan is empty.
# Env: METAFLOW_GCP_CACHE        where built tools live (default ~/.cache/metaflow-gcp)
#      CLUSTER_TEST_SKIP_SYNTH=1 reuse an existing cdktf.out
#      CLUSTER_TEST_STACKS       services stacks to test (default: every services stack of
#                                environments.json, or the file METAFLOW_GCP_CONFIG names, then
#                                those of scripts/cluster/options-environments.json, the config that
#                                exercises the options: namespaces, replicas, flow runners;
#                                stacks and kinds as the synth's manifest.json records them;
#                                the word `upgrade` runs the upgrade phase, which a run of every stack
#                                includes: `CLUSTER_TEST_STACKS=upgrade` runs it alone)
#      CLUSTER_TEST_PLANT        plant one fault: selector|diff|verb|namespace|events-pods|no-schedules|
#                                events-config|artifact-bucket|crd-field|jobset-role|jobset-webhook|
#                                jobset-controller|upgrade-namespace|upgrade-job|upgrade-no-roll
#                                (the run must fail)
#      CLUSTER_TEST_KEEP=1       keep the scratch dir (its path is printed)
#      CLUSTER_TEST_VERBOSE=1    print every access review
# What each stack's RBAC must grant is rbac-expectations.json, filled in with the namespaces
# and flow runners of the stack's environment as `npm run config` resolves them.
# Exit status: non-zero if any step fails. How and why: docs/validation.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=scripts/cluster/common.sh
source scripts/cluster/common.sh
OUT=cdktf.out
PLANT=${CLUSTER_TEST_PLANT:-none}
# An upgrade-* fault is planted in this release's stack of the upgrade phase only.
STACK_PLANT=$PLANT UPGRADE_PLANT=none
[[ $PLANT != upgrade-* ]] || STACK_PLANT=none UPGRADE_PLANT=$PLANT
EXPECT=$CLUSTER_DIR/rbac-expectations.json

WORK=$(mktemp -d "${TMPDIR:-/tmp}/metaflow-gcp-cluster.XXXXXX")
# shellcheck source=scripts/cluster/cluster.sh
source "$CLUSTER_DIR/cluster.sh"
# shellcheck source=scripts/cluster/metaflow.sh
source "$CLUSTER_DIR/metaflow.sh"
# shellcheck source=scripts/cluster/argo.sh
source "$CLUSTER_DIR/argo.sh"
# shellcheck source=scripts/cluster/pools.sh
source "$CLUSTER_DIR/pools.sh"
# shellcheck source=scripts/cluster/jobset.sh
source "$CLUSTER_DIR/jobset.sh"

cleanup() {
  local rc=$?
  # A step that died (die, set -e) before step() could report it.
  if [ $rc -ne 0 ] && [ -n "${CURRENT_STEP:-}" ]; then
    echo "$CURRENT_STEP: FAILED ($((SECONDS - STEP_START)) s)"
    [ ! -s "${STEP_LOG:-}" ] || { echo "  --- last lines of $STEP_LOG"; tail -n 25 "$STEP_LOG" | sed 's/^/  /'; }
    echo "cluster-test: $PASSED passed, 1 failed ($((SECONDS - T0)) s)"
  fi
  [ -z "${REAPER:-}" ] || kill "$REAPER" 2>/dev/null || true
  stop_cluster
  pg_cleanup
  if [ "${CLUSTER_TEST_KEEP:-}" = 1 ] || { [ $rc -ne 0 ] && [ "${CLUSTER_TEST_KEEP:-}" = on-failure ]; }; then
    log "scratch dir kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PASSED=0 T0=$SECONDS
# step NAME FUNCTION ARGS...: run, print "NAME: OK (N s)" or "NAME: FAILED (N s)"
# and stop. What a step prints on stdout is shown; the tools' chatter goes to
# $WORK/logs/<step>.log, whose tail is shown on failure.
step() {
  local name=$1 start=$SECONDS rc=0; shift
  STEP_LOG=$WORK/logs/${name//[^A-Za-z0-9_.-]/_}.log
  CURRENT_STEP=$name STEP_START=$start
  mkdir -p "$WORK/logs"
  "$@" || rc=$?
  CURRENT_STEP=
  if [ $rc -ne 0 ]; then
    echo "$name: FAILED ($((SECONDS - start)) s)"
    [ ! -s "$STEP_LOG" ] || { echo "  --- last lines of $STEP_LOG"; tail -n 25 "$STEP_LOG" | sed 's/^/  /'; }
    echo "cluster-test: $PASSED passed, 1 failed ($((SECONDS - T0)) s)"
    exit 1
  fi
  echo "$name: OK ($((SECONDS - start)) s)"
  PASSED=$((PASSED + 1))
}
quiet() { "$@" >>"$STEP_LOG" 2>&1; }   # run a tool, its output to the step's log
tf() { # init|apply|plan|destroy args...: terraform in the stack's scratch dir, bounded
  local cmd=$1; shift
  (cd "$DIR" && SSL_CERT_FILE=$TRUST timeout "$TF_TIMEOUT" "$TF" "$cmd" -no-color -input=false "$@")
}

# --- tools ------------------------------------------------------------------------
toolchain() { quiet bash scripts/validate/toolchain.sh && TF=$(find_terraform) && [ -n "$TF" ]; }
build() { bash "$CLUSTER_DIR/build.sh" 2>&1 | sed 's/^/  /'; return "${PIPESTATUS[0]}"; }
CONFIG=${METAFLOW_GCP_CONFIG:-environments.json}
OPTIONS_CONFIG=$CLUSTER_DIR/options-environments.json
OPTIONS_OUT=$WORK/synth-options
# Each synth dir's configuration, resolved (npm run config): the namespaces and flow runners of its stacks.
declare -A SETTINGS_OF=(["$OUT"]=$WORK/settings-main.json ["$OPTIONS_OUT"]=$WORK/settings-options.json)
services() { python3 "$CLUSTER_DIR/stack.py" services "$1"; }   # synth dir -> its services stacks
synth() {
  if [ "${CLUSTER_TEST_SKIP_SYNTH:-}" = 1 ] && [ -f "$OUT/manifest.json" ]; then echo "  reusing $OUT"
  else quiet npm run --silent synth || return 1; fi
  npm run --silent config >"${SETTINGS_OF[$OUT]}" 2>>"$STEP_LOG" || return 1
  # The options config, synthesized into the scratch dir.
  METAFLOW_GCP_CONFIG=$OPTIONS_CONFIG quiet npm run --silent synth -- --output "$OPTIONS_OUT" || return 1
  METAFLOW_GCP_CONFIG=$OPTIONS_CONFIG npm run --silent config >"${SETTINGS_OF[$OPTIONS_OUT]}" 2>>"$STEP_LOG" || return 1
  local main opts
  main=$(services "$OUT") && opts=$(services "$OPTIONS_OUT") || return 1
  echo "  ${main//$'\n'/ } from $(basename "$CONFIG"); ${opts//$'\n'/ } from $(basename "$OPTIONS_CONFIG")"
}
step toolchain toolchain
step build build
step metaflow-client metaflow_client
step synth synth
PINS=()
for p in "${PROVIDERS[@]}"; do
  read -r name pinned built _ <<<"$p"
  [ "$pinned" = "$built" ] || PINS+=("$name=$built")
done
# "synth-dir/stack" for each services stack to test.
SERVICES=()
for d in "$OUT" "$OPTIONS_OUT"; do
  for s in $(services "$d"); do
    if [ -z "${CLUSTER_TEST_STACKS:-}" ] || [[ " $CLUSTER_TEST_STACKS " == *" $s "* ]]; then SERVICES+=("$d/$s"); fi
  done
done
UPGRADE=0
[ -n "${CLUSTER_TEST_STACKS:-}" ] && [[ " $CLUSTER_TEST_STACKS " != *" upgrade "* ]] || UPGRADE=1
[ ${#SERVICES[@]} -gt 0 ] || [ $UPGRADE = 1 ] || die "no services stack to test (CLUSTER_TEST_STACKS=${CLUSTER_TEST_STACKS:-})"

# --- the cluster -------------------------------------------------------------------------
start() {
  start_cluster
  # The stack names no CA when it reaches GKE's DNS endpoint, whose certificate
  # is publicly trusted: Terraform and its providers then trust the local CA
  # the same way, as one more root of the system's bundle (SSL_CERT_FILE).
  TRUST=$PKI/trust.pem
  cat /etc/ssl/certs/ca-certificates.crt "$PKI/ca.crt" >"$TRUST" 2>/dev/null || cp "$PKI/ca.crt" "$TRUST"
  echo "  $KUBE_HOST: etcd $ETCD_VERSION, kube-apiserver/controller-manager/scheduler $K8S_VERSION, kwok $KWOK_VERSION (node cluster-test-node Ready)"
}
step start start
step pools pool_nodes
step crds python3 "$CLUSTER_DIR/kube.py" crds apply "$ARGO_WORKFLOWS_DIR" "$ARGO_EVENTS_DIR" "$JOBSET_DIR"
# BackendConfig, which `iap` access's chart renders: installed by GKE's Ingress controller's own code, as on GKE.
step ingress-crd "$INGRESS_GCE_DIR/bin/ingress-gce" crd
step fake-gcs start_fake_gcs
step jobset-start jobset_start

# --- each services stack ------------------------------------------------------------------
TF_TIMEOUT=900
prepare() { # synth-dir/stack: a copy of the stack in $DIR, set up for the local cluster
  STACK=${1##*/} DIR=$WORK/${1##*/} SETTINGS=${SETTINGS_OF[${1%/*}]:-}
  rm -rf "$DIR"
  prepare_in "${1%/*}" "$STACK_PLANT"
}
prepare_in() { # synth-dir plant: $STACK of the synth dir copied to $DIR and set up, the fault planted
  python3 "$CLUSTER_DIR/stack.py" prepare "$1" "$STACK" "$DIR" \
    "${KUBE_HOST#https://}" "$KUBE_CA" "$ADMIN_TOKEN" "$BUCKET" "$2" "${PINS[@]}"
}
init() { quiet tf init; }
apply() {
  quiet tf apply -auto-approve || return 1
  local s; s=$(grep -E '^Apply complete' "$STEP_LOG" | tail -n1); echo "  ${s:-applied}"
}
endpoints() { python3 "$CLUSTER_DIR/kube.py" endpoints $(namespaces); }
plan_empty() {
  local rc=0
  tf plan -detailed-exitcode >>"$STEP_LOG" 2>&1 || rc=$?
  case $rc in
    0) echo "  no changes" ;;
    2) echo "  the plan after apply is not empty:"
       grep -E '^  # |^      [~+-] ' "$STEP_LOG" | head -n 20 | sed 's/^/  /'; return 1 ;;
    *) return 1 ;;
  esac
}
namespaces() { # the namespaces the stack created, from its state
  (cd "$DIR" && "$TF" show -json) | python3 -c '
import json, sys
s = json.load(sys.stdin)
res = s.get("values", {}).get("root_module", {}).get("resources", [])
print(" ".join(sorted(r["values"]["metadata"][0]["name"] for r in res if r["type"] == "kubernetes_namespace_v1")))'
}
rbac() {
  python3 "$CLUSTER_DIR/kube.py" rbac "$EXPECT" "$SETTINGS" "$STACK"
}
destroy() {
  local ns rc=0
  ns=$(namespaces)
  # kwok's pod-delete stage removes pods once the Deployments are gone; if one
  # stays Terminating (no kubelet confirms), force-delete it so the namespace
  # can finish. Bounded: the reaper lives only as long as destroy.
  python3 "$CLUSTER_DIR/kube.py" reap "$TF_TIMEOUT" $ns >"$WORK/logs/reap.log" 2>&1 &
  REAPER=$!
  quiet tf destroy -auto-approve || rc=$?
  kill "$REAPER" 2>/dev/null || true; wait "$REAPER" 2>/dev/null || true; REAPER=
  LAST_NS=$ns
  local n; n=$(grep -c 'force-deleted' "$WORK/logs/reap.log" || true)
  echo "  $(grep -E '^Destroy complete' "$STEP_LOG" | tail -n1); pods force-deleted after 5 s Terminating: ${n:-0}"
  return $rc
}
leftovers() { python3 "$CLUSTER_DIR/kube.py" leftovers $LAST_NS; }
verify() { # npm run verify as the admin, with the fixture's infra outputs; $1 = plant: also each planted fault
  local cfg=$CONFIG; [ "$SETTINGS" != "${SETTINGS_OF[$OPTIONS_OUT]}" ] || cfg=$OPTIONS_CONFIG
  KUBECONFIG=$PKI/admin.kubeconfig python3 "$CLUSTER_DIR/verify.py" "$cfg" "${STACK%-services}" "$DIR" "$@"
}

for src in "${SERVICES[@]}"; do
  s=${src##*/}
  step "prepare $s" prepare "$src"
  step "init $s" init
  step "apply $s" apply
  step "server-pod $s" argo_server_pod
  step "placement $s" platform_placement
  step "plan $s" plan_empty
  step "argo-start $s" argo_start
  # After the controllers: the Argo Events controller makes the webhook's pods, which internal access exposes.
  step "endpoints $s" endpoints
  step "access $s" python3 "$CLUSTER_DIR/kube.py" access "$SETTINGS" "$STACK" "$INGRESS_GCE_DIR/bin/ingress-gce"
  step "rbac $s" rbac
  step "metaflow $s" metaflow_check
  step "argo $s" argo_check
  step "pool steps $s" pool_steps
  step "snippets $s" user_snippets
  step "jobset $s" jobset_check
  step "verify $s" verify $([ "$src" != "${SERVICES[0]}" ] || echo plant)
  step "undeploy $s" metaflow_undeploy
  step "destroy $s" destroy
  step "argo-stop $s" argo_stop
  step "leftovers $s" leftovers
done

# --- the upgrade from the previous release ---------------------------------------------------
# The shipped example's dev-services stack, as the previous release made it, then this release's over the same state.
UPGRADE_STACK=dev-services
upgrade_synth() { # the previous release's synth (cached by commit), and this release's of the shipped example
  PREVIOUS_OUT=$(bash scripts/ci/previous-release.sh 2>>"$STEP_LOG") || return 1
  PREVIOUS=$(node -p 'require("./package.json").metaflowGcp.previousRelease.version')
  CURRENT=$(node -p 'require("./package.json").version')
  EXAMPLE_OUT=$OUT
  if ! python3 "$CLUSTER_DIR/upgrade.py" same-config "$CONFIG" examples/environments.json; then
    EXAMPLE_OUT=$WORK/synth-example
    METAFLOW_GCP_CONFIG=examples/environments.json quiet npm run --silent synth -- --output "$EXAMPLE_OUT" || return 1
  fi
  echo "  $PREVIOUS: $PREVIOUS_OUT; $CURRENT: $EXAMPLE_OUT (examples/environments.json)"
}
upgrade_prepare_previous() {
  STACK=$UPGRADE_STACK DIR=$WORK/upgrade-$UPGRADE_STACK SETTINGS=
  rm -rf "$DIR" "$DIR.previous"
  prepare_in "$PREVIOUS_OUT" none
}
upgrade_prepare_current() { # this release's copy in the same directory, with the state the previous apply left
  mv "$DIR" "$DIR.previous"
  prepare_in "$EXAMPLE_OUT" "$UPGRADE_PLANT" || return 1
  mv "$DIR.previous/terraform.tfstate" "$DIR/terraform.tfstate"
  rm -rf "$DIR.previous"
  echo "  $DIR: $CURRENT's configuration, the state of $PREVIOUS's apply"
}
upgrade_plan() { # plan to a file, reviewed: nothing stateful destroyed or replaced; the Deployments it updates
  quiet tf plan -out=upgrade.tfplan || return 1
  (cd "$DIR" && "$TF" show -json upgrade.tfplan) >"$WORK/upgrade-plan.json" || return 1
  python3 "$CLUSTER_DIR/upgrade.py" review "$WORK/upgrade-plan.json" "$WORK/upgrade-rolls.json"
}
upgrade_apply() {
  quiet tf apply -auto-approve upgrade.tfplan || return 1
  local s; s=$(grep -E '^Apply complete' "$STEP_LOG" | tail -n1); echo "  ${s:-applied}"
}
if [ $UPGRADE = 1 ]; then
  step "upgrade synth" upgrade_synth
  step "prepare $UPGRADE_STACK $PREVIOUS" upgrade_prepare_previous
  step "init $UPGRADE_STACK $PREVIOUS" init
  step "apply $UPGRADE_STACK $PREVIOUS" apply
  step "prepare $UPGRADE_STACK $CURRENT" upgrade_prepare_current
  step "init $UPGRADE_STACK $CURRENT" init
  step "upgrade plan $UPGRADE_STACK" upgrade_plan
  step "upgrade apply $UPGRADE_STACK" upgrade_apply
  step "upgrade rolled $UPGRADE_STACK" python3 "$CLUSTER_DIR/upgrade.py" rolled "$WORK/upgrade-rolls.json"
  step "upgrade plan-empty $UPGRADE_STACK" plan_empty
  step "upgrade destroy $UPGRADE_STACK" destroy
  step "upgrade leftovers $UPGRADE_STACK" leftovers
fi
step jobset-stop jobset_stop
step crds-delete python3 "$CLUSTER_DIR/kube.py" crds delete "$ARGO_WORKFLOWS_DIR" "$ARGO_EVENTS_DIR" "$JOBSET_DIR"
step ingress-crd-delete python3 "$CLUSTER_DIR/kube.py" delete /apis/apiextensions.k8s.io/v1/customresourcedefinitions/backendconfigs.cloud.google.com
echo "cluster-test: $PASSED passed, 0 failed ($((SECONDS - T0)) s)"
