# shipdeck — developer entry points. `make demo` runs the console against the embedded
# simulator; `make test` runs everything CI runs.

CARGO ?= cargo
export CARGO_TERM_COLOR ?= auto

.PHONY: demo run build release test fmt fmt-check lint unit bench fuzz clean help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

demo: ## Run the console against the embedded simulator (no AWS account needed)
	$(CARGO) run --release -- --demo

run: ## Run the console against the AWS account of your shipdeck.toml
	$(CARGO) run --release --

build: ## Debug build
	$(CARGO) build

release: ## Optimised build (target/release/shipdeck)
	$(CARGO) build --release

test: fmt-check lint unit ## Format check, clippy with warnings denied, and every test

fmt: ## Format the code
	$(CARGO) fmt

fmt-check:
	$(CARGO) fmt --check

lint:
	$(CARGO) clippy --all-targets --locked -- -D warnings

# The build directory (CI sets CARGO_TARGET_DIR): the emulator's Python venv lives there too.
BUILD_DIR := $(or $(CARGO_TARGET_DIR),target)

# Every test, with the local AWS emulator (moto, pinned, installed into $(BUILD_DIR)/moto-venv on
# first use) running on a free loopback port; it is stopped however the tests end.
unit:
	@dir="$(BUILD_DIR)"; \
	endpoint="$$(tests/support/moto.sh start "$$dir")" || exit 1; \
	trap 'tests/support/moto.sh stop "$$dir"' EXIT INT TERM; \
	echo "emulator: $$endpoint (SHIPDECK_TEST_ENDPOINT)"; \
	SHIPDECK_TEST_ENDPOINT="$$endpoint" $(CARGO) test --all-targets --locked

bench: ## Start-up, frame, update and CloudFront log benchmarks (prints medians)
	$(CARGO) bench --locked --bench tui
	$(CARGO) bench --locked --bench logs

FUZZ_SECONDS ?= 60

fuzz: ## Fuzz the CloudFront log parser for FUZZ_SECONDS (needs nightly and cargo-fuzz)
	mkdir -p tests/fuzz/corpus/parse
	cargo +nightly fuzz run --fuzz-dir tests/fuzz parse tests/fuzz/corpus/parse tests/fuzz/seeds/parse -- -max_total_time=$(FUZZ_SECONDS)

clean: ## Remove build output
	$(CARGO) clean
