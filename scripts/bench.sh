#!/usr/bin/env bash
# Benchmarks of the real ppksd binary (issue 6). Each result is a ratio of two loads
# measured in the same run, on the same machine, with the same concurrency:
#   1. durable intervention ingest over gRPC vs a bare grpc-go server of the same RPC
#      (internal/benchecho), both driven by ghz                          goal >= 0.6
#   2. the same write through the REST gateway (wrk) vs gRPC (ghz)       goal >= 0.6
# Tools: ghz, installed under .tools/bin at a pinned version, and wrk (Debian package).
# The three loads run ROUNDS times, one after the other (echo, gRPC, REST, echo, ...), and
# each figure is the median of its rounds: the disk's sync time and the other work on a
# shared machine move single runs by 20 % and more.
# Usage: scripts/bench.sh    DURATION=15s CONCURRENCY=50 ROUNDS=3 change the load.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15s}
CONC=${CONCURRENCY:-50}
ROUNDS=${ROUNDS:-3}
GHZ_VERSION=v0.120.0
TOOLS=$PWD/.tools/bin
GRPC=127.0.0.1:19090 HTTP=127.0.0.1:18080 ECHO=127.0.0.1:19190

if ! "$TOOLS/ghz" --version 2>/dev/null | grep -q "${GHZ_VERSION#v}"; then
	GOBIN=$TOOLS go install "github.com/bojand/ghz/cmd/ghz@$GHZ_VERSION"
fi
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq; }

