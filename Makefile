# The task file: `make help` lists the targets. Each is a one-liner over the kit's own tools,
# `python -m kit.<tool>` (kit/), which work without make too (VS Code's tasks call them).
# Needs only Rust (cargo) and Python 3 on the machine; every other tool comes pinned from
# PyPI into .venv (requirements/*.txt), and every target installs what it needs.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON3 ?= python3
PY := .venv/bin/python

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

.PHONY: venv
venv: ## Create or update .venv with the pinned tools (requirements/dev.txt)
	$(PYTHON3) -m kit.venv

.PHONY: lock
lock: venv ## Re-pin requirements/*.txt from requirements/*.in (for every supported Python)
	$(PY) -m kit.venv --lock

# dev, build and watch check .venv's lock stamp themselves (kit.dev), in the same process as
# the build: `make venv` first only when .venv does not exist yet.
.PHONY: dev
dev: $(if $(wildcard $(PY)),,venv) ## Inner loop: debug build into .venv + regenerated stub (VS Code's build task)
	$(PY) -m kit.dev

.PHONY: build
build: $(if $(wildcard $(PY)),,venv) ## Release build into .venv (a no-op when it is current)
	$(PY) -m kit.dev --release

.PHONY: stubs
stubs: venv ## Regenerate the stub in stubs/ from the Rust source (pyo3-stub-gen)
	$(PY) -m kit.stubs

.PHONY: stubs-check
stubs-check: venv ## Fail with a diff if the committed stub is not what the Rust source generates
	$(PY) -m kit.stubs --check

.PHONY: demo
demo: stubs build ## Quick start: set up, build (release), regenerate the stub, run the combo benchmark
	$(PY) -m bench.combo

.PHONY: test
test: rust-test lint typecheck stubs-check fuzz-smoke pytest matrix ## Everything CI checks
	@echo "make test: all checks passed"

.PHONY: rust-test
rust-test: venv ## cargo test (the pure-Rust core and the conversions)
	$(PY) -m kit.run cargo test --quiet

.PHONY: lint
lint: venv ## rustfmt and clippy -D warnings (both crates), ruff check and format
	$(PY) -m kit.lint

.PHONY: fmt
fmt: venv ## Format and fix everything `make lint` checks (keeps going past failures)
	$(PY) -m kit.lint --fix

.PHONY: typecheck
typecheck: build ## Every type checker, strict, on every Python file of the repo
	$(PY) -m kit.typecheck

.PHONY: pytest
pytest: build ## pytest in .venv: editor, packaging and dev-loop tests
	$(PY) -m pytest tests/editor tests/packaging tests/devloop

.PHONY: matrix
matrix: venv ## The payload and downstream tests on every CPython found (release wheels)
	$(PY) -m kit.matrix

.PHONY: bench
bench: venv ## Combo benchmark on every CPython; fib/gcd growth + chart and threads in .venv
	$(PY) -m kit.matrix --bench
	$(PYTHON3) -m kit.venv --bench
	$(MAKE) build
	$(PY) -m bench.growth --chart bench/results/growth.png
	$(PY) -m bench.threads

FUZZ_SECONDS ?= 300
.PHONY: fuzz
fuzz: venv ## Fuzz the Rust core (cargo fuzz): every target for FUZZ_SECONDS (300) each
	$(PY) -m kit.run fuzz/run.sh $(FUZZ_SECONDS)

.PHONY: fuzz-smoke
fuzz-smoke: venv ## The bounded fuzz run of make test: 10 s per target
	$(PY) -m kit.run fuzz/run.sh 10

.PHONY: doctor
doctor: venv ## Explain why the editor is red, and print the command that fixes each problem
	$(PY) -m kit.doctor

.PHONY: watch
watch: $(if $(wildcard $(PY)),,venv) ## Rebuild extension + stub on every save of a Rust source (opt-in loop)
	$(PY) -m kit.watch

.PHONY: loop-bench
loop-bench: venv ## Time edit -> importable -> stub regenerated, against rustimport
	$(PYTHON3) -m kit.venv --bench
	$(PY) -m bench.loop

NAME ?=
FORCE ?=
.PHONY: rename
rename: venv ## Make the kit yours: make rename NAME=<new_module_name> (FORCE=1: uncommitted changes)
	$(PY) -m kit.rename $(NAME) $(if $(FORCE),--force)

.PHONY: clean
clean: ## Remove build outputs (keeps .venv)
	$(PY) -m kit.run cargo clean
