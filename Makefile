# Convenience wrapper: every target installs missing Debian packages, configures and builds first.
BUILD ?= build
CMAKE_FLAGS ?=
# The test suite builds unoptimised (Debug, no benchmark executables): it compiles about twice as
# fast as the release build, which keeps a clean-clone `make test` well inside CI's time budget.
TEST_BUILD ?= build-test
SANITIZE_BUILD ?= build-sanitize
FUZZ_BUILD ?= build-fuzz
# Seconds each fuzz target runs in `make fuzz` (docs/testing.md).
FUZZ_SECONDS ?= 60

.PHONY: all deps configure build test test-sanitize fuzz demo bench package clean

all: build

deps:
	@bash ci/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) > /dev/null

build: configure
	@cmake --build $(BUILD)

test: deps
	@cmake -S . -B $(TEST_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEVALGATE_BENCH=OFF $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(TEST_BUILD)
	@ctest --test-dir $(TEST_BUILD) --output-on-failure

# The ctest suite under AddressSanitizer (leaks included) + UndefinedBehaviorSanitizer: all of it,
# or only the modules named in SANITIZE_TESTS (e.g. "core providers"; docs/testing.md).
SANITIZE_TESTS ?=
test-sanitize: deps
	@cmake -S . -B $(SANITIZE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEVALGATE_BENCH=OFF -DEVALGATE_SANITIZE=ON $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(SANITIZE_BUILD) $(if $(SANITIZE_TESTS),--target $(addsuffix _tests,$(SANITIZE_TESTS)))
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(SANITIZE_BUILD) --output-on-failure $(if $(SANITIZE_TESTS),-R '^($(subst $(eval) ,|,$(strip $(SANITIZE_TESTS))))$$')

# Every libFuzzer target for FUZZ_SECONDS with its seeds; crashes land in $(FUZZ_BUILD)/crashes/.
fuzz:
	@bash ci/install-deps.sh clang libclang-rt-14-dev
	@CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVALGATE_FUZZ=ON \
	  -DEVALGATE_TESTS=OFF -DEVALGATE_BENCH=OFF -DEVALGATE_WERROR=OFF $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(FUZZ_BUILD) --target fuzz_targets
	@bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

demo: build
	@bash datasets/quickstart/demo.sh $(BUILD)/evalgate

bench: build
	@bash bench/run.sh $(BUILD)/evalgate

# A Debian package of the release build: build/evalgate_<version>_<arch>.deb
package: configure
	@cmake --build $(BUILD) --target package

clean:
	@rm -rf $(BUILD) $(TEST_BUILD) $(SANITIZE_BUILD) $(FUZZ_BUILD)
