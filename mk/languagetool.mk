# LanguageTool for grammar and spelling (issue 3; docs/grammar.md).
# `make languagetool` resolves the pinned LanguageTool from Maven Central with languagetool/pom.xml
# (cached in ~/.m2) and copies its jars to .cache/languagetool/lib (git-ignored). `make run`,
# `make test` and `make bench` do it first when the jars are missing. The server itself is
# started on a free loopback port by whoever needs it (the lint server in `auto` mode, the
# grammar tests' fixture, the benchmark) and stopped when that process ends.

# This file is read before the Makefile's own targets: keep `setup` the default goal.
_LT_DEFAULT_GOAL := $(.DEFAULT_GOAL)

LT_DIR   := .cache/languagetool
LT_STAMP := $(LT_DIR)/lib/.resolved
MVN      ?= mvn

.PHONY: languagetool languagetool-server

## languagetool: resolve the LanguageTool jars (Maven Central) into .cache/languagetool/lib
languagetool: $(LT_STAMP)

$(LT_STAMP): languagetool/pom.xml
	@command -v $(MVN) >/dev/null 2>&1 || { echo "Maven not found: installing it (Debian package maven)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven default-jre-headless >/dev/null); }
	@rm -rf $(LT_DIR)/lib
	$(MVN) -B -q -f languagetool/pom.xml package
	@ls $(LT_DIR)/lib/languagetool-server-*.jar >/dev/null
	@touch $@

## languagetool-server: run a LanguageTool server by hand on LT_PORT (default 8081), Ctrl-C stops it
LT_PORT ?= 8081
languagetool-server: $(LT_STAMP)
	sh languagetool/lt-server.sh --port $(LT_PORT)

RUN_DEPS   += $(LT_STAMP)
TEST_DEPS  += $(LT_STAMP)
BENCH_DEPS += $(LT_STAMP)

.DEFAULT_GOAL := $(_LT_DEFAULT_GOAL)
