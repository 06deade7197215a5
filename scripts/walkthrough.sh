#!/usr/bin/env bash
# The README's walk-through, as one script: the README includes each part below verbatim,
# in the block that follows its <!-- walkthrough: NAME --> line, and cmd/ppksd's
# TestWalkthrough checks that it does and runs this script on a fresh database, so the
# README's examples cannot drift from what the service does. Run it from the repository's
# root (scripts/walkthrough.sh); it builds the binaries into a new directory, works there,
# and stops the service it started when it ends. Set PPKS_HTTP_ADDR and PPKS_GRPC_ADDR to
# use other ports than 8080 and 9090.
set -euo pipefail
trap 'if [ -n "${PPKSD:-}" ]; then kill "$PPKSD" 2>/dev/null; wait "$PPKSD" 2>/dev/null; fi' EXIT

# README: build
# Build the binaries into a new directory, which also holds the walk-through's database.
dir=$(mktemp -d)
go build -o "$dir" ./cmd/ppksd ./cmd/ppksctl ./cmd/ppksreport
export PATH="$dir:$PATH" PPKS_DB="$dir/ppks.db"
api=http://${PPKS_HTTP_ADDR:-127.0.0.1:8080} grpc=${PPKS_GRPC_ADDR:-127.0.0.1:9090}

# README: setup
# The 2024 scenario, the first administrator and a supervisor. A token is printed once:
# the administrator's is kept in A, the supervisor's in T.
ppksctl load-scenario
A=$(ppksctl bootstrap-admin --username admin --display-name "Admin Dinsos")
ppksctl create-user --username kabid --display-name "Kepala Bidang" --role SUPERVISOR
T=$(ppksctl create-token --username kabid --description "laptop kabid")

# The service, in the background (its log in $dir/ppksd.log; stop it with: kill $PPKSD)
ppksd 2>"$dir/ppksd.log" &
PPKSD=$!
for _ in $(seq 100); do curl -sf "$api/readyz" >/dev/null && break; sleep 0.1; done

# README: helpers
# kabid and admin: one REST call with the supervisor's or the administrator's token (each
# call sends exactly one); an HTTP error fails the call and still shows the answer.
kabid() { curl -sS --fail-with-body -H "Authorization: Bearer $T" "$@"; echo; }
admin() { curl -sS --fail-with-body -H "Authorization: Bearer $A" "$@"; echo; }
# uuid: a new request id (uuidgen is not on every machine).
uuid() { cat /proc/sys/kernel/random/uuid; }
# field NAME: the first string field NAME of the JSON on standard input (no jq needed).
field() { grep -o "\"$1\": *\"\([^\"\\]\|\\\\.\)*\"" | head -n 1 | sed 's/^[^:]*: *"//; s/"$//'; }

# README: indicator
# The year's figure against its target
kabid "$api/v1/indicators/penurunan-ppks/years/2024"

# README: reference
# Reference data
kabid "$api/v1/ppksTypes"
kabid "$api/v1/interventionTypes?year=2024"
kabid "$api/v1/regions"

# README: records
# Register a person (the request id makes a retry safe: the same id returns the first
# result). A person without NIK, or with only an estimated birth year
# ("birthDate": {"year": 1950}), is fine too.
person=$(kabid -X POST "$api/v1/beneficiaries?requestId=$(uuid)" -d '{
  "nik": "7306084512500001", "fullName": "Siti Aminah", "sex": "SEX_FEMALE",
  "birthDate": {"year": 1950, "month": 12, "day": 5},
  "kecamatanCode": "73.06.08", "desa": "Kelurahan Tombolo", "address": "Jl. Poros Malino"}')
echo "$person"
P=$(field name <<<"$person")   # beneficiaries/…

# Open a case in a PPKS category, and record an intervention in it
C=$(kabid -X POST "$api/v1/$P/cases?requestId=$(uuid)" \
  -d '{"ppksType": "LANSIA_TELANTAR", "openedOn": {"year": 2024, "month": 1, "day": 2}}' | field name)
