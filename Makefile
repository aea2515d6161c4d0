# pyrs task file. `make help` lists the targets; every target installs what it needs.
# Needs only Rust (cargo) and Python 3 on the machine; tools come pinned from PyPI into .venv.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON3 ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PY := $(BIN)/python
# Every cargo call builds pyo3 against the venv's interpreter: the same PYO3_PYTHON for cargo
# and maturin keeps cargo from rebuilding pyo3 whenever the two alternate.
export PYO3_PYTHON := $(PY)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export PATH := $(BIN):$(PATH)
export PYTHONPATH := $(CURDIR)/reference

RUST_SRC := Cargo.toml Cargo.lock build.rs $(shell find src -name '*.rs')
VENV_STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
RELEASE_STAMP := target/.develop-release

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(VENV_STAMP): requirements-dev.txt
	test -x $(PY) || $(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check pip==26.3
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@# tools/ on the venv's path: `python -m pyrs_doctor` works from anywhere in the venv.
	echo "$(CURDIR)/tools" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/pyrs-tools.pth"
	touch $@

$(BENCH_STAMP): requirements-bench.txt $(VENV_STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $@

.PHONY: venv
venv: $(VENV_STAMP) ## Create .venv with the pinned tools (maturin, pyright, pytest, ruff, ...)

$(RELEASE_STAMP): $(VENV_STAMP) $(RUST_SRC) pyproject.toml stubs/pyrs.pyi
	maturin develop --release --quiet
	@mkdir -p $(@D) && touch $@

.PHONY: build
build: $(RELEASE_STAMP) ## Build the extension in release mode into .venv (maturin develop --release)

.PHONY: dev
dev: stubs $(VENV_STAMP) ## Inner loop: debug build into .venv + regenerated stubs (default VS Code build task)
	maturin develop --uv --profile dev-ext --quiet
	@rm -f $(RELEASE_STAMP)

.PHONY: stubs
stubs: $(VENV_STAMP) ## Regenerate stubs/pyrs.pyi from the Rust source (pyo3-stub-gen)
	cargo run --quiet --bin stub_gen

.PHONY: stubs-check
stubs-check: $(VENV_STAMP) ## Fail with a diff if stubs/pyrs.pyi is not what the Rust source generates
	$(PY) tools/check_stubs.py

.PHONY: demo
demo: stubs build ## Quick start: set up, build (release), regenerate stubs, run the combo benchmark
	$(PY) bench/combo.py

.PHONY: bench
bench: build $(BENCH_STAMP) ## Full comparison (with gmpy2): combo, fib/gcd growth + chart, threads
	$(PY) bench/combo.py
	$(PY) bench/growth.py --chart bench/results/growth.png
	$(PY) bench/threads.py

.PHONY: test
test: rust-test lint pytest pyright stubs-check fuzz-smoke ## Everything CI checks
	@echo "make test: all checks passed"

.PHONY: rust-test
rust-test: $(VENV_STAMP) ## cargo test (the pure-Rust core)
	cargo test --quiet

.PHONY: lint
lint: $(VENV_STAMP) ## cargo fmt --check, clippy -D warnings, ruff check + format --check
	cargo fmt --all --check
	cargo clippy --quiet --all-targets -- -D warnings
	cargo fmt --manifest-path fuzz/Cargo.toml --check
	cargo clippy --quiet --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings
	ruff check .
	ruff format --check .

.PHONY: fmt
fmt: $(VENV_STAMP) ## Format Rust and Python sources
	cargo fmt --all
	ruff format .
	ruff check --fix .

.PHONY: pytest
pytest: build ## pytest: parity with the reference and math.gcd, errors, typing fixtures
	$(PY) -m pytest

.PHONY: pyright
pyright: build ## pyright (strict, from [tool.pyright]) on every Python file
	pyright

FUZZ_SECONDS ?= 300
.PHONY: fuzz
fuzz: $(VENV_STAMP) ## Fuzz the Rust core (cargo fuzz): every target for FUZZ_SECONDS (300) each
	tools/fuzz.sh $(FUZZ_SECONDS)

.PHONY: fuzz-smoke
fuzz-smoke: $(VENV_STAMP) ## The bounded fuzz run of make test: 10 s per target
	tools/fuzz.sh 10

.PHONY: doctor
doctor: $(VENV_STAMP) ## Explain why the editor is red, and print the command that fixes each problem
	$(PY) -m pyrs_doctor

.PHONY: watch
watch: $(VENV_STAMP) ## Rebuild extension + stubs on every save of a Rust file (opt-in loop)
	$(PY) tools/watch.py

.PHONY: loop-bench
loop-bench: $(VENV_STAMP) ## Time edit -> importable -> stubs regenerated, vs rustimport
	$(PY) bench/dev_loop.py

.PHONY: clean
clean: ## Remove build outputs (keeps .venv)
	cargo clean
	rm -rf $(RELEASE_STAMP)
