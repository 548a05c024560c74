# shellcheck shell=bash
# Shared by the CI scripts (sourced): strict mode, the cdktf CLI offline, one-line errors.
set -euo pipefail
export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1 TF_IN_AUTOMATION=1 TF_INPUT=0
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
