#!/usr/bin/env bash
# make demo: the provider's story in two minutes, with real terraform commands
# against the bundled emulator.
#
# Builds the provider and the emulator into a temporary directory, makes sure
# a Terraform CLI is there (scripts/ensure-terraform.sh), starts the emulator
# on a free loopback port with a SQLite file in that directory, and walks a
# port-out with the configuration in examples/demo/. Terraform finds the
# provider through a dev_overrides CLI configuration, so nothing is downloaded
# and no `terraform init` is needed.
#
# Exits 0 when every step showed what it should; otherwise non-zero, naming the
# step. The emulator is stopped and the temporary directory removed on every
# exit: success, a failing step, Ctrl-C or kill.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO_SRC="$ROOT/examples/demo"
OUT_DIR="$DEMO_SRC/out" # git-ignored; the statement PDF is left here for you
CARRIER="Acme Telecom"

if [ -t 1 ]; then
	BOLD=$'\e[1m' DIM=$'\e[2m' GREEN=$'\e[32m' RED=$'\e[31m' RESET=$'\e[0m'
else
	BOLD='' DIM='' GREEN='' RED='' RESET=''
fi

STEP=0
step() {
	STEP=$((STEP + 1))
	printf '\n%s== %d. %s%s\n' "$BOLD" "$STEP" "$1" "$RESET"
	shift
	local line
	for line in "$@"; do printf '   %s\n' "$line"; done
}
say() { printf '   %s\n' "$@"; }
ok() { printf '%s   ok: %s%s\n' "$GREEN" "$*" "$RESET"; }
fail() {
	printf '%sdemo: step %d failed: %s%s\n' "$RED" "$STEP" "$*" "$RESET" >&2
	exit 1
}
# show prints a command the way a user would type it; the demo runs it next.
show() { printf '\n%s$ %s%s\n' "$DIM" "$*" "$RESET"; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sipstation-demo.XXXXXX")"
EMULATOR_PID=""
CHILD="" # the command run() is waiting for

# wait_child PID waits for a command started in the background. Terraform
# and go catch Ctrl-C themselves, and bash skips its INT trap when the
# foreground command it waited for did not die of the signal; `wait` is
# interrupted by the signal instead, so the trap below always runs. Give the
# command its redirections, not this function: a trap runs with the
# redirections of the function it interrupts.
wait_child() {
	local rc=0
	CHILD=$1
	wait "$CHILD" || rc=$?
	CHILD=""
	return "$rc"
}

# run CMD... runs CMD the same way, with the script's output.
run() {
	"$@" &
	wait_child $!
}

# stop_tree PID terminates PID and every process under it.
stop_tree() {
	local child
	for child in $(pgrep -P "$1" 2>/dev/null); do
		stop_tree "$child"
	done
	kill -TERM "$1" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$CHILD" ]; then
		stop_tree "$CHILD"
		wait "$CHILD" 2>/dev/null || true
	fi
	if [ -n "$EMULATOR_PID" ]; then
		kill -TERM "$EMULATOR_PID" 2>/dev/null || true
		wait "$EMULATOR_PID" 2>/dev/null || true
	fi
	if [ "$rc" -ne 0 ] && [ -s "$WORK/emulator.log" ]; then
		printf '\n--- emulator log (last lines) ---\n' >&2
		tail -n 20 "$WORK/emulator.log" >&2 || true
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
# Bash runs the EXIT trap after these, so Ctrl-C and kill clean up too.
trap 'printf "\ndemo: interrupted\n" >&2; exit 130' INT
trap 'exit 143' TERM

for tool in go curl base64; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is not on PATH"
done

# --- Preparation -------------------------------------------------------------

printf '%sSIPStation provider demo%s (work directory %s)\n' "$BOLD" "$RESET" "$WORK"
say "Building the provider and the emulator, and finding a Terraform CLI ..."

mkdir -p "$WORK/bin" "$WORK/plugins" "$WORK/tf"
run go build -C "$ROOT" -o "$WORK/plugins/terraform-provider-sipstation" . ||
	fail "building the provider failed"
run go build -C "$ROOT" -o "$WORK/bin/sipstation-emulator" ./cmd/sipstation-emulator ||
	fail "building the emulator failed"

# dev_overrides points Terraform at the freshly built provider: no registry,
# no `terraform init`. The demo configuration needs no other provider.
cat >"$WORK/dev.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/sipstation-community/sipstation" = "$WORK/plugins"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$WORK/dev.tfrc"
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export TF_DATA_DIR="$WORK/tf/.terraform"

# The first run on a machine without Terraform 1.8+ builds it here (minutes).
"$ROOT/scripts/ensure-terraform.sh" >"$WORK/terraform-path" &
wait_child $! || fail "no Terraform CLI (scripts/ensure-terraform.sh)"
TERRAFORM="$(cat "$WORK/terraform-path")"
say "Terraform: $("$TERRAFORM" version | head -n 1) ($TERRAFORM)"

# Port 0: the system picks a free port, and the emulator prints the address
# it got, with the demo account's key, as SIPSTATION_* lines on stdout.
"$WORK/bin/sipstation-emulator" -listen 127.0.0.1:0 -db "$WORK/emulator.db" -admin -seed \
	>"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!

# emulator_var NAME prints the value the emulator printed for NAME.
emulator_var() { sed -n "s/^$1=//p" "$WORK/emulator.log" | head -n 1; }

for _ in $(seq 1 100); do
	kill -0 "$EMULATOR_PID" 2>/dev/null || fail "the emulator exited at start"
	[ -n "$(emulator_var SIPSTATION_API_KEY)" ] && break
	sleep 0.1
done
ENDPOINT="$(emulator_var SIPSTATION_ENDPOINT)"
SIPSTATION_API_KEY="$(emulator_var SIPSTATION_API_KEY)"
[ -n "$ENDPOINT" ] && [ -n "$SIPSTATION_API_KEY" ] || fail "the emulator printed no endpoint and key"
curl -fsS -o /dev/null "$ENDPOINT/healthz" || fail "the emulator does not answer $ENDPOINT/healthz"
export SIPSTATION_ENDPOINT="$ENDPOINT" SIPSTATION_API_KEY
say "Emulator: $ENDPOINT, pid $EMULATOR_PID, database $WORK/emulator.db"
say "Terraform finds the provider just built through a dev_overrides CLI" \
	"configuration: no registry, no terraform init. It warns about that on every" \
	"command; the demo hides that warning."

# --- Helpers -----------------------------------------------------------------

# hide_overrides drops the warning Terraform prints on every command while a
# dev_overrides block is in effect; the demo says it once instead.
hide_overrides() {
	awk '
		/^Warning: Provider development overrides are in effect/ { skip = 1; next }
		skip == 1 { if (/releases\.$/) skip = 2; next }
		skip == 2 { skip = 0; if (/^$/) next }
		{ print }'
}

# tf SUBCOMMAND ARGS... runs terraform in the work directory, printing the
# command first and its output once it has finished.
tf() {
	tf_capture "$WORK/terraform.out" "$@"
}

# tf_capture FILE SUBCOMMAND ARGS... runs terraform like tf, keeping its
# output in FILE; it returns terraform's exit status.
tf_capture() {
	local file="$1" sub="$2" rc=0
	shift 2
	show "terraform $sub $*"
	"$TERRAFORM" -chdir="$WORK/tf" "$sub" -no-color "$@" >"$file" 2>&1 &
	wait_child $! || rc=$?
	hide_overrides <"$file"
	return "$rc"
}

# flat FILE prints FILE as one line, without box-drawing and repeated spaces,
# so a sentence Terraform wrapped over two lines can still be matched.
flat() { tr '\n│' '  ' <"$1" | tr -s ' '; }

# api METHOD PATH [BODY] calls the emulator with the account's key and prints
# the answer's body; it fails on an HTTP error.
api() {
	local args=(-fsS -X "$1" -H "Authorization: Bearer $SIPSTATION_API_KEY")
	[ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' -d "$3")
	curl "${args[@]}" "$ENDPOINT$2"
}

# status_of NUMBER prints the HTTP status of GET /v1/numbers/NUMBER.
status_of() {
	curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $SIPSTATION_API_KEY" \
		"$ENDPOINT/v1/numbers/$(urlencode "$1")"
}

# urlencode escapes the leading + of an E.164 number for a URL path or query.
urlencode() { printf '%s' "${1//+/%2B}"; }

# json_field NAME prints the string value of the key NAME in the JSON on
# stdin; NAME must occur once (as "id" does in a port-out, "number" in a
# one-item list of available numbers).
json_field() { tr -d '\n' | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"; }

# The emulator starts on a new database, so its clock is the wall clock until
# POST /_emulator/clock moves it ahead.
#
# noon_in_days N prints the Unix time of 12:00 UTC N days from today.
noon_in_days() { echo $((($(date -u +%s) / 86400 + $1) * 86400 + 43200)); }

# utc_date SECONDS prints the UTC date (YYYY-MM-DD) of a Unix time (GNU or BSD date).
utc_date() { date -u -d "@$1" +%F 2>/dev/null || date -u -r "$1" +%F; }

# --- The story ---------------------------------------------------------------

TOLL_FREE="$(api GET '/v1/available-numbers?type=toll_free&limit=1' | json_field number)"
[ -n "$TOLL_FREE" ] || fail "the emulator offers no toll-free number"
printf 'toll_free_number = "%s"\n' "$TOLL_FREE" >"$WORK/tf/terraform.tfvars"
cp "$DEMO_SRC/main.tf" "$DEMO_SRC/sales.tf" "$WORK/tf/"

step "A location with two DIDs and a toll-free number" \
	"examples/demo/main.tf and sales.tf declare a location in San Francisco, a main" \
	"line (any free 415 number), a sales line (any free 212 number) and a toll-free" \
	"support number that fails over to the main line. Apply orders them all."
tf apply -auto-approve || fail "terraform apply failed"
SALES="$("$TERRAFORM" -chdir="$WORK/tf" output -raw sales_number)"
MAIN="$("$TERRAFORM" -chdir="$WORK/tf" output -raw main_number)"
[ "$(status_of "$SALES")" = 200 ] || fail "the sales number $SALES is not in the account"
ok "ordered main line $MAIN, sales line $SALES and toll-free $TOLL_FREE"

step "The port-out kit: what the new carrier's LOA asks for" \
	"The new carrier's Letter of Authorization must match the organization name and" \
	"service address SIPStation has on file, and asks for the account number and the" \
	"latest bill. kit.tf reads them all for the sales line, with its early port-out fee."
show "cp kit.tf ."
cp "$DEMO_SRC/kit.tf" "$WORK/tf/"
tf_capture "$WORK/kit.txt" apply -auto-approve || fail "terraform apply of the kit failed"
flat "$WORK/kit.txt" | grep -qF "Early Port-Out Fee" || fail "the kit does not warn that $SALES would cost the early port-out fee"
flat "$WORK/kit.txt" | grep -qE "first statement falls due on [0-9]{4}-[0-9]{2}-[0-9]{2}" ||
	fail "the kit does not say when the first statement falls due"
mkdir -p "$OUT_DIR"
show "terraform output -json port_out_kit > examples/demo/out/port-out-kit.json"
"$TERRAFORM" -chdir="$WORK/tf" output -json port_out_kit >"$OUT_DIR/port-out-kit.json" ||
	fail "writing the kit failed"
ACCOUNT="$("$TERRAFORM" -chdir="$WORK/tf" output -raw account_number)"
for want in "$SALES" "$ACCOUNT" "Example Widgets LLC" "Suite 300" '"fee":"25.00"'; do
	tr -d ' \n' <"$OUT_DIR/port-out-kit.json" | grep -qF "${want// /}" ||
		fail "examples/demo/out/port-out-kit.json does not show $want"
done
tr -d ' \n' <"$OUT_DIR/port-out-kit.json" | grep -qF '"statement_date":null' ||
	fail "the kit names a statement, but the location has none yet"
ok "examples/demo/out/port-out-kit.json: account $ACCOUNT, Example Widgets LLC, $SALES, fee 25.00"
say "No statement has fallen due yet, so the kit has no PDF and says when the first" \
	"one will; the last step writes it. The new carrier has what it needs: remove the" \
	"kit, which would refuse the number once its port-out is pending."
show "rm kit.tf"
rm "$WORK/tf/kit.tf"

step "A gaining carrier requests a port-out of the sales line" \
	"You never start a port-out yourself: your new carrier does, with your account" \
	"number and latest bill. The emulator's admin route plays that carrier."
FOC_NOON="$(noon_in_days 7)"
FOC="$(utc_date "$FOC_NOON")"
BODY="{\"numbers\":[\"$SALES\"],\"carrier_name\":\"$CARRIER\",\"foc_date\":\"$FOC\"}"
show "curl -X POST $ENDPOINT/_emulator/port-outs -d '$BODY'"
PORT_OUT="$(api POST /_emulator/port-outs "$BODY")" || fail "the port-out request failed"
printf '%s\n' "$PORT_OUT"
PORT_OUT_ID="$(printf '%s' "$PORT_OUT" | json_field id)"
[ -n "$PORT_OUT_ID" ] || fail "the port-out answer carries no id"
ok "port-out $PORT_OUT_ID is pending, FOC date $FOC"

step "Removing the sales line now fails at plan: the guard" \
	"Cancelling a number while its port-out is pending can lose it for good, so the" \
	"provider refuses at plan time, naming the number, the carrier and the FOC date."
show "rm sales.tf"
rm "$WORK/tf/sales.tf"
if tf_capture "$WORK/plan-guard.txt" plan; then
	fail "terraform plan succeeded; the guard should have failed it"
fi
flat "$WORK/plan-guard.txt" | grep -qF "$SALES" || fail "the plan error does not name $SALES"
flat "$WORK/plan-guard.txt" | grep -qF "$CARRIER" || fail "the plan error does not name the carrier $CARRIER"
flat "$WORK/plan-guard.txt" | grep -qF "$FOC" || fail "the plan error does not name the FOC date $FOC"
[ "$(status_of "$SALES")" = 200 ] || fail "$SALES is gone from the account"
ok "plan failed, naming $SALES, $CARRIER and $FOC; the number is untouched"
say "As the error says, keep the block until the port completes: put it back."
show "cp examples/demo/sales.tf ."
cp "$DEMO_SRC/sales.tf" "$WORK/tf/"

step "On the FOC date, the port completes" \
	"The emulator's clock moves to noon on the FOC date, $FOC, and the carrier" \
	"completes the port: the number moves to $CARRIER. SIPStation keeps billing it" \
	"until you cancel it."
TO_FOC=$((FOC_NOON - $(date -u +%s)))
BODY="{\"advance\":\"$((TO_FOC / 3600))h$((TO_FOC % 3600 / 60))m$((TO_FOC % 60))s\"}"
show "curl -X POST $ENDPOINT/_emulator/clock -d '$BODY'"
api POST /_emulator/clock "$BODY" >/dev/null || fail "moving the clock to the FOC date failed"
show "curl -X POST $ENDPOINT/_emulator/port-outs/$PORT_OUT_ID/complete"
COMPLETED="$(api POST "/_emulator/port-outs/$PORT_OUT_ID/complete")" || fail "completing the port-out failed"
printf '%s\n' "$COMPLETED"
COMPLETED_AT="$(printf '%s' "$COMPLETED" | json_field completed_at)"
[ "${COMPLETED_AT%%T*}" = "$FOC" ] || fail "the port-out completed at '$COMPLETED_AT', not on the FOC date $FOC"
ok "port-out $PORT_OUT_ID completed on the FOC date, $FOC"

step "Plan warns: ported out and still billed" \
	"Refresh sees status ported_out with billing still active; every plan says so."
tf_capture "$WORK/plan-warning.txt" plan || fail "terraform plan failed"
flat "$WORK/plan-warning.txt" | grep -qF "$SALES" || fail "the plan does not name $SALES"
flat "$WORK/plan-warning.txt" | grep -qiE 'still (being )?billed' || fail "the plan does not warn that $SALES is still billed"
flat "$WORK/plan-warning.txt" | grep -qF "on $FOC" || fail "the plan does not give the port date $FOC"
ok "plan warns that $SALES was ported out on $FOC and is still billed"

step "Removing the sales line now cancels it" \
	"With the port complete, removing the block cancels the service and billing stops."
show "rm sales.tf"
rm "$WORK/tf/sales.tf"
tf apply -auto-approve || fail "terraform apply failed"
code="$(status_of "$SALES")"
[ "$code" = 404 ] || fail "GET /v1/numbers/$SALES answers $code, not 404 (cancelled numbers leave the account)"
ok "$SALES is cancelled: the API no longer lists it"
api GET /_emulator/metrics | tr -d ' \n' | grep -q '"forced_cancellations":0' ||
	fail "the emulator counted a forced cancellation"
ok "no forced cancel was ever sent (emulator metrics: forced_cancellations 0)"

step "A month later: the statement" \
	"The emulator's clock moves 31 days, so the location's billing day passes and a" \
	"statement falls due: a line per billed number and its calls, and the early" \
	"port-out fee for the sales line, held under 90 days when it left. statements.tf" \
	"reads it with the sipstation_statement data source."
BODY='{"advance":"744h"}'
show "curl -X POST $ENDPOINT/_emulator/clock -d '$BODY'"
api POST /_emulator/clock "$BODY" >/dev/null || fail "moving the clock failed"
show "cp statements.tf ."
cp "$DEMO_SRC/statements.tf" "$WORK/tf/"
tf apply -auto-approve || fail "terraform apply failed"
tf output latest_statement_lines || fail "terraform output failed"
"$TERRAFORM" -chdir="$WORK/tf" output -json latest_statement_lines >"$WORK/lines.json"
grep -q "port_out_fee *$SALES *25\.00" "$WORK/lines.json" || fail "the statement has no early port-out fee for $SALES"
grep -qF "$MAIN" "$WORK/lines.json" || fail "the statement does not bill the main line $MAIN"
tf output latest_statement_total
ok "the statement bills the numbers and the early port-out fee"

step "The statement PDF, written to a file" \
	"The bill a gaining carrier asks for, through terraform output."
mkdir -p "$OUT_DIR"
show "terraform output -raw latest_statement_pdf_base64 | base64 -d > examples/demo/out/statement.pdf"
"$TERRAFORM" -chdir="$WORK/tf" output -raw latest_statement_pdf_base64 | base64 -d >"$OUT_DIR/statement.pdf" ||
	fail "writing the PDF failed"
[ "$(head -c 4 "$OUT_DIR/statement.pdf")" = "%PDF" ] || fail "examples/demo/out/statement.pdf is not a PDF"
ok "examples/demo/out/statement.pdf ($(wc -c <"$OUT_DIR/statement.pdf" | tr -d ' ') bytes) starts with %PDF"

step "The trunk as FreePBX sees it, and an E911 check" \
	"The real SIPStation service serves the account-key API that FreePBX's module" \
	"calls; the emulator serves it under /sipstation from the same data. trunk.tf" \
	"reads the trunk with data.sipstation_trunk, and its check block fails while a" \
	"local number on the trunk has no E911 address."
SIPSTATION_TRUNK_ENDPOINT="$(emulator_var SIPSTATION_TRUNK_ENDPOINT)"
SIPSTATION_ACCOUNT_KEY="$(emulator_var SIPSTATION_ACCOUNT_KEY)"
[ -n "$SIPSTATION_TRUNK_ENDPOINT" ] && [ -n "$SIPSTATION_ACCOUNT_KEY" ] || fail "the emulator printed no trunk endpoint and account key"
export SIPSTATION_TRUNK_ENDPOINT SIPSTATION_ACCOUNT_KEY
show "export SIPSTATION_TRUNK_ENDPOINT=$SIPSTATION_TRUNK_ENDPOINT SIPSTATION_ACCOUNT_KEY=..."
show "cp trunk.tf ."
cp "$DEMO_SRC/trunk.tf" "$WORK/tf/"
tf apply -auto-approve || fail "terraform apply failed"
flat "$WORK/terraform.out" | grep -qF "\"$MAIN\" = \"E911: 100 Market St, San Francisco\"" ||
	fail "the trunk does not show the main line $MAIN with its E911 address"
ok "the trunk lists $MAIN with its E911 address; the check passes"
say "Someone deletes the main line's E911 address in the portal (here: the" \
	"account-key API, as FreePBX would)."
DID="${MAIN#+1}"
show "curl -X DELETE $SIPSTATION_TRUNK_ENDPOINT/2/e911/$DID/\$SIPSTATION_ACCOUNT_KEY"
curl -fsS -X DELETE "$SIPSTATION_TRUNK_ENDPOINT/2/e911/$DID/$SIPSTATION_ACCOUNT_KEY" >/dev/null ||
	fail "deleting the E911 address failed"
printf '\n'
tf_capture "$WORK/plan-e911.txt" plan || fail "terraform plan failed"
flat "$WORK/plan-e911.txt" | grep -qF "$MAIN is on the trunk without an E911 address" ||
	fail "the check does not name $MAIN as having no E911 address"
flat "$WORK/plan-e911.txt" | grep -qF "sipstation_did.main will be updated in-place" ||
	fail "the plan does not put the E911 address of $MAIN back"
ok "the check names $MAIN, and the plan puts its E911 address back"

printf '\n%sDemo complete%s in %ds: the guard held a pending port, the plan flagged a billed\n' "$GREEN$BOLD" "$RESET" "$SECONDS"
printf 'ported number, and removing it cancelled it; the E911 check named a number without an\n'
printf 'address. Open examples/demo/out/statement.pdf.\n'
