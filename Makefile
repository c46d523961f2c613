# forkline — the two commands a newcomer needs: `make demo` and `make test`.
# Everything else is reachable from here too; each target sets up what it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
RUN := .run

.PHONY: help deps web browser up down status demo test test-unit lint typecheck format bench reset clean

help:
	@echo "make demo     set everything up (first run installs it) and run the demo"
	@echo "make test     set everything up and run every test"
	@echo "make up|down|status   start, stop or show the local stack (bitcoind, PostgreSQL, Kafka)"
	@echo "make web      build the wallet page and the operator page into web/dist (the BFF serves them)"
	@echo "make reset    stop the stack and start over: a fresh regtest chain, empty databases and topics"
	@echo "make lint | typecheck | format | bench | clean"

# npm ci only when the lockfile changed since the last install.
$(RUN)/npm-ci.stamp: package-lock.json package.json
	@mkdir -p $(RUN)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(RUN)/npm-ci.stamp

# The pages the BFF serves at / and /ops; rebuilt only when their sources changed.
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/build.ts
web/dist/index.html: $(WEB_SOURCES) $(RUN)/npm-ci.stamp
	npx tsx web/build.ts

web: deps web/dist/index.html

# Debian's chromium, which the page's end-to-end spec drives (apt-get, needs root).
browser:
	@regtest/chromium.sh install

up: deps web
	@regtest/up.sh

down:
	@regtest/down.sh

status:
	@regtest/status.sh

demo: up web
	@regtest/services.sh start
	@npx tsx regtest/src/demo/demoMain.ts

# The Node code, then the browser code (web/tsconfig.json: DOM libraries, no Node types).
typecheck: deps
	npx tsc --noEmit
	npx tsc --noEmit -p web

lint: deps
	npx eslint .
	npx prettier --check . --log-level warn

format: deps
	npx prettier --write . --log-level warn
	npx eslint --fix .

test-unit: deps
	npx vitest run --project unit

# Static checks first, then every spec against the real stack; vitest's summary ends the output.
test: up web browser typecheck lint
	npx vitest run

bench: up
	npm run bench

reset:
	@regtest/reset.sh

clean: down
	@# A cluster kept out of the checkout (regtest/postgres.sh, as root) goes too.
	if [[ -L $(RUN)/postgres ]]; then rm -rf "$$(readlink -f $(RUN)/postgres)"; fi
	rm -rf $(RUN)
