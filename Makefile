# SPDX-License-Identifier: GPL-2.0
#
# lpc: NT-style LPC ports for Linux. 'make help' lists the targets.
#
# The module has its own Makefile (module/), and so do lib/ and each tool
# under tools/. This file builds them into build/ and drives the QEMU test
# harness in selftests/qemu/ (see Documentation/testing.rst).

KVER	?= 6.1
T	?=
BUILD	:= $(CURDIR)/build
QEMU	:= $(CURDIR)/selftests/qemu

# Passed through to selftests/qemu/vm.sh.
export KVER T BUILD VM_TIMEOUT TEST_TIMEOUT VM_MEM VM_SMP BENCH_ARGS BENCH_RUNS \
	LPC_CACHE CHECK_M32
export FUZZ_SECONDS FUZZ_SEED FUZZ_ARGS CHECK_FUZZ_SECONDS CHECK_FUZZ_SEEDS

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --silent --no-print-directory
endif

# Tools: tools/Makefile if there is one, else every tools/*/Makefile.
TOOL_DIRS := $(if $(wildcard tools/Makefile),tools,\
		$(patsubst %/Makefile,%,$(wildcard tools/*/Makefile)))

.PHONY: all module help deps deps-kernel-files userspace selftests \
	selftests32 lib tools check check-debug check-kcsan check-kselftest \
	coverage run shell bench lint clean docs profile

all: module

help:
	@echo 'lpc targets:'
	@echo '  all, module  build module/lpc.ko for the running kernel'
	@echo '               (KDIR=<kernel build dir> for another one)'
	@echo '  check        build everything, boot Debian 12'"'"'s kernel in QEMU, run the'
	@echo '               selftests; ends with "N passed, N failed"'
	@echo '               KVER=6.12   the same on Debian'"'"'s 6.12 kernel (backports)'
	@echo '               T=pattern   only test binaries or tests matching *pattern*'
	@echo '  check-debug  the same on a KASAN/lockdep/kmemleak kernel built from'
	@echo '               linux-source-6.1 (cached; a cold build takes ~13 min idle),'
	@echo '               then lpcfuzz 60 s with seed 1 and with seed 2'
	@echo '  check-kcsan  the same on a KCSAN kernel built the same way; a data race'
	@echo '               report that names lpc fails the run'
	@echo '  coverage     line and branch coverage of lpc.ko from the debug-kernel'
	@echo '               runs made so far (HTML in build/coverage/)'
	@echo '  run          boot the VM and run the demo (tools/demo/demo.sh)'
	@echo '  shell        boot the VM to an interactive shell (Ctrl-a x quits)'
	@echo '  bench        run lpcbench in the VM, under icount and under -smp 2;'
	@echo '               CSV in build/bench/ (BENCH_ARGS=... for lpcbench)'
	@echo '  fuzz         run lpcfuzz in the VM (FUZZ_SECONDS=120, FUZZ_SEED=random,'
	@echo '               FUZZ_ARGS=...), then rmmod and, on debug kernels, kmemleak;'
	@echo '               KVER=debug or KVER=kcsan for the debug kernels'
	@echo '  lint         checkpatch --strict, sparse and a W=1 build of the module'
	@echo '  docs         Documentation/ to HTML in build/docs (Sphinx, kernel-doc;'
	@echo '               warnings are errors)'
	@echo '  profile      where the instructions of a 64-byte round trip go: one'
	@echo '               icount VM run under the function graph tracer'
	@echo '  install      install lpc.ko, liblpc, headers, man pages and portctl'
	@echo '               (PREFIX, DESTDIR; uninstall removes them)'
	@echo '  check-install  make install into a scratch DESTDIR and check it'
	@echo '  check-unit   liblpc'"'"'s and portctl'"'"'s own tests, on the host'
	@echo '  check-dkms   Debian'"'"'s dkms builds lpc for the VM'"'"'s 6.1 and 6.12 kernels'
	@echo '               (scratch trees); the VM boots it, T=version and T=msg'
	@echo '  deb          Debian packages lpc-dkms, liblpc1, liblpc-dev, lpc-tools'
	@echo '               in build/deb/, checked by lintian'
	@echo '  check-deb    the packages installed, checked and purged in a'
	@echo '               throw-away Debian 12 chroot (debootstrap; root)'
	@echo '  dkms-src     the module'"'"'s sources to /usr/src/lpc-<version> for'
	@echo '               '"'"'dkms install'"'"' (dkms-uninstall removes them)'
	@echo '  check-kselftest  build selftests/lpc as a kselftest inside the'
	@echo '               linux-source-6.1 tree of the debug kernel (no run)'
	@echo '  userspace    build the selftests, lib/ and tools/ (static) into build/'
	@echo '  deps         install the Debian packages the targets need (the'
	@echo '               build targets install nothing)'
	@echo '  clean        remove build/ and the module'"'"'s build products'
	@echo
	@echo 'Variables: KVER, T, V=1 (verbose), VM_TIMEOUT, TEST_TIMEOUT, VM_MEM,'
	@echo 'VM_SMP, BENCH_ARGS, BENCH_RUNS, LPC_CACHE (kernel cache, default ~/.cache/lpc).'
	@echo 'fuzz: FUZZ_SECONDS, FUZZ_SEED, FUZZ_ARGS (lpcfuzz options, see tools/lpcfuzz).'
	@echo 'check-debug/-kcsan: CHECK_FUZZ_SECONDS (0 = no lpcfuzz), CHECK_FUZZ_SEEDS.'

module:
	$(Q)$(MAKE) -C module $(if $(KDIR),KDIR=$(KDIR))

# Only deps (and the commands that boot the VM or lint, through it)
# install packages; the build targets below just say what is missing.
# linux-source-6.12 gives the kselftest harness and lib.mk the selftests
# build with, linux-source-6.1 checkpatch (kernel-files.sh).
KFILES_PKGS := linux-source-6.1 linux-source-6.12 xz-utils perl

deps: deps-kernel-files
	$(Q)$(QEMU)/deps.sh
	$(Q)$(QEMU)/deps.sh m32

deps-kernel-files:
	$(Q)$(QEMU)/deps.sh $(KFILES_PKGS)

$(BUILD)/kselftest/lib.mk: $(QEMU)/kernel-files.sh
	$(Q)$(QEMU)/kernel-files.sh $(BUILD)

# selftests/lpc is a kselftest: its Makefile includes lib.mk, here the one
# extracted into build/kselftest; the VM has no libc, hence -static.
KSFT_MAKE = $(MAKE) -C selftests/lpc KSFT_DIR=$(BUILD)/kselftest \
	USERLDFLAGS=-static

selftests: $(BUILD)/kselftest/lib.mk
	$(Q)mkdir -p $(BUILD)/selftests
	$(Q)$(KSFT_MAKE) OUTPUT=$(BUILD)/selftests

# The same tests as 32-bit programs, run next to the 64-bit ones (vm.sh).
selftests32: $(BUILD)/kselftest/lib.mk
	$(Q)mkdir -p $(BUILD)/selftests32
	$(Q)$(KSFT_MAKE) OUTPUT=$(BUILD)/selftests32 M32=1

# selftests/lpc copied into the linux-source-6.1 tree of the debug kernel
# (selftests/qemu/debug-kernel.sh), built there as any kselftest is: with
# that tree's lib.mk and harness. Build only; the tests run in the VM.
check-kselftest: deps-kernel-files
	$(Q)selftests/qemu/kselftest-tree.sh

# Convention for lib/ and tools/ (Documentation/testing.rst):
#   make -C lib O=<abs dir>                     liblpc.a (and .so) in <dir>
#   make -C tools/<t> O=<abs dir> STATIC=1 LIBLPC_DIR=<lib's O>
#                                               static binaries in <dir>
lib:
	$(Q)$(if $(wildcard lib/Makefile),$(MAKE) -C lib O=$(BUILD)/lib)

tools: lib
	$(Q)$(foreach d,$(TOOL_DIRS),\
		$(MAKE) -C $(d) O=$(BUILD)/bin STATIC=1 LIBLPC_DIR=$(BUILD)/lib &&) true

userspace: selftests selftests32 lib tools

check: deps userspace
	$(Q)$(QEMU)/vm.sh check

check-debug: deps userspace
	$(Q)KVER=debug $(QEMU)/vm.sh check

check-kcsan: deps userspace
	$(Q)KVER=kcsan $(QEMU)/vm.sh check

# Coverage of lpc.ko from the debug-kernel runs made so far (gcov).
coverage:
	$(Q)$(QEMU)/coverage.sh

run: deps userspace
	$(Q)$(QEMU)/vm.sh run

shell: deps userspace
	$(Q)$(QEMU)/vm.sh shell

bench: deps userspace
	$(Q)$(QEMU)/vm.sh bench

.PHONY: fuzz
fuzz: deps userspace
	$(Q)$(QEMU)/vm.sh fuzz

lint: deps-kernel-files
	$(Q)$(QEMU)/lint.sh

# Sphinx, with the kernel's kernel-doc (Documentation/sphinx/build.sh).
docs:
	$(Q)Documentation/sphinx/build.sh $(BUILD)/docs

# tools/lpcbench/profile/: BENCH_ARGS replaces the one 64-byte cell.
profile:
	$(Q)tools/lpcbench/profile/profile.sh $(BENCH_ARGS)

clean:
	$(Q)rm -rf $(BUILD)
	$(Q)cd module && rm -rf *.o *.ko *.mod *.mod.c .*.cmd .*.d .tmp_versions \
		modules.order Module.symvers

# Installation, on a real host. DESTDIR stages it (no depmod then);
# KERNELRELEASE and KDIR pick another kernel than the running one.
PREFIX		?= /usr/local
KERNELRELEASE	?= $(shell uname -r)
MODDIR		:= /lib/modules/$(KERNELRELEASE)/extra
SBINDIR		:= $(PREFIX)/sbin
MAN8DIR		:= $(PREFIX)/share/man/man8
COMPLETIONDIR	:= $(PREFIX)/share/bash-completion/completions

install: module
	$(Q)install -D -m 644 module/lpc.ko $(DESTDIR)$(MODDIR)/lpc.ko
	$(Q)$(if $(DESTDIR),true,depmod -a $(KERNELRELEASE))
	$(Q)$(MAKE) -C lib install O=$(BUILD)/lib PREFIX=$(PREFIX) \
		DESTDIR=$(DESTDIR)
	$(Q)$(MAKE) -C tools/portctl O=$(BUILD)/host LIBLPC_DIR=$(BUILD)/lib
	$(Q)install -D -m 755 $(BUILD)/host/portctl $(DESTDIR)$(SBINDIR)/portctl
	$(Q)install -D -m 644 tools/portctl/portctl.8 \
		$(DESTDIR)$(MAN8DIR)/portctl.8
	$(Q)install -D -m 644 tools/portctl/bash-completion/portctl \
		$(DESTDIR)$(COMPLETIONDIR)/portctl

uninstall:
	$(Q)rm -f $(DESTDIR)$(MODDIR)/lpc.ko $(DESTDIR)$(SBINDIR)/portctl \
		$(DESTDIR)$(MAN8DIR)/portctl.8 $(DESTDIR)$(COMPLETIONDIR)/portctl
	$(Q)$(if $(DESTDIR),true,depmod -a $(KERNELRELEASE))
	$(Q)$(MAKE) -C lib uninstall O=$(BUILD)/lib PREFIX=$(PREFIX) \
		DESTDIR=$(DESTDIR)

# make install into a scratch DESTDIR, with pkg-config and uninstall.
check-install:
	$(Q)selftests/install/install-test.sh

# liblpc's and portctl's own tests, on the host (no VM, no module).
check-unit: deps lib
	$(Q)$(MAKE) -C lib O=$(BUILD)/lib test && \
		$(MAKE) -C tools/portctl O=$(BUILD)/unit/portctl \
			LIBLPC_DIR=$(BUILD)/lib test

.PHONY: install uninstall check-install check-unit

# Packaging (Documentation/packaging.rst). The version lives in VERSION.
LPC_VERSION	:= $(shell cat $(CURDIR)/VERSION)
DKMS_SOURCETREE	?= /usr/src

# The module's sources where DKMS looks for them; then
# 'dkms install lpc/$(LPC_VERSION)' builds and installs lpc.ko.
dkms-src:
	$(Q)packaging/dkms-src.sh $(DESTDIR)$(DKMS_SOURCETREE)/lpc-$(LPC_VERSION)

dkms-uninstall:
	$(Q)if dkms status -m lpc -v $(LPC_VERSION) | grep -q .; then \
		dkms remove lpc/$(LPC_VERSION) --all; fi
	$(Q)rm -rf $(DESTDIR)$(DKMS_SOURCETREE)/lpc-$(LPC_VERSION)

# DKMS builds lpc.ko for the VM's kernels in a scratch tree; the VM boots
# that lpc.ko and runs T=version and T=msg.
check-dkms: selftests
	$(Q)packaging/check-dkms.sh

.PHONY: dkms-src dkms-uninstall check-dkms

# Debian packages (debhelper, dh-dkms) in build/deb/, checked by lintian.
deb:
	$(Q)packaging/deb.sh

# The packages installed, checked and purged in a throw-away bookworm
# chroot (debootstrap; needs root).
check-deb: deb
	$(Q)packaging/check-deb.sh

.PHONY: deb check-deb
