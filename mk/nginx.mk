# nginx and wrk for the scale-out tests and the serving benchmark (issue 10; docs/deploy.md).
# Debian's nginx runs the layout test (several `twoway serve` behind deploy/nginx/twoway.conf,
# TLS with a certificate the test makes); Debian's wrk is the load generator of
# bench/bench_serving.py. Tests and benchmarks only: `make run` needs neither. Installing must
# not start Debian's own nginx service (port 80 on every interface): policy-rc.d says no while
# apt runs, unless the machine already has one.

# This file is read before the Makefile's own targets: keep `setup` the default goal.
_NGINX_DEFAULT_GOAL := $(.DEFAULT_GOAL)

NGINX_BIN := /usr/sbin/nginx
WRK_BIN   := /usr/bin/wrk

.PHONY: nginx wrk

## nginx: install Debian's nginx when missing, without starting its service
nginx:
	@if [ ! -x $(NGINX_BIN) ]; then \
	  echo "nginx not found: installing Debian's nginx (its service is not started)"; \
	  made_policy=""; \
	  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; \
	    chmod +x /usr/sbin/policy-rc.d; made_policy=1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null; \
	  status=$$?; [ -z "$$made_policy" ] || rm -f /usr/sbin/policy-rc.d; exit $$status; \
	fi
	@test -x $(NGINX_BIN)

## wrk: install Debian's wrk (HTTP load generator) when missing
wrk:
	@if [ ! -x $(WRK_BIN) ]; then \
	  echo "wrk not found: installing Debian's wrk"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; \
	fi
	@test -x $(WRK_BIN)

TEST_DEPS  += nginx
BENCH_DEPS += nginx wrk

.DEFAULT_GOAL := $(_NGINX_DEFAULT_GOAL)
