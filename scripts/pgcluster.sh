#!/usr/bin/env bash
# A PostgreSQL cluster of its own for the benchmarks (scripts/bench.sh --backend,
# scripts/bench-indicator.sh --backend postgres), durable as in production (fsync and
# synchronous commits on), on a Unix socket in its directory only:
#   scripts/pgcluster.sh start DIR    initdb when DIR has no cluster yet, then start it
#   scripts/pgcluster.sh stop DIR     stop it (fast shutdown)
#   scripts/pgcluster.sh dsn DIR DB   print the URL of database DB (created when missing)
# Run as root, the cluster runs as the user postgres (PostgreSQL refuses root); DIR must
# be reachable by it. Binaries: PPKS_PG_BIN, else Debian's /usr/lib/postgresql/15/bin.
set -euo pipefail
cmd=${1:?start, stop or dsn}
dir=$(realpath -m "${2:?the cluster directory}")
bin=${PPKS_PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$bin/postgres" ] || { echo "no PostgreSQL in $bin: apt-get install postgresql-15, or set PPKS_PG_BIN" >&2; exit 1; }
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi

case $cmd in
start)
	mkdir -p "$dir"
	[ ${#as[@]} -eq 0 ] || chown postgres "$dir"
	if [ ! -e "$dir/data/PG_VERSION" ]; then
		"${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
	fi
	# Settings for a 2-core machine shared with the load generators; see docs/performance.md.
	"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -o "-k $dir -c listen_addresses='' \
		-c max_connections=200 -c shared_buffers=512MB -c max_pred_locks_per_transaction=256 \
		-c work_mem=16MB -c maintenance_work_mem=512MB -c max_wal_size=4GB -c checkpoint_timeout=15min \
		-c random_page_cost=1.1 -c effective_cache_size=8GB \
		-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" start >/dev/null
	;;
stop)
	[ -e "$dir/data/postmaster.pid" ] && "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
	;;
dsn)
	db=${3:?the database}
	if ! "$bin/psql" -h "$dir" -U postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = '$db'" postgres | grep -q 1; then
		"$bin/createdb" -h "$dir" -U postgres "$db"
	fi
	echo "postgres://postgres@/$db?host=$dir&sslmode=disable"
	;;
*)
	echo "usage: $0 start|stop DIR, or $0 dsn DIR DB" >&2
	exit 2
	;;
esac
