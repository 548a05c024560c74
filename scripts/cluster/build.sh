#!/usr/bin/env bash
# Build, once per version, the local control plane for scripts/cluster-test.sh
# from the Go module proxy: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kwok (with its stage files), fake-gcs-server, the Argo
# Workflows controller and server (argo), the Argo Events controller and the
# JobSet controller, each with the CRDs of its module, and a translator built
# on GKE's Ingress controller (scripts/cluster/ingress-gce).
# Each lands in $CACHE/cluster/<component>-<version>/ only when whole.
# Safe to re-run: a built component is kept. See docs/toolchain.md.
set -euo pipefail
# shellcheck source=scripts/cluster/common.sh
source "$(dirname "$0")/common.sh"

go_build_env "the local cluster"

mkdir -p "$CLUSTER_CACHE"
RUN=$(mktemp -d "$CLUSTER_CACHE/tmp.XXXXXX")
trap 'rm -rf "$RUN"' EXIT
TIMER=(); [ -x /usr/bin/time ] && TIMER=(/usr/bin/time -o "$RUN/time" -f "%e s wall, peak RSS %M KiB")

cached() { # dir -> true if the component there is complete for this recipe
  [ "$(cat "$1/.recipe" 2>/dev/null)" = "$CLUSTER_RECIPE" ]
}
finish() { # tmpdir dir start label: move a finished build into place
  echo "$CLUSTER_RECIPE" >"$1/.recipe"
  rm -rf "$2"; mv "$1" "$2"
  log "cluster $4: built in $((SECONDS - $3)) s${TIMES:+ ($TIMES)}"
}
run_go() { # dir go-args... : chatter to a log shown only on failure; sums up time
  local dir=$1; shift
  : >"$RUN/time"
  if ! (cd "$dir" && "${TIMER[@]}" go "$@") >>"$RUN/build.log" 2>&1; then
    tail -n 40 "$RUN/build.log" >&2
    die "go $* failed in $dir"
  fi
  [ ! -s "$RUN/time" ] || TIMES="${TIMES:+$TIMES; }$1: $(cat "$RUN/time")"
}
mod_file() { # module version -> its go.mod, from the proxy
  curl -fsSL --retry 3 "$GOPROXY_URL/$1/@v/$2.mod" || die "the Go module proxy did not serve $1@$2.mod"
}

# A module whose go.mod replaces sibling modules with local paths (which a module
# zip leaves out) cannot be built with `go install`. A wrapper module requires it
# and replaces each of those siblings with its published release instead; the
# list is read from the .mod file itself, so nothing is written by hand.
wrapper() { # dir module version sibling-version pattern cmd...
  local dir=$1 module=$2 version=$3 sib=$4 pattern=$5; shift 5
  local mod
  mkdir -p "$dir"
  mod=$(mod_file "$module" "$version")
  {
    echo "module metaflow-gcp.local/cluster-build"
    echo
    grep -m1 -E '^go ' <<<"$mod"
    grep -E '^godebug ' <<<"$mod" || true
    echo
    echo "require $module $version"
    echo
    echo "replace ("
    sed -n -E "s#^[[:space:]]*(replace[[:space:]]+)?([^[:space:]]+)[[:space:]]+=>[[:space:]]+$pattern.*#\2#p" <<<"$mod" \
      | sort -u | while read -r m; do printf '\t%s => %s %s\n' "$m" "$m" "$sib"; done
    echo ")"
  } >"$dir/go.mod"
  {
    echo "//go:build tools"
    echo
    echo "package tools"
    echo
    echo "import ("
    for c in "$@"; do printf '\t_ "%s"\n' "$c"; done
    echo ")"
  } >"$dir/tools.go"
  grep -c '=>' "$dir/go.mod"
}

build_etcd() {
  local dir out start=$SECONDS n TIMES=""
  out=$(component_dir etcd "$ETCD_VERSION")
  if cached "$out"; then log "cluster etcd $ETCD_VERSION: cached"; return; fi
  log "cluster etcd $ETCD_VERSION: building go.etcd.io/etcd/server/v3 through a wrapper module"
  dir=$RUN/etcd-src
  n=$(wrapper "$dir" go.etcd.io/etcd/server/v3 "$ETCD_VERSION" "$ETCD_VERSION" '\.\./' go.etcd.io/etcd/server/v3)
  log "  $n sibling modules replaced by their $ETCD_VERSION releases"
  run_go "$dir" mod tidy
  mkdir -p "$RUN/etcd/bin"
  run_go "$dir" build -trimpath -ldflags "-s -w" -o "$RUN/etcd/bin/etcd" go.etcd.io/etcd/server/v3
  finish "$RUN/etcd" "$out" "$start" "etcd $ETCD_VERSION"
}

