# RateMyDerp. `make run` serves the site; `make test` runs every test. Both install what they need.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BIN := $(TARGET_DIR)/release/ratemyderp
# Checked queries compile against the committed `.sqlx/` data, never a live database.
export SQLX_OFFLINE := true
# cargo-leptos writes the site here (site-root in Cargo.toml), wherever the target folder is.
export LEPTOS_SITE_ROOT ?= target/site

.DEFAULT_GOAL := help
.PHONY: help setup setup-test build run test test-rust test-e2e test-slow-clients lint sqlx-prepare bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Install the build tools that are missing
	@scripts/setup.sh build

setup-test: ## Install the build and test tools that are missing
	@scripts/setup.sh test

build: setup ## Build the release site (server binary, WASM, CSS)
	@echo "==> Building the release site"
	# --split: the pages other than the vote page are WASM chunks fetched when opened (app/src/pages/lazy.rs).
	cargo leptos build --release --precompress --split

run: build ## Serve http://127.0.0.1:3000 with the embedded database in .data/
	@echo "==> Serving http://127.0.0.1:3000 (Ctrl-C stops the server and its database)"
	$(BIN) serve

test: setup-test test-rust lint build test-e2e test-slow-clients ## Set up and run every test (unit, integration, end-to-end, slow clients)

test-rust: ## Unit and integration tests (against a throw-away PostgreSQL)
	@echo "==> Unit and integration tests"
	cargo test --locked -p app --features ssr -p server

lint: ## Formatting, clippy (warnings as errors), .sqlx/ up to date, licences and sources (cargo deny)
	@echo "==> Formatting and lints"
	cargo fmt --all --check
	scripts/sqlx_prepare.sh --check
	# cargo deny reads every crate in Cargo.lock, other platforms' too, which builds never fetch.
	cargo fetch --locked --quiet
	cargo deny --offline --log-level error check licenses bans sources
	cargo clippy --locked -p app --features ssr -p server --all-targets -- -D warnings
	cargo clippy --locked -p frontend --target wasm32-unknown-unknown -- -D warnings

test-e2e: ## End-to-end tests in Chromium against the release build
	@echo "==> End-to-end tests (Playwright, Chromium)"
	cd end2end && E2E_SERVER_BIN="$(abspath $(BIN))" npx playwright test

test-slow-clients: ## Slowloris (slowhttptest) against the release build: the site keeps answering
	@scripts/slow_clients.sh

sqlx-prepare: ## Regenerate .sqlx/ (the checked queries' data) after changing a query or a migration
	@scripts/sqlx_prepare.sh

bench: build ## Benchmarks: votes/s against pgbench, next-picture query, upload pipeline (writes BENCHMARKS.md)
	@scripts/bench.sh

clean: ## Remove build output (keeps .data/, the local database)
	cargo clean
