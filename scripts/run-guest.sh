#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-guest.sh PLAN: boot the test kernel in QEMU and run guest/plan-PLAN.sh.
#
# The guest's root is the cached Debian forky tree (read-only 9p), this
# repository is mounted read-only at /aiaccel, and $RESULTS_DIR/guest is
# its read-write results share.  The serial console is kept in
# $RESULTS_DIR/guest-console.log.  $BUILD_DIR (test kernel modules and the
# binaries to run) is mounted read-only at /aiaccel-build.  A guest that has not powered off after
# $GUEST_TIMEOUT seconds is killed and the run fails.
# Exit status: the plan's, or 1 if the guest died or timed out.

. "$(dirname "$0")/lib.sh"

plan=${1:?usage: run-guest.sh PLAN}
timeout_s=${GUEST_TIMEOUT:-2400}
mem=${GUEST_MEM:-2G}
# GUEST_KERNEL=bench boots the benchmark kernel (build-kernel.sh bench).
stage_name=guest${GUEST_KERNEL:+-$GUEST_KERNEL}
stage=$BUILD_DIR/$stage_name
out=$RESULTS_DIR/guest
console=$RESULTS_DIR/guest-console.log

need_pkgs qemu-system-x86
[ -f "$stage/bzImage" ] || die "no $stage_name kernel: run scripts/build-kernel.sh ${GUEST_KERNEL:-}"
root=$("$AIACCEL_TOP/scripts/guest-root.sh")

rm -rf "$out"
mkdir -p "$out"

accel=tcg
if [ "${AIACCEL_KVM:-0}" = 1 ] && [ -w /dev/kvm ]; then
	accel=kvm
fi

share() {	# share ID PATH TAG [readonly]
	echo "-fsdev local,id=$1,path=$2,security_model=none${4:+,readonly=on}"
	echo "-device virtio-9p-pci,fsdev=$1,mount_tag=$3"
}

cmdline="console=ttyS0 root=aiaccel-root rootfstype=9p ro"
cmdline+=" rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose"
# ACPI gives the guest its CPUs; its PCI interrupt routing (_PRT) is too
# slow to interpret under KASAN in TCG, so legacy routing is used.
cmdline+=" acpi=noirq init=/sbin/aiaccel-init panic=-1 aiaccel_guest.plan=$plan"
cmdline+=" aiaccel_guest.stage=$stage_name"
cmdline+="${GUEST_FILTER:+ aiaccel_guest.filter=$GUEST_FILTER}"
# GUEST_ENV="AIACCEL_SOAK_SEED=7 ...": variables the guest exports for the tests.
for var in ${GUEST_ENV:-}; do
	case $var in
	AIACCEL_*=*) cmdline+=" aiaccel_guest.env=$var" ;;
	*) die "GUEST_ENV: $var: only AIACCEL_*=VALUE" ;;
	esac
done
cmdline+=" ${GUEST_CMDLINE:-}"

# No 5-level paging: with LA57, a timer interrupt that lands early in boot
# (likely when TCG runs slowly on a loaded host) makes KASAN report a
# wild access in rcu_is_watching() before the shadow of the 5-level
# direct map is complete, failing the kernel-log gate for nothing of ours.
cpu=${GUEST_CPU:-max,la57=off}

log "booting the guest ($accel, $stage_name kernel, plan '$plan', timeout ${timeout_s}s)"
start=$(date +%s)
set +e
# shellcheck disable=SC2046 # share() prints one option per line on purpose
timeout --foreground -k 10 "$timeout_s" \
	qemu-system-x86_64 -accel "$accel" -cpu "$cpu" -smp 2 -m "$mem" \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$stage/bzImage" -append "$cmdline" \
	$(share root "$root" aiaccel-root ro) \
	$(share tree "$AIACCEL_TOP" aiaccel ro) \
	$(share build "$BUILD_DIR" build ro) \
	$(share results "$out" results) \
	</dev/null 2>&1 | tee "$console"
qemu_rc=${PIPESTATUS[0]}
set -e
log "guest ran for $(( $(date +%s) - start ))s"

if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
	log "guest timed out after ${timeout_s}s"
	exit 1
fi
# The sleep stage (guest/sleep-stage.sh) reports on the console only:
# its verdict, and any kernel report printed after it began.
if grep -q '^aiaccel-sleep: begin' "$console"; then
	. "$AIACCEL_TOP/guest/splat-re.sh"
	# No verdict line (the guest died, or its console lost it) is a failure.
	verdict=$(grep -o '^aiaccel-sleep: result [a-z]*' "$console" | awk '{ print $3 }' || true)
	splats=$(sed -n '/^aiaccel-sleep: begin/,$p' "$console" | tr -d '\r' | grep -E "$SPLAT_RE" || true)
	if [ -n "$splats" ]; then
		log "sleep stage: kernel reports after the suspend:"
		echo "$splats" | head -n 20
		verdict=fail
	fi
	case $verdict in
	pass) echo "1 0" ;;
	skip) echo "0 0" ;;
	*) echo "0 1" ;;
	esac >"$out/sleep.counts"
	log "sleep stage: ${verdict:-no verdict}"
fi

if [ ! -f "$out/status" ]; then
	log "guest ended without reporting a status (qemu exit $qemu_rc)"
	exit 1
fi
exit "$(cat "$out/status")"
