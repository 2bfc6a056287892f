# SPDX-License-Identifier: GPL-2.0
#
# aiaccel: the two commands are "make run" and "make check"; see README.md.
# Both install what they need (apt, as root) and fetch the Linux tree.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
SCRIPTS := $(TOP)/scripts

.PHONY: all run check kunit host-tests kernel guest-root lib igt guest-check \
	bench bench-model install module deb distro-check checkpatch clean \
	distclean help fashion-model patch

all: lib igt

help:
	@echo "make run          boot the guest, load the driver, run the demo"
	@echo "make check        every test suite, ending in 'N passed, N failed'"
	@echo "make kunit        KUnit suites on UML"
	@echo "make host-tests   tests that need no kernel"
	@echo "make guest-check  the guest part of 'make check' only"
	@echo "make bench        benchmarks in the guest (figures, not pass/fail)"
	@echo "make bench-model  the hardware model's GEMM throughput vs userspace"
	@echo "make install      libaidrv, its headers, tools, man pages, udev rule"
	@echo "                  (PREFIX=/usr/local, DESTDIR=)"
	@echo "make deb          Debian packages (aiaccel-dkms, libaidrv1, libaidrv-dev,"
	@echo "                  aidrv-tools) into build/deb, checked by lintian"
	@echo "make distro-check the packages installed on Debian trixie, DKMS, and"
	@echo "                  Debian's own 7.3 kernel booted with them (part of check)"
	@echo "make module KDIR=/lib/modules/\$$(uname -r)/build"
	@echo "                  build aiaccel.ko and aiaccel_sim.ko out of tree"
	@echo "make checkpatch   checkpatch.pl --strict on the kernel sources"
	@echo "make patch        the driver as a patch series against Linux 7.3,"
	@echo "                  into build/patches (checked by make check)"
	@echo "make lib igt      userspace only, into build/"
	@echo "make fashion-model  retrain the Fashion-MNIST demo (PyTorch, ~3 min)"

run:
	$(SCRIPTS)/run.sh

# Reproducible (seeded, one thread): demo/train_fashion.py.
fashion-model:
	$(MAKE) -C demo fashion

check:
	$(SCRIPTS)/check.sh

kunit:
	$(SCRIPTS)/kunit.sh

host-tests:
	$(SCRIPTS)/host-tests.sh

kernel:
	$(SCRIPTS)/build-kernel.sh

guest-root:
	$(SCRIPTS)/guest-root.sh

lib:
	$(MAKE) -C libaidrv O=$(TOP)/build/libaidrv

install:
	$(MAKE) -C libaidrv O=$(TOP)/build/libaidrv install

igt:
	$(MAKE) -C igt-tests O=$(TOP)/build/igt

guest-check:
	$(SCRIPTS)/build-all.sh check
	$(SCRIPTS)/run-guest.sh check

# Figures, never pass/fail: every bench/bench_*.c, run in the guest by
# guest/plan-bench.sh; the output is build/results/guest/bench.txt.  They
# run on the benchmark kernel (guest/kernel-bench.config: no KASAN,
# lockdep or kmemleak); BENCH_KERNEL=test runs them on the test kernel.
BENCH_KERNEL ?= bench
bench:
	$(SCRIPTS)/build-all.sh run
	$(if $(filter bench,$(BENCH_KERNEL)),$(SCRIPTS)/build-kernel.sh bench)
	$(MAKE) -s -C bench O=$(TOP)/build/bench
	GUEST_KERNEL=$(filter bench,$(BENCH_KERNEL)) $(SCRIPTS)/run-guest.sh bench >/dev/null; \
		rc=$$?; cat $(TOP)/build/results/guest/bench.txt; exit $$rc

bench-model:
	$(MAKE) bench GUEST_FILTER=bench_model

# Out-of-tree build against a configured Linux 7.3 tree, e.g. a distro's
# headers package.  Needs CONFIG_DRM_ACCEL, DRM_SCHED, DRM_GEM_SHMEM_HELPER,
# REGMAP and IRQ_SIM in that kernel.  The uAPI headers are found here; their
# #include "drm.h" finds the kernel's drm.h in its include/uapi/drm
# ($(srctree) is expanded by Kbuild).
KDIR ?= /lib/modules/$(shell uname -r)/build
module:
	$(MAKE) -C $(KDIR) M=$(TOP)/drivers/accel/aiaccel \
		CONFIG_DRM_ACCEL_AIACCEL=m CONFIG_DRM_ACCEL_AIACCEL_SIM=m \
		'KCPPFLAGS=-I$(TOP)/include/uapi -I$$(srctree)/include/uapi/drm' modules

# Debian packages, from packaging/debian, versioned by scripts/version.sh (libaidrv/include/aidrv.h).
deb:
	$(SCRIPTS)/deb.sh

# The distribution stage of "make check" alone.
distro-check:
	$(SCRIPTS)/distro-check.sh

checkpatch:
	$(SCRIPTS)/checkpatch.sh

# The driver as a patch series for the kernel's mailing lists:
# scripts/patch-series/series says which file goes in which patch.
patch:
	$(SCRIPTS)/patch-series.sh

clean:
	rm -rf build
	-$(MAKE) -s -C $(KDIR) M=$(TOP)/drivers/accel/aiaccel clean 2>/dev/null

distclean: clean
	@echo "the cache in $${AIACCEL_CACHE:-$$HOME/.cache/aiaccel} is kept; remove it by hand"
