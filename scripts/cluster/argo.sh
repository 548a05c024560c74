# shellcheck shell=bash
# The real Argo components for scripts/cluster/cluster-test.sh: the workflow
# controller and the Argo Server (Argo Workflows $ARGO_WORKFLOWS_VERSION) and the
# Argo Events controller ($ARGO_EVENTS_VERSION), built by build.sh, run as local
# processes against the local API server with the command lines, environment
# and configuration the argo-helm charts would give their containers, from the
# values the stack passes to them (argo_chart.py). Sourced, not run; needs
# cluster.sh and the per-stack variables of cluster-test.sh ($STACK, $DIR, $TF).
#  - argo_start: after the apply, start the three and wait until each is up (a
#    configuration a controller refuses fails here);
#  - argo_check: after Metaflow's create and trigger, what the components made
#    of them (kube_argo.py);
#  - argo_stop: after the destroy (the Argo Events controller removes its
#    finalizers from the EventBus and the rest while the namespaces go).
# The controllers run as the admin: their own service accounts and ClusterRoles
# come from the charts, which CI cannot render (docs/validation.md).

argo_values() { echo "$WORK/chart-values-$STACK.json"; }
chart() { python3 "$CLUSTER_DIR/argo_chart.py" "$(argo_values)" "$1"; }

http_ok() { curl -fsS --max-time 3 -o /dev/null "$@"; }

# The workflow archive: a real PostgreSQL (Debian's, on the machine) on 127.0.0.1:5432, the port the stack's
# controller config names, with TLS (the config asks for sslMode require), and the database and login of the
# Secret the stack created. Started once, for the first stack that has an archive; stopped by cleanup.
PG_DIR=
pg_start() {
  [ -z "$PG_DIR" ] || return 0
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -x "$bin/postgres" ] || { echo "  PostgreSQL is not installed: apt-get install postgresql (.ci/run does)"; return 1; }
  id postgres >/dev/null 2>&1 || { echo "  no postgres user (Debian's postgresql package makes it)"; return 1; }
  # Outside $WORK, which only its owner may enter: the server runs as the postgres user.
  PG_DIR=$(mktemp -d /tmp/metaflow-gcp-cluster-pg.XXXXXX)
  chown postgres: "$PG_DIR"
  as_postgres() { setpriv --reuid postgres --regid postgres --init-groups "$@"; }
  as_postgres "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >>"$STEP_LOG" 2>&1 || return 1
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -keyout "$PG_DIR/data/server.key" -out "$PG_DIR/data/server.crt" 2>/dev/null
  chown postgres: "$PG_DIR/data/server.key" "$PG_DIR/data/server.crt"; chmod 600 "$PG_DIR/data/server.key"
  start_bg postgres setpriv --reuid postgres --regid postgres --init-groups "$bin/postgres" -D "$PG_DIR/data" \
    -c listen_addresses=127.0.0.1 -c port=5432 -c unix_socket_directories="$PG_DIR" -c ssl=on
  wait_for 60 "PostgreSQL" postgres as_postgres "$bin/pg_isready" -q -h "$PG_DIR" -p 5432
  PSQL=("$bin/psql" -h "$PG_DIR" -p 5432 -U postgres -v ON_ERROR_STOP=1 -q)
}
pg_cleanup() { [ -z "$PG_DIR" ] || rm -rf "$PG_DIR"; }

