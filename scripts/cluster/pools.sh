# shellcheck shell=bash
# Node pools on the local cluster, for scripts/cluster/cluster-test.sh (issue 22). Sourced, not run; needs
# cluster.sh and metaflow.sh. The API server runs GKE's ExtendedResourceToleration admission (cluster.sh), so a pod
# that requests nvidia.com/gpu tolerates the GPU taint as on GKE.
#  - pool_nodes: one kwok node per node pool of every synthesized infra stack, with GKE's labels, the pool's
#    taints and its vCPUs, memory and GPUs (kube_pools.py nodes);
#  - platform_placement: every pod the services stack runs is on its environment's platform pool;
#  - pool_steps: a flow whose steps carry END_USER_SETUP's "Where steps run" decorators, deployed with the real Metaflow
#    client (argo-workflows create, as the flow runner); a pod per step of the WorkflowTemplate Metaflow wrote
#    must land on its pool, and the same pod without its tolerations and GPU on no tainted pool;
#  - user_snippets: a flow with END_USER_SETUP's @secrets and @kubernetes(image=...) lines, deployed the same way; its
#    steps get the image it pushes and the secrets backend of config.json (kube_snippets.py).

pool_nodes() { python3 "$CLUSTER_DIR/kube_pools.py" nodes "$OUT" "$OPTIONS_OUT"; }

platform_placement() { python3 "$CLUSTER_DIR/kube_pools.py" platform "$SETTINGS" "$STACK" $(namespaces); }

pool_steps() {
  local setup=$WORK/setup-$STACK.txt jobs_ns
  (cd "$DIR" && "$TF" output -no-color -raw END_USER_SETUP) >"$setup" 2>>"$STEP_LOG" || return 1
  local flow_steps
  flow_steps=$(python3 "$CLUSTER_DIR/kube_pools.py" flow "$setup" "$WORK/flows/pools_flow.py") || return 1
  echo "$flow_steps"
  mf pools_flow.py --datastore=gs argo-workflows create || { echo "  argo-workflows create (pools_flow.py) failed"; return 1; }
  jobs_ns=$(python3 "$CLUSTER_DIR/kube.py" name "$EXPECT" "$SETTINGS" "$STACK" jobs)
  # The steps of the flow: on_<pool> for each pool (kube_pools.py flow names them so).
  python3 "$CLUSTER_DIR/kube_pools.py" steps "$SETTINGS" "$STACK" "$jobs_ns" clustertestpoolsflow \
    $(grep -oE 'on_[a-z0-9_]+' <<<"$flow_steps" | sort -u)
}

user_snippets() {
  local setup=$WORK/setup-$STACK.txt jobs_ns
  (cd "$DIR" && "$TF" output -no-color -raw END_USER_SETUP) >"$setup" 2>>"$STEP_LOG" || return 1
  python3 "$CLUSTER_DIR/kube_snippets.py" flow "$setup" "$WORK/flows/snippets_flow.py" || return 1
  mf snippets_flow.py --datastore=gs argo-workflows create || { echo "  argo-workflows create (snippets_flow.py) failed"; return 1; }
  jobs_ns=$(python3 "$CLUSTER_DIR/kube.py" name "$EXPECT" "$SETTINGS" "$STACK" jobs)
  python3 "$CLUSTER_DIR/kube_snippets.py" check "$jobs_ns" "$setup"
}
