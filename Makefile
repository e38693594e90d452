# qemu-riscv64: RISC-V virtual machines on Kubernetes, serial console in the browser.
# Every target installs what it is missing first (scripts/install-deps.sh).

BUILD_DIR ?= build
JOBS ?= 2
# Downloads and built guests live outside the clone, so a fresh clone reuses them.
CACHE_DIR ?= $(HOME)/.cache/qemu-riscv64
export CACHE_DIR
# Compiler cache: a fresh clone, in any folder, recompiles only what changed.
# Paths inside the clone are hashed relative to it and the build folder is not
# hashed (debug info then names the folder of the first clone that compiled a
# file); the compiler is known by its content, so another machine's or root's
# identical g++ hits too.
export CCACHE_DIR ?= $(CACHE_DIR)/ccache
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= true
export CCACHE_COMPILERCHECK ?= content

# make test: these ctest labels. The default leaves out debian and portability
# (the README's test table says why); TIERS=all runs every tier.
TIERS ?= unit integration browser chart lint cluster node container fuzz fresh

# Container images (make container)
REGISTRY ?= localhost
# One version for binaries, images and chart: the chart's appVersion.
VERSION ?= $(shell sed -n 's/^appVersion: *"\{0,1\}\([^" ]*\)"\{0,1\}.*/\1/p' chart/qemu-riscv64/Chart.yaml)
# docker or podman; empty: the one that answers (containers/pick-engine.sh).
CONTAINER_ENGINE ?=
# make container LOAD=kind|minikube|docker-desktop: load the images into that cluster.
LOAD ?=
# make container PLATFORMS=linux/amd64,linux/arm64: one manifest list per image
# (C++ cross-compiled, only package installs emulated); empty: the host's platform.
PLATFORMS ?=

# make sanitize: ASan + UBSan build; make fuzz: libFuzzer runs of FUZZ_SECONDS each.
SANITIZE_DIR ?= build-sanitize
FUZZ_SECONDS ?= 300

DEPS := scripts/install-deps.sh
GUEST_DIR := $(BUILD_DIR)/guest/busybox
# make run's VM: a copy of the guest, kept (and hibernated) across runs.
VM_DIR ?= $(BUILD_DIR)/vm/busybox

.PHONY: all deps build guest run test sanitize fuzz bench container container-load container-push format lint clean

all: build

deps:
	$(DEPS) build vm guest test lint fuzz

CONFIGURE = cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

build:
	$(DEPS) build
	$(CONFIGURE)
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The busybox test guest: Debian's riscv64 kernel + a busybox initramfs, cached;
# QEMU (vm) boots it once to save its warm-start snapshot.
guest:
	$(DEPS) guest vm
	data-images/busybox/build.sh $(GUEST_DIR)

# Only the two programs (a first `make run` compiles no tests), then the guest,
# whose snapshot the launcher makes.
run:
	$(DEPS) build vm guest
	$(CONFIGURE)
	cmake --build $(BUILD_DIR) -j $(JOBS) --target launcher console
	data-images/busybox/build.sh $(GUEST_DIR)
	scripts/run-local.sh $(BUILD_DIR) $(GUEST_DIR) $(VM_DIR)

test: build guest
	$(DEPS) vm test lint fuzz cluster
	scripts/run-tests.sh $(BUILD_DIR) $(TIERS)

# Unit and integration tiers and the fuzz corpora, built with
# -fsanitize=address,undefined (vptr left out: cmake/fuzzing.cmake says why)
# in its own folder; any report fails a test.
sanitize: guest
	$(DEPS) build vm test
	cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQEMU_RISCV64_SANITIZE=ON \
	  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DTEST_GUEST_DIR=$(abspath $(GUEST_DIR))
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest -L '^(unit|integration)$$' --output-on-failure --timeout 900

# Every libFuzzer target for FUZZ_SECONDS (the test tier runs them for 20 s).
fuzz: build
	$(DEPS) fuzz
	cd $(BUILD_DIR) && FUZZ_SECONDS=$(FUZZ_SECONDS) ctest -L fuzz -V >fuzz.log 2>&1; \
	  status=$$?; grep -E '^[0-9]+: (#[0-9]+[[:space:]]+DONE|stat::number)|tests passed|Test +#' fuzz.log; \
	  exit $$status

bench: build guest
	$(DEPS) vm bench
	bench/run-all.sh $(BUILD_DIR)

# Images: launcher, console and the data images in DATA_IMAGES (containers/build-images.sh).
# Needs only docker or podman: the guests are built in a builder container.
# LOAD=kind|minikube|docker-desktop then puts them where that local cluster
# finds them (containers/load-images.sh; also alone: make container-load LOAD=...).
container:
	CONTAINER_ENGINE=$(CONTAINER_ENGINE) PLATFORMS=$(PLATFORMS) containers/build-images.sh $(REGISTRY) $(VERSION) $(BUILD_DIR)
	$(if $(LOAD),CONTAINER_ENGINE=$(CONTAINER_ENGINE) containers/load-images.sh $(REGISTRY) $(VERSION) $(BUILD_DIR) $(LOAD))

container-load:
	CONTAINER_ENGINE=$(CONTAINER_ENGINE) containers/load-images.sh $(REGISTRY) $(VERSION) $(BUILD_DIR) $(LOAD)

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
	scripts/lint.sh python
	scripts/lint.sh shell

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR)-fuzz $(SANITIZE_DIR)
