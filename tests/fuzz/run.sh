#!/bin/sh
# run.sh SECONDS FUZZER...: runs each libFuzzer target for SECONDS on its
# corpus (seeded from tests/fuzz/seeds/NAME); fails on any crash or report.
set -u
secs=$1
shift
rc=0
for bin in "$@"; do
	name=$(basename "$bin" | sed 's/^fuzz_//')
	corpus=build/fuzz/corpus-$name
	mkdir -p "$corpus"
	cp -n tests/fuzz/seeds/$name/* "$corpus"/ 2>/dev/null
	echo "fuzz $name for ${secs}s"
	if ! "$bin" -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix=build/fuzz/ "$corpus" >"build/fuzz/$name.log" 2>&1; then
		echo "fuzz $name FAILED:"
		tail -60 "build/fuzz/$name.log"
		rc=1
	else
		grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build/fuzz/$name.log" | tr '\n' ' '
		echo
	fi
done
exit $rc
