# shellcheck shell=bash
# Helpers shared by the ensure-*.sh scripts. Source it; do not run it.
#
# Every tool the build needs is built from source with the local Go toolchain
# into a per-user cache outside the clone, keyed by name and version, so a
# second clone or a second run reuses it. Progress goes to stderr; the
# scripts print only the tool's absolute path on stdout.

set -euo pipefail

SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# An empty CLI config of the project's own: a user's ~/.terraformrc (or a
# TF_CLI_CONFIG_FILE naming a missing file, which OpenTofu refuses) must not
# change what version -json or the tests see.
EMPTY_TFRC="$SCRIPTS_DIR/empty.tfrc"

TOOLS_CACHE="${XDG_CACHE_HOME:-${HOME:?neither XDG_CACHE_HOME nor HOME is set}/.cache}/sipstation-tools"

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go first (https://go.dev/doc/install)"

# cli_version BIN prints the version a Terraform-compatible CLI reports in
# `version -json` (e.g. 1.8.5), or nothing when BIN does not run.
cli_version() {
	TF_CLI_CONFIG_FILE="$EMPTY_TFRC" "$1" version -json 2>/dev/null |
		sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' | head -n 1
}

# abs_path NAME prints the absolute path of an executable given as a path or
# as a command name on PATH; it fails when there is no such executable.
abs_path() {
	local p="$1"
	case "$p" in
	*/*) ;;
	*) p="$(command -v -- "$p" 2>/dev/null)" || return 1 ;;
	esac
	[ -f "$p" ] && [ -x "$p" ] || return 1
	printf '%s/%s\n' "$(cd "$(dirname "$p")" && pwd)" "$(basename "$p")"
}

# with_tool_lock NAME CMD... runs CMD while holding a lock on the cache entry
# NAME, so two builds running at once (two clones, make -j) do not both spend
# minutes building the same tool. Without flock it just runs CMD.
with_tool_lock() {
	local name="$1"
	shift
	mkdir -p "$TOOLS_CACHE"
	if command -v flock >/dev/null 2>&1; then
		(
			flock 9
			"$@"
		) 9>"$TOOLS_CACHE/.$name.lock"
	else
		"$@"
	fi
}

# install_built DEST BUILD_FN builds a binary with BUILD_FN OUT (which must
# write the executable to OUT) in a temporary directory beside DEST, then
# moves it into place, so an interrupted build never leaves a half-written
# DEST behind.
install_built() {
	local dest="$1" build_fn="$2" dir tmp
	dir="$(dirname "$dest")"
	mkdir -p "$dir"
	tmp="$(mktemp -d "$dir/.build.XXXXXX")"
	# shellcheck disable=SC2064 # expand now: tmp is local.
	trap "rm -rf '$tmp'" EXIT
	if ! "$build_fn" "$tmp/$(basename "$dest")"; then
		die "building $(basename "$dest") failed; see the go output above"
	fi
	[ -x "$tmp/$(basename "$dest")" ] || die "build produced no executable $(basename "$dest")"
	mv -f "$tmp/$(basename "$dest")" "$dest"
	rm -rf "$tmp"
	trap - EXIT
}

# go_for_tools runs go with settings that make tool builds independent of
# the caller's module, workspace and GOFLAGS.
go_for_tools() {
	GOWORK=off GOFLAGS=-mod=readonly go "$@"
}
