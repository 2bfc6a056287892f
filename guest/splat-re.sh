# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest (guest/lib.sh) and the host (scripts/run-guest.sh).

# Patterns of kernel reports that fail a run: WARN/BUG/oops, lockdep,
# KASAN, kmemleak, debugobjects, hung tasks, list corruption.
SPLAT_RE='WARNING:|BUG:|Oops|general protection fault|Kernel panic|kernel BUG|'\
'possible recursive locking|circular locking dependency|inconsistent lock state|'\
'suspicious RCU usage|KASAN:|UBSAN:|kmemleak: [0-9]+ new suspected|ODEBUG:|'\
'list_add corruption|list_del corruption|blocked for more than|'\
'DEBUG_LOCKS_WARN_ON|INFO: task|Call Trace:'

# unexpected_errors <RAW-DMESG: error-level kernel records of aiaccel (the
# driver's drm_err(), the model's pr_err()) that no test asked for, from
# "dmesg -r" (records with their "<level>" prefix).  A test that provokes
# one on purpose says so the way IGT tests do for igt_runner, with
# igt_emit_ignore_dmesg_regex(): a record matching the regex it emitted in
# the same (dynamic) subtest is expected.  Anything else, in an IGT test or
# outside one (library tests, loading and unloading), is printed.
unexpected_errors() {
	awk '
		/starting (dynamic )?subtest / { ignore = "" }
		/add ignored dmesg regex: / {
			marker = "add ignored dmesg regex: "
			ignore = substr($0, index($0, marker) + length(marker))
		}
		/^<[0-3]>/ && /aiaccel/ {
			if (ignore == "" || $0 !~ ignore)
				print "unexpected aiaccel error: " $0
		}'
}
