# shellcheck shell=bash
# The real Metaflow client against the local cluster, for
# scripts/cluster/cluster-test.sh. Sourced, not run; needs cluster.sh.
#  - metaflow_client: a venv with requirements/metaflow-client.txt (pinned), cached
#    by the file's hash in $CACHE/metaflow-client-<hash>/;
#  - start_fake_gcs: fake-gcs-server on 127.0.0.1 with the fixture's bucket,
#    and a local OAuth token endpoint for throwaway Google credentials;
#  - metaflow_check: as the flow runner, config.json and requirements.txt from
#    the published ConfigMap (checked equal to what was installed), a local
#    run with the gs datastore, argo-workflows create (and a redeploy) and
#    trigger, and checks of what Metaflow created (kube.py metaflow).

REQUIREMENTS=$ROOT/requirements/metaflow-client.txt
BUCKET=metaflow-cluster-test   # the fixture's bucket_name (stack.py) is this

metaflow_client() {
  local hash
  hash=$(sha256sum "$REQUIREMENTS" | cut -c1-12)
  MF_VENV=$CACHE/metaflow-client-$hash
  MF_PY=$MF_VENV/bin/python
  if [ -f "$MF_VENV/.complete" ]; then
    echo "  $("$MF_PY" -c 'import metaflow; print("metaflow", metaflow.__version__)') from $(basename "$REQUIREMENTS"): cached"
    return
  fi
  rm -rf "$MF_VENV"
  quiet python3 -m venv "$MF_VENV" || return 1
  # Every package pinned: pip resolves nothing and installs in seconds.
  quiet "$MF_PY" -m pip install --no-input --disable-pip-version-check -r "$REQUIREMENTS" || return 1
  quiet "$MF_PY" -m pip check || return 1
  touch "$MF_VENV/.complete"
  echo "  $("$MF_PY" -c 'import metaflow; print("metaflow", metaflow.__version__)') from $(basename "$REQUIREMENTS"): installed, pip check OK"
}

start_fake_gcs() {
  local port
  port=$(free_port)
  GCS_URL=http://127.0.0.1:$port
  start_bg fake-gcs-server "$FAKE_GCS_BIN/fake-gcs-server" -scheme http -host 127.0.0.1 -port "$port" \
    -backend memory -external-url "$GCS_URL" -public-host "127.0.0.1:$port" -log-level warn
  wait_for 30 "fake-gcs-server" fake-gcs-server curl -fsS --max-time 3 "$GCS_URL/storage/v1/b"
  curl -fsS --max-time 10 -X POST -H 'Content-Type: application/json' -d "{\"name\": \"$BUCKET\"}" \
    "$GCS_URL/storage/v1/b?project=cluster-test-project" >/dev/null
  start_bg token-server python3 "$CLUSTER_DIR/token_server.py" "$WORK/token-port"
  wait_for 30 "the token endpoint" token-server test -s "$WORK/token-port"
  # Throwaway Google credentials: a service-account key made fresh by openssl,
  # whose token_uri is the local endpoint. google.auth.default() finds it
  # through GOOGLE_APPLICATION_CREDENTIALS, the standard way, and exchanges a
  # signed JWT for a token there instead of at Google. (An authorized_user file
  # cannot be used: google-auth always sends those to Google's token endpoint.)
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/gcp-key.pem" 2>/dev/null
  python3 - "$WORK/gcp-key.pem" "$(cat "$WORK/token-port")" >"$WORK/gcp-credentials.json" <<'PY'
import json, sys
print(json.dumps({
    "type": "service_account", "project_id": "cluster-test-project",
    "private_key_id": "0" * 40, "private_key": open(sys.argv[1]).read(),
    "client_email": "flow-runner@cluster-test-project.iam.gserviceaccount.com", "client_id": "1",
    "token_uri": f"http://127.0.0.1:{sys.argv[2]}/token",
}))
PY
  echo "  $GCS_URL: bucket $BUCKET; Google credentials: a throwaway service-account key, tokens from 127.0.0.1:$(cat "$WORK/token-port")"
}

mf_exec() { # flow.py args... : become the Metaflow client run as the flow runner would (in a subshell), bounded
  # by timeout, which gives the client a process group of its own and passes a TERM it gets on to the whole group.
  cd "$WORK/flows" && exec env -u AWS_PROFILE -u AWS_DEFAULT_REGION \
    METAFLOW_HOME="$MF_HOME" KUBECONFIG="$MF_KUBECONFIG" USER=alice USERNAME=alice METAFLOW_USER=alice \
    STORAGE_EMULATOR_HOST="$GCS_URL" GOOGLE_APPLICATION_CREDENTIALS="$WORK/gcp-credentials.json" \
    GOOGLE_CLOUD_PROJECT=cluster-test-project CLOUDSDK_CONFIG="$WORK/gcloud" \
    METAFLOW_DEFAULT_METADATA=local METAFLOW_DATASTORE_SYSROOT_LOCAL="$WORK/mf-local" \
    timeout -k 10 "${MF_TIMEOUT:-300}" "$MF_PY" "$@"
}
mf() { (mf_exec "$@") >>"$STEP_LOG" 2>&1; }   # flow.py args... : run the Metaflow client as the flow runner would

