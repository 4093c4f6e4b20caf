# CamFlow (Swift) — the front door.  See README.md.
SWIFT ?= swift
PYTHON ?= python3
OUT ?= $(CURDIR)/out
# make install / uninstall / deb (docs/install.md); KERNEL selects the
# linux-source-VERSION the kernel is built from (6.1 or 6.12).
PREFIX ?= /usr
DESTDIR ?=
KERNEL ?= 6.1
# The binary make install installs; empty: the release build.
CAMFLOW_BIN ?=

.PHONY: all build release test unit e2e kernel check checkpatch demo bench bench-kernel deps clean \
	install uninstall deb deb-test e2e-6.12 boot-test stress

all: build

deps:
	@packaging/install-deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product camflow

# Unit and integration tests (no VM).
test: unit

unit: deps
	$(SWIFT) build
	$(SWIFT) test
	$(PYTHON) -m pytest -q Tests/tools Tests/packaging --ignore=Tests/packaging/test_deb.py \
		--ignore=Tests/packaging/test_real_boot.py

kernel: deps
	@kernel-patch/scripts/build-kernel --version $(KERNEL)

checkpatch:
	@kernel-patch/scripts/checkpatch

# VM end-to-end suite: builds the kernel and the release binary first.
e2e: kernel release
	CAMFLOW_KERNEL=$$(kernel-patch/scripts/build-kernel --version $(KERNEL)) \
	CAMFLOW_BIN=$(CURDIR)/.build/release/camflow \
	$(PYTHON) -m pytest -v Tests/e2e

# Everything CI runs.
check: deps checkpatch unit e2e e2e-6.12 deb-test boot-test

# The real boot: Debian 12 (debootstrap) with both packages under qemu and
# systemd (Tests/packaging/test_real_boot.py; docs/install.md).
boot-test: release
	CAMFLOW_BIN=$(CURDIR)/.build/release/camflow \
	$(PYTHON) -m pytest -v Tests/packaging/test_real_boot.py

# The end-to-end suite on Linux 6.12 (make e2e runs it on $(KERNEL), 6.1).
e2e-6.12:
	$(MAKE) e2e KERNEL=6.12

demo: kernel release
	@packaging/vm/demo --kernel "$$(kernel-patch/scripts/build-kernel)" \
		--camflow $(CURDIR)/.build/release/camflow --out $(OUT)/demo

# Recorder throughput: replays >= 1M kernel-fixture records through the
# release binary (W3C and SPADE into a log) against a cat baseline.
bench: release
	$(PYTHON) packaging/bench/bench.py --camflow $(CURDIR)/.build/release/camflow --work $(OUT)/bench

# Installs the binary (camflowd, camconfd links), /etc defaults (never
# overwritten), systemd units, logrotate rule and man pages.
install: $(if $(CAMFLOW_BIN),,release)
	packaging/install --bin "$(or $(CAMFLOW_BIN),$(CURDIR)/.build/release/camflow)" \
		--prefix "$(PREFIX)" --destdir "$(DESTDIR)"

uninstall:
	packaging/install --uninstall --prefix "$(PREFIX)" --destdir "$(DESTDIR)"

# Debian packages of the userspace and of the KERNEL kernel, lintian-checked,
# in $(OUT)/deb.
deb: release kernel
	packaging/debian/build-deb --bin $(CURDIR)/.build/release/camflow \
		--kernel "$$(kernel-patch/scripts/build-kernel --version $(KERNEL))" --out $(OUT)/deb

# The package tests: they need the release binary and the kernel.
deb-test: release kernel
	CAMFLOW_BIN=$(CURDIR)/.build/release/camflow \
	CAMFLOW_KERNEL=$$(kernel-patch/scripts/build-kernel) \
	$(PYTHON) -m pytest -q Tests/packaging/test_deb.py

# Kernel overhead: a system-call microbenchmark in the VM under capture off,
# enabled with nothing tracked, one tracked process and whole-system capture
# (recorder writing W3C) and whole-system with a reader that discards the
# records (the kernel's share), each against the same kernel (built without
# lock debugging) booted with lsm=capability, interleaved over 5 rounds; writes
# the kernel table of docs/performance.md.  Then the same on one vCPU with
# time counted in instructions (vm/run --icount 0), which repeats from boot
# to boot, for the second table.  Slow (30 boots); not part of `make check`.
bench-kernel: release
	kernel="$$(kernel-patch/scripts/build-kernel --version $(KERNEL) \
		--extra-config packaging/bench-kernel/nodebug.config)" && \
	$(PYTHON) packaging/bench-kernel/bench.py --kernel "$$kernel" \
		--camflow $(CURDIR)/.build/release/camflow --write-doc && \
	$(PYTHON) packaging/bench-kernel/bench.py --kernel "$$kernel" --icount 0 \
		--camflow $(CURDIR)/.build/release/camflow --write-doc

# Mixed stress in the VM (packaging/stress/stress.py): MINUTES of file,
# pipe, socket, fork/exec, IPC, mapping and signal work by 12 processes under whole-system
# capture, camflowd writing W3C to the log disk; fails on any kernel report
# or dropped record.  STRESS_CONFIG: nodebug (the bench-kernel kernel),
# debug (lockdep, DEBUG_ATOMIC_SLEEP, KASAN) or vm.  Not part of `make check`
# (Tests/e2e/test_stress.py runs 60 s of it there).
MINUTES ?= 10
STRESS_CONFIG ?= nodebug
stress: release
	$(PYTHON) packaging/stress/stress.py --minutes $(MINUTES) --config $(STRESS_CONFIG) \
		--camflow $(CURDIR)/.build/release/camflow --work $(OUT)/stress

clean:
	rm -rf .build $(OUT)
