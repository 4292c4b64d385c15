#!/usr/bin/env bash
# Usage: scripts/ensure-go-tool.sh NAME PACKAGE VERSION [PURPOSE [ESTIMATE]]
#
# Prints the absolute path of the Go program PACKAGE@VERSION, installed with
# `go install` into $XDG_CACHE_HOME/sipstation-tools/NAME-VERSION/ (default
# ~/.cache) the first time and reused afterwards. `go install pkg@version`
# builds with the tool's own go.mod, exactly as its authors pinned it.
# PURPOSE (what the tool is for) and ESTIMATE (how long a build takes) only
# go into the line a first build prints; the build's output goes to
# NAME-VERSION/build.log.
#
#   scripts/ensure-go-tool.sh golangci-lint github.com/golangci/golangci-lint/v2/cmd/golangci-lint v2.15.0 'for make lint' 'about 1-2 minutes'
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -ge 3 ] && [ $# -le 5 ] || die "usage: ${0##*/} NAME PACKAGE VERSION [PURPOSE [ESTIMATE]]"
name="$1" pkg="$2" ver="$3" purpose="${4:-}" estimate="${5:-a few minutes}"
dest="$TOOLS_CACHE/$name-${ver#v}/$name"

build() {
	local out="$1"
	# go install names the binary after the package's last element; NAME
	# is that element for every tool we install this way.
	GOBIN="$(dirname "$out")" go_for_tools install "$pkg@$ver"
}

ensure() {
	[ -x "$dest" ] ||
		install_built "$dest" build "$name $ver" "${purpose:+$purpose }($pkg@$ver is not in the tools cache yet)" "$estimate"
}

if [ ! -x "$dest" ]; then
	with_tool_lock "$name-${ver#v}" ensure
fi
printf '%s\n' "$dest"