metaflow_check() {
  MF_HOME=$WORK/metaflowconfig-${DIR##*/}
  rm -rf "$MF_HOME" "$WORK/flows"; mkdir -p "$MF_HOME"
  cp -R "$CLUSTER_DIR/flows" "$WORK/flows"
  local jobs_ns runner cm
  jobs_ns=$(python3 "$CLUSTER_DIR/kube.py" name "$EXPECT" "$SETTINGS" "$STACK" jobs)
  # A flow runner; the admin where their rights come from IAM (identity.flowRunnerAccess "project").
  runner=$(python3 "$CLUSTER_DIR/kube.py" name "$EXPECT" "$SETTINGS" "$STACK" client)
  MF_KUBECONFIG=$(user_kubeconfig "$runner")
  # As END_USER_SETUP says: the flow runner reads the ConfigMap metaflow-config
  # with their own credentials; config.json is the client config, and
  # requirements.txt must be exactly the pinned file this test installed.
  cm=$WORK/configmap-$STACK.json
  KUBE_TOKEN=$(awk -v u="$runner" '$1 == u {print $2}' "$PKI/users.txt") \
    python3 "$CLUSTER_DIR/kube.py" get "/api/v1/namespaces/$jobs_ns/configmaps/metaflow-config" >"$cm" 2>>"$STEP_LOG" \
    || { echo "  $runner cannot read ConfigMap $jobs_ns/metaflow-config"; return 1; }
  python3 - "$cm" "$MF_HOME/config.json" "$REQUIREMENTS" <<'PY' || return 1
import json, sys
data = json.load(open(sys.argv[1]))["data"]
json.loads(data["config.json"])
open(sys.argv[2], "w").write(data["config.json"])
if data.get("requirements.txt") != open(sys.argv[3]).read():
    sys.exit("  requirements.txt of the ConfigMap differs from requirements/metaflow-client.txt")
PY
  echo "  as $runner: config.json and requirements.txt from ConfigMap $jobs_ns/metaflow-config (requirements identical to the tested file)"
  # The metadata service's image cannot run under kwok: metadata is local.
  mf hello_flow.py --datastore=gs run || { echo "  local run with --datastore=gs failed"; return 1; }
  echo "  hello_flow.py run --datastore=gs: OK ($(python3 "$CLUSTER_DIR/kube.py" gcs-count "$GCS_URL" "$BUCKET") objects in gs://$BUCKET)"
  local flow
  for flow in hello triggered scheduled; do
    mf ${flow}_flow.py --datastore=gs argo-workflows create || { echo "  argo-workflows create ($flow) failed"; return 1; }
  done
  # A redeploy: Metaflow first deletes the flow's sensor where the template's annotation says it was (in the jobs
  # namespace when there is none, as for a flow without @trigger), then replaces the template and the sensor.
  for flow in hello triggered; do
    mf ${flow}_flow.py --datastore=gs argo-workflows create || { echo "  argo-workflows create ($flow), again, failed"; return 1; }
  done
  echo "  argo-workflows create of hello_flow.py, triggered_flow.py (@trigger), scheduled_flow.py (@schedule); hello and triggered again"
  mf triggered_flow.py --datastore=gs argo-workflows trigger || { echo "  argo-workflows trigger failed"; return 1; }
  python3 "$CLUSTER_DIR/kube.py" metaflow "$EXPECT" "$SETTINGS" "$STACK" clustertesthelloflow clustertesttriggeredflow clustertestscheduledflow
}

# Before the destroy, as README.md's Destroy section asks: `argo-workflows delete` of every deployed flow (templates,
# CronWorkflow, Sensor). The Argo Events controller does not let an EventBus go while a Sensor uses it
# (pkg/reconciler/eventbus/installer/installer.go), and the Sensors are Metaflow's, not the stack's: left in place, the
# uninstall of the EventBus's release waits until it times out, and the destroy with it.
metaflow_undeploy() {
  local flow
  for flow in hello triggered scheduled; do
    mf ${flow}_flow.py --datastore=gs argo-workflows delete || { echo "  argo-workflows delete ($flow) failed"; return 1; }
  done
  echo "  argo-workflows delete of hello_flow.py, triggered_flow.py, scheduled_flow.py"
}
