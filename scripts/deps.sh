#!/bin/sh
# deps.sh: installs the Debian 12 packages pgherd needs for a purpose
# (run, test or bench) when any is missing. Uses sudo when not root.
set -e
run="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libpq-dev libjansson-dev libsodium-dev libcurl4-openssl-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libqrencode-dev libical-dev libpng-dev libjpeg62-turbo-dev libwebp-dev libexif-dev zlib1g-dev libfreetype-dev fonts-noto-cjk tzdata curl ca-certificates"
test="$run libcmocka-dev postgresql-15 clang libfuzzer-14-dev libclang-rt-14-dev python3 python3-selenium python3-aiosmtpd chromium chromium-driver fonts-noto-cjk curl zbar-tools"
bench="$run wrk curl"

case "${1:-run}" in
run) want=$run ;;
test) want=$test ;;
bench) want=$bench ;;
*) echo "usage: deps.sh run|test|bench" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "pgherd needs these Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
