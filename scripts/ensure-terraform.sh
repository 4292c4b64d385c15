#!/usr/bin/env bash
# Usage: ensure-terraform.sh [oldest|newest]
#
# Prints the absolute path of a Terraform CLI the project can use. The test
# matrix of `make test` runs the oldest Terraform the provider supports and
# the newest; the other targets (docs, demo, bench, testacc) take any
# Terraform it supports.
#
#   newest  Terraform 1.16: $TERRAFORM when set (it must run), else
#           `terraform` on PATH when it is v1.16.x, else Terraform v1.16.0
#           built from source.
#   oldest  Terraform 1.8: $TERRAFORM_OLDEST when set (it must run), else
#           `terraform` on PATH when it is v1.8.x, else Terraform v1.8.5
#           built from source. A newer Terraform never stands in for it.
#   (none)  any supported Terraform: $TERRAFORM when set, else `terraform` on
#           PATH when it is v1.8 or newer, else the oldest as above.
#
# Builds go into $XDG_CACHE_HOME/sipstation-tools/terraform-VERSION/
# (default ~/.cache), once; later runs and other clones reuse them.
# Messages go to stderr, only the path to stdout; the output of a build goes
# to build.log in the same directory as the binary.
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OLDEST_VERSION=1.8.5
NEWEST_VERSION=1.16.0
TF_MODULE=github.com/hashicorp/terraform

# major_minor VERSION prints 1.8 for 1.8.5 (and for 1.8.5-dev).
major_minor() {
	local major minor
	IFS=. read -r major minor _ <<<"$1"
	printf '%s.%s\n' "$major" "$minor"
}

# new_enough VERSION: true when VERSION is the oldest supported minor or later.
new_enough() {
	local major minor min_major min_minor
	IFS=. read -r major minor _ <<<"$1"
	IFS=. read -r min_major min_minor _ <<<"$OLDEST_VERSION"
	[[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
	((major > min_major || (major == min_major && minor >= min_minor)))
}

# from_env VAR prints the CLI $VAR names, when VAR is set.
from_env() {
	local var="$1" path
	[ -n "${!var:-}" ] || return 1
	path="$(abs_path "${!var}")" || die "$var=${!var} is not an executable file"
	[ -n "$(cli_version "$path")" ] || die "$var=$path does not answer 'version -json'"
	printf '%s\n' "$path"
}

# build_oldest OUT: Terraform 1.8.5 installs by version as it is published.
build_oldest() {
	local out="$1"
	# version.dev=no makes it report $OLDEST_VERSION, not $OLDEST_VERSION-dev.
	GOBIN="$(dirname "$out")" go_for_tools install \
		-ldflags "-X $TF_MODULE/version.dev=no" \
		"$TF_MODULE@v$OLDEST_VERSION"
}

# The remote-state backends whose code Terraform 1.16's go.mod takes from
# nested modules (replace ... => ./internal/backend/remote-state/NAME, and
# ./internal/legacy) that its published module zip does not hold, so
# `go install ...@v1.16.0` fails.
NESTED_BACKENDS=(azure consul cos gcs kubernetes oci oss pg s3)

# drop_nested_modules SRC edits a writable copy of the Terraform 1.16 module
# so it builds without those nested modules: their require and replace lines
# leave go.mod; the nine backends' imports and their entries in the map of
# backends leave internal/backend/init/init.go, the only non-test file that
# imports any of them. Each line must be there exactly as expected, and
# nothing may refer to them afterwards: a file of another shape stops the
# build rather than building something else.
drop_nested_modules() {
	local src="$1" gomod="$1/go.mod" initgo="$1/internal/backend/init/init.go"
	local backends_re importers name path line n alias
	backends_re="$(
		IFS='|'
		printf '%s' "${NESTED_BACKENDS[*]}"
	)"
	backends_re="\"$TF_MODULE/internal/(backend/remote-state/($backends_re)|legacy)(/[^\"]*)?\""

	importers="$(cd "$src" && grep -rlE --include='*.go' --exclude='*_test.go' "$backends_re" . || true)"
	[ "$importers" = "./internal/backend/init/init.go" ] ||
		die "expected only internal/backend/init/init.go to import the nested modules; found: ${importers:-none}"

	for name in "${NESTED_BACKENDS[@]/#/backend/remote-state/}" legacy; do
		path="$TF_MODULE/internal/$name"
		for line in "	$path v0.0.0-00010101000000-000000000000" "replace $path => ./internal/$name"; do
			n="$(grep -cxF -- "$line" "$gomod" || true)"
			[ "$n" = 1 ] || die "go.mod: expected the line '$line' once, found it $n times"
			grep -vxF -- "$line" "$gomod" >"$gomod.new" && mv "$gomod.new" "$gomod" || die "cannot edit $gomod"
		done
	done
	! grep -nE "$TF_MODULE/internal/(backend/remote-state/|legacy)" "$gomod" ||
		die "go.mod still names a nested module (lines above)"

	for name in "${NESTED_BACKENDS[@]}"; do
		path="$TF_MODULE/internal/backend/remote-state/$name"
		alias="$(sed -nE "s|^[[:space:]]*([A-Za-z0-9_]+) \"$path\"\$|\1|p" "$initgo")"
		[[ "$alias" =~ ^[A-Za-z0-9_]+$ ]] ||
			die "init.go: expected one named import of $path, found '${alias//$'\n'/ }'"
		for line in "^[[:space:]]*$alias \"$path\"\$" \
			"^[[:space:]]*\"[a-z0-9]+\":[[:space:]]*func\(\) backend\.Backend \{ return $alias\.New\(\) \},\$"; do
			n="$(grep -cE -- "$line" "$initgo" || true)"
			[ "$n" = 1 ] || die "init.go: expected one line matching '$line', found $n"
			grep -vE -- "$line" "$initgo" >"$initgo.new" && mv "$initgo.new" "$initgo" || die "cannot edit $initgo"
		done
		! grep -nw -- "$alias" "$initgo" || die "init.go still uses $alias (lines above)"
	done
	! grep -nE "$backends_re" "$initgo" || die "init.go still imports a nested module (lines above)"
}

