# shipdeck — developer entry points. `make demo` runs the console against the embedded
# simulator; `make test` runs everything CI runs.

CARGO ?= cargo
export CARGO_TERM_COLOR ?= auto

.PHONY: demo run build release test fmt fmt-check lint unit bench clean help

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

unit:
	$(CARGO) test --all-targets --locked

bench: ## Start-up, frame and update benchmarks (prints medians)
	$(CARGO) bench --locked --bench tui

clean: ## Remove build output
	$(CARGO) clean
