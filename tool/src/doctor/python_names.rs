//! The top-level names a Python file or stub defines, read line by line (no Python needed):
//! functions, classes, assignments, imports and star imports. Bodies of functions and
//! classes are skipped; bodies of `if`/`try` blocks count (`if TYPE_CHECKING:` imports).

/// What a module defines at its top level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    /// Every name bound at the top level, in order.
    pub defined: Vec<String>,
    /// The modules of `from X import *`, as written (`.mixedp`, `pkg._core`).
    pub star_from: Vec<String>,
    /// The modules of every `from X import ...`, as written.
    pub from_modules: Vec<String>,
    /// Public top-level functions and classes with their first logical line, in order.
    pub public: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub name: String,
    pub is_class: bool,
    /// `def f(a: int) -> int: ...`, joined onto one line.
    pub header: String,
}

impl Names {
    pub fn contains(&self, name: &str) -> bool {
        self.defined.iter().any(|n| n == name)
    }
}

pub fn read(text: &str) -> Names {
    let mut names = Names::default();
    // The indentation of the def or class whose body is being skipped.
    let mut body_of: Option<usize> = None;
    for (indent, line) in logical_lines(text) {
        if let Some(outer) = body_of {
            if indent > outer {
                continue;
            }
            body_of = None;
        }
        let statement = line.trim();
        let header = statement.strip_prefix("async ").unwrap_or(statement);
        if let Some(rest) = header.strip_prefix("def ").or_else(|| header.strip_prefix("class ")) {
            let name = identifier(rest);
            body_of = Some(indent);
            if name.is_empty() {
                continue;
            }
            if indent == 0 && !name.starts_with('_') {
                let is_class = header.starts_with("class ");
                names.public.push(Item { name: name.clone(), is_class, header: line.clone() });
            }
            names.defined.push(name);
        } else if let Some(rest) = statement.strip_prefix("from ") {
            let Some((module, imported)) = rest.split_once(" import ") else { continue };
            let module = module.trim().to_owned();
            let imported = imported.trim().trim_start_matches('(').trim_end_matches(')');
            if imported.trim() == "*" {
                names.star_from.push(module.clone());
            } else {
                names.defined.extend(imported.split(',').filter_map(bound_name));
            }
            names.from_modules.push(module);
        } else if let Some(rest) = statement.strip_prefix("import ") {
            names.defined.extend(rest.split(',').filter_map(|part| {
                let part = part.trim();
                match part.split_once(" as ") {
                    Some((_, alias)) => Some(alias.trim().to_owned()),
                    None => part.split('.').next().map(str::to_owned),
                }
            }));
        } else {
            let name = identifier(statement);
            let after = statement[name.len()..].trim_start();
            let assigns = (after.starts_with('=') && !after.starts_with("=="))
                || (after.starts_with(':') && !is_keyword(&name));
            if !name.is_empty() && assigns {
                names.defined.push(name);
            }
        }
    }
    names
}

/// `a`, `a as b` → the name bound.
fn bound_name(part: &str) -> Option<String> {
    let part = part.trim();
    let name = part.split_once(" as ").map_or(part, |(_, alias)| alias).trim();
    (!name.is_empty()).then(|| name.to_owned())
}

fn identifier(text: &str) -> String {
    text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

fn is_keyword(word: &str) -> bool {
    matches!(word, "else" | "try" | "finally" | "except" | "if" | "elif" | "while" | "for" | "with")
}

/// The file's logical lines (continuations joined, comments and string bodies dropped),
/// each with its indentation.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut indent = 0;
    let mut depth: i32 = 0;
    let mut triple: Option<&str> = None;
    for raw in text.lines() {
        let mut line = raw;
        // Inside a triple-quoted string: skip to its end.
        if let Some(quote) = triple {
            match line.find(quote) {
                Some(end) => {
                    line = &line[end + 3..];
                    triple = None;
                }
                None => continue,
            }
        }
        let starts_new = current.is_empty();
        if starts_new {
            if line.trim().is_empty() {
                continue;
            }
            indent = line.len() - line.trim_start().len();
        }
        let (code, open) = code_of(line);
        triple = open;
        depth += code.chars().filter(|c| matches!(c, '(' | '[' | '{')).count() as i32;
        depth -= code.chars().filter(|c| matches!(c, ')' | ']' | '}')).count() as i32;
        let continued = code.trim_end().ends_with('\\');
        current.push_str(code.trim_end().trim_end_matches('\\'));
        current.push(' ');
        if depth <= 0 && !continued && triple.is_none() {
            let joined = current.split_whitespace().collect::<Vec<_>>().join(" ");
            if !joined.is_empty() {
                lines.push((indent, joined));
            }
            current.clear();
            depth = 0;
        }
    }
    lines
}

/// A line's code: strings emptied (their brackets are not brackets), a comment cut off;
/// and the triple quote left open at its end, if any.
fn code_of(line: &str) -> (String, Option<&'static str>) {
    let mut code = String::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '#' {
            break;
        }
        for triple in ["\"\"\"", "'''"] {
            if let Some(after) = rest.strip_prefix(triple) {
                match after.find(triple) {
                    Some(end) => {
                        code.push_str("\"\"");
                        rest = &after[end + 3..];
                    }
                    None => return (code, Some(triple)),
                }
            }
        }
        let Some(c) = rest.chars().next() else { break };
        if c == '"' || c == '\'' {
            let after = &rest[1..];
            let end = after.find(c).map_or(after.len(), |e| e + 1);
            code.push_str("\"\"");
            rest = &after[end.min(after.len())..];
            continue;
        }
        if c == '#' {
            break;
        }
        code.push(c);
        rest = &rest[c.len_utf8()..];
    }
    (code, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_stub() {
        let stub = r#""""The module.

def not_a_function(): ...
"""
from typing import Any, SupportsIndex as Index
from . import sub
import os.path

__all__ = ["fib", "Thing"]
VERSION: str

def fib(
    n: Index,  # comment (with a paren
) -> int: ...
async def _private() -> None: ...

class Thing:
    def method(self) -> int: ...
    attribute: int
"#;
        let names = read(stub);
        assert_eq!(
            names.defined,
            ["Any", "Index", "sub", "os", "__all__", "VERSION", "fib", "_private", "Thing"]
        );
        assert_eq!(names.public.len(), 2);
        assert_eq!(names.public[0].header, "def fib( n: Index, ) -> int: ...");
        assert!(names.public[1].is_class);
        assert_eq!(names.from_modules, ["typing", "."]);
    }

    #[test]
    fn reads_an_init() {
        let init = "from .mixedp import *\n\n__doc__ = mixedp.__doc__\nif hasattr(mixedp, \"__all__\"):\n    __all__ = mixedp.__all__\ntry:\n    from ._core import (\n        a,\n        b as c,\n    )\nexcept ImportError:\n    pass\n";
        let names = read(init);
        assert_eq!(names.star_from, [".mixedp"]);
        assert!(names.contains("__doc__") && names.contains("__all__"));
        assert!(names.contains("a") && names.contains("c") && !names.contains("b"));
    }
}
