# shellcheck shell=bash
# Helpers shared by the ensure-*.sh scripts. Source it; do not run it.
#
# Every tool the build needs is built from source with the local Go toolchain
# into a per-user cache outside the clone, keyed by name and version, so a
# second clone or a second run reuses it. Progress goes to stderr (one line
# saying what is built and why, then a heartbeat); the go output of a build
# goes to a log file in the tool's cache directory; the scripts print only the
# tool's absolute path on stdout.

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
	local lockname="$1"
	shift
	mkdir -p "$TOOLS_CACHE"
	if command -v flock >/dev/null 2>&1; then
		(
			if ! flock -n 9; then
				log "waiting for another build of $lockname to finish (it holds $TOOLS_CACHE/.$lockname.lock)"
				flock 9
			fi
			"$@"
		) 9>"$TOOLS_CACHE/.$lockname.lock"
	else
		"$@"
	fi
}

# HEARTBEAT_SECONDS is how often a build says it is still running.
HEARTBEAT_SECONDS=30

# duration SECONDS prints SECONDS as 45s or 2m05s.
duration() {
	if (($1 < 60)); then
		printf '%ds\n' "$1"
	else
		printf '%dm%02ds\n' $(($1 / 60)) $(($1 % 60))
	fi
}

# heartbeat WHAT START prints "still building WHAT (ELAPSED)" to stderr every
# HEARTBEAT_SECONDS until it gets SIGTERM, SIGINT or SIGHUP, or the script
# that started it exits. Run it in the background with stdout on /dev/null.
# Its sleep dies with it (a background sleep ignores SIGINT), so no stray
# process holds the caller's stderr open afterwards.
heartbeat() {
	local what="$1" start="$2" parent="$$" nap=""
	trap '[ -z "$nap" ] || kill "$nap" 2>/dev/null; exit 0' TERM INT HUP
	while :; do
		sleep "$HEARTBEAT_SECONDS" &
		nap=$!
		wait "$nap" || true
		kill -0 "$parent" 2>/dev/null || exit 0
		log "still building $what ($(duration $(($(date +%s) - start))))"
	done
}

# install_built DEST BUILD_FN WHAT WHY ESTIMATE builds a binary with
# BUILD_FN OUT (which must write the executable to OUT) in a temporary
# directory beside DEST, then moves it into place, so an interrupted build
# never leaves a half-written DEST behind.
#
# It says in one line what it builds (WHAT, such as "OpenTofu v1.12.6"), why
# (WHY), about how long it takes (ESTIMATE) and where the build's output
# goes: build.log beside DEST, which keeps the `go: downloading` lines and the
# compiler's output out of the way. While BUILD_FN runs, a heartbeat line
# every HEARTBEAT_SECONDS; when it fails, the log's last lines and its path.
install_built() {
	local dest="$1" build_fn="$2" what="$3" why="$4" estimate="$5"
	local dir tmp buildlog start beat rc=0
	dir="$(dirname "$dest")"
	mkdir -p "$dir"
	buildlog="$dir/build.log"
	tmp="$(mktemp -d "$dir/.build.XXXXXX")"
	start="$(date +%s)"
	log "building $what from source $why; $estimate; log: $buildlog"
	heartbeat "$what" "$start" </dev/null >/dev/null &
	beat=$!
	# shellcheck disable=SC2064 # expand now: tmp and beat are local.
	trap "kill $beat 2>/dev/null || true; rm -rf '$tmp'" EXIT
	# A subshell, so that a die in BUILD_FN lands in the log and returns here.
	("$build_fn" "$tmp/$(basename "$dest")") >"$buildlog" 2>&1 </dev/null || rc=$?
	kill "$beat" 2>/dev/null || true
	wait "$beat" 2>/dev/null || true
	if [ "$rc" -ne 0 ]; then
		log "building $what failed after $(duration $(($(date +%s) - start))); the last lines of $buildlog:"
		tail -n 25 "$buildlog" | sed 's/^/    /' >&2
		die "building $what failed (exit status $rc); the whole output is in $buildlog"
	fi
	[ -x "$tmp/$(basename "$dest")" ] || die "building $what produced no executable $(basename "$dest"); see $buildlog"
	mv -f "$tmp/$(basename "$dest")" "$dest"
	rm -rf "$tmp"
	trap - EXIT
	log "built $what in $(duration $(($(date +%s) - start))): $dest"
}

# go_for_tools runs go with settings that make tool builds independent of
# the caller's module, workspace and GOFLAGS.
go_for_tools() {
	GOWORK=off GOFLAGS=-mod=readonly go "$@"
}

# module_dir MODULE@VERSION downloads a module into the module cache and
# prints its directory there (read-only), for the tools whose main package
# cannot be `go install`ed by version because their go.mod has replace
# directives. It runs outside any module so the download touches no go.mod.
module_dir() {
	local work json dir
	work="$(mktemp -d)"
	json="$(cd "$work" && go_for_tools mod download -json "$1")" || true
	rmdir "$work"
	dir="$(sed -n 's/^[[:space:]]*"Dir": *"\([^"]*\)".*/\1/p' <<<"$json")"
	if [ -z "$dir" ] || [ ! -d "$dir" ]; then
		die "go mod download $1 failed: $(sed -n 's/^[[:space:]]*"Error": *"\(.*\)",*$/\1/p' <<<"$json")"
	fi
	printf '%s\n' "$dir"
}
