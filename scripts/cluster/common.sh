# shellcheck shell=bash disable=SC2034  # sourced: its variables are used by the scripts that source it
# Shared settings for scripts/cluster-test.sh and its helpers. Sourced, not run.
# Reuses the cache, log helpers and Terraform settings of scripts/validate.
# shellcheck source=scripts/validate/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../validate" && pwd)/common.sh"
CLUSTER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLUSTER_CACHE=$CACHE/cluster

# Pinned components, each built once into $CLUSTER_CACHE/<component>-<version>/.
# Kubernetes: a minor GKE's REGULAR channel serves. etcd: the 3.6 line that
# Kubernetes 1.34 is tested with. kwok and fake-gcs-server: releases.
K8S_VERSION=v1.34.4
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
FAKE_GCS_VERSION=v1.56.1
# The Argo releases the services stack deploys (PINS.argoWorkflows.imageTag and PINS.argoEvents.imageTag in
# lib/defaults.ts; __tests__/cluster-scripts.test.ts checks they agree).
ARGO_WORKFLOWS_VERSION=v3.7.18
ARGO_EVENTS_VERSION=v1.9.11
# The JobSet controller the services stack deploys (PINS.jobset.image in lib/defaults.ts; same test).
JOBSET_VERSION=v0.12.0
# GKE's Ingress controller, whose own code installs the BackendConfig CRD and translates the UIs' Ingresses
# (scripts/cluster/ingress-gce/main.go, built against it; the directory carries that file's hash too).
INGRESS_GCE_VERSION=v1.33.0
# Bump when the recipe (flags, wrapper module) changes, to force a rebuild.
CLUSTER_RECIPE=1

component_dir() { # component version -> its cache dir
  echo "$CLUSTER_CACHE/$1-$2"
}
K8S_BIN=$(component_dir kubernetes "$K8S_VERSION")/bin
ETCD_BIN=$(component_dir etcd "$ETCD_VERSION")/bin
KWOK_DIR=$(component_dir kwok "$KWOK_VERSION")
FAKE_GCS_BIN=$(component_dir fake-gcs-server "$FAKE_GCS_VERSION")/bin
ARGO_WORKFLOWS_DIR=$(component_dir argo-workflows "$ARGO_WORKFLOWS_VERSION")   # bin/, crds/{minimal,full}/*.json
ARGO_EVENTS_DIR=$(component_dir argo-events "$ARGO_EVENTS_VERSION")            # bin/, crds/*.json
JOBSET_DIR=$(component_dir jobset "$JOBSET_VERSION")                            # bin/, crds/*.json, webhook/*.json
INGRESS_GCE_DIR=$(component_dir ingress-gce "$INGRESS_GCE_VERSION-$(sha256sum "$CLUSTER_DIR/ingress-gce/main.go" | cut -c1-12)")  # bin/
