# The two commands of the README: `make run` and `make test`. Both install what is missing.
BUILD ?= build/release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

PREFIX ?= $(HOME)/.local

.PHONY: setup build run test install format check-format clean

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

# The CLI to $(PREFIX)/bin and the Python module to $(PREFIX)/lib/python3.X/site-packages:
# with the default ~/.local, both are where Debian's shell and /usr/bin/python3 look.
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

check-format:
	@bash scripts/check-format.sh

clean:
	rm -rf build