# The database goes on the disk under test, not a tmpfs: fsync is part of what we measure.
work=$(mktemp -d -p "${BENCH_DIR:-$PWD}" .bench.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/ppksd" ./cmd/ppksd
go build -o "$work/ppksctl" ./cmd/ppksctl
go build -o "$work/benchecho" ./internal/benchecho
db=$work/ppks.db
"$work/ppksctl" create-user --db "$db" --username bench --display-name Bench --role SUPERVISOR >/dev/null
token=$("$work/ppksctl" create-token --db "$db" --username bench 2>/dev/null) # the token alone on stdout

"$work/ppksd" --grpc-addr "$GRPC" --http-addr "$HTTP" --db "$db" 2>"$work/ppksd.log" &
pids+=($!)
ppksd=$!
"$work/benchecho" --addr "$ECHO" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://$HTTP/openapi.json" >/dev/null && break; sleep 0.1; done

auth="Authorization: Bearer $token"
person=$(curl -sf -H "$auth" -X POST "http://$HTTP/v1/beneficiaries?requestId=0193f000-0000-7000-8000-000000000001" \
	-d '{"fullName":"Bench","sex":"SEX_FEMALE","kecamatanCode":"73.06.08","birthDate":{"year":1950}}' | jq -r .name)
kase=$(curl -sf -H "$auth" -X POST "http://$HTTP/v1/$person/cases?requestId=0193f000-0000-7000-8000-000000000002" \
	-d '{"ppksType":"LANSIA_TELANTAR","openedOn":{"year":2024,"month":1,"day":1}}' | jq -r .name)

data='{"parent":"'$kase'","request_id":"{{newUUID}}","intervention":{"intervention_type":"PERMAKANAN","delivered_on":{"year":2024,"month":3,"day":1},"quantity":1,"unit":"porsi"}}'
# The echo gets the same metadata as the service, so that both receive the same bytes.
meta='{"authorization":"Bearer '"$token"'"}'

# cpu_ticks PID: the process's user and system CPU time so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# ghz_run ADDR: prints "rps p50_ms p99_ms calls"; fails on errors, except the calls still
# in flight when ghz stops at the end of its duration (Unavailable or Canceled, one per
# caller at most).
ghz_run() {
	local addr=$1 out
	out=$("$TOOLS/ghz" --insecure --call ppks.v1.CaseService.CreateIntervention -c "$CONC" -z "$DURATION" \
		-d "$data" -m "$meta" -O json "$addr")
	if [ "$(jq --argjson c "$CONC" '.statusCodeDistribution // {} | ([to_entries[] |
		select(.key != "OK" and .key != "Unavailable" and .key != "Canceled") | .value] | add // 0) +
		(if (.Unavailable // 0) + (.Canceled // 0) > $c then 1 else 0 end)' <<<"$out")" != 0 ]; then
		echo "non-OK answers: $(jq -c .statusCodeDistribution <<<"$out")" >&2
		return 1
	fi
	jq -r '[.rps, (.latencyDistribution[] | select(.percentage == 50) | .latency / 1e6),
		(.latencyDistribution[] | select(.percentage == 99) | .latency / 1e6), .count] | map(tostring) | join(" ")' <<<"$out"
}

# wrk_run: prints "rps p50_ms p99_ms" of the REST write; fails on any non-2xx answer.
wrk_run() {
	local out
	out=$(PPKS_CASE=$kase PPKS_TOKEN=$token PPKS_ROUND=$round wrk -t2 -c"$CONC" -d"$DURATION" --latency -s scripts/bench_rest.lua "http://$HTTP")
	if grep -q "Non-2xx" <<<"$out"; then
		echo "$out" >&2
		return 1
	fi
	ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v/1000; else if (v ~ /ms$/) print v+0; else print v*1000 }'; }
	echo "$(awk '/Requests\/sec/ { print $2 }' <<<"$out") $(ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")") $(ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem/ { print $2 }') GiB"
echo "load: $CONC concurrent callers for $DURATION each, $ROUNDS rounds"
"$TOOLS/ghz" --insecure --call ppks.v1.CaseService.CreateIntervention -c "$CONC" -z 3s -d "$data" -O json \
	-m "$meta" "$GRPC" >/dev/null # warm-up
rounds=$work/rounds
hz=$(getconf CLK_TCK)
for round in $(seq "$ROUNDS"); do
	read -r echo_rps echo_p50 echo_p99 _ < <(ghz_run "$ECHO")
	before=$(cpu_ticks "$ppksd")
	read -r grpc_rps grpc_p50 grpc_p99 grpc_calls < <(ghz_run "$GRPC")
	grpc_cpu=$(awk -v t=$(($(cpu_ticks "$ppksd") - before)) -v hz="$hz" -v n="$grpc_calls" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }')
	read -r rest_rps rest_p50 rest_p99 < <(wrk_run)
	printf 'round %d: echo %.0f, gRPC %.0f, REST %.0f req/s\n' "$round" "$echo_rps" "$grpc_rps" "$rest_rps" >&2
	echo "$echo_rps $echo_p50 $echo_p99 $grpc_rps $grpc_p50 $grpc_p99 $rest_rps $rest_p50 $rest_p99 $grpc_cpu" >>"$rounds"
done
batches=$(curl -sf "http://$HTTP/metrics" | awk '/^ppks_store_commit_batch_size_(sum|count)/ { v[$1] = $2 } END { printf "%.1f", v["ppks_store_commit_batch_size_sum"] / v["ppks_store_commit_batch_size_count"] }')

# median COLUMN: the median over the rounds of a column of $rounds.
median() { cut -d' ' -f"$1" "$rounds" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo_rps=$(median 1) grpc_rps=$(median 4) rest_rps=$(median 7)
printf '%-44s %10s %9s %9s\n' "median of $ROUNDS rounds" "req/s" "p50 ms" "p99 ms"
printf '%-44s %10.0f %9.2f %9.2f\n' "bare grpc-go echo of CreateIntervention" "$echo_rps" "$(median 2)" "$(median 3)"
printf '%-44s %10.0f %9.2f %9.2f\n' "CreateIntervention over gRPC (durable)" "$grpc_rps" "$(median 5)" "$(median 6)"
printf '%-44s %10.0f %9.2f %9.2f\n' "CreateIntervention over REST (durable)" "$rest_rps" "$(median 8)" "$(median 9)"
echo "writes per group commit (mean over the run): $batches"
echo "ppksd CPU per gRPC write (user + system): $(median 10) µs"
awk -v g="$grpc_rps" -v e="$echo_rps" -v r="$rest_rps" 'BEGIN {
	printf "ratio gRPC ingest / echo ceiling: %.2f (goal >= 0.6)\n", g / e
	printf "ratio REST / gRPC:                %.2f (goal >= 0.6)\n", r / g
}'

# The indicator at 10k, 1M and 10M interventions against a plain recount, list pagination
# (page 1 vs page 1000), peak RSS and database size per million: scripts/bench-indicator.sh.
