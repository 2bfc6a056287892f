# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest (guest/lib.sh) and the host (scripts/run-guest.sh).

# Patterns of kernel reports that fail a run: WARN/BUG/oops, lockdep,
# KASAN, kmemleak, debugobjects, hung tasks, list corruption.
SPLAT_RE='WARNING:|BUG:|Oops|general protection fault|Kernel panic|kernel BUG|'\
'possible recursive locking|circular locking dependency|inconsistent lock state|'\
'suspicious RCU usage|KASAN:|UBSAN:|kmemleak: [0-9]+ new suspected|ODEBUG:|'\
'list_add corruption|list_del corruption|blocked for more than|'\
'DEBUG_LOCKS_WARN_ON|INFO: task|Call Trace:'
