#!/usr/bin/env bash
# Prints the absolute path of a Terraform CLI the project can use:
#   1. $TERRAFORM, when set (it must run);
#   2. `terraform` on PATH, when it is v1.8 or newer;
#   3. otherwise Terraform v1.8.5 built from source with the local Go into
#      $XDG_CACHE_HOME/sipstation-tools/terraform-1.8.5/ (default ~/.cache),
#      once; later runs and other clones reuse it.
# Messages go to stderr, only the path to stdout; the output of a build goes
# to build.log in the same directory as the binary.
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TF_VERSION=1.8.5
MIN_MAJOR=1 MIN_MINOR=8

# new_enough VERSION: true when VERSION is MIN_MAJOR.MIN_MINOR or later.
new_enough() {
	local major minor
	IFS=. read -r major minor _ <<<"$1"
	[[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
	((major > MIN_MAJOR || (major == MIN_MAJOR && minor >= MIN_MINOR)))
}

if [ -n "${TERRAFORM:-}" ]; then
	path="$(abs_path "$TERRAFORM")" || die "TERRAFORM=$TERRAFORM is not an executable file"
	[ -n "$(cli_version "$path")" ] || die "TERRAFORM=$path does not answer 'version -json'"
	printf '%s\n' "$path"
	exit 0
fi

why="no terraform on PATH"
if path="$(abs_path terraform)"; then
	have="$(cli_version "$path")"
	if [ -n "$have" ] && new_enough "$have"; then
		printf '%s\n' "$path"
		exit 0
	fi
	why="$path is version '${have:-unknown}'; need $MIN_MAJOR.$MIN_MINOR or newer"
fi

dest="$TOOLS_CACHE/terraform-$TF_VERSION/terraform"

build() {
	local out="$1"
	# version.dev=no makes it report $TF_VERSION, not $TF_VERSION-dev.
	GOBIN="$(dirname "$out")" go_for_tools install \
		-ldflags "-X github.com/hashicorp/terraform/version.dev=no" \
		"github.com/hashicorp/terraform@v$TF_VERSION"
}

ensure() {
	if [ -x "$dest" ] && [ "$(cli_version "$dest")" = "$TF_VERSION" ]; then
		return 0
	fi
	install_built "$dest" build "Terraform v$TF_VERSION" \
		"for the Terraform-driven tests, the docs and make demo ($why)" \
		"about 3 minutes, more on a busy machine (once; later runs reuse it)"
	[ "$(cli_version "$dest")" = "$TF_VERSION" ] || die "$dest does not report version $TF_VERSION"
}

if [ ! -x "$dest" ] || [ "$(cli_version "$dest")" != "$TF_VERSION" ]; then
	with_tool_lock "terraform-$TF_VERSION" ensure
fi
printf '%s\n' "$dest"
