#!/usr/bin/env bash
# Usage: scripts/docs.sh generate | check
#
# generate: `terraform fmt` the examples, then render docs/ with tfplugindocs
#           (pinned in tools/go.mod) from the provider's schema, templates/
#           and examples/.
# check:    fail when examples/ is not `terraform fmt` clean or when docs/
#           differs from what generate would write. It renders into a copy
#           of the work tree, so it never changes your files.
#
# tfplugindocs finds Terraform on PATH (it would download the latest release
# otherwise), so the Terraform from ensure-terraform.sh is put first on PATH
# under the name it looks for.
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode="${1:-}"
case "$mode" in
generate | check) ;;
*) die "usage: ${0##*/} generate|check" ;;
esac

root="$(cd "$SCRIPTS_DIR/.." && pwd)"
export TF_CLI_CONFIG_FILE="$EMPTY_TFRC"
tf="$(bash "$SCRIPTS_DIR/ensure-terraform.sh")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "$tf" "$work/bin/terraform"

# tfplugindocs DIR renders DIR/docs for the provider whose main package is DIR.
tfplugindocs() {
	(cd "$root/tools" && GOWORK=off GOFLAGS=-mod=readonly PATH="$work/bin:$PATH" \
		go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate \
		--provider-dir "$1" \
		--provider-name sipstation \
		--rendered-provider-name SIPStation)
}

if [ "$mode" = generate ]; then
	if [ -d "$root/examples" ]; then
		"$tf" fmt -recursive "$root/examples"
	fi
	tfplugindocs "$root"
	exit 0
fi

if [ -d "$root/examples" ] && ! "$tf" fmt -check -recursive -diff "$root/examples" >&2; then
	die "examples/ is not terraform fmt clean: run 'make generate' and commit the result"
fi

# Copy what git would see (tracked and untracked, less ignored files) so build
# outputs and state files do not leak into the rendering.
copy="$work/tree"
mkdir "$copy"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# A tracked file deleted in the work tree is left out, as git would.
	(cd "$root" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
		done | tar --null --files-from=- -cf -) | tar -xf - -C "$copy"
else
	cp -a "$root/." "$copy/"
fi

tfplugindocs "$copy" >"$work/tfplugindocs.log" 2>&1 || {
	cat "$work/tfplugindocs.log" >&2
	die "tfplugindocs failed"
}

if ! diff -ruN "$root/docs" "$copy/docs" >"$work/docs.diff"; then
	# The list of files first: a missing docs/ makes a long diff.
	diff -rqN "$root/docs" "$copy/docs" | sed "s#$copy/#(rendered) #g" >&2 || true
	head -n 400 "$work/docs.diff" | sed "s#$copy/#(rendered) #g" >&2
	if [ "$(wc -l <"$work/docs.diff")" -gt 400 ]; then
		log "(diff cut at 400 lines)"
	fi
	die "docs/ is out of date with the code (the diff above turns docs/ into what tfplugindocs renders): run 'make generate' and commit docs/"
fi
log "docs/ matches the code; examples/ are terraform fmt clean"
