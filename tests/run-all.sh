#!/bin/sh
# run-all.sh: every test suite, as `make test` runs it:
#   unit tests (cmocka) under ASan+UBSan, storage tests on SQLite and PostgreSQL;
#   the HTTP suite against the ASan+UBSan binary, on SQLite and on PostgreSQL;
#   the schema comparison between the engines; the browser test; fuzz smoke runs.
# A throwaway PostgreSQL 15 is started on a free loopback port and removed at
# the end, also when a suite fails or the run is interrupted; each suite
# gets a database of its own.
set -u
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
PGDIR=$(mktemp -d /tmp/pgherd-pg-XXXXXX)
PGPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { scripts/pg-test-server.sh stop "$PGDIR"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=66"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

PGURL=$(scripts/pg-test-server.sh start "$PGDIR" "$PGPORT") || { echo "cannot start PostgreSQL"; exit 1; }
PGUNIT="postgres://pgherd@127.0.0.1:$PGPORT/pgherd_unit"

passed=0
failed=0
failures=""
suite() {
	name=$1
	shift
	echo
	echo "== $name"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures="$failures $name"
		echo "!! $name FAILED"
	fi
}

for t in build/asan/tests/test_*; do
	suite "unit:$(basename "$t")" env PGHERD_TEST_PG_URL="$PGUNIT" PGHERD_REQUIRE_PG=1 "$t"
done

schema_parity() {
	tmp=$(mktemp -d)
	PGHERD_DATABASE="sqlite:$tmp/s.db" build/pgherd migrate >/dev/null &&
		PGHERD_DATABASE="sqlite:$tmp/s.db" build/pgherd schema >"$tmp/sqlite.txt" &&
		PGHERD_DATABASE="$PGURL" build/pgherd migrate >/dev/null &&
		PGHERD_DATABASE="$PGURL" build/pgherd schema >"$tmp/postgres.txt" &&
		test -s "$tmp/sqlite.txt" &&
		diff -u "$tmp/sqlite.txt" "$tmp/postgres.txt" &&
		echo "both engines: $(wc -l <"$tmp/sqlite.txt") identical table.column lines"
	rc=$?
	rm -rf "$tmp"
	return $rc
}
suite "schema:sqlite=postgres" schema_parity

suite "http:sqlite" $PY tests/http/test_http.py build/pgherd-asan
suite "http:postgres" env PGHERD_TEST_PG_DIR="$PGDIR" $PY tests/http/test_http.py build/pgherd-asan "$PGURL"
# The feature suites, each on SQLite and on a PostgreSQL database of its own.
for feature in accounts profiles orgs api files roles events record contest content wishes numbers channels ads plan; do
	suite "$feature:sqlite" $PY "tests/http/test_$feature.py" build/pgherd-asan
	suite "$feature:postgres" $PY "tests/http/test_$feature.py" build/pgherd-asan \
		"$(scripts/pg-test-server.sh createdb "$PGDIR" "$PGPORT" "pgherd_$feature")"
done
# A registration rush and a crash in the middle of one; two servers on PostgreSQL.
suite "rush:sqlite" $PY tests/http/test_rush.py build/pgherd-asan build/burst
suite "rush:postgres" $PY tests/http/test_rush.py build/pgherd-asan build/burst \
	"$(scripts/pg-test-server.sh createdb "$PGDIR" "$PGPORT" pgherd_rush)"
# Backups of live servers under writes, restored across engines both ways.
suite "backup" $PY tests/http/test_backup.py build/pgherd-asan \
	"$(scripts/pg-test-server.sh createdb "$PGDIR" "$PGPORT" pgherd_backup_a)" \
	"$(scripts/pg-test-server.sh createdb "$PGDIR" "$PGPORT" pgherd_backup_b)"
suite "browser" $PY tests/browser/test_home.py build/pgherd-asan
suite "browser:events" $PY tests/browser/test_events.py build/pgherd-asan
suite "browser:content" $PY tests/browser/test_content.py build/pgherd-asan
suite "browser:wishes" $PY tests/browser/test_wishes.py build/pgherd-asan
suite "browser:numbers" $PY tests/browser/test_numbers.py build/pgherd-asan
suite "fuzz-smoke" make -s fuzz-smoke

echo
[ -n "$failures" ] && echo "failed suites:$failures"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