build_kubernetes() {
  local dir out start=$SECONDS n minor stage TIMES=""
  out=$(component_dir kubernetes "$K8S_VERSION")
  if cached "$out"; then log "cluster kube-apiserver, kube-controller-manager, kube-scheduler $K8S_VERSION: cached"; return; fi
  log "cluster kube-apiserver, kube-controller-manager, kube-scheduler $K8S_VERSION: building k8s.io/kubernetes through a wrapper module"
  dir=$RUN/k8s-src
  minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  stage=v0.${K8S_VERSION#v1.}   # staging modules are published as v0.<minor>.<patch>
  n=$(wrapper "$dir" k8s.io/kubernetes "$K8S_VERSION" "$stage" '\./staging/' \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler)
  log "  $n staging modules replaced by their $stage releases"
  run_go "$dir" mod tidy
  # Without the version stamp /version says v0.0.0-master+$Format:%H$ and the
  # kubernetes provider fails on service accounts with "malformed version".
  local ld="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ld="$ld -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  mkdir -p "$RUN/k8s/bin"
  run_go "$dir" build -trimpath -ldflags "$ld" -o "$RUN/k8s/bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
  finish "$RUN/k8s" "$out" "$start" "kube-apiserver, kube-controller-manager, kube-scheduler $K8S_VERSION"
}

build_kwok() {
  local out start=$SECONDS src TIMES=""
  out=$(component_dir kwok "$KWOK_VERSION")
  if cached "$out"; then log "cluster kwok $KWOK_VERSION: cached"; return; fi
  log "cluster kwok $KWOK_VERSION: go install sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  mkdir -p "$RUN/kwok/bin"
  GOBIN=$RUN/kwok/bin run_go "$RUN" install -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  # The Stage files that make nodes Ready and pods Running/Ready/deleted ship in the module.
  src=$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage
  [ -d "$src" ] || die "no stage files in $src"
  cp -R "$src" "$RUN/kwok/stage"
  chmod -R u+w "$RUN/kwok/stage"
  finish "$RUN/kwok" "$out" "$start" "kwok $KWOK_VERSION"
}

build_fake_gcs() {
  local out start=$SECONDS TIMES=""
  out=$(component_dir fake-gcs-server "$FAKE_GCS_VERSION")
  if cached "$out"; then log "cluster fake-gcs-server $FAKE_GCS_VERSION: cached"; return; fi
  log "cluster fake-gcs-server $FAKE_GCS_VERSION: go install github.com/fsouza/fake-gcs-server@$FAKE_GCS_VERSION"
  mkdir -p "$RUN/fake-gcs/bin"
  GOBIN=$RUN/fake-gcs/bin run_go "$RUN" install -trimpath -ldflags "-s -w" "github.com/fsouza/fake-gcs-server@$FAKE_GCS_VERSION"
  finish "$RUN/fake-gcs" "$out" "$start" "fake-gcs-server $FAKE_GCS_VERSION"
}

module_src() { # module version dir: an editable copy of the module's zip, as the proxy serves it
  local src
  src=$(go mod download -json "$1@$2" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d.get("Dir") or sys.exit(d.get("Error", "no Dir")))') \
    || die "the Go module proxy did not serve $1@$2"
  cp -R "$src" "$3"
  chmod -R u+w "$3"
}
crds_json() { # out-dir crd.yaml... : the CRDs as compact JSON (the test's Python has no YAML parser)
  node "$CLUSTER_DIR/yaml2json.js" "$@" || die "converting the CRDs of $1 failed"
}

build_argo_workflows() {
  local out start=$SECONDS dir TIMES="" v=$ARGO_WORKFLOWS_VERSION pkg=github.com/argoproj/argo-workflows/v3
  out=$(component_dir argo-workflows "$v")
  if cached "$out"; then log "cluster argo-workflows $v: cached"; return; fi
  log "cluster workflow-controller, argo (server) $v: building $pkg from its module"
  dir=$RUN/argo-workflows-src
  module_src "$pkg" "$v" "$dir"
  # The server embeds the UI from ui/dist/app, built by yarn; the module has its sources only. Argo's Makefile
  # builds without the UI the same way (STATIC_FILES=false): an empty index.html. The API is all the test uses.
  mkdir -p "$dir/ui/dist/app"; : >"$dir/ui/dist/app/index.html"
  mkdir -p "$RUN/argo-workflows/bin"
  # The release's link flags (Makefile LDFLAGS): the version the controller and `argo version` report.
  run_go "$dir" build -trimpath -ldflags "-s -w -X $pkg.version=$v -X $pkg.gitTreeState=clean" \
    -o "$RUN/argo-workflows/bin/" ./cmd/workflow-controller ./cmd/argo
  # Both CRD variants: the chart installs the minimal ones unless crds.full (see docs/validation.md).
  crds_json "$RUN/argo-workflows/crds/minimal" "$dir"/manifests/base/crds/minimal/argoproj.io_*.yaml
  crds_json "$RUN/argo-workflows/crds/full" "$dir"/manifests/base/crds/full/argoproj.io_*.yaml
  finish "$RUN/argo-workflows" "$out" "$start" "workflow-controller, argo (server) $v"
}

build_argo_events() {
  local out start=$SECONDS dir TIMES="" v=$ARGO_EVENTS_VERSION pkg=github.com/argoproj/argo-events
  out=$(component_dir argo-events "$v")
  if cached "$out"; then log "cluster argo-events $v: cached"; return; fi
  log "cluster argo-events $v (controller): building $pkg from its module"
  dir=$RUN/argo-events-src
  module_src "$pkg" "$v" "$dir"
  mkdir -p "$RUN/argo-events/bin"
  run_go "$dir" build -trimpath -ldflags "-s -w -X $pkg.version=$v -X $pkg.gitTreeState=clean" \
    -o "$RUN/argo-events/bin/argo-events" ./cmd
  crds_json "$RUN/argo-events/crds" "$dir"/manifests/base/crds/argoproj.io_*.yaml
  finish "$RUN/argo-events" "$out" "$start" "argo-events $v (controller)"
}

build_jobset() {
  local out start=$SECONDS dir TIMES="" v=$JOBSET_VERSION pkg=sigs.k8s.io/jobset commit
  out=$(component_dir jobset "$v")
  if cached "$out"; then log "cluster jobset $v: cached"; return; fi
  log "cluster jobset $v (controller): building $pkg from its module"
  dir=$RUN/jobset-src
  module_src "$pkg" "$v" "$dir"
  # The release's link flags (Makefile LD_FLAGS): the version and commit the controller logs at start; the
  # commit is the one the proxy recorded for the tag.
  commit=$(go mod download -json "$pkg@$v" | python3 -c 'import json, sys; print(json.load(sys.stdin).get("Origin", {}).get("Hash", ""))')
  mkdir -p "$RUN/jobset/bin"
  run_go "$dir" build -trimpath -ldflags "-s -w -X $pkg/pkg/version.GitVersion=$v -X $pkg/pkg/version.GitCommit=$commit" \
    -o "$RUN/jobset/bin/jobset-controller" .
  # The CRD (the chart's crds/ holds the same file) and the webhook configurations the controller serves.
  crds_json "$RUN/jobset/crds" "$dir"/config/components/crd/bases/jobset.x-k8s.io_jobsets.yaml
  crds_json "$RUN/jobset/webhook" "$dir"/config/components/webhook/manifests.yaml
  finish "$RUN/jobset" "$out" "$start" "jobset $v (controller)"
}

build_ingress_gce() {
  local out=$INGRESS_GCE_DIR start=$SECONDS dir TIMES="" v=$INGRESS_GCE_VERSION
  if cached "$out"; then log "cluster ingress-gce $v: cached"; return; fi
  log "cluster ingress-gce $v: building scripts/cluster/ingress-gce against k8s.io/ingress-gce@$v"
  dir=$RUN/ingress-gce-src
  mkdir -p "$dir" "$RUN/ingress-gce/bin"
  cp "$CLUSTER_DIR/ingress-gce/main.go" "$dir/"
  # The module's own go line; its requirements come with it (go mod tidy), nothing pinned by hand.
  printf 'module metaflow-gcp.local/ingress-gce\n\n%s\n\nrequire k8s.io/ingress-gce %s\n' \
    "$(mod_file k8s.io/ingress-gce "$v" | grep -m1 -E '^go ')" "$v" >"$dir/go.mod"
  run_go "$dir" mod tidy
  run_go "$dir" build -trimpath -ldflags "-s -w" -o "$RUN/ingress-gce/bin/ingress-gce" .
  finish "$RUN/ingress-gce" "$out" "$start" "ingress-gce $v"
}

only=${1:-all}
case $only in
  all) build_etcd; build_kubernetes; build_kwok; build_fake_gcs; build_argo_workflows; build_argo_events; build_jobset
    build_ingress_gce ;;
  etcd) build_etcd ;; kubernetes) build_kubernetes ;; kwok) build_kwok ;; fake-gcs-server) build_fake_gcs ;;
  argo-workflows) build_argo_workflows ;; argo-events) build_argo_events ;; jobset) build_jobset ;;
  ingress-gce) build_ingress_gce ;;
  *) die "usage: build.sh [all|etcd|kubernetes|kwok|fake-gcs-server|argo-workflows|argo-events|jobset|ingress-gce]" ;;
esac
