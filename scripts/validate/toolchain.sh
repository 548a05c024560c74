#!/usr/bin/env bash
# Build, once per version, Terraform (only if none >= 1.5 is on PATH) and the
# exact provider versions used by the cdktf bindings, from the Go module proxy,
# into a Terraform filesystem mirror in the cache; then write a CLI config that
# installs providers from that mirror only. Safe to re-run: cached binaries are kept.
set -euo pipefail
source "$(dirname "$0")/common.sh"

command -v go >/dev/null || die "Go is needed to build Terraform providers (https://go.dev/dl/)"
# Static binaries like the official releases; never switch Go toolchains behind our back.
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false"
GOPROXY_URL=$(go env GOPROXY | tr ',|' '\n\n' | grep -v -E '^(direct|off)$' | head -n1)
: "${GOPROXY_URL:=https://proxy.golang.org}"
SUMS=$VALIDATE_DIR/modules.sha256
# Nested modules of Terraform's repo, at the commit tagged v1.11.4.
TF_NESTED_VERSION=v0.0.0-20250409131005-35645b8fca68

mkdir -p "$CACHE"

# Download module@version's zip straight from the proxy and unpack it into dest.
# (`go mod download` cannot be used: the proxy refuses the .info lookup for these
# untagged commits, while serving their .mod and .zip.) The zip must match the
# sha256 pinned in modules.sha256, so a changed upstream can't slip in.
fetch_module() {
  local module=$1 version=$2 dest=$3 tmp want got
  want=$(awk -v m="$module@$version" '$2 == m {print $1}' "$SUMS")
  [ -n "$want" ] || die "no pinned sha256 for $module@$version in $SUMS"
  tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
  curl -fsSL --retry 3 -o "$tmp/m.zip" "$GOPROXY_URL/$module/@v/$version.zip"
  got=$(sha256sum "$tmp/m.zip" | cut -d' ' -f1)
  [ "$got" = "$want" ] || die "sha256 mismatch for $module@$version: got $got, want $want"
  python3 -m zipfile -e "$tmp/m.zip" "$tmp/x"
  mkdir -p "$(dirname "$dest")"
  mv "$tmp/x/$module@$version" "$dest"
  rm -rf "$tmp"
}

build_provider() { # name version module pseudo-version ldflags
  local name=$1 version=$2 module=$3 pseudo=$4 ldx=$5 out src start flags="-s -w"
  out=$(provider_bin "$name" "$version")
  if [ -x "$out" ]; then log "provider $name $version: cached"; return; fi
  log "provider $name $version: building $module@$pseudo (the google provider takes a while)"
  start=$SECONDS
  src=$(mktemp -d "$CACHE/src.XXXXXX")
  fetch_module "$module" "$pseudo" "$src/m"
  [ "$ldx" = - ] || flags="$flags $ldx"
  mkdir -p "$(dirname "$out")"
  (cd "$src/m" && go build -trimpath -ldflags "$flags" -o "$out.tmp" .)
  mv "$out.tmp" "$out"    # only a finished binary counts as cached
  rm -rf "$src"
  log "provider $name $version: built in $((SECONDS - start)) s"
}

ensure_terraform() {
  local found out src start
  found=$(find_terraform)
  if [ -n "$found" ]; then log "terraform: using $found"; return; fi
  out=$CACHE/terraform/$TF_VERSION/terraform
  log "terraform: none >= $TF_MIN found, building $TF_VERSION from source"
  start=$SECONDS
  src=$(mktemp -d "$CACHE/src.XXXXXX")
  fetch_module "$TF_MODULE" "v$TF_VERSION" "$src/m"
  # Its go.mod replaces nine nested modules with ./dirs that a module zip leaves
  # out (which is also why `go install ...terraform@v1.11.4` is refused); put
  # each one back from the proxy, taken at the same commit.
  grep -E '^replace [^ ]+ => \./' "$src/m/go.mod" | while read -r _ mod _ dir; do
    fetch_module "$mod" "$TF_NESTED_VERSION" "$src/m/$dir"
  done
  mkdir -p "$(dirname "$out")"
  (cd "$src/m" && go build -trimpath -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" -o "$out.tmp" .)
  mv "$out.tmp" "$out"
  rm -rf "$src"
  log "terraform: built $TF_VERSION in $((SECONDS - start)) s"
}

ensure_terraform
for p in "${PROVIDERS[@]}"; do
  # shellcheck disable=SC2086  # split the table row into its columns
  build_provider $p
done

# No `direct` block: a provider missing from the mirror fails init instead of
# reaching for the registry.
cat >"$TFRC" <<EOF
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF
log "terraform CLI config: $TFRC (providers from $MIRROR only)"
