//! Stubs that hide what runs: a package's `__init__.pyi` wins over its `__init__.py`, so
//! every name the `.py` defines or star-imports must be in the `.pyi` too (pyo3-stub-gen
//! #416); and a stub package for the extension must import each submodule stub beside it,
//! or `pkg._core.sub` does not exist for the checkers although it does at run time.

use std::path::{Path, PathBuf};

use super::python_names::{self, Names};
use super::{Facts, Finding, Problem};

const CHECK: &str = "package stubs";

pub fn check(facts: &Facts) -> Finding {
    let mut problems = Vec::new();
    let mut looked = Vec::new();
    for dir in package_dirs(facts) {
        let (py, pyi) = (dir.join("__init__.py"), dir.join("__init__.pyi"));
        if py.is_file() && pyi.is_file() {
            looked.push(facts.show(&pyi));
            problems.extend(hidden_names(facts, &py, &pyi));
        }
    }
    let stub = &facts.project.stub;
    if stub.file_name().is_some_and(|n| n == "__init__.pyi") && stub.is_file() {
        looked.push(facts.show(stub));
        problems.extend(unexported_submodules(facts, stub));
    }
    if looked.is_empty() {
        return Finding::ok(CHECK, "no __init__.pyi to keep in step");
    }
    Finding::from(CHECK, format!("{} in step", looked.join(", ")), problems)
}

/// The packages of a mixed layout that hold the extension: its top package and the one the
/// extension sits in.
fn package_dirs(facts: &Facts) -> Vec<PathBuf> {
    let layout = &facts.project.layout;
    let mut dirs: Vec<PathBuf> = layout.top_package_dir().into_iter().collect();
    if let Some(dir) = layout.package_dir() {
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    dirs
}

fn read(path: &Path) -> Names {
    std::fs::read_to_string(path).map(|t| python_names::read(&t)).unwrap_or_default()
}

fn hidden_names(facts: &Facts, py: &Path, pyi: &Path) -> Vec<Problem> {
    let (source, stub) = (read(py), read(pyi));
    let shown_pyi = facts.show(pyi);
    let mut problems = Vec::new();
    let star_missing: Vec<&String> = source
        .star_from
        .iter()
        .filter(|module| !stub.star_from.iter().any(|m| same_module(m, module)))
        .collect();
    for module in star_missing {
        problems.push(Problem::new(
            format!(
                "{shown_pyi} hides __init__.py's `from {module} import *`: checkers see none of \
                 those names"
            ),
            format!("add `from {module} import *` to {shown_pyi}"),
        ));
    }
    let missing: Vec<&str> = source
        .defined
        .iter()
        .filter(|name| !name.starts_with('_') && !stub.contains(name))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        let list = missing.join(", ");
        problems.push(Problem::new(
            format!(
                "{shown_pyi} hides {list}, defined in __init__.py: checkers read only the stub"
            ),
            format!("declare {list} in {shown_pyi} (or delete it: checkers then read __init__.py)"),
        ));
    }
    problems
}

/// `.x` and `x` name the same sibling module; absolute forms are compared by their tail.
fn same_module(a: &str, b: &str) -> bool {
    let tail = |m: &str| m.trim_start_matches('.').rsplit('.').next().unwrap_or(m).to_owned();
    a == b || tail(a) == tail(b)
}

/// Submodule stubs beside a stub package's `__init__.pyi` that it does not import.
fn unexported_submodules(facts: &Facts, init: &Path) -> Vec<Problem> {
    let Some(dir) = init.parent() else { return Vec::new() };
    let names = read(init);
    let module = facts.project.module();
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut submodules: Vec<String> = entries
        .flatten()
        .filter_map(|entry| {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".pyi") {
                (stem != "__init__").then(|| stem.to_owned())
            } else {
                path.join("__init__.pyi").is_file().then_some(name)
            }
        })
        .collect();
    submodules.sort();
    let shown = facts.show(init);
    submodules
        .into_iter()
        .filter(|sub| {
            let imported = names.contains(sub)
                || names.from_modules.iter().any(|m| {
                    m == &format!(".{sub}") || m == &format!("{module}.{sub}")
                });
            !imported
        })
        .map(|sub| {
            Problem::new(
                format!("{shown} does not import its submodule stub {sub}: checkers see no {module}.{sub}"),
                format!("add `from . import {sub}` to {shown}"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::same_module;

    #[test]
    fn relative_and_absolute_imports_match() {
        assert!(same_module(".mixedp", "mixedp.mixedp"));
        assert!(same_module("._core", "._core"));
        assert!(!same_module("._core", ".other"));
    }
}
