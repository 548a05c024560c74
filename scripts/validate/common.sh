# shellcheck shell=bash disable=SC2034  # sourced: its variables are used by the scripts that source it
# Shared settings for scripts/validate.sh and its helpers. Sourced, not run.
# Everything built or installed lives in the cache dir, outside the repo.

CACHE=${METAFLOW_GCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metaflow-gcp}
MIRROR=$CACHE/providers          # Terraform filesystem mirror (unpacked layout)
TFRC=$CACHE/terraformrc          # CLI config that installs providers only from $MIRROR
VALIDATE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Never phone home, never prompt, and never read the user's own CLI config.
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
export TF_CLI_CONFIG_FILE=$TFRC

# Terraform is built from source only when no usable one (>= TF_MIN, the stacks' required_version) is on PATH.
TF_VERSION=1.11.4
TF_MODULE=github.com/hashicorp/terraform
TF_MIN=1.11.0

# The provider versions the @cdktf/provider-* bindings were generated from
# ("pinned", what cdk.tf.json's required_providers asks for), and what is built.
# The release tags (v6.50.0, ...) are not valid Go versions for these module
# paths (no /vN suffix), so a tagged commit is named by its Go pseudo-version:
# <patch after the newest v0/v1 ancestor tag>-0.<UTC commit time>-<12-char hash>.
# The Go module proxy reachable here serves google's and random's tagged commits
# but refuses kubernetes 2.38.0's and helm 3.1.1's (403), so for those two the
# nearest commits it does serve are built and installed under an honest
# prerelease version; validate.sh then points the stack's version constraint at
# it in its scratch copy and says so. See docs/toolchain.md.
# Columns: name pinned built module pseudo-version ldflags(-X stamping the version, if main has a var for it)
PROVIDERS=(
  "google     6.50.0 6.50.0 github.com/hashicorp/terraform-provider-google v1.20.1-0.20250919180509-956f510990a7 -X=github.com/hashicorp/terraform-provider-google/version.ProviderVersion=6.50.0"
  "kubernetes 2.38.0 3.2.2-0.20260821094251-3a33fb6cc605 github.com/hashicorp/terraform-provider-kubernetes v1.13.4-0.20260821094251-3a33fb6cc605 -"
  "helm       3.1.1  3.2.1-0.20260629194918-a4f1c1d8b008 github.com/hashicorp/terraform-provider-helm v1.3.3-0.20260629194918-a4f1c1d8b008 -X=main.Version=3.2.1-0.20260629194918-a4f1c1d8b008"
  "random     3.7.2  3.7.2  github.com/terraform-providers/terraform-provider-random v1.3.2-0.20250422105519-bc2ddb552b46 -"
)

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

provider_bin() { # name version -> path of the binary inside the mirror
  echo "$MIRROR/registry.terraform.io/hashicorp/$1/$2/linux_amd64/terraform-provider-$1_v$2"
}

tf_usable() { # path -> true if it is Terraform >= TF_MIN
  local v
  v=$("$1" version -json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])' 2>/dev/null) || return 1
  [ "$(printf '%s\n%s\n' "$TF_MIN" "$v" | sort -V | head -n1)" = "$TF_MIN" ]
}

find_terraform() { # prints the terraform to use, or nothing
  local t
  t=$(command -v terraform || true)
  if [ -n "$t" ] && tf_usable "$t"; then echo "$t"; return; fi
  t=$CACHE/terraform/$TF_VERSION/terraform
  if [ -x "$t" ]; then echo "$t"; fi
}

# Static Go builds from the module proxy, like the official releases; never switch Go toolchains behind our back.
# Sets GOPROXY_URL to the first proxy `go env GOPROXY` names.  Usage: go_build_env "<what it builds>" [extra GOFLAGS]
go_build_env() {
  command -v go >/dev/null || die "Go is needed to build $1 (https://go.dev/dl/)"
  export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="${2:+$2 }-buildvcs=false"
  GOPROXY_URL=$(go env GOPROXY | tr ',|' '\n' | grep -v -E '^(direct|off)$' | head -n1)
  : "${GOPROXY_URL:=https://proxy.golang.org}"
}