# build_newest OUT: Terraform 1.16.0 from its module zip, in a writable copy,
# WITHOUT the remote-state backends azurerm, consul, cos, gcs, kubernetes,
# oci, oss, pg and s3 (see drop_nested_modules). The local, remote, cloud,
# http and inmem backends stay; no test of this provider configures a
# backend at all (each runs in a work directory with local state).
build_newest() {
	local out="$1" dir src
	# (install_built runs this function where set -e does not apply, hence
	# the explicit exits.)
	dir="$(module_dir "$TF_MODULE@v$NEWEST_VERSION")" || exit 1
	# The module cache is read-only: edit a copy beside OUT (install_built
	# removes the directory afterwards).
	src="$(dirname "$out")/src"
	cp -R "$dir" "$src" || die "cannot copy $dir to $src"
	chmod -R u+w "$src" || die "cannot make $src writable"
	drop_nested_modules "$src"
	log "building without the remote-state backends ${NESTED_BACKENDS[*]}: their modules are not in the module zip"
	# version.dev=no makes it report $NEWEST_VERSION, not $NEWEST_VERSION-dev.
	(cd "$src" && go_for_tools build \
		-ldflags "-X $TF_MODULE/version.dev=no" \
		-o "$out" .)
}

# ensure VERSION BUILD_FN WHY ESTIMATE builds Terraform VERSION into the cache
# unless it is there already, and prints its path.
ensure() {
	local version="$1" build_fn="$2" why="$3" estimate="$4"
	local dest="$TOOLS_CACHE/terraform-$version/terraform"
	if [ ! -x "$dest" ] || [ "$(cli_version "$dest")" != "$version" ]; then
		with_tool_lock "terraform-$version" ensure_locked "$dest" "$version" "$build_fn" "$why" "$estimate" || exit 1
	fi
	printf '%s\n' "$dest"
}

ensure_locked() {
	local dest="$1" version="$2" build_fn="$3" why="$4" estimate="$5"
	if [ -x "$dest" ] && [ "$(cli_version "$dest")" = "$version" ]; then
		return 0
	fi
	install_built "$dest" "$build_fn" "Terraform v$version" "$why" "$estimate"
	[ "$(cli_version "$dest")" = "$version" ] || die "$dest does not report version $version"
}

# on_path_if TEST prints `terraform` on PATH when TEST VERSION accepts its
# version; otherwise it sets why_not to say what is on PATH.
why_not="no terraform on PATH"
on_path_if() {
	local test="$1" path have
	path="$(abs_path terraform)" || return 1
	have="$(cli_version "$path")"
	if [ -n "$have" ] && "$test" "$have"; then
		printf '%s\n' "$path"
		return 0
	fi
	why_not="$path is version '${have:-unknown}'"
	return 1
}

is_oldest_minor() { [ "$(major_minor "$1")" = "$(major_minor "$OLDEST_VERSION")" ]; }
is_newest_minor() { [ "$(major_minor "$1")" = "$(major_minor "$NEWEST_VERSION")" ]; }

oldest() {
	from_env TERRAFORM_OLDEST || on_path_if is_oldest_minor ||
		ensure "$OLDEST_VERSION" build_oldest \
			"as the oldest Terraform the provider supports ($why_not)" \
			"about 3 minutes, more on a busy machine (once; later runs reuse it)"
}

case "${1:-}" in
oldest) oldest ;;
newest)
	from_env TERRAFORM || on_path_if is_newest_minor ||
		ensure "$NEWEST_VERSION" build_newest \
			"as the newest Terraform the tests run, without the remote-state backends its module zip lacks ($why_not)" \
			"about 7 minutes, more on a busy machine (once; later runs reuse it)"
	;;
"") from_env TERRAFORM || on_path_if new_enough || oldest ;;
*) die "usage: ${0##*/} [oldest|newest]" ;;
esac
