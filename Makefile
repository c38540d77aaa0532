# Convenience wrapper: every target installs missing Debian packages, configures and builds first.
BUILD ?= build
CMAKE_FLAGS ?=
# The test suite builds unoptimised (Debug, no benchmark executables): it compiles about twice as
# fast as the release build, which keeps a clean-clone `make test` well inside CI's time budget.
TEST_BUILD ?= build-test

.PHONY: all deps configure build test demo bench package clean

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

demo: build
	@bash datasets/quickstart/demo.sh $(BUILD)/evalgate

bench: build
	@bash bench/run.sh $(BUILD)/evalgate

# A Debian package of the release build: build/evalgate_<version>_<arch>.deb
package: configure
	@cmake --build $(BUILD) --target package

clean:
	@rm -rf $(BUILD) $(TEST_BUILD)
