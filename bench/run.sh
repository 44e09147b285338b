#!/bin/sh
# run.sh: `make bench`: wrk against a release build on SQLite and PostgreSQL.
set -e
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/bench.py "$@"
