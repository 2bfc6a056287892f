#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# apt-foreign.sh SUITE CMD...: run an apt command (apt-get download,
# apt-cache ...) against another Debian suite without touching the host's
# apt state.  The archive URI is read from the host's own apt sources, so no
# mirror host name lives in this repository.
#
#   apt-foreign.sh trixie-backports apt-get download linux-source-7.3
#   apt-foreign.sh --print-uri      (print the URI and exit)

. "$(dirname "$0")/lib.sh"

# The first "deb" URI of the main Debian archive (not -security) in the
# host's sources, in either one-line or deb822 format.
host_debian_uri() {
	local f uri=
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; exit } }' "$f" |
			grep -v -- '-security' | head -n1) || true
		[ -n "$uri" ] && { echo "$uri"; return; }
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f" |
			grep -v -- '-security' | head -n1) || true
		[ -n "$uri" ] && { echo "$uri"; return; }
	done
	die "no Debian archive URI in the host's apt sources"
}

[ $# -ge 1 ] || die "usage: $0 SUITE CMD... | --print-uri"
if [ "$1" = --print-uri ]; then host_debian_uri; exit 0; fi

suite=$1; shift
uri=$(host_debian_uri)
root=$AIACCEL_CACHE/apt/$suite
mkdir -p "$root/lists/partial" "$root/cache/archives/partial" "$root/etc"
for type in deb deb-src; do
	echo "$type [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main"
done >"$root/etc/sources.list"

opts=(
	-o "Dir::Etc::SourceList=$root/etc/sources.list"
	-o "Dir::Etc::SourceParts=/dev/null"
	-o "Dir::State::Lists=$root/lists"
	-o "Dir::Cache=$root/cache"
	-o "Dir::State::status=/dev/null"
	-o "APT::Get::List-Cleanup=0"
	# Snapshots of testing suites carry Release files that have expired.
	-o "Acquire::Check-Valid-Until=false"
	-o "Debug::NoLocking=1"
	-o "APT::Sandbox::User=root"
)

# Refresh the suite's lists at most once a day.
if [ -z "$(find "$root/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
	apt-get "${opts[@]}" -qq update >&2
fi
cmd=$1; shift
exec "$cmd" "${opts[@]}" "$@"
