#!/usr/bin/env bash
# Makes a throw-away PostgreSQL cluster for the tests and the benchmark, on 127.0.0.1 and a free
# port, and prints that port once the server accepts connections. The cluster lives while the
# process WATCH_PID lives (the test process): a watchdog then stops the server and removes the
# folder, also after a kill -9 of the tests. Nothing is started as a service; no password (trust,
# loopback only). As root, initdb and the server run as the `postgres` user.
#
#   scripts/pg-cluster.sh DIR WATCH_PID     DIR must not exist yet
#
# PG_CLUSTER_DURABLE=1 keeps PostgreSQL's durable defaults (fsync, full page writes), for the
# benchmark; otherwise they are off, for the tests' speed. PG_CLUSTER_OPTIONS adds server
# options (e.g. "-c shared_buffers=1GB").
set -euo pipefail
dir=$1
watch_pid=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg-cluster.sh: PostgreSQL is not installed (scripts/install-deps.sh --for-tests)" >&2; exit 69; }
as=()
if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi
mkdir -p "$dir"
[ ${#as[@]} -eq 0 ] || chown postgres "$dir"
"${as[@]}" "$bin/initdb" -D "$dir/data" -U ordrecon -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
for try in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300"
  # fsync off: a test cluster is thrown away; a crash of the machine is not what is tested.
  [ "${PG_CLUSTER_DURABLE:-0}" = 1 ] || options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  options+=" ${PG_CLUSTER_OPTIONS:-}"
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" start >/dev/null 2>&1 && break
  port=""
done
[ -n "$port" ] || { echo "pg-cluster.sh: the server did not start:" >&2; tail -20 "$dir/server.log" >&2; exit 1; }
# The watchdog: stops the server and removes the cluster once the watched process is gone.
(
  trap '' HUP INT
  while kill -0 "$watch_pid" 2>/dev/null; do sleep 1; done
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
) </dev/null >/dev/null 2>&1 &
disown
echo "$port"
