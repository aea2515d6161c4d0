#!/usr/bin/env bash
# Fuzz the pure-Rust core: run every `cargo fuzz` target in fuzz/ for SECONDS each (default 60)
# and print the executions per target and in total. Fails (non-zero exit) on the first crash,
# with libFuzzer's report and the reproducer under fuzz/artifacts/TARGET/.
#
#   fuzz/run.sh [SECONDS] [TARGET...]       e.g. fuzz/run.sh 10 (smoke), fuzz/run.sh 600
#
# Installs the pinned cargo-fuzz into .venv/bin if it is missing or another version. Works on
# stable Rust: targets build without a sanitizer by default (py_run_rs's core has no `unsafe`);
# FUZZ_SANITIZER=address builds with AddressSanitizer, which also watches the `unsafe` inside
# dashu-int (cargo-fuzz passes a nightly -Z flag for it: RUSTC_BOOTSTRAP=1 is set here).
# The corpus accumulates in fuzz/corpus/TARGET (git-ignored) and is reused by the next run.
set -euo pipefail

CARGO_FUZZ_VERSION=0.13.2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_BIN="$ROOT/.venv/bin"
SECONDS_EACH="${1:-60}"
shift || true
SANITIZER="${FUZZ_SANITIZER:-none}"

if ! [[ "$SECONDS_EACH" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [SECONDS] [TARGET...]" >&2
    exit 2
fi

export PATH="$VENV_BIN:$PATH"
if [[ "$("$VENV_BIN/cargo-fuzz" --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
    echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION into .venv/bin"
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION" --root "$ROOT/.venv" --quiet
fi

if [[ "$SANITIZER" != none ]]; then
    # cargo-fuzz passes -Zsanitizer=...: a nightly flag, accepted by stable with this set.
    export RUSTC_BOOTSTRAP=1
fi

cd "$ROOT/fuzz"
# Build output goes to fuzz/target (git-ignored), apart from the main crate's target/.
unset CARGO_TARGET_DIR
if (($# > 0)); then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi
# -a: debug assertions and overflow checks, so arithmetic overflow in the core is a crash.
build=(--sanitizer "$SANITIZER" --debug-assertions)
# Build first, so that the time budget goes to fuzzing, not compiling.
for target in "${targets[@]}"; do
    cargo fuzz build "${build[@]}" "$target"
done

total=0
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for target in "${targets[@]}"; do
    echo "fuzz: $target for ${SECONDS_EACH}s (sanitizer: $SANITIZER)"
    if ! cargo fuzz run "${build[@]}" "$target" -- \
        -max_total_time="$SECONDS_EACH" -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
        # The panic message first (a backtrace follows it), then libFuzzer's report.
        grep -A 2 'panicked at' "$log" >&2 || true
        grep -A 30 '^==[0-9]*== ERROR' "$log" >&2 || tail -n 40 "$log" >&2
        echo "fuzz: $target FAILED; reproducer under fuzz/artifacts/$target/" >&2
        exit 1
    fi
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    corpus="$(grep -Eo 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1 || true)"
    echo "fuzz: $target: ${runs:-?} executions, ${corpus:-corp: ?}"
    total=$((total + ${runs:-0}))
done
echo "fuzz: total ${total} executions over ${#targets[@]} targets"
