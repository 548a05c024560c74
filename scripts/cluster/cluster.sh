# shellcheck shell=bash
# Start and stop a local Kubernetes control plane on 127.0.0.1 for
# scripts/cluster/cluster-test.sh: etcd, kube-apiserver (token auth, RBAC),
# kube-controller-manager, kube-scheduler and kwok (one fake node whose pods
# become Running and Ready). Sourced, not run; needs common.sh and $WORK.
# Every wait is bounded; stop_cluster (called from the caller's EXIT trap)
# stops every process started here, by its pid.

PIDS=()            # "name:pid" of every process started, in start order
KUBE_LOGS=$WORK/logs

free_port() { # -> a TCP port free on 127.0.0.1 now
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_bg() { # name cmd... : start in the background, log to $KUBE_LOGS/name.log
  local name=$1; shift
  "$@" >"$KUBE_LOGS/$name.log" 2>&1 &
  PIDS+=("$name:$!")
}

alive() { # name -> true while the process started under name runs
  local p
  for p in "${PIDS[@]}"; do
    if [ "${p%%:*}" = "$1" ]; then kill -0 "${p#*:}" 2>/dev/null; return; fi
  done
  return 1
}

wait_for() { # seconds what name cmd... : poll cmd every 0.5 s until it succeeds, the process dies, or time is up
  local limit=$1 what=$2 name=$3 end; shift 3
  end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$name"; then tail -n 30 "$KUBE_LOGS/$name.log" >&2; die "$name exited before $what"; fi
    if [ $SECONDS -ge $end ]; then tail -n 30 "$KUBE_LOGS/$name.log" >&2; die "timed out after $limit s waiting for $what"; fi
    sleep 0.5
  done
}

stop_pid() { # pid : TERM, up to 10 s, then KILL
  local pid=$1 end
  kill "$pid" 2>/dev/null || return 0
  end=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_named() { # pattern : stop the started processes whose name matches the glob pattern, newest first
  local i keep=()
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    # shellcheck disable=SC2053 # the right-hand side is a glob on purpose
    if [[ ${PIDS[i]%%:*} == $1 ]]; then stop_pid "${PIDS[i]#*:}"; else keep=("${PIDS[i]}" "${keep[@]}"); fi
  done
  PIDS=("${keep[@]}")
}

stop_cluster() { stop_named '*'; } # every started process, newest first

kubeconfig() { # file user token : a kubeconfig for the local API server
  cat >"$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: $KUBE_HOST
    certificate-authority: $PKI/ca.crt
users:
- name: $2
  user:
    token: $3
contexts:
- name: local
  context: {cluster: local, user: $2}
current-context: local
KC
}

token() { openssl rand -hex 24; }

# Users of the token file (token,user,uid,"groups"). The admin is in
# system:masters; every user that rbac-expectations.json names for the
# environments of the configurations tested (flow runners, a member of a
# flow-runner group, an outsider) is an ordinary authenticated user whose
# rights come only from the stack's RBAC objects; the control-plane
# components use the users the default RBAC policy grants their roles to.
write_users() {
  ADMIN_TOKEN=$(token) KCM_TOKEN=$(token) SCHED_TOKEN=$(token)
  {
    echo "$ADMIN_TOKEN,cluster-test-admin,uid-admin,\"system:masters\""
    echo "$KCM_TOKEN,system:kube-controller-manager,uid-kcm,"
    echo "$SCHED_TOKEN,system:kube-scheduler,uid-sched,"
  } >"$PKI/tokens.csv"
  local i=0 user groups t
  # users.txt: "user token" for user_kubeconfig; the admin runs Metaflow where flow runners have no Roles.
  echo "cluster-test-admin $ADMIN_TOKEN" >"$PKI/users.txt"
  while IFS='|' read -r user groups; do
    i=$((i + 1)); t=$(token)
    echo "$t,$user,uid-user-$i,\"$groups\"" >>"$PKI/tokens.csv"
    echo "$user $t" >>"$PKI/users.txt"
  done < <(python3 "$CLUSTER_DIR/kube.py" users "$EXPECT" "${SETTINGS_OF[@]}")
  chmod 600 "$PKI/tokens.csv" "$PKI/users.txt"
}
user_kubeconfig() { # user -> path of a kubeconfig with that user's token
  local f=$PKI/users/$1.kubeconfig
  mkdir -p "$PKI/users"
  [ -f "$f" ] || kubeconfig "$f" "$1" "$(awk -v u="$1" '$1 == u {print $2}' "$PKI/users.txt")"
  echo "$f"
}

# A throwaway CA and a serving certificate for 127.0.0.1, so that clients
# (the kubernetes and helm providers, the Metaflow client) verify the server
# with a CA as they do on GKE, and a service-account signing key pair.
write_pki() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cluster-test-ca" \
    -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
    -keyout "$PKI/apiserver.key" -out "$PKI/apiserver.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >"$PKI/ext.cnf"
  openssl x509 -req -in "$PKI/apiserver.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 2 -extfile "$PKI/ext.cnf" -out "$PKI/apiserver.crt" 2>/dev/null
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/sa.key" 2>/dev/null
  openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
}

api_ok() { # path -> true if the API server answers 200 with "ok"
  curl -fsS --max-time 3 --cacert "$PKI/ca.crt" -H "Authorization: Bearer $ADMIN_TOKEN" "$KUBE_HOST$1" | grep -qx ok
}
etcd_ok() { curl -fsS --max-time 3 "$ETCD_URL/health" | grep -q '"health":"true"'; }

start_cluster() {
  PKI=$WORK/pki
  mkdir -p "$PKI" "$KUBE_LOGS" "$WORK/etcd"
  write_pki
  write_users
  local etcd_port peer_port api_port
  etcd_port=$(free_port) peer_port=$(free_port) api_port=$(free_port)
  ETCD_URL=http://127.0.0.1:$etcd_port
  KUBE_HOST=https://127.0.0.1:$api_port
  export KUBE_HOST KUBE_CA=$PKI/ca.crt KUBE_TOKEN=$ADMIN_TOKEN

  start_bg etcd "$ETCD_BIN/etcd" --name cluster-test --data-dir "$WORK/etcd" \
    --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "cluster-test=http://127.0.0.1:$peer_port" --listen-metrics-urls "" \
    --unsafe-no-fsync --quota-backend-bytes 1073741824
  wait_for 60 "etcd health" etcd etcd_ok

  start_bg kube-apiserver "$K8S_BIN/kube-apiserver" --etcd-servers "$ETCD_URL" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" --client-ca-file "$PKI/ca.crt" \
    --token-auth-file "$PKI/tokens.csv" --authorization-mode RBAC --anonymous-auth=false \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-account-issuer https://kubernetes.default.svc --service-cluster-ip-range 10.96.0.0/16 \
    --enable-priority-and-fairness=false --profiling=false --cert-dir "$PKI/serving" \
    --enable-admission-plugins ExtendedResourceToleration
  wait_for 90 "kube-apiserver /readyz" kube-apiserver api_ok /readyz

  kubeconfig "$PKI/admin.kubeconfig" cluster-test-admin "$ADMIN_TOKEN"
  kubeconfig "$PKI/kcm.kubeconfig" system:kube-controller-manager "$KCM_TOKEN"
  kubeconfig "$PKI/scheduler.kubeconfig" system:kube-scheduler "$SCHED_TOKEN"

  # Each controller with its own service account and the bootstrap RBAC roles
  # (as kubeadm runs it). Namespace finalization, Deployments/ReplicaSets, GC, the
  # default service accounts, and the node-lifecycle controller that lifts the
  # not-ready taint off the Ready fake node.
  start_bg kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig "$PKI/kcm.kubeconfig" \
    --authentication-kubeconfig "$PKI/kcm.kubeconfig" --authorization-kubeconfig "$PKI/kcm.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --controllers '*,-bootstrapsigner,-tokencleaner' --concurrent-gc-syncs 5 --node-monitor-grace-period 40s
  start_bg kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig "$PKI/scheduler.kubeconfig" \
    --authentication-kubeconfig "$PKI/scheduler.kubeconfig" --authorization-kubeconfig "$PKI/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false
  local stages=() f
  for f in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml pod/fast/pod-ready.yaml \
    pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    [ ! -f "$KWOK_DIR/stage/$f" ] || stages+=(-c "$KWOK_DIR/stage/$f")
  done
  start_bg kwok "$KWOK_DIR/bin/kwok" --kubeconfig "$PKI/admin.kubeconfig" --manage-all-nodes=true \
    --server-address "" "${stages[@]}"
  python3 "$CLUSTER_DIR/kube.py" node cluster-test-node
  wait_for 60 "the fake node Ready and schedulable" kwok python3 "$CLUSTER_DIR/kube.py" node-ready cluster-test-node
  for f in kube-controller-manager kube-scheduler; do alive $f || { tail -n 30 "$KUBE_LOGS/$f.log" >&2; die "$f exited"; }; done
}
