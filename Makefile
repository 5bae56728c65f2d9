# The portal's two commands are `make run` and `make test`; see README.md.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run
MAKEFLAGS += --no-print-directory

GO       ?= go
BIN      := .bin
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo dev)
WASM     := web/app.wasm
SERVICES := backend/scripts/services.sh
# Loads the service addresses (PostgreSQL, MinIO, ...) that services.sh wrote.
WITH_ENV := set -a; source .data/services.env; set +a;

GO_SOURCES := $(shell find app backend tenants policies migrations -type f \( -name '*.go' -o -name '*.sql' -o -name '*.yaml' -o -name '*.csv' -o -name '*.conf' \) 2>/dev/null) go.mod go.sum

.PHONY: run test build services services-down migrate tenants bench lint wasm-size clean

## build: the Wasm UI (precompressed) and the server binary.
build: $(WASM).br $(BIN)/portal

# The Wasm is always relinked (go decides what changed) but replaces the old
# file only when its bytes differ, so the slow brotli step below reruns only
# when the Wasm really changed.
$(WASM): FORCE
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $@.tmp ./app/cmd/wasm
	if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(WASM).br: $(WASM) | $(BIN)/precompress
	$(BIN)/precompress $(WASM)

$(BIN)/precompress: $(wildcard backend/cmd/precompress/*.go) go.mod
	$(GO) build -o $@ ./backend/cmd/precompress

$(BIN)/portal: $(GO_SOURCES)
	$(GO) build -trimpath -ldflags='-X main.version=$(VERSION)' -o $@ ./backend/cmd/portal

FORCE:

## services: start PostgreSQL and MinIO when not configured (see services.sh).
services:
	$(SERVICES) up >/dev/null

services-down:
	$(SERVICES) down

## migrate / tenants: schema and demo tenants, as the owner role.
migrate: $(BIN)/portal services
	$(WITH_ENV) $(BIN)/portal migrate up

tenants: migrate
	$(WITH_ENV) $(BIN)/portal tenants apply -demo

## run: everything a newcomer needs, then serve on :8080 (Ctrl-C stops).
run: build tenants
	$(WITH_ENV) PORTAL_MAIL_LOG_ONLY=$${PORTAL_MAIL_LOG_ONLY:-$$([ -n "$${PORTAL_SMTP_HOST:-}" ] && echo false || echo true)} \
	  exec $(BIN)/portal serve

## lint: formatting, vet (server and Wasm) and the dependency rules.
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.*')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./app/... ./backend/api/... ./tenants

## test: lint, then every test against real PostgreSQL, MinIO, stripe-mock and
## headless Chromium (started here when missing). CI=true turns a missing
## service into a failure instead of a skip.
test: lint build
	@command -v gcc >/dev/null || { echo "installing gcc (the race detector needs cgo)"; \
	  apt-get install -y gcc >/dev/null 2>&1 || sudo -n apt-get install -y gcc; }
	$(SERVICES) up --with-stripe --with-chromium >/dev/null
	$(WITH_ENV) PORTAL_TEST_WEB_DIR=$(CURDIR)/web PORTAL_TEST_ARTIFACTS=$(CURDIR)/.artifacts \
	  $(GO) test -race -count=1 -timeout 15m ./...

## bench: benchmarks (tenant transactions, role checks, app.wasm sizes, and
## the scale benchmarks: orders search and dashboard over 2M orders, 10M
## lines). The scale data set (~20 GB with its search terms) is loaded once,
## 15 to 30 minutes on 2 cores, and reused; PORTAL_BENCH_SCALE=small loads a
## hundredth of it.
bench: build
	$(SERVICES) up >/dev/null
	$(WITH_ENV) PORTAL_TEST_WEB_DIR=$(CURDIR)/web $(GO) test -run '^$$' -bench . -benchmem -count 1 -timeout 60m ./... | tee .data/bench.txt
	@$(MAKE) wasm-size

## wasm-size: app.wasm raw / gzip / brotli bytes.
wasm-size: $(WASM).br
	@printf 'app.wasm  raw %s  gzip %s  brotli %s bytes\n' $$(stat -c %s $(WASM)) $$(stat -c %s $(WASM).gz) $$(stat -c %s $(WASM).br)

clean:
	rm -f $(WASM) $(WASM).br $(WASM).gz $(BIN)/portal $(BIN)/precompress
