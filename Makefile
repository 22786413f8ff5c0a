# shipdeck — developer entry points. `make demo` runs the console against the embedded
# simulator; `make test` runs everything CI runs.

CARGO ?= cargo
export CARGO_TERM_COLOR ?= auto

.PHONY: demo run build build-release install install-check deploy-dev release test fmt fmt-check lint unit bench bench-tools fuzz soak clean help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

demo: ## Run the console against the embedded simulator (no AWS account needed)
	$(CARGO) run --release -- --demo

run: ## Run the console against the AWS account of your shipdeck.toml
	$(CARGO) run --release --

build: ## Debug build
	$(CARGO) build

build-release: ## Optimised build (target/release/shipdeck)
	$(CARGO) build --release

# The site build to package (the storefront's build output) and where packages are written.
PACKAGE_DIR ?= dist
PACKAGES := $(or $(CARGO_TARGET_DIR),target)/packages
# Extra flags for shipdeck (e.g. SHIPDECK_FLAGS="--profile ops" or "--demo").
SHIPDECK_FLAGS ?=
SHIPDECK := $(CARGO) run --quiet --release -- $(SHIPDECK_FLAGS)
DEV_VERSION ?= 0.0.0-dev.$(shell date -u +%Y%m%d%H%M%S)

# Zips $(PACKAGE_DIR) into $(PACKAGES)/storefront-$(1).zip.
define package
	@test -d "$(PACKAGE_DIR)" || { echo "make: no site build in $(PACKAGE_DIR)/ (set PACKAGE_DIR=...)" >&2; exit 2; }
	@mkdir -p "$(PACKAGES)"
	@rm -f "$(PACKAGES)/storefront-$(1).zip"
	cd "$(PACKAGE_DIR)" && zip -qr "$(abspath $(PACKAGES))/storefront-$(1).zip" .
endef

deploy-dev: ## Package the local build (PACKAGE_DIR, default dist/) as a -dev version; ship it to dev
	$(call package,$(DEV_VERSION))
	$(SHIPDECK) release dev --package "$(PACKAGES)/storefront-$(DEV_VERSION).zip" --version "$(DEV_VERSION)" --yes

release: ## Publish PACKAGE_DIR as release VERSION=x.y.z and ship it to dev
	@case "$(VERSION)" in \
	  [0-9]*.[0-9]*.[0-9]*) ;; \
	  *) echo "make: VERSION must be a release version such as 1.44.0 (got '$(VERSION)')" >&2; exit 2 ;; \
	esac
	$(call package,$(VERSION))
	$(SHIPDECK) release dev --package "$(PACKAGES)/storefront-$(VERSION).zip" --version "$(VERSION)"

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

# Where `make install` puts shipdeck: $(PREFIX)/bin, the man page and the shell completions.
PREFIX ?= $(HOME)/.local
# The largest installed binary `make install-check` accepts, in bytes (40 MB).
MAX_BINARY_BYTES := 41943040

install: ## Build the release binary; install it, its man page and completions under PREFIX (~/.local)
	$(CARGO) build --release --locked
	@set -e; p="$(PREFIX)"; \
	install -d "$$p/bin" "$$p/share/man/man1" "$$p/share/bash-completion/completions" \
	  "$$p/share/zsh/site-functions" "$$p/share/fish/vendor_completions.d"; \
	install -m 755 "$(BUILD_DIR)/release/shipdeck" "$$p/bin/shipdeck"; \
	"$$p/bin/shipdeck" man > "$$p/share/man/man1/shipdeck.1"; \
	"$$p/bin/shipdeck" completions bash > "$$p/share/bash-completion/completions/shipdeck"; \
	"$$p/bin/shipdeck" completions zsh > "$$p/share/zsh/site-functions/_shipdeck"; \
	"$$p/bin/shipdeck" completions fish > "$$p/share/fish/vendor_completions.d/shipdeck.fish"; \
	echo "installed shipdeck ($$(du -h "$$p/bin/shipdeck" | cut -f1)):"; \
	echo "  binary       $$p/bin/shipdeck"; \
	echo "  man page     $$p/share/man/man1/shipdeck.1   (man shipdeck)"; \
	echo "  completions  $$p/share/bash-completion/completions/shipdeck"; \
	echo "               $$p/share/zsh/site-functions/_shipdeck"; \
	echo "               $$p/share/fish/vendor_completions.d/shipdeck.fish"; \
	case ":$$PATH:" in *":$$p/bin:"*) ;; *) echo "note: $$p/bin is not on your PATH";; esac

install-check: ## make install into a temporary prefix; check the files and the binary's size (< 40 MB)
	@set -e; p="$$(mktemp -d)"; trap 'rm -rf "$$p"' EXIT; \
	$(MAKE) --no-print-directory install PREFIX="$$p"; \
	size=$$(wc -c < "$$p/bin/shipdeck"); \
	echo "install-check: binary $$size bytes (at most $(MAX_BINARY_BYTES))"; \
	test "$$size" -le $(MAX_BINARY_BYTES) || { echo "install-check: the binary is over 40 MB" >&2; exit 1; }; \
	"$$p/bin/shipdeck" --version; \
	grep -q '^.SH "SHIPDECK LOGS CLOUDFRONT"' "$$p/share/man/man1/shipdeck.1"; \
	grep -q 'shipdeck' "$$p/share/bash-completion/completions/shipdeck"; \
	grep -q '#compdef shipdeck' "$$p/share/zsh/site-functions/_shipdeck"; \
	grep -q 'complete -c shipdeck' "$$p/share/fish/vendor_completions.d/shipdeck.fish"; \
	echo "install-check: binary, man page and completions in place"

bench: ## Start-up, frame, update and CloudFront log benchmarks (prints medians)
	$(CARGO) bench --locked --bench tui
	$(CARGO) bench --locked --bench logs
	$(CARGO) bench --locked --bench flood

bench-tools: ## Install GoAccess and lnav from the OS packages, for `make bench` to compare against
	@if command -v apt-get >/dev/null; then \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y goaccess lnav; \
	else \
		echo "no apt-get here: install goaccess and lnav with your OS's package manager"; exit 1; \
	fi

FUZZ_SECONDS ?= 60

fuzz: ## Fuzz the log parser, filter parser and config loader for FUZZ_SECONDS each (nightly + cargo-fuzz)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

SOAK_MINUTES ?= 200000

soak: ## Chaos soak: SOAK_MINUTES (default 200000) simulated minutes with faults, release build
	SHIPDECK_SOAK_MINUTES=$(SOAK_MINUTES) $(CARGO) test --locked --release --test soak -- --nocapture soak::

clean: ## Remove build output
	$(CARGO) clean