argo_archive_db() { # the stack's archive database and login, in the local PostgreSQL
  local spec user password db secret ukey pkey
  spec=$(python3 -c 'import json, sys; print(json.dumps(json.loads(json.load(open(sys.argv[1]))["argo-workflows"]["values"])["controller"].get("persistence", {}).get("postgresql") or {}))' "$(argo_values)")
  ARGO_ARCHIVE_DB=
  [ "$spec" != "{}" ] || return 0
  pg_start || return 1
  read -r db secret ukey pkey < <(python3 -c 'import json, sys; p = json.loads(sys.argv[1]); print(p["database"], p["userNameSecret"]["name"], p["userNameSecret"]["key"], p["passwordSecret"]["key"])' "$spec")
  local argo_ns; argo_ns=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["argo-workflows"]["namespace"])' "$(argo_values)")
  { read -r user; read -r password; } < <(python3 "$CLUSTER_DIR/kube.py" get "/api/v1/namespaces/$argo_ns/secrets/$secret" \
    | python3 -c 'import base64, json, sys; d = json.load(sys.stdin)["data"]; [print(base64.b64decode(d[k]).decode()) for k in sys.argv[1:]]' "$ukey" "$pkey")
  setpriv --reuid postgres --regid postgres --init-groups "${PSQL[@]}" \
    -c "DROP DATABASE IF EXISTS \"$db\"" -c "DROP ROLE IF EXISTS \"$user\"" \
    -c "CREATE ROLE \"$user\" LOGIN PASSWORD '${password//\'/\'\'}'" -c "CREATE DATABASE \"$db\" OWNER \"$user\"" >>"$STEP_LOG" 2>&1 || return 1
  ARGO_ARCHIVE_DB=$db
  echo "  workflow archive: database $db on PostgreSQL 127.0.0.1:5432 (TLS), login from Secret $argo_ns/$secret"
}

argo_server_pod() { # the Argo Server's pod as the chart makes it, run by kwok: Services that select it get an endpoint
  (cd "$DIR" && "$TF" output -json cluster_test_chart_values) >"$(argo_values)" || return 1
  python3 "$CLUSTER_DIR/kube.py" create-pod "$(chart server-pod)"
}

