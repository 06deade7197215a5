#!/usr/bin/env bash
# Benchmarks of reading at scale (issue 6), on generated data (cmd/ppksgen):
#   - the indicator from the maintained counts, p50/p99, and the ratio against a plain
#     recount of the same figure (CountFacts + CountsFromFacts), measured in the same run;
#   - list pagination: page 1 vs page 1000 (keyset: about equal);
#   - peak RSS and database size per million interventions; generation time.
# Usage: scripts/bench-indicator.sh [--backend sqlite|postgres|all]   (default sqlite)
#        SIZES="10000 1000000" picks sizes (default 10k, 1M and 10M); BENCHTIME=2000x the
#        calls per measurement.
# The databases are generated once into $PPKS_BENCH_DIR (default .bench/, gitignored)
# and reused; delete them to generate again. With --backend postgres (or all), each
# generated SQLite database is moved once with ppksctl migrate into a database of a
# durable cluster kept in $PPKS_BENCH_DIR/pg (scripts/pgcluster.sh, started and stopped
# here), and the indicator is measured there too.
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
SIZES=${SIZES:-"10000 1000000 10000000"}
BENCHTIME=${BENCHTIME:-2000x}
export PPKS_BENCH_DIR=${PPKS_BENCH_DIR:-$PWD/.bench}
export PPKS_BENCH_LARGE=1
mkdir -p "$PPKS_BENCH_DIR"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem/ { print $2 }') GiB RAM"
go build -o "$PPKS_BENCH_DIR/ppksgen" ./cmd/ppksgen

names=()
for n in $SIZES; do
	case $n in
	10000) names+=(10k) ;;
	1000000) names+=(1M) ;;
	10000000) names+=(10M) ;;
	*) echo "size $n: the benchmarks know 10000, 1000000 and 10000000" >&2; exit 2 ;;
	esac
	# The name the benchmarks look for (indicator_bench_test.go, benchPath).
	db=$PPKS_BENCH_DIR/indicator-$n-k5-2021-2025-s1.db
	if [ ! -e "$db" ]; then
		echo "== generating $n interventions"
		rm -f "$db.partial" "$db.partial-wal" "$db.partial-shm"
		"$PPKS_BENCH_DIR/ppksgen" --db "$db.partial" --interventions "$n" --kabupaten 5 --years 2021-2025 --seed 1
		mv "$db.partial" "$db"
	fi
	echo "$n interventions: database $(($(stat -c %s "$db") >> 20)) MiB"
done

if [ "$BACKEND" != sqlite ]; then
	pgdir=$PPKS_BENCH_DIR/pg
	scripts/pgcluster.sh start "$pgdir"
	trap 'scripts/pgcluster.sh stop "$pgdir"' EXIT
	go build -o "$PPKS_BENCH_DIR/ppksctl" ./cmd/ppksctl
	for n in $SIZES; do
		dsn=$(scripts/pgcluster.sh dsn "$pgdir" "indicator_$n")
		psql=(/usr/lib/postgresql/15/bin/psql -h "$pgdir" -U postgres -Atq "indicator_$n")
		held=0
		if [ "$("${psql[@]}" -c "SELECT to_regclass('interventions') IS NOT NULL")" = t ]; then
			held=$("${psql[@]}" -c "SELECT count(*) FROM interventions")
		fi
		if [ "$held" != "$n" ]; then
			echo "== moving $n interventions to PostgreSQL (ppksctl migrate)"
			/usr/lib/postgresql/15/bin/dropdb -h "$pgdir" -U postgres "indicator_$n"
			dsn=$(scripts/pgcluster.sh dsn "$pgdir" "indicator_$n")
			/usr/bin/time -f "migrate: %e s, peak RSS %M KiB" "$PPKS_BENCH_DIR/ppksctl" migrate \
				--from "$PPKS_BENCH_DIR/indicator-$n-k5-2021-2025-s1.db" --to "$dsn" >"$PPKS_BENCH_DIR/migrate-$n.txt"
			tail -n 3 "$PPKS_BENCH_DIR/migrate-$n.txt"
		fi
	done
	export PPKS_BENCH_PG="postgres://postgres@/%s?host=$pgdir&sslmode=disable"
	go test -c -o "$PPKS_BENCH_DIR/postgres.test" ./internal/store/postgres
	echo "== PostgreSQL: the indicator ($BENCHTIME calls each)"
	pgout=
	for name in "${names[@]}"; do
		pgout+=$(cd internal/store/postgres && "$PPKS_BENCH_DIR/postgres.test" -test.run '^$' \
			-test.bench "^BenchmarkIndicator/$name\$" -test.benchtime "$BENCHTIME" -test.timeout 60m | grep -E '^Benchmark')
		pgout+=$'\n'
	done
	echo "$pgout" | grep -E '^Benchmark'
fi
[ "$BACKEND" = postgres ] && exit 0

# One process per size, so that each peak RSS is that size's own.
go test -c -o "$PPKS_BENCH_DIR/sqlite.test" ./internal/store/sqlite
echo "== benchmarks ($BENCHTIME calls each)"
out=
for name in "${names[@]}"; do
	out+=$(cd internal/store/sqlite && "$PPKS_BENCH_DIR/sqlite.test" -test.run '^$' \
		-test.bench "^Benchmark(Indicator|ListPage)/$name\$" -test.benchtime "$BENCHTIME" -test.timeout 60m | grep -E '^Benchmark')
	out+=$'\n'
done
echo "$out" | grep -E '^Benchmark'

# metric NAME LINE: the value reported with unit NAME on a benchmark line.
metric() { awk -v m="$1" '{ for (i = 2; i <= NF; i++) if ($i == m) print $(i-1) }' <<<"$2"; }
echo
printf '%-6s %9s %9s %12s %10s %8s %10s %10s %12s %12s %8s\n' size p50-ms p99-ms recount-ms ratio rss-MiB recount-rss db-MiB/M page1-ms page1000-ms ratio
for name in "${names[@]}"; do
	ind=$(grep "^BenchmarkIndicator/$name-" <<<"$out" || true)
	page=$(grep "^BenchmarkListPage/$name-" <<<"$out" || true)
	printf '%-6s %9s %9s %12s %10s %8s %10s %10s %12s %12s %8s\n' "$name" \
		"$(metric p50-ms "$ind")" "$(metric p99-ms "$ind")" "$(metric recount-p50-ms "$ind")" \
		"$(metric recount/maintained "$ind")" "$(metric peak-rss-MB "$ind")" "$(metric recount-peak-rss-MB "$ind")" \
		"$(metric db-MiB/M "$ind")" \
		"$(metric page1-p50-ms "$page")" "$(metric page1000-p50-ms "$page")" "$(metric page1000/page1 "$page")"
done
echo "goal: indicator p99 <= 20 ms at 10M; ratio = recount p50 / maintained p50 (same run)"
