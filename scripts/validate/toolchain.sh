#!/usr/bin/env bash
# Build, once per version, Terraform (only if none >= TF_MIN is on PATH) and the
# providers listed in common.sh, from the Go module proxy, into a Terraform
# filesystem mirror in the cache; then write a CLI config that installs
# providers from that mirror only. Safe to re-run: built binaries are kept.
set -euo pipefail
# shellcheck source=scripts/validate/common.sh
source "$(dirname "$0")/common.sh"

go_build_env "Terraform and the providers" "-mod=readonly"
SUMS=$VALIDATE_DIR/modules.sum
# Terraform's nested modules, at the commit tagged v1.11.4.
TF_NESTED_VERSION=v0.0.0-20250409131005-35645b8fca68

mkdir -p "$CACHE"
RUN=$(mktemp -d "$CACHE/tmp.XXXXXX")   # downloads and sources of this run only
trap 'rm -rf "$RUN"' EXIT
# Wall time and peak memory of each build, when GNU time is there.
TIMER=(); [ -x /usr/bin/time ] && TIMER=(/usr/bin/time -o "$RUN/time" -f "%e s wall, peak RSS %M KiB")

# Download module@version's zip straight from the proxy, check it against the
# h1: pinned in modules.sum (so a changed upstream can't slip in), unpack it.
# (`go mod download module@pseudo-version` cannot be used: the proxy refuses the
# .info lookup for these untagged commits, while serving their .mod and .zip.)
fetch_module() {
  local module=$1 version=$2 dest=$3 want
  want=$(awk -v m="$module@$version" '$2 == m {print $1}' "$SUMS")
  [ -n "$want" ] || die "no pinned checksum for $module@$version in $SUMS"
  curl -fsSL --retry 3 -o "$RUN/m.zip" "$GOPROXY_URL/$module/@v/$version.zip" \
    || die "the Go module proxy did not serve $module@$version"
  python3 "$VALIDATE_DIR/modzip.py" "$RUN/m.zip" "$module@$version" "$want" "$dest"
  rm -f "$RUN/m.zip"
}

# go build in dir, to out; its chatter goes to a log shown only on failure.
# Only a finished binary is moved into place, so a cached one is always whole.
go_build() { # dir out ldflags
  if ! (cd "$1" && "${TIMER[@]}" go build -trimpath -ldflags "$3" -o "$2.$$" .) >"$RUN/build.log" 2>&1; then
    tail -n 40 "$RUN/build.log" >&2
    die "go build failed in $1"
  fi
  mv "$2.$$" "$2"
  [ ! -s "$RUN/time" ] || log "  ($(cat "$RUN/time"))"
}

build_provider() { # name pinned built module pseudo-version ldflags
  local name=$1 pinned=$2 built=$3 module=$4 pseudo=$5 ldx=$6 out start flags="-s -w"
  out=$(provider_bin "$name" "$built")
  if [ -x "$out" ]; then log "provider $name $built: cached"; return; fi
  [ "$built" = "$pinned" ] || log "provider $name: $pinned is not served by the Go module proxy; building $built instead"
  log "provider $name $built: building $module@$pseudo"
  start=$SECONDS
  rm -rf "$RUN/src"
  fetch_module "$module" "$pseudo" "$RUN/src"
  [ "$ldx" = - ] || flags="$flags $ldx"
  mkdir -p "$(dirname "$out")"
  go_build "$RUN/src" "$out" "$flags"
  log "provider $name $built: built in $((SECONDS - start)) s"
}

ensure_terraform() {
  local found out start
  found=$(find_terraform)
  if [ -n "$found" ]; then log "terraform: using $found"; return; fi
  out=$CACHE/terraform/$TF_VERSION/terraform
  log "terraform: none >= $TF_MIN found, building $TF_VERSION from source"
  start=$SECONDS
  rm -rf "$RUN/src"
  fetch_module "$TF_MODULE" "v$TF_VERSION" "$RUN/src"
  # Its go.mod replaces nine nested modules with ./dirs that a module zip leaves
  # out (which is also why `go install ...terraform@v1.11.4` is refused); put
  # each one back from the proxy, taken at the same commit.
  grep -E '^replace [^ ]+ => \./' "$RUN/src/go.mod" | while read -r _ mod _ dir; do
    fetch_module "$mod" "$TF_NESTED_VERSION" "$RUN/src/$dir"
  done
  # Go 1.26 no longer knows the `tlskyber` setting this go.mod names and refuses
  # to load it; it only tuned TLS towards remote backends, unused here.
  (cd "$RUN/src" && go mod edit -dropgodebug=tlskyber)
  mkdir -p "$(dirname "$out")"
  go_build "$RUN/src" "$out" "-s -w -X github.com/hashicorp/terraform/version.dev=no"
  log "terraform: built $TF_VERSION in $((SECONDS - start)) s"
}

ensure_terraform
for p in "${PROVIDERS[@]}"; do
  # shellcheck disable=SC2086  # split the table row into its columns
  build_provider $p
done

# No `direct` block: a provider missing from the mirror fails init instead of
# reaching for the registry.
cat >"$TFRC.$$" <<EOF
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF
mv "$TFRC.$$" "$TFRC"
log "terraform CLI config: $TFRC (providers from $MIRROR only)"
