#!/bin/sh
# fetch-npm.sh NAME VERSION SHA512 OUT.tgz: downloads a package published on
# the npm registry once, and keeps it only if its SHA-512 is the one the
# Makefile pins (the registry's own "integrity" of that version). To build
# without a network, put the file at OUT.tgz first.
set -e
name=$1 version=$2 sum=$3 out=$4
url="https://registry.npmjs.org/$name/-/$name-$version.tgz"
mkdir -p "$(dirname "$out")"
if ! curl -sSfL --retry 3 -o "$out.part" "$url"; then
	rm -f "$out.part"
	echo "pgherd: could not download $url (the door page's QR scanner)." >&2
	echo "pgherd: download it elsewhere and put it at $out, then run make again." >&2
	exit 1
fi
if [ "$(sha512sum "$out.part" | cut -d' ' -f1)" != "$sum" ]; then
	rm -f "$out.part"
	echo "pgherd: $url is not the file the Makefile pins (SHA-512 differs); not used." >&2
	exit 1
fi
mv "$out.part" "$out"
