#!/usr/bin/env bash
# Prints the absolute path of an OpenTofu CLI the project can use:
#   1. $TOFU, when set (it must run);
#   2. `tofu` on PATH, when it is v1.12.x;
#   3. otherwise OpenTofu v1.12.6 built from source with the local Go into
#      $XDG_CACHE_HOME/sipstation-tools/tofu-1.12.6/ (default ~/.cache),
#      once; later runs and other clones reuse it.
# Messages go to stderr, only the path to stdout; the output of a build goes
# to build.log in the same directory as the binary.
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOFU_VERSION=1.12.6
TOFU_MODULE=github.com/opentofu/opentofu

# OpenTofu's -json version may carry a -dev suffix even on a release build,
# so compare the version core only.
core() { printf '%s\n' "${1%%-*}"; }

if [ -n "${TOFU:-}" ]; then
	path="$(abs_path "$TOFU")" || die "TOFU=$TOFU is not an executable file"
	[ -n "$(cli_version "$path")" ] || die "TOFU=$path does not answer 'version -json'"
	printf '%s\n' "$path"
	exit 0
fi

why="no tofu 1.12 on PATH"
if path="$(abs_path tofu)"; then
	have="$(cli_version "$path")"
	case "$(core "$have")" in
	1.12.*)
		printf '%s\n' "$path"
		exit 0
		;;
	esac
	why="$path is version '${have:-unknown}'; need 1.12.x"
fi

dest="$TOOLS_CACHE/tofu-$TOFU_VERSION/tofu"

build() {
	local out="$1" dir
	# OpenTofu's main package cannot be `go install`ed by version (its go.mod
	# has replace directives), so fetch the module and build it where it
	# lies. The module cache is read-only; -o writes the binary elsewhere.
	dir="$(module_dir "$TOFU_MODULE@v$TOFU_VERSION")" || exit 1
	(cd "$dir" && go_for_tools build \
		-ldflags "-X $TOFU_MODULE/version.dev=no" \
		-o "$out" ./cmd/tofu)
}

ensure() {
	if [ -x "$dest" ] && [ "$(core "$(cli_version "$dest")")" = "$TOFU_VERSION" ]; then
		return 0
	fi
	install_built "$dest" build "OpenTofu v$TOFU_VERSION" \
		"for the tests under OpenTofu ($why)" \
		"about 4 minutes, more on a busy machine (once; later runs reuse it)"
	[ "$(core "$(cli_version "$dest")")" = "$TOFU_VERSION" ] || die "$dest does not report version $TOFU_VERSION"
}

if [ ! -x "$dest" ] || [ "$(core "$(cli_version "$dest")")" != "$TOFU_VERSION" ]; then
	with_tool_lock "tofu-$TOFU_VERSION" ensure
fi
printf '%s\n' "$dest"
