//! Whether a name can be a new project's: its folder, distribution, crate and import name
//! at once, so it must satisfy Python, Rust and cargo together. Every reason is collected,
//! so one refusal says all that is wrong.

use std::path::Path;
use std::process::Command;

use serde::Deserialize;

/// Python's keywords (soft keywords such as `match` are fine as module names).
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Rust's strict and reserved keywords (every edition): `mod NAME` and the crate name.
const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield",
];

/// Names cargo refuses for a package: the standard crates, its own build folders, and the
/// file names Windows reserves.
const CARGO_RESERVED: &[&str] = &[
    "alloc",
    "core",
    "proc_macro",
    "std",
    "test",
    "build",
    "deps",
    "examples",
    "incremental",
    "con",
    "prn",
    "aux",
    "nul",
    "com1",
    "com2",
    "com3",
    "com4",
    "com5",
    "com6",
    "com7",
    "com8",
    "com9",
    "lpt1",
    "lpt2",
    "lpt3",
    "lpt4",
    "lpt5",
    "lpt6",
    "lpt7",
    "lpt8",
    "lpt9",
];

/// The new project's own dependencies: a project of the same name would depend on itself.
const TOOL_NAMES: &[&str] = &["pyo3", "pyrs", "maturin", "pytest"];

/// What is wrong with `name` by the rules alone (no interpreter asked); empty when nothing.
pub fn rule_problems(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if !is_snake_case(name) {
        problems.push(
            "it is not lowercase snake case (a letter, then lowercase ASCII letters, digits \
             and single underscores: `word_count`)"
                .to_owned(),
        );
    }
    if PYTHON_KEYWORDS.contains(&name) {
        problems.push("it is a Python keyword".to_owned());
    }
    if RUST_KEYWORDS.contains(&name) {
        problems.push("it is a Rust keyword".to_owned());
    }
    if CARGO_RESERVED.contains(&name) {
        problems.push("cargo reserves it (a standard crate, build folder or device name)".into());
    }
    if TOOL_NAMES.contains(&name) {
        problems.push("the new project depends on a package of that name".to_owned());
    }
    problems
}

/// `word_count`, `w2v`: what is at once a Python identifier, a Rust identifier, a crate name
/// and a PyPI name that needs no normalising.
fn is_snake_case(name: &str) -> bool {
    let mut chars = name.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    starts_with_letter
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.ends_with('_')
        && !name.contains("__")
}

/// What the interpreter says of the name.
#[derive(Debug, Default, Deserialize)]
struct Probe {
    stdlib: bool,
    /// Where an importable module of that name comes from (None: not importable).
    origin: Option<String>,
}

/// Run with the script as `-c` and the name as its argument: the current folder (where the
/// project's folder is about to be made) is left off the search path.
const PROBE: &str = "import importlib.util, json, sys
sys.path = [p for p in sys.path if p not in ('', '.')]
name = sys.argv[1]
spec = importlib.util.find_spec(name)
origin = None if spec is None else (spec.origin or 'a namespace package')
print(json.dumps({'stdlib': name in sys.stdlib_module_names, 'origin': origin}))";

/// What is wrong with `name` for `python`: a standard-library module, or a module that is
/// already importable (the project's would shadow it, or be shadowed). An interpreter that
/// cannot answer (too old for `sys.stdlib_module_names`, absent) adds nothing.
pub fn interpreter_problems(name: &str, python: &Path) -> Vec<String> {
    // Only a valid identifier is asked about: find_spec on `a.b` would import `a`.
    if !is_snake_case(name) {
        return Vec::new();
    }
    let output = Command::new(python).arg("-c").arg(PROBE).arg(name).output();
    let Some(probe) = output
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| serde_json::from_slice::<Probe>(&o.stdout).ok())
    else {
        return Vec::new();
    };
    if probe.stdlib {
        vec!["it is a module of Python's standard library".to_owned()]
    } else if let Some(origin) = probe.origin {
        vec![format!("a module of that name is importable already ({origin})")]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_names_pass_the_rules() {
        for name in ["word_count", "w2v", "a", "pyo3_tools", "x".repeat(60).as_str()] {
            assert!(rule_problems(name).is_empty(), "{name}: {:?}", rule_problems(name));
        }
    }

    #[test]
    fn every_reason_is_given() {
        assert_eq!(rule_problems("async").len(), 2); // Python and Rust keyword
        assert_eq!(rule_problems("in").len(), 2);
        assert_eq!(rule_problems("fn").len(), 1);
        assert_eq!(rule_problems("None").len(), 2); // not snake case, a Python keyword
        assert_eq!(rule_problems("std").len(), 1);
        assert_eq!(rule_problems("pyo3").len(), 1);
    }

    #[test]
    fn snake_case_only() {
        for name in ["Word", "word-count", "2words", "_private", "trailing_", "a__b", "", "é"] {
            assert!(!is_snake_case(name), "{name}");
        }
    }
}
