# The two commands a new user needs are `make demo` and `make test`.
# Both install what is missing first (libcmark-gfm-dev, GMime, libxml2, libcurl, Dovecot).
SWIFT ?= swift
OUTREACH = .build/release/outreach

.PHONY: demo test deps bench fuzz install clean

deps:
	@sh .ci/deps.sh

## Runs the main job on the bundled sample data.
demo: deps
	@$(SWIFT) build -c release -Xswiftc -static-stdlib --product outreach 2>&1 | tail -1
	@echo "== outreach draft Templates/accounts (the bundled sample accounts)"
	@$(OUTREACH) draft --today 2026-11-22 Templates/accounts
	@echo
	@echo "== outreach recipients Templates/accounts/lingo-labs.yml"
	@$(OUTREACH) recipients --today 2026-11-22 Templates/accounts/lingo-labs.yml
	@echo
	@echo "== outreach lint Tests/Samples/emails (hand-written samples, some with findings)"
	@$(OUTREACH) lint Tests/Samples/emails || true

## Runs every test: the formatter's lint (.swift-format), then swift test.
test: deps
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	$(SWIFT) test

## Benchmarks the linter against the cmark CLI on the same bytes.
bench: deps
	@$(SWIFT) build -c release -Xswiftc -static-stdlib 2>&1 | tail -1
	@.build/release/outreach-bench

## Fuzzes the parsers for FUZZ_RUNS inputs each (default 200000).
fuzz: deps
	.ci/fuzz

install: deps
	$(SWIFT) build -c release --product outreach -Xswiftc -static-stdlib 2>&1 | tail -1
	install -m 755 $(OUTREACH) /usr/local/bin/outreach

clean:
	rm -rf .build
