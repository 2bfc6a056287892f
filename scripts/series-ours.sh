# SPDX-License-Identifier: GPL-2.0
# Sourced by scripts/series-check.sh (and its gate in harness-selftest.sh).
#
# ours FILE: the warnings and errors in FILE (a kernel build's, Sphinx's)
# about our files.  Matched by our directories and file names, not by the
# word "aiaccel" anywhere: the trees live under $AIACCEL_CACHE,
# ~/.cache/aiaccel by default, and there every absolute path has the
# word in it, whoever's file it names.
our_paths='(drivers|Documentation)/accel/aiaccel/'
our_paths+='|(^|[^[:alnum:]_])aiaccel(_[[:alnum:]_]+)?\.(c|h|o|ko|rst)([^[:alnum:]_]|$)'
our_paths+='|sysfs-driver-aiaccel|drivers/accel/(Kconfig|Makefile)|Documentation/accel/index'
ours() {
	grep -E '(warning|error|WARNING|ERROR)' "$1" | grep -E "$our_paths" || true
}
