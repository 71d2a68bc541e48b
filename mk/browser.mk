# The browser extension (issue 4; docs/extension.md): what its tests and benchmark need.
# - Debian's Chromium at /usr/bin/chromium (driven by PyPI playwright; `playwright install` cannot
#   download browsers here), installed with apt when missing (CI runs as root).
# - npm devDependencies from package-lock.json: web-ext (lint), jsdom (node --test unit tests) and the
#   real editor packages the e2e tests mount (tinymce, ckeditor5, quill, prosemirror-*, roosterjs).
# The tests themselves run under pytest: tests/extension/. Only `make test` and `make bench` need
# these (not `make run`, not `make setup`).

# This file is read before the Makefile's own targets: keep `setup` the default goal.
_BROWSER_DEFAULT_GOAL := $(.DEFAULT_GOAL)

CHROMIUM_BIN := /usr/bin/chromium
NODE_STAMP   := node_modules/.twoway-installed
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: chromium node-deps extension-lint extension-test

## chromium: install Debian's chromium when /usr/bin/chromium is missing
chromium:
	@if [ ! -x $(CHROMIUM_BIN) ]; then \
	  echo "Chromium not found: installing Debian's chromium"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null; \
	fi
	@test -x $(CHROMIUM_BIN)

## node-deps: npm devDependencies for the extension (web-ext, jsdom) from package-lock.json
node-deps: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## extension-lint / extension-test: the extension's checks alone (also part of `make test`)
extension-lint: $(NODE_STAMP)
	npx --no-install web-ext lint --source-dir extension --self-hosted
extension-test: setup chromium $(NODE_STAMP)
	$(PY) -m pytest tests/extension $(PYTEST_ARGS)

# Tests and benchmarks only: `make run` serves without a browser or npm.
TEST_DEPS  += chromium $(NODE_STAMP)
BENCH_DEPS += chromium $(NODE_STAMP)

.DEFAULT_GOAL := $(_BROWSER_DEFAULT_GOAL)
