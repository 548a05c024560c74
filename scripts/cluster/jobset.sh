# shellcheck shell=bash
# The real JobSet controller (sigs.k8s.io/jobset $JOBSET_VERSION, built by build.sh) for
# scripts/cluster/cluster-test.sh: Metaflow's @parallel steps run as JobSets (issue 22). Sourced, not run; needs
# cluster.sh and metaflow.sh.
#  - jobset_start: once, after the CRDs: the controller as a local process against the local API server, its
#    webhook server on 127.0.0.1 with a certificate of the test CA, and the webhook configurations that send the API
#    server's admission of JobSets (and of their pods) to it;
#  - jobset_check: per stack, as the flow runner: `argo-workflows create` of parallel_flow.py, whose JobSet manifest
#    (the resource step of the WorkflowTemplate) is created with dryRun=All as the jobs' KSA, the identity Argo's
#    resource step has (workflowDefaults.spec.serviceAccountName); then a `run` of the flow, whose JobSet the
#    controller must turn into Jobs.
# The chart, which production installs (the controller's Deployment, Service, RBAC, webhook configurations and
# certificate), comes from registry.k8s.io, out of reach here: the controller runs with the admin's credentials.

JOBSET_FLOW=clustertestparallelflow

# The controller's configuration (api/config/v1alpha1, read with -config as the chart's ConfigMap is). Production
# lets the controller make its own certificate (internalCertManagement): it is issued for the chart's Service name,
# <service>.<namespace>.svc (pkg/util/cert/cert.go), which the API server cannot reach here, and written to a fixed
# path, /tmp/k8s-webhook-server/serving-certs. The test turns that off and gives the webhook server a certificate
# for 127.0.0.1 in a directory of its own. Metrics off ("0"); health on 127.0.0.1; one replica, no leader election.
jobset_config() { # file webhook-port health-port cert-dir
  cat >"$1" <<CFG
apiVersion: config.jobset.x-k8s.io/v1alpha1
kind: Configuration
leaderElection:
  leaderElect: false
internalCertManagement:
  enable: false
webhook:
  host: 127.0.0.1
  port: $2
  certDir: $4
health:
  healthProbeBindAddress: 127.0.0.1:$3
metrics:
  bindAddress: "0"
CFG
}

jobset_cert() { # dir: tls.crt and tls.key (controller-runtime's default names) for 127.0.0.1, signed by the test CA
  mkdir -p "$1"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=jobset-webhook" -keyout "$1/tls.key" -out "$1/tls.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$1/ext.cnf"
  openssl x509 -req -in "$1/tls.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 2 -extfile "$1/ext.cnf" -out "$1/tls.crt" 2>/dev/null
}

JOBSET_HEALTH=
jobset_start() {
  local dir=$WORK/jobset webhook
  jobset_cert "$dir/certs"
  webhook=$(free_port) JOBSET_HEALTH=$(free_port)
  jobset_config "$dir/config.yaml" "$webhook" "$JOBSET_HEALTH" "$dir/certs"
  # The chart's container arguments (templates/controller/deployment.yaml): --zap-log-level=2 --config=<file>.
  start_bg jobset-controller env KUBECONFIG="$PKI/admin.kubeconfig" "$JOBSET_DIR/bin/jobset-controller" \
    --zap-log-level=2 --config="$dir/config.yaml"
  # /readyz answers once the webhook server serves (main.go, setupHealthzAndReadyzCheck).
  wait_for 90 "the JobSet controller ready" jobset-controller http_ok "http://127.0.0.1:$JOBSET_HEALTH/readyz"
  python3 "$CLUSTER_DIR/kube_jobset.py" webhooks "https://127.0.0.1:$webhook" "$PKI/ca.crt" "$JOBSET_DIR" || return 1
  echo "  jobset-controller $JOBSET_VERSION (--zap-log-level=2, leader election and metrics off, webhook 127.0.0.1:$webhook with a certificate of the test CA)"
}

jobset_kill() { stop_named jobset-controller; } # stop the controller process (stop_cluster would at exit)

jobset_stop() { # after the last stack: its webhooks first (they fail closed), then the controller
  python3 "$CLUSTER_DIR/kube_jobset.py" webhooks-delete || return 1
  jobset_kill
}

jobset_enabled() { # services.jobset.enabled of the stack's environment, as `npm run config` resolves it
  python3 -c 'import json, sys
env = next(e for e in json.load(open(sys.argv[1]))["environments"] if e["name"] == sys.argv[2])
sys.exit(0 if env["services"]["jobset"]["enabled"] else 1)' "$SETTINGS" "${STACK%-services}"
}

jobset_check() {
  local jobs_ns run rc=0
  if ! jobset_enabled; then echo "  services.jobset.enabled is off: no JobSet controller, nothing to check"; return 0; fi
  jobs_ns=$(python3 "$CLUSTER_DIR/kube.py" name "$EXPECT" "$SETTINGS" "$STACK" jobs)
  mf parallel_flow.py --datastore=gs argo-workflows create || { echo "  argo-workflows create (parallel_flow.py) failed"; return 1; }
  if [ "$PLANT" = jobset-role ]; then
    python3 "$CLUSTER_DIR/kube.py" delete "/apis/rbac.authorization.k8s.io/v1/namespaces/$jobs_ns/roles/metaflow-jobsets" || return 1
    echo "  PLANTED FAULT (jobset-role): Role $jobs_ns/metaflow-jobsets deleted before the dry run"
  fi
  if [ "$PLANT" = jobset-webhook ]; then # the webhook configurations stay: admission must fail closed
    jobset_kill
    echo "  PLANTED FAULT (jobset-webhook): the JobSet controller, which serves the webhooks, stopped before the dry run"
  fi
  # The workflow controller's ConfigMap, whose workflowDefaults name the step's service account (argo_chart.py args).
  local wf_args cm cm_ns
  mapfile -t wf_args < <(chart workflow-controller)
  cm=$(printf '%s\n' "${wf_args[@]}" | sed -n '/^--configmap$/{n;p}') cm_ns=$(printf '%s\n' "${wf_args[@]}" | sed -n '/^--namespace$/{n;p}')
  [ -n "$cm" ] && [ -n "$cm_ns" ] || { echo "  no --configmap/--namespace in the workflow controller's arguments: ${wf_args[*]}"; return 1; }
  "$MF_PY" "$CLUSTER_DIR/kube_jobset.py" dry-run "$jobs_ns" "$cm_ns" "$cm" "$JOBSET_FLOW" || return 1

  if [ "$PLANT" = jobset-controller ]; then
    python3 "$CLUSTER_DIR/kube_jobset.py" webhooks-delete || return 1
    jobset_kill
    echo "  PLANTED FAULT (jobset-controller): the JobSet controller stopped and its webhooks removed before the run"
  fi
  # `run`: start and join run here, the @parallel step on Kubernetes as a JobSet. Its pods run nothing under kwok,
  # so the run cannot finish: once the Jobs are there it is stopped (timeout sends TERM to its process group).
  (MF_TIMEOUT=240 mf_exec parallel_flow.py --datastore=gs run) >>"$STEP_LOG" 2>&1 &
  run=$!
  python3 "$CLUSTER_DIR/kube_jobset.py" jobs "$jobs_ns" ClusterTestParallelFlow 120 "$run" || rc=1
  kill "$run" 2>/dev/null || true
  wait "$run" 2>/dev/null || true
  python3 "$CLUSTER_DIR/kube_jobset.py" delete "$jobs_ns" ClusterTestParallelFlow || rc=1
  return $rc
}
