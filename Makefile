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

.PHONY: all build release test unit e2e kernel check checkpatch demo bench deps clean \
	install uninstall deb

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
	$(PYTHON) -m pytest -q Tests/tools Tests/packaging

kernel: deps
	@kernel-patch/scripts/build-kernel --version $(KERNEL)

checkpatch:
	@kernel-patch/scripts/checkpatch

# VM end-to-end suite: builds the kernel and the release binary first.
e2e: kernel release
	CAMFLOW_KERNEL=$$(kernel-patch/scripts/build-kernel) \
	CAMFLOW_BIN=$(CURDIR)/.build/release/camflow \
	$(PYTHON) -m pytest -v Tests/e2e

# Everything CI runs.
check: deps checkpatch unit e2e

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

clean:
	rm -rf .build $(OUT)
