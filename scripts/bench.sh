#!/usr/bin/env bash
# Benchmarks of the real ppksd binary (issues 6 and 13). Each result is a ratio of two
# loads measured in the same run, on the same machine, with the same concurrency:
#   1. durable intervention ingest over gRPC vs a bare grpc-go server of the same RPC
#      (cmd/benchecho), both driven by ghz                          goal >= 0.6
#   2. the same write through the REST gateway (wrk) vs gRPC (ghz)       goal >= 0.6
#   3. with --backend postgres or all: the same gRPC ingest on PostgreSQL, with one ppksd
#      process and with two on the same database (the callers split between them), on a
#      durable cluster of its own (scripts/pgcluster.sh) on the same disk.
# Tools: ghz, installed under .tools/bin at a pinned version, and wrk (Debian package).
# The loads run ROUNDS times, one after the other (echo, gRPC, REST, PostgreSQL..., echo,
# ...), and each figure is the median of its rounds: the disk's sync time and the other
# work on a shared machine move single runs by 20 % and more.
# Usage: scripts/bench.sh [--backend sqlite|postgres|all]    (default sqlite)
#        DURATION=15s CONCURRENCY=50 ROUNDS=3 change the load.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=sqlite
while [ $# -gt 0 ]; do
	case $1 in
	--backend) BACKEND=${2:?sqlite, postgres or all}; shift 2 ;;
	--backend=*) BACKEND=${1#--backend=}; shift ;;
	*) echo "usage: $0 [--backend sqlite|postgres|all]" >&2; exit 2 ;;
	esac
done
case $BACKEND in sqlite | postgres | all) ;; *) echo "--backend: sqlite, postgres or all" >&2; exit 2 ;; esac
sqlite=false pg=false
[ "$BACKEND" = postgres ] || sqlite=true
[ "$BACKEND" = sqlite ] || pg=true
DURATION=${DURATION:-15s}
CONC=${CONCURRENCY:-50}
ROUNDS=${ROUNDS:-3}
GHZ_VERSION=v0.120.0
TOOLS=$PWD/.tools/bin
GRPC=127.0.0.1:19090 HTTP=127.0.0.1:18080 ECHO=127.0.0.1:19190
PG_GRPC=(127.0.0.1:19091 127.0.0.1:19092) PG_HTTP=(127.0.0.1:18081 127.0.0.1:18082)

if ! "$TOOLS/ghz" --version 2>/dev/null | grep -q "${GHZ_VERSION#v}"; then
	GOBIN=$TOOLS go install "github.com/bojand/ghz/cmd/ghz@$GHZ_VERSION"
fi
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq; }

# The databases go on the disk under test, not a tmpfs: fsync is part of what we measure.
work=$(mktemp -d -p "${BENCH_DIR:-$PWD}" .bench.XXXXXX)
chmod 0711 "$work" # the PostgreSQL cluster's user must reach its directory in it
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	if $pg; then scripts/pgcluster.sh stop "$work/pg"; fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/ppksd" ./cmd/ppksd
go build -o "$work/ppksctl" ./cmd/ppksctl
go build -o "$work/benchecho" ./cmd/benchecho
"$work/benchecho" --addr "$ECHO" &
pids+=($!)

