# Debian's PostgreSQL for the feedback-count tests (issue 20: tests/feedback/): each test run makes
# a throwaway cluster with initdb/pg_ctl in a temporary folder, as an unprivileged user (the server
# refuses to run as root), on a free loopback port, and stops it at the end. Installing must not
# start Debian's own cluster service: policy-rc.d says no while apt runs. `make run` needs none of
# this (SQLite is the default; PostgreSQL is the operator's choice, docs in README *Feedback*).

# This file is read before the Makefile's own targets: keep `setup` the default goal.
_PG_DEFAULT_GOAL := $(.DEFAULT_GOAL)

.PHONY: postgres

## postgres: install Debian's postgresql (initdb, pg_ctl) when missing, without starting its service
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "PostgreSQL not found: installing Debian's postgresql (its service is not started)"; \
	  made_policy=""; \
	  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; \
	    chmod +x /usr/sbin/policy-rc.d; made_policy=1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	  status=$$?; [ -z "$$made_policy" ] || rm -f /usr/sbin/policy-rc.d; exit $$status; \
	fi
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null

TEST_DEPS += postgres

.DEFAULT_GOAL := $(_PG_DEFAULT_GOAL)
