# The two commands of the README: `make run` and `make test`. Both install what is missing.
BUILD ?= build/release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: setup build run test format check-format clean

setup:
	@bash scripts/setup.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/flank run

test:
	@bash scripts/test.sh

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

check-format:
	@bash scripts/check-format.sh

clean:
	rm -rf build
