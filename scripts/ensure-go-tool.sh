#!/usr/bin/env bash
# Usage: scripts/ensure-go-tool.sh NAME PACKAGE VERSION
#
# Prints the absolute path of the Go program PACKAGE@VERSION, installed with
# `go install` into $XDG_CACHE_HOME/sipstation-tools/NAME-VERSION/ (default
# ~/.cache) the first time and reused afterwards. `go install pkg@version`
# builds with the tool's own go.mod, exactly as its authors pinned it.
#
#   scripts/ensure-go-tool.sh golangci-lint github.com/golangci/golangci-lint/v2/cmd/golangci-lint v2.15.0
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 3 ] || die "usage: ${0##*/} NAME PACKAGE VERSION"
name="$1" pkg="$2" ver="$3"
dest="$TOOLS_CACHE/$name-${ver#v}/$name"

build() {
	local out="$1"
	log "building $pkg@$ver into $(dirname "$dest") (first run only; this can take a few minutes)"
	# go install names the binary after the package's last element; NAME
	# is that element for every tool we install this way.
	GOBIN="$(dirname "$out")" go_for_tools install "$pkg@$ver" >&2
}

ensure() {
	[ -x "$dest" ] || install_built "$dest" build
}

if [ ! -x "$dest" ]; then
	with_tool_lock "$name-${ver#v}" ensure
fi
printf '%s\n' "$dest"
