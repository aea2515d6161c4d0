"""Edits to the Rust sources of a copy of the checkout, made the way the README's recipe says:
what the dev-loop tests and the loop benchmark change before rebuilding."""

from __future__ import annotations

from pathlib import Path


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``path``; fail if it is not exactly one."""
    text = path.read_text()
    count = text.count(old)
    if count != 1:
        raise AssertionError(f"expected one {old!r} in {path}, found {count}")
    path.write_text(text.replace(old, new))


# A one-line change to a function body that keeps every result: in gcd_u64, one operand is
# zero, so `a | b == a ^ b`. Applying it twice restores the original line.
BODY_EDIT = ("        return a | b;\n", "        return a ^ b;\n")


def toggle_body_edit(root: Path) -> None:
    """Flip the one-line body change in src/gcd.rs (results unchanged, code changed)."""
    path = root / "src" / "gcd.rs"
    old, new = BODY_EDIT
    if new in path.read_text():
        old, new = new, old
    replace_once(path, old, new)


REGISTER_ANCHOR = "    fib::FIB.add_to(m)?;\n"


def add_function(root: Path, name: str) -> str:
    """Add ``name(a: int, b: int) -> int`` (the distance between two u64) as the README
    says: a pure core function in a new ``src/<name>.rs``, a ``#[gen_stub_pyfunction]``
    wrapper with a ``///`` docstring in ``src/python/mod.rs``, registered in the
    ``#[pymodule]``. Returns the docstring's first line."""
    doc = f"Distance between a and b ({name}), added by the dev-loop check."
    (root / "src" / f"{name}.rs").write_text(
        "//! Added by the dev-loop check.\n\n"
        "/// The distance between two machine words.\n"
        f"pub fn {name}(a: u64, b: u64) -> u64 {{\n"
        "    a.abs_diff(b)\n"
        "}\n"
    )
    replace_once(root / "src" / "lib.rs", "pub mod gcd;\n", f"pub mod gcd;\npub mod {name};\n")
    binding = root / "src" / "python" / "mod.rs"
    with binding.open("a") as handle:
        handle.write(
            f"\n/// {doc}\n"
            f"#[gen_stub_pyfunction]\n"
            f'#[pyfunction(name = "{name}")]\n'
            f"fn {name}_py(a: u64, b: u64) -> u64 {{\n"
            f"    crate::{name}::{name}(a, b)\n"
            f"}}\n"
        )
    replace_once(
        binding,
        REGISTER_ANCHOR,
        REGISTER_ANCHOR + f"    m.add_function(wrap_pyfunction!({name}_py, m)?)?;\n",
    )
    return doc