argo_start() {
  local values wf_args=() srv_args=() ev_args=() ev_env=() etc=$WORK/argo-events-etc-$STACK
  values=$(argo_values)
  (cd "$DIR" && "$TF" output -json cluster_test_chart_values) >"$values" || return 1
  argo_archive_db || return 1
  mapfile -t wf_args < <(chart workflow-controller)
  mapfile -t srv_args < <(chart argo-server)
  mapfile -t ev_args < <(chart events-controller)
  mapfile -t ev_env < <(chart events-env)
  [ ${#wf_args[@]} -gt 0 ] && [ ${#srv_args[@]} -gt 0 ] && [ ${#ev_args[@]} -gt 0 ] || return 1

  # The controller serves /healthz on :6060, a port its code fixes (cmd/workflow-controller/main.go), and
  # metrics on :9090 (config default); only one cluster test runs at a time (flock, docs/toolchain.md).
  ARGO_WF_LOG=$KUBE_LOGS/workflow-controller-$STACK.log
  start_bg "workflow-controller-$STACK" env LEADER_ELECTION_DISABLE=true \
    "$ARGO_WORKFLOWS_DIR/bin/workflow-controller" --kubeconfig "$PKI/admin.kubeconfig" "${wf_args[@]}"
  wait_for 90 "the workflow controller healthy" "workflow-controller-$STACK" http_ok http://127.0.0.1:6060/healthz

  ARGO_SERVER=http://127.0.0.1:$(free_port)
  # In client auth mode the server sends each call with the caller's token to the API server that the default
  # kubeconfig rules find (util/kubeconfig/kubeconfig.go): KUBECONFIG, in place of the in-cluster config.
  start_bg "argo-server-$STACK" env KUBECONFIG="$PKI/admin.kubeconfig" "$ARGO_WORKFLOWS_DIR/bin/argo" \
    --kubeconfig "$PKI/admin.kubeconfig" "${srv_args[@]}" --port "${ARGO_SERVER##*:}"
  wait_for 90 "the Argo Server" "argo-server-$STACK" http_ok -H "Authorization: Bearer $ADMIN_TOKEN" "$ARGO_SERVER/api/v1/version"

  # The Argo Events controller reads its configuration from a fixed path, /etc/argo-events/controller-config.yaml
  # (pkg/reconciler/config.go): it runs in a mount namespace of its own where /etc is an overlay holding that file,
  # so nothing is written to the machine's /etc.
  mkdir -p "$etc/upper/argo-events" "$etc/work"
  chart events-config >"$etc/upper/argo-events/controller-config.yaml" || return 1
  local health; health=$(free_port)
  start_bg "argo-events-controller-$STACK" unshare --mount --propagation private \
    sh -c 'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc && shift 2 && exec "$@"' sh \
    "$etc/upper" "$etc/work" env KUBECONFIG="$PKI/admin.kubeconfig" "${ev_env[@]}" \
    "$ARGO_EVENTS_DIR/bin/argo-events" "${ev_args[@]}" --metrics-port "$(free_port)" --health-port "$health"
  wait_for 90 "the Argo Events controller ready" "argo-events-controller-$STACK" http_ok "http://127.0.0.1:$health/readyz"
  echo "  workflow-controller (${wf_args[*]}); argo ${srv_args[*]} on $ARGO_SERVER; argo-events ${ev_args[*]} (${ev_env[*]}), its config from the chart values (jetstream $(python3 -c 'import json,sys; print(", ".join(v["version"] for v in json.load(open(sys.argv[1]))["eventBus"]["jetstream"]["versions"]))' "$etc/upper/argo-events/controller-config.yaml"))"
}

argo_check() {
  local jobs_ns runner token
  jobs_ns=$(python3 "$CLUSTER_DIR/kube.py" name "$EXPECT" "$SETTINGS" "$STACK" jobs)
  runner=$(python3 "$CLUSTER_DIR/kube.py" name "$EXPECT" "$SETTINGS" "$STACK" client)
  token=$(awk -v u="$runner" '$1 == u {print $2}' "$PKI/users.txt")
  if [ "$PLANT" = crd-field ]; then # a field Argo's schema does not have: the minimal CRD keeps it, as in production
    python3 "$CLUSTER_DIR/kube.py" merge-patch "/apis/argoproj.io/v1alpha1/namespaces/$jobs_ns/workflowtemplates/clustertesthelloflow" \
      '{"spec": {"plantedUnknownField": true}}' || return 1
    echo "  PLANTED FAULT (crd-field): WorkflowTemplate $jobs_ns/clustertesthelloflow has spec.plantedUnknownField"
  fi
  # As the flow runner: the server runs in client auth mode, so it acts with the caller's own credentials.
  LINT_TOKEN=$token python3 "$CLUSTER_DIR/kube.py" argo-lint "$ARGO_SERVER" "$jobs_ns" || return 1
  python3 "$CLUSTER_DIR/kube.py" full-schema "$jobs_ns" || return 1
  python3 "$CLUSTER_DIR/kube.py" argo-workflow "$EXPECT" "$SETTINGS" "$STACK" clustertesttriggeredflow \
    "$(chart executor-image)" "$BUCKET" "$ARGO_WF_LOG" || return 1
  python3 "$CLUSTER_DIR/kube.py" argo-events "$EXPECT" "$SETTINGS" "$STACK" clustertesttriggeredflow || return 1
  if [ -n "$ARGO_ARCHIVE_DB" ]; then # the controller made its archive's tables (util/sqldb migrations)
    local tables
    tables=$(setpriv --reuid postgres --regid postgres --init-groups "${PSQL[@]}" -d "$ARGO_ARCHIVE_DB" -At \
      -c "SELECT string_agg(tablename, ', ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'") || return 1
    [[ ", $tables," == *", argo_workflows,"* ]] || { echo "  PROBLEM no table argo_workflows in the archive database: $tables"; return 1; }
    echo "  the controller's tables in the archive database $ARGO_ARCHIVE_DB: $tables"
  fi
}

argo_stop() { stop_named "*-$STACK"; } # stop this stack's Argo processes (TERM, then KILL after 10 s)
