# Convenience wrapper: every target installs missing Debian packages, configures and builds first.
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: all deps configure build test demo bench package clean

all: build

deps:
	@bash ci/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) > /dev/null

build: configure
	@cmake --build $(BUILD)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure

demo: build
	@bash datasets/quickstart/demo.sh $(BUILD)/evalgate

bench: build
	@bash bench/run.sh $(BUILD)/evalgate

# A Debian package of the release build: build/evalgate_<version>_<arch>.deb
package: configure
	@cmake --build $(BUILD) --target package

clean:
	@rm -rf $(BUILD)
