# The task file: `make help` lists the targets. Each is a one-liner over `pyrs`, the tool this
# repository builds (tool/), or over cargo, ruff and uv; the demo extension (src/, stubs/,
# tests/) is the tool's first user. Needs only Rust (cargo) and Python 3 on the machine; every
# other tool comes pinned from PyPI into .venv (pyproject.toml's [dependency-groups], uv.lock).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON3 ?= python3
PY := .venv/bin/python
PYRS := .venv/bin/pyrs
UV := .venv/bin/uv
# uv's pin, read from the dev group (written once): pip installs it into a new .venv, then
# uv keeps .venv in sync with uv.lock, itself included.
UV_PIN := $(shell grep -oE '"uv==[^"]+"' pyproject.toml | tr -d '"')
# .venv holds the tools, not the project: `pyrs dev` builds and installs that. --inexact keeps
# what `pyrs dev` and the bench group installed.
SYNC := $(UV) sync --locked --inexact --no-install-project --quiet --group dev
# The tests (and those of a copy of the checkout) run this binary.
export PYRS_BINARY := $(abspath $(PYRS))
# Every check keeps going past a failure and fails at the end (make lint, make fmt).
KEEP_GOING = status=0; for command in $(1); do echo "$$ $$command"; eval "$$command" || status=1; done; exit $$status

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

.PHONY: venv
venv: ## Create or update .venv with the pinned tools (uv.lock's dev group; quick when current)
	@test -x $(PY) || $(PYTHON3) -m venv .venv
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check $(UV_PIN)
	$(SYNC)

.PHONY: lock
lock: venv ## Re-pin uv.lock from pyproject.toml's [dependency-groups] (every supported Python)
	$(UV) lock

TOOL_SOURCES := $(shell find tool/src -type f) tool/Cargo.toml tool/Cargo.lock
$(PYRS): $(TOOL_SOURCES) | venv
	cargo build --release --quiet --manifest-path tool/Cargo.toml
	install -m 755 tool/target/release/pyrs $(PYRS)

.PHONY: pyrs
pyrs: $(PYRS) ## Build the pyrs command (tool/, release) into .venv/bin/pyrs

.PHONY: dev
dev: pyrs ## Inner loop: debug build into .venv + regenerated stub (VS Code's build task)
	$(PYRS) dev

.PHONY: build
build: pyrs ## Release build into .venv (a no-op when it is current)
	$(PYRS) dev --release

.PHONY: stubs
stubs: pyrs ## Regenerate the stub in stubs/ from the Rust source (pyo3-stub-gen)
	$(PYRS) stubs

.PHONY: stubs-check
stubs-check: pyrs ## Fail with a diff if the committed stub is not what the Rust generates; check it against the runtime
	$(PYRS) stubs --check

.PHONY: demo
demo: pyrs build ## Quick start: set up, build the tool and the extension (release), run the combo benchmark
	$(PY) -m bench.combo

.PHONY: test
test: rust-test lint typecheck stubs-check fuzz-smoke pytest matrix ## Everything CI checks
	@echo "make test: all checks passed"

.PHONY: rust-test
rust-test: venv ## cargo test: the demo's pure-Rust core and conversions, and the tool
	cargo test --quiet
	cargo test --quiet --manifest-path tool/Cargo.toml

RUST_CRATES := Cargo.toml fuzz/Cargo.toml tool/Cargo.toml
.PHONY: lint
lint: venv ## rustfmt and clippy -D warnings (every crate), ruff check and format
	@$(call KEEP_GOING,$(foreach m,$(RUST_CRATES),"cargo fmt --manifest-path $(m) --all --check" \
		"cargo clippy --quiet --manifest-path $(m) --all-targets -- -D warnings") \
		"$(PY) -m ruff check ." "$(PY) -m ruff format --check .")

.PHONY: fmt
fmt: venv ## Format and fix everything `make lint` checks (keeps going past failures)
	@$(call KEEP_GOING,$(foreach m,$(RUST_CRATES),"cargo fmt --manifest-path $(m) --all") \
		"$(PY) -m ruff check --fix ." "$(PY) -m ruff format .")

.PHONY: typecheck
typecheck: build ## Every type checker, strict, on every Python file of the repo (pyrs test's checker step)
	$(PYRS) test --only typecheck

.PHONY: pytest
pytest: build ## pytest in .venv: the editor, packaging, dev-loop and tool tests
	$(PY) -m pytest tests/editor tests/packaging tests/devloop tests/tool

.PHONY: matrix
matrix: pyrs ## [tool.pyrs] matrix-tests on every claimed CPython (release wheels; all must be found)
	$(PYRS) test --matrix --require-all --only matrix

.PHONY: bench
bench: matrix ## Combo benchmark on every CPython (the matrix's wheels); fib/gcd growth + chart and threads in .venv
	$(SYNC) --group bench
	$(PY) -m bench.versions
	$(MAKE) build
	$(PY) -m bench.growth --chart bench/results/growth.png
	$(PY) -m bench.threads

FUZZ_SECONDS ?= 300
.PHONY: fuzz
fuzz: venv ## Fuzz the Rust core (cargo fuzz): every target for FUZZ_SECONDS (300) each
	fuzz/run.sh $(FUZZ_SECONDS)

.PHONY: fuzz-smoke
fuzz-smoke: venv ## The bounded fuzz run of make test: 10 s per target
	fuzz/run.sh 10

.PHONY: doctor
doctor: pyrs ## Explain why the editor is red, and print the command that fixes each problem
	$(PYRS) doctor

.PHONY: watch
watch: pyrs ## Rebuild extension + stub on every save of a Rust source (opt-in loop)
	$(PYRS) watch

.PHONY: loop-bench
loop-bench: pyrs ## Time edit -> importable -> stub regenerated, against rustimport
	$(SYNC) --group bench
	$(PY) -m bench.loop

.PHONY: clean
clean: ## Remove build outputs (keeps .venv)
	cargo clean
	cargo clean --manifest-path tool/Cargo.toml