I=$(kabid -X POST "$api/v1/$C/interventions?requestId=$(uuid)" \
  -d '{"interventionType": "PERMAKANAN", "deliveredOn": {"year": 2024, "month": 1, "day": 5},
       "quantity": 30, "unit": "porsi"}' | field name)
echo "case $C, intervention $I"

# Lists: pageSize / pageToken, filters, and "-" for any person or case
kabid "$api/v1/beneficiaries?filter=kecamatan_code%3D%2273.06.08%22&pageSize=3"
kabid "$api/v1/beneficiaries/-/cases/-/interventions?filter=year%3D2024%20AND%20intervention_type%3DPERMAKANAN&pageSize=3"

# Correct a record: read it and send back its etag with the fields to change
# (update_mask is taken from the fields sent; a stale etag is refused with ABORTED)
E=$(kabid "$api/v1/$P" | field etag)
kabid -X PATCH "$api/v1/$P" -d '{"address": "Jl. Baru No. 1", "etag": "'"$E"'"}'

# Void a wrong record: it is kept, with its reason, and stops counting
kabid -X POST "$api/v1/$I:void" -d '{"reason": "Tercatat dua kali", "requestId": "'"$(uuid)"'"}'

# Close a case with an outcome
kabid -X POST "$api/v1/$C:close" -d '{"outcome": "CASE_OUTCOME_GRADUATED", "requestId": "'"$(uuid)"'"}'

# Targets, set by the administrator: the PK target of a year, which capaian is measured
# against, and the Renstra target (?allowMissing=true sets those of a year not yet there)
admin -X PATCH "$api/v1/indicators/penurunan-ppks/targets/2025" -d '{"value": 600, "renstraValue": 600}'
kabid "$api/v1/indicators/penurunan-ppks/targets"

# README: -
# grpcurl is not part of Go: without it, its examples are skipped.
if ! command -v grpcurl >/dev/null; then
  echo "grpcurl not found: skipping its examples" >&2
  grpcurl() { :; }
fi

# README: grpcurl
grpcurl -plaintext "$grpc" list
grpcurl -plaintext "$grpc" grpc.health.v1.Health/Check
grpcurl -plaintext -H "authorization: Bearer $T" -d '{"name": "indicators/penurunan-ppks/years/2024"}' \
  "$grpc" ppks.v1.IndicatorService/GetIndicatorYear
grpcurl -plaintext -H "authorization: Bearer $T" -d '{"request_id": "'"$(uuid)"'", "beneficiary": {
  "full_name": "Baso Dg. Sese", "sex": "SEX_MALE", "kecamatan_code": "73.06.01", "birth_date": {"year": 1950}}}' \
  "$grpc" ppks.v1.CaseService/CreateBeneficiary
grpcurl -plaintext -H "authorization: Bearer $T" -d '{"parent": "beneficiaries/-", "filter": "state = OPEN", "page_size": 2}' \
  "$grpc" ppks.v1.CaseService/ListCases

# README: audit
# What the supervisor read, newest first (ADMIN only)
admin "$api/v1/auditEntries?filter=username%3D%22kabid%22%20AND%20action%3DREAD&pageSize=3"

# README: users
# A field worker of one kecamatan, and a token for their phone
admin -X POST "$api/v1/users?userId=petugas.sombaopu&requestId=$(uuid)" \
  -d '{"displayName": "Nurul Hikmah", "role": "ROLE_WORKER", "kecamatanCodes": ["73.06.08"]}'
token=$(admin -X POST "$api/v1/users/petugas.sombaopu/tokens?requestId=$(uuid)" \
  -d '{"description": "HP lapangan", "expireTime": "'"$(date -u -d '+1 year' +%FT%TZ)"'"}')
W=$(field secret <<<"$token")     # the worker's token, shown once
WT=$(field name <<<"$token")      # users/petugas.sombaopu/tokens/…
curl -sS --fail-with-body -H "Authorization: Bearer $W" "$api/v1/currentUser"; echo

