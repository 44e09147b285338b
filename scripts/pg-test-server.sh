#!/bin/sh
# pg-test-server.sh: a throwaway PostgreSQL 15 server for the tests.
#   pg-test-server.sh start DIR PORT   initdb in DIR, listen on 127.0.0.1:PORT,
#                                      create databases pgherd and pgherd_unit;
#                                      prints the URL of pgherd
#   pg-test-server.sh createdb DIR PORT NAME   another empty database; prints its URL
#   pg-test-server.sh pause DIR        stop it, keeping its data
#   pg-test-server.sh resume DIR       start it again as it was
#   pg-test-server.sh stop DIR         stop it and remove DIR
# PostgreSQL refuses to run as root, so as root everything runs as the
# `postgres` user that Debian's postgresql-15 package creates.
set -e
BIN=/usr/lib/postgresql/15/bin
cmd=$1 dir=$2 port=${3:-54329}
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
start)
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
	as_pg "$BIN/initdb" -D "$dir/data" -U pgherd --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	# Settings go into the data folder so that `resume` starts the same server.
	as_pg sh -c "cat >> '$dir/data/postgresql.conf'" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 128MB
CONF
	as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null ||
		{ cat "$dir/server.log" >&2; exit 1; }
	as_pg "$BIN/createdb" -h 127.0.0.1 -p "$port" -U pgherd pgherd
	as_pg "$BIN/createdb" -h 127.0.0.1 -p "$port" -U pgherd pgherd_unit
	echo "postgres://pgherd@127.0.0.1:$port/pgherd"
	;;
createdb)
	# pg-test-server.sh createdb DIR PORT NAME: one more empty database; prints its URL
	as_pg "$BIN/createdb" -h 127.0.0.1 -p "$port" -U pgherd "$4"
	echo "postgres://pgherd@127.0.0.1:$port/$4"
	;;
pause)
	as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	;;
resume)
	as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null
	;;
stop)
	[ -d "$dir/data" ] && as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "usage: pg-test-server.sh start DIR PORT | stop DIR" >&2
	exit 2
	;;
esac
