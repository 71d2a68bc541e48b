# Firefox for the extension's tests (issue 11; docs/extension.md): Firefox ESR from Debian and
# geckodriver from crates.io (cargo builds it, a few minutes the first time; kept in ~/.cargo/bin),
# driven by selenium (PyPI, the test extra). Test-only: `make run` needs neither.
# Also `make package`: the Chrome zip and the Firefox .xpi in dist/ (mk/package_extension.py).

# This file is read before the Makefile's own targets: keep `setup` the default goal.
_FIREFOX_DEFAULT_GOAL := $(.DEFAULT_GOAL)

FIREFOX_BIN       := /usr/bin/firefox-esr
GECKODRIVER_VER   := 0.37.1
CARGO             ?= $(shell command -v cargo 2>/dev/null || echo $(HOME)/.cargo/bin/cargo)
GECKODRIVER_BIN   := $(shell command -v geckodriver 2>/dev/null || echo $(HOME)/.cargo/bin/geckodriver)

.PHONY: firefox geckodriver package

## firefox: install Debian's firefox-esr when it is missing
firefox:
	@if [ ! -x $(FIREFOX_BIN) ]; then \
	  echo "Firefox ESR not found: installing Debian's firefox-esr"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends firefox-esr >/dev/null; \
	fi
	@test -x $(FIREFOX_BIN)

## geckodriver: build geckodriver from crates.io when it is missing (cargo install, ~4 min on 2 cores)
geckodriver:
	@if [ ! -x $(GECKODRIVER_BIN) ]; then \
	  echo "geckodriver not found: cargo install geckodriver $(GECKODRIVER_VER)"; \
	  test -x $(CARGO) || { echo "cargo (Rust) is needed to build geckodriver"; exit 1; }; \
	  $(CARGO) install --quiet --locked geckodriver --version $(GECKODRIVER_VER); \
	fi

## package: dist/two-way-chrome-VERSION.zip and dist/two-way-firefox-VERSION.xpi (version from pyproject.toml)
package: setup $(NODE_STAMP)
	$(PY) mk/package_extension.py --out dist

TEST_DEPS += firefox geckodriver

.DEFAULT_GOAL := $(_FIREFOX_DEFAULT_GOAL)
