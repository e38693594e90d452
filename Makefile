# qemu-riscv64: RISC-V virtual machines on Kubernetes, serial console in the browser.
# Every target installs what it is missing first (scripts/install-deps.sh).

BUILD_DIR ?= build
JOBS ?= 2
# Downloads and built guests live outside the clone, so a fresh clone reuses them.
CACHE_DIR ?= $(HOME)/.cache/qemu-riscv64
export CACHE_DIR
# Compiler cache: a fresh clone recompiles only what changed.
export CCACHE_DIR ?= $(CACHE_DIR)/ccache

# make test: only these ctest labels, e.g. TIERS="unit integration" (default: every tier).
TIERS ?=

# Container images (make container)
REGISTRY ?= localhost
# One version for binaries, images and chart: the chart's appVersion.
VERSION ?= $(shell sed -n 's/^appVersion: *"\{0,1\}\([^" ]*\)"\{0,1\}.*/\1/p' chart/qemu-riscv64/Chart.yaml)
CONTAINER_ENGINE ?= docker

DEPS := scripts/install-deps.sh
GUEST_DIR := $(BUILD_DIR)/guest/busybox

.PHONY: all deps build guest run test bench container container-push format lint clean

all: build

deps:
	$(DEPS) build vm guest test lint

build:
	$(DEPS) build
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The busybox test guest: Debian's riscv64 kernel + a busybox initramfs, cached.
guest:
	$(DEPS) guest
	data-images/busybox/build.sh $(GUEST_DIR)

run: build guest
	$(DEPS) vm
	scripts/run-local.sh $(BUILD_DIR) $(GUEST_DIR)

test: build guest
	$(DEPS) vm test lint
	scripts/run-tests.sh $(BUILD_DIR) $(TIERS)

bench: build guest
	$(DEPS) vm bench
	bench/run-all.sh $(BUILD_DIR)

# Images: launcher, console and the data images in DATA_IMAGES (containers/build-images.sh).
# Needs only docker or podman: the guests are built in a builder container.
container:
	CONTAINER_ENGINE=$(CONTAINER_ENGINE) containers/build-images.sh $(REGISTRY) $(VERSION) $(BUILD_DIR)

container-push:
	CONTAINER_ENGINE=$(CONTAINER_ENGINE) containers/push-images.sh $(REGISTRY) $(VERSION)

# The project's style (.clang-format) and static analysis (.clang-tidy).
format:
	$(DEPS) lint
	scripts/lint.sh format

lint: build
	$(DEPS) lint
	scripts/lint.sh check-format
	scripts/lint.sh tidy $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