# Revoke the token; disable the user (read them, send their etag back)
admin -X POST "$api/v1/$WT:revoke" -d '{"requestId": "'"$(uuid)"'"}'
E=$(admin "$api/v1/users/petugas.sombaopu" | field etag)
admin -X PATCH "$api/v1/users/petugas.sombaopu" -d '{"disabled": true, "etag": "'"$E"'"}'

# The same with the CLI, on the database file: a planner, a token, and its revocation by
# the name the API lists (or --username perencana --token-id with the bare id)
ppksctl create-user --username perencana --display-name "Subag Perencanaan" --role PLANNER
ppksctl create-token --username perencana --ttl 8760h >/dev/null   # its token not kept here
ppksctl revoke-token --token-id "$(admin "$api/v1/users/perencana/tokens" | field name)"

# README: batchsync
# Three creates in one call: the app chooses the ids, so the case names the new person and
# the intervention the new case (the case opens before the intervention's date)
p=$(uuid) c=$(uuid) i=$(uuid)
kabid -X POST "$api/v1/beneficiaries:batchSync" -d '{"items": [
  {"createBeneficiary": {"requestId": "'"$(uuid)"'", "beneficiaryId": "'"$p"'",
    "beneficiary": {"fullName": "Baso", "sex": "SEX_MALE", "kecamatanCode": "73.06.08"}}},
  {"createCase": {"requestId": "'"$(uuid)"'", "parent": "beneficiaries/'"$p"'", "caseId": "'"$c"'",
    "case": {"ppksType": "GELANDANGAN", "openedOn": {"year": 2024, "month": 5, "day": 1}}}},
  {"createIntervention": {"requestId": "'"$(uuid)"'", "parent": "beneficiaries/'"$p"'/cases/'"$c"'",
    "interventionId": "'"$i"'",
    "intervention": {"interventionType": "RUJUKAN", "deliveredOn": {"year": 2024, "month": 5, "day": 2}}}}]}'

# README: verification
# What waits for verification in a kecamatan, and a supervisor's verification
kabid "$api/v1/beneficiaries/-/cases/-/interventions?filter=verification%3DPENDING%20AND%20kecamatan_code%3D%2273.06.08%22&pageSize=3"
kabid -X POST "$api/v1/beneficiaries/$p/cases/$c/interventions/$i:verify" -d '{"requestId": "'"$(uuid)"'"}'

# README: duplicates
# Before registering a person without NIK: likely matches, scored, with what agrees
kabid -X POST "$api/v1/beneficiaries:findDuplicates" -d '{"beneficiary": {
  "fullName": "Hj. Sitti Aminah", "sex": "SEX_FEMALE", "birthDate": {"year": 1950}, "kecamatanCode": "73.06.08"}}'

# README: lock
# Sign the year: its report is kept as a snapshot, and writes dated in 2024 are refused...
admin -X POST "$api/v1/reports/2024:lock" -d '{"requestId": "'"$(uuid)"'"}' | field contentHash
# ...unless an amendment is open, with its reason: then a late record goes in
amendment=$(admin -X POST "$api/v1/reports/2024/amendments?requestId=$(uuid)" \
  -d '{"reason": "Data terlambat dari Kecamatan Somba Opu"}')
echo "$amendment"
kabid -X POST "$api/v1/beneficiaries/$p/cases/$c/interventions?requestId=$(uuid)" \
  -d '{"interventionType": "PENELUSURAN_KELUARGA", "deliveredOn": {"year": 2024, "month": 12, "day": 20}}'
# What differs from the signed figures, and the amendment closed
admin "$api/v1/reports/2024/changes"
admin -X POST "$api/v1/$(field name <<<"$amendment"):close" -d '{"requestId": "'"$(uuid)"'"}'

# README: report
# The LKjIP of 2024 as files, through GetReport with a planner's token
PPKS_TOKEN=$(ppksctl create-token --username perencana --description laporan) \
  ppksreport --year 2024 --out "$dir/laporan"
ls "$dir/laporan"

# README: operations
# A consistent copy of the database while the service runs, and the counts checked
ppksctl backup --out "$dir/ppks-backup.db"
ppksctl recount