# setup DB GRPC HTTP...: a user and token on DB, the ppksd processes on DB (one per
# address pair), and a person with a case; sets token, kase and daemon_pids.
setup() {
	local db=$1
	shift
	"$work/ppksctl" create-user --db "$db" --username bench --display-name Bench --role SUPERVISOR >/dev/null
	token=$("$work/ppksctl" create-token --db "$db" --username bench 2>/dev/null) # the token alone on stdout
	daemon_pids=()
	local http=
	while [ $# -gt 0 ]; do
		"$work/ppksd" --grpc-addr "$1" --http-addr "$2" --db "$db" 2>>"$work/ppksd-$1.log" &
		pids+=($!)
		daemon_pids+=($!)
		http=${http:-$2}
		for _ in $(seq 100); do curl -sf "http://$2/openapi.json" >/dev/null && break; sleep 0.1; done
		shift 2
	done
	local auth="Authorization: Bearer $token" person
	person=$(curl -sf -H "$auth" -X POST "http://$http/v1/beneficiaries?requestId=0193f000-0000-7000-8000-000000000001" \
		-d '{"fullName":"Bench","sex":"SEX_FEMALE","kecamatanCode":"73.06.08","birthDate":{"year":1950}}' | jq -r .name)
	kase=$(curl -sf -H "$auth" -X POST "http://$http/v1/$person/cases?requestId=0193f000-0000-7000-8000-000000000002" \
		-d '{"ppksType":"LANSIA_TELANTAR","openedOn":{"year":2024,"month":1,"day":1}}' | jq -r .name)
}

# request CASE: the ghz payload of an intervention recorded in CASE.
request() {
	echo '{"parent":"'"$1"'","request_id":"{{newUUID}}","intervention":{"intervention_type":"PERMAKANAN","delivered_on":{"year":2024,"month":3,"day":1},"quantity":1,"unit":"porsi"}}'
}

if $sqlite; then
	setup "$work/ppks.db" "$GRPC" "$HTTP"
	sqlite_token=$token sqlite_case=$kase ppksd=${daemon_pids[0]}
fi
if $pg; then
	scripts/pgcluster.sh start "$work/pg"
	pgdsn=$(scripts/pgcluster.sh dsn "$work/pg" bench)
	setup "$pgdsn" "${PG_GRPC[0]}" "${PG_HTTP[0]}" "${PG_GRPC[1]}" "${PG_HTTP[1]}"
	pg_token=$token pg_case=$kase pg_daemons=("${daemon_pids[@]}")
	pg_master=$(head -1 "$work/pg/data/postmaster.pid")
	PG_BIN=${PPKS_PG_BIN:-/usr/lib/postgresql/15/bin}
	"$PG_BIN/psql" -h "$work/pg" -U postgres -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" bench
fi
# The echo gets the same metadata as the service, so that both receive the same bytes.
meta() { echo '{"authorization":"Bearer '"$1"'"}'; }

# cpu_ticks PID...: the user and system CPU time so far of the processes, in clock ticks.
cpu_ticks() { for p in "$@"; do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0; done | awk '{ s += $1 } END { print s }'; }
# pg_ticks: the CPU time of the PostgreSQL server so far: the postmaster's own, that of
# its children that ended (cutime, cstime), and that of those running.
pg_ticks() {
	{ awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pg_master/stat"; cpu_ticks $(ps -o pid= --ppid "$pg_master"); } | awk '{ s += $1 } END { print s }'
}

# ghz_run ADDR DATA META CONC: prints "rps p50_ms p99_ms calls"; fails on errors, except
# the calls still in flight when ghz stops at the end of its duration (Unavailable or
# Canceled, one per caller at most).
ghz_run() {
	local addr=$1 data=$2 meta=$3 conc=$4 out
	out=$("$TOOLS/ghz" --insecure --call ppks.v1.CaseService.CreateIntervention -c "$conc" -z "$DURATION" \
		-d "$data" -m "$meta" -O json "$addr")
	if [ "$(jq --argjson c "$conc" '.statusCodeDistribution // {} | ([to_entries[] |
		select(.key != "OK" and .key != "Unavailable" and .key != "Canceled") | .value] | add // 0) +
		(if (.Unavailable // 0) + (.Canceled // 0) > $c then 1 else 0 end)' <<<"$out")" != 0 ]; then
		echo "non-OK answers: $(jq -c .statusCodeDistribution <<<"$out")" >&2
		return 1
	fi
	jq -r '[.rps, (.latencyDistribution[] | select(.percentage == 50) | .latency / 1e6),
		(.latencyDistribution[] | select(.percentage == 99) | .latency / 1e6), .count] | map(tostring) | join(" ")' <<<"$out"
}

# ghz_two DATA META: the load split between the two PostgreSQL processes, half the
# callers on each, at once: prints "rps p50_ms p99_ms calls" (rates and calls summed, the
# mean of the medians, the larger p99).
ghz_two() {
	local half=$((CONC / 2))
	ghz_run "${PG_GRPC[1]}" "$1" "$2" "$half" >"$work/ghz-b" &
	local b=$!
	local a
	a=$(ghz_run "${PG_GRPC[0]}" "$1" "$2" "$((CONC - half))")
	wait "$b"
	awk '{ r += $1; p50 += $2 / 2; if ($3 > p99) p99 = $3; n += $4 } END { print r, p50, p99, n }' <<<"$a"$'\n'"$(cat "$work/ghz-b")"
}

# wrk_run: prints "rps p50_ms p99_ms" of the REST write; fails on any non-2xx answer.
wrk_run() {
	local out
	out=$(PPKS_CASE=$sqlite_case PPKS_TOKEN=$sqlite_token PPKS_ROUND=$round wrk -t2 -c"$CONC" -d"$DURATION" --latency -s scripts/bench_rest.lua "http://$HTTP")
	if grep -q "Non-2xx" <<<"$out"; then
		echo "$out" >&2
		return 1
	fi
	ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v/1000; else if (v ~ /ms$/) print v+0; else print v*1000 }'; }
	echo "$(awk '/Requests\/sec/ { print $2 }' <<<"$out") $(ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")") $(ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
}

# per_write TICKS CALLS: CPU microseconds per call.
per_write() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem/ { print $2 }') GiB; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load: $CONC concurrent callers for $DURATION each, $ROUNDS rounds; backend: $BACKEND"
if $sqlite; then
	"$TOOLS/ghz" --insecure --call ppks.v1.CaseService.CreateIntervention -c "$CONC" -z 3s -d "$(request "$sqlite_case")" -O json \
		-m "$(meta "$sqlite_token")" "$GRPC" >/dev/null # warm-up
	echo_meta=$(meta "$sqlite_token") echo_data=$(request "$sqlite_case")
fi
if $pg; then
	"$TOOLS/ghz" --insecure --call ppks.v1.CaseService.CreateIntervention -c "$CONC" -z 3s -d "$(request "$pg_case")" -O json \
		-m "$(meta "$pg_token")" "${PG_GRPC[0]}" >/dev/null # warm-up
	echo_meta=${echo_meta:-$(meta "$pg_token")} echo_data=${echo_data:-$(request "$pg_case")}
fi
rounds=$work/rounds
for round in $(seq "$ROUNDS"); do
	# Columns: 1-3 echo; 4-6 gRPC, 7-9 REST, 10 ppksd CPU/write (SQLite); 11-13 PostgreSQL one
	# process, 14 ppksd CPU/write, 15 server CPU/write; 16-18 two processes, 19, 20 the same.
	line=()
	read -r echo_rps echo_p50 echo_p99 _ < <(ghz_run "$ECHO" "$echo_data" "$echo_meta" "$CONC")
	line+=("$echo_rps" "$echo_p50" "$echo_p99")
	msg="round $round: echo $(printf %.0f "$echo_rps")"
	if $sqlite; then
		before=$(cpu_ticks "$ppksd")
		read -r grpc_rps grpc_p50 grpc_p99 grpc_calls < <(ghz_run "$GRPC" "$(request "$sqlite_case")" "$(meta "$sqlite_token")" "$CONC")
		grpc_cpu=$(per_write $(($(cpu_ticks "$ppksd") - before)) "$grpc_calls")
		read -r rest_rps rest_p50 rest_p99 < <(wrk_run)
		line+=("$grpc_rps" "$grpc_p50" "$grpc_p99" "$rest_rps" "$rest_p50" "$rest_p99" "$grpc_cpu")
		msg+=", SQLite gRPC $(printf %.0f "$grpc_rps"), REST $(printf %.0f "$rest_rps")"
	else
		line+=(0 0 0 0 0 0 0)
	fi
	if $pg; then
		data=$(request "$pg_case") m=$(meta "$pg_token")
		before=$(cpu_ticks "${pg_daemons[0]}") sbefore=$(pg_ticks)
		read -r one_rps one_p50 one_p99 one_calls < <(ghz_run "${PG_GRPC[0]}" "$data" "$m" "$CONC")
		one_cpu=$(per_write $(($(cpu_ticks "${pg_daemons[0]}") - before)) "$one_calls")
		one_scpu=$(per_write $(($(pg_ticks) - sbefore)) "$one_calls")
		before=$(cpu_ticks "${pg_daemons[@]}") sbefore=$(pg_ticks)
		read -r two_rps two_p50 two_p99 two_calls < <(ghz_two "$data" "$m")
		two_cpu=$(per_write $(($(cpu_ticks "${pg_daemons[@]}") - before)) "$two_calls")
		two_scpu=$(per_write $(($(pg_ticks) - sbefore)) "$two_calls")
		line+=("$one_rps" "$one_p50" "$one_p99" "$one_cpu" "$one_scpu" "$two_rps" "$two_p50" "$two_p99" "$two_cpu" "$two_scpu")
		msg+=", PostgreSQL one process $(printf %.0f "$one_rps"), two $(printf %.0f "$two_rps")"
	fi
	echo "$msg req/s" >&2
	echo "${line[*]}" >>"$rounds"
done

# median COLUMN: the median over the rounds of a column of $rounds.
median() { cut -d' ' -f"$1" "$rounds" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo_rps=$(median 1)
printf '%-52s %10s %9s %9s\n' "median of $ROUNDS rounds" "req/s" "p50 ms" "p99 ms"
printf '%-52s %10.0f %9.2f %9.2f\n' "bare grpc-go echo of CreateIntervention" "$echo_rps" "$(median 2)" "$(median 3)"
if $sqlite; then
	grpc_rps=$(median 4) rest_rps=$(median 7)
	printf '%-52s %10.0f %9.2f %9.2f\n' "CreateIntervention over gRPC, SQLite (durable)" "$grpc_rps" "$(median 5)" "$(median 6)"
	printf '%-52s %10.0f %9.2f %9.2f\n' "CreateIntervention over REST, SQLite (durable)" "$rest_rps" "$(median 8)" "$(median 9)"
fi
if $pg; then
	printf '%-52s %10.0f %9.2f %9.2f\n' "CreateIntervention over gRPC, PostgreSQL, 1 ppksd" "$(median 11)" "$(median 12)" "$(median 13)"
	printf '%-52s %10.0f %9.2f %9.2f\n' "CreateIntervention over gRPC, PostgreSQL, 2 ppksd" "$(median 16)" "$(median 17)" "$(median 18)"
fi
if $sqlite; then
	batches=$(curl -sf "http://$HTTP/metrics" | awk '/^ppks_store_commit_batch_size_(sum|count)/ { v[$1] = $2 } END { printf "%.1f", v["ppks_store_commit_batch_size_sum"] / v["ppks_store_commit_batch_size_count"] }')
	echo "SQLite: writes per group commit (mean over the run): $batches; ppksd CPU per gRPC write (user + system): $(median 10) µs"
	awk -v g="$grpc_rps" -v e="$echo_rps" -v r="$rest_rps" 'BEGIN {
		printf "ratio gRPC ingest / echo ceiling: %.2f (goal >= 0.6)\n", g / e
		printf "ratio REST / gRPC:                %.2f (goal >= 0.6)\n", r / g
	}'
fi
if $pg; then
	retries=0
	for h in "${PG_HTTP[@]}"; do
		retries=$((retries + $(curl -sf "http://$h/metrics" | awk '/^ppks_db_write_retries_total/ { s += $2 } END { printf "%d", s }')))
	done
	echo "PostgreSQL, 1 ppksd: ppksd CPU $(median 14) µs and server CPU $(median 15) µs per write; 2 ppksd: $(median 19) and $(median 20) µs"
	echo "PostgreSQL: writes run again after a conflict, whole run: $retries"
	# Where a write's time goes on the server (pg_stat_statements over the whole run):
	# statements per write, and the server's time in each kind.
	writes=$("$PG_BIN/psql" -h "$work/pg" -U postgres -Atc "SELECT count(*) FROM interventions" bench)
	echo "PostgreSQL statements per write, server time (pg_stat_statements; $writes interventions written):"
	"$PG_BIN/psql" -h "$work/pg" -U postgres -Atc "SELECT to_char(calls::float / $writes, 'FM990.00') || ' calls/write, ' ||
		to_char(total_exec_time * 1000 / $writes, 'FM99990') || ' µs/write: ' || left(regexp_replace(query, '\s+', ' ', 'g'), 90)
		FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'bench') AND calls > $writes / 2
		ORDER BY total_exec_time DESC LIMIT 14" bench | sed 's/^/  /'
	echo "  server time of all statements per write: $("$PG_BIN/psql" -h "$work/pg" -U postgres -Atc "SELECT to_char(sum(total_exec_time) * 1000 / $writes, 'FM99990') FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'bench')" bench) µs"
	awk -v one="$(median 11)" -v two="$(median 16)" -v e="$echo_rps" 'BEGIN {
		printf "ratio PostgreSQL ingest / echo ceiling: %.2f with 1 ppksd, %.2f with 2\n", one / e, two / e
	}'
fi

# The indicator at 10k, 1M and 10M interventions against a plain recount, list pagination
# (page 1 vs page 1000), peak RSS and database size per million: scripts/bench-indicator.sh.
