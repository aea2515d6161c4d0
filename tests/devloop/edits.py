"""Edits to the Rust sources of a copy of the checkout, made the way the README's recipe says:
what the dev-loop tests and the loop benchmark change before rebuilding."""

from __future__ import annotations

import re
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
    toggle_body_edit_in(root / "src" / "gcd.rs")


def toggle_body_edit_in(path: Path) -> None:
    """Flip the one-line body change in ``path``, a file holding gcd_u64's body."""
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


# -- the README's recipe ("Adding Rust code"), applied from its code blocks ------------------

RECIPE_HEADING = "# Adding Rust code"
# The first line of a block names the file it belongs to: `// src/python/countdown.rs`.
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def recipe_section(readme: Path) -> str:
    """The text of the README's recipe, from its heading to the next heading of its level or
    above."""
    text = readme.read_text()
    start = text.index(RECIPE_HEADING + "\n")
    following = re.search(r"^#{1,3} ", text[start + len(RECIPE_HEADING) :], re.MULTILINE)
    end = start + len(RECIPE_HEADING) + following.start() if following else len(text)
    return text[start:end]


def code_blocks(section: str, language: str) -> list[str]:
    """The code of each fenced block in ``language``, in order."""
    return [code for lang, code in BLOCK.findall(section) if lang == language]


def rust_blocks(section: str) -> list[tuple[str, str]]:
    """``(path, code)`` for each Rust block: the path from its first line (``// <path>``), the
    code without that line."""
    found: list[tuple[str, str]] = []
    for code in code_blocks(section, "rust"):
        first, _, rest = code.partition("\n")
        match = re.fullmatch(r"// (src/\S+\.rs)", first)
        if match is None:
            raise AssertionError(f"a recipe block does not start with `// src/<file>.rs`: {first}")
        found.append((match.group(1), rest))
    return found


def insert_lines(path: Path, lines: list[str]) -> None:
    """Add one-line declarations to an existing file, as the recipe says: ``mod x;`` / ``pub
    mod x;`` after the last line of that kind, ``    m.…`` registrations before the
    ``    Ok(())`` that ends the ``#[pymodule]`` function."""
    text = path.read_text()
    for line in lines:
        if not line.strip():
            continue
        declaration = re.match(r"(pub )?mod \w+;$", line)
        if declaration:
            prefix = "pub mod " if declaration.group(1) else "mod "
            last = [m for m in re.finditer(rf"^{prefix}\w+;\n", text, re.MULTILINE)][-1]
            text = text[: last.end()] + line + "\n" + text[last.end() :]
        elif line.startswith("    m."):
            module_fn = text.index("#[pymodule]")
            end = text.index("\n    Ok(())\n}\n", module_fn) + 1
            text = text[:end] + line + "\n" + text[end:]
        else:
            raise AssertionError(f"{path}: cannot place {line!r}")
    path.write_text(text)


def add_recipe(root: Path, readme: Path) -> list[str]:
    """Apply the README's recipe to the checkout at ``root``: each Rust block becomes the new
    file it names, or its lines are inserted into the existing file it names. Returns the
    paths, in order."""
    paths: list[str] = []
    for relative, code in rust_blocks(recipe_section(readme)):
        target = root / relative
        if target.exists():
            insert_lines(target, code.splitlines())
        else:
            target.write_text(code)
        paths.append(relative)
    return paths
