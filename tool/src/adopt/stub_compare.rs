//! Whether a generated stub says everything an existing one says: the same top-level names,
//! the same classes (bases and members) and the same signatures (parameter names, kinds,
//! annotations, which have defaults; return types). A stub generation cannot reproduce
//! (overloads, generics, protocols, extra names) is a person's work and is kept.

use std::collections::BTreeSet;

/// One statement of a stub that declares something.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Def { name: String, signature: Signature, decorators: Vec<String> },
    Class { name: String, bases: String, body: Vec<Item> },
    Name { name: String, annotation: Option<String>, listed: Option<BTreeSet<String>> },
}

impl Item {
    fn name(&self) -> &str {
        match self {
            Self::Def { name, .. } | Self::Class { name, .. } | Self::Name { name, .. } => name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Signature {
    type_params: String,
    params: Vec<Param>,
    returns: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Param {
    /// `/`, `*`, `*args`, `**kwargs` or a name, with its stars.
    name: String,
    annotation: Option<String>,
    has_default: bool,
}

/// What `existing` says that `generated` does not (empty: the generated stub covers it).
pub fn missing_from(generated: &str, existing: &str) -> Vec<String> {
    let generated = parse(generated);
    let mut missing = Vec::new();
    compare(&generated, &parse(existing), "", &mut missing);
    missing
}

fn compare(generated: &[Item], existing: &[Item], prefix: &str, missing: &mut Vec<String>) {
    let names: BTreeSet<&str> = existing.iter().map(Item::name).collect();
    for name in names {
        let shown = format!("{prefix}{name}");
        let theirs: Vec<&Item> = existing.iter().filter(|i| i.name() == name).collect();
        let ours: Vec<&Item> = generated.iter().filter(|i| i.name() == name).collect();
        if ours.is_empty() {
            missing.push(format!("`{shown}` is not in the generated stub"));
            continue;
        }
        if theirs.len() > 1 && theirs.iter().all(|i| matches!(i, Item::Def { .. })) {
            if theirs.len() != ours.len() || theirs.iter().any(|t| !ours.contains(t)) {
                missing.push(format!("`{shown}` has {} overloads", theirs.len()));
            }
            continue;
        }
        for item in theirs {
            compare_item(item, &ours, &shown, missing);
        }
    }
}

fn compare_item(item: &Item, ours: &[&Item], shown: &str, missing: &mut Vec<String>) {
    match item {
        Item::Def { signature, decorators, .. } => {
            let found = ours.iter().find_map(|o| match o {
                Item::Def { signature, decorators, .. } => Some((signature, decorators)),
                _ => None,
            });
            let Some((their_signature, their_decorators)) = found else {
                missing.push(format!("`{shown}` is not a function in the generated stub"));
                return;
            };
            if !same_signature(signature, their_signature) {
                missing.push(format!("`{shown}` has another signature in the generated stub"));
            }
            if decorators.iter().any(|d| !their_decorators.contains(d)) {
                missing.push(format!("`{shown}` is decorated ({})", decorators.join(", ")));
            }
        }
        Item::Class { bases, body, .. } => {
            let found = ours.iter().find_map(|o| match o {
                Item::Class { bases, body, .. } => Some((bases, body)),
                _ => None,
            });
            let Some((their_bases, their_body)) = found else {
                missing.push(format!("`{shown}` is not a class in the generated stub"));
                return;
            };
            if bases != their_bases {
                missing.push(format!("`{shown}` has other bases ({bases})"));
            }
            compare(their_body, body, &format!("{shown}."), missing);
        }
        Item::Name { annotation, listed, .. } => {
            let found = ours.iter().find_map(|o| match o {
                Item::Name { annotation, listed, .. } => Some((annotation, listed)),
                _ => None,
            });
            let Some((their_annotation, their_listed)) = found else {
                missing.push(format!("`{shown}` is not a variable in the generated stub"));
                return;
            };
            if annotation.is_some() && annotation != their_annotation {
                missing.push(format!("`{shown}` has another type in the generated stub"));
            }
            if let (Some(mine), Some(theirs)) = (listed, their_listed) {
                if !mine.is_subset(theirs) {
                    missing.push(format!("`{shown}` lists names the generated stub does not"));
                }
            }
        }
    }
}

/// A parameter left unannotated in one stub matches any annotation in the other; the
/// rest must be the same.
fn same_signature(mine: &Signature, theirs: &Signature) -> bool {
    let returns = mine.returns.is_none() || mine.returns == theirs.returns;
    returns
        && mine.type_params == theirs.type_params
        && mine.params.len() == theirs.params.len()
        && mine.params.iter().zip(&theirs.params).all(|(a, b)| {
            a.name == b.name
                && a.has_default == b.has_default
                && (a.annotation.is_none() || a.annotation == b.annotation)
        })
}

/// A logical line (brackets and strings joined) and its indentation.
#[derive(Debug, Clone)]
struct Line {
    indent: usize,
    text: String,
}

/// The statements of a stub, strings and comments taken out of their text.
fn logical_lines(source: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut text = String::new();
    let mut indent = 0;
    let mut at_start = true;
    let mut depth = 0usize;
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if at_start {
            if c == ' ' || c == '\t' {
                indent += 1;
                i += 1;
                continue;
            }
            at_start = false;
        }
        match c {
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '"' | '\'' => {
                let triple = chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
                let quote_len = if triple { 3 } else { 1 };
                let start = i;
                i += quote_len;
                while i < chars.len() {
                    if chars[i] == '\\' {
                        i += 2;
                        continue;
                    }
                    if chars[i] == c
                        && (!triple
                            || (chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c)))
                    {
                        i += quote_len;
                        break;
                    }
                    if !triple && chars[i] == '\n' {
                        break;
                    }
                    i += 1;
                }
                // Short strings keep their text (`__all__`, string annotations); docstrings
                // are a placeholder.
                if triple {
                    text.push_str("\"\"");
                } else {
                    text.extend(&chars[start..i.min(chars.len())]);
                }
                continue;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '\n' if depth == 0 => {
                if !text.trim().is_empty() {
                    lines.push(Line { indent, text: text.trim().to_owned() });
                }
                text.clear();
                indent = 0;
                at_start = true;
                i += 1;
                continue;
            }
            '\n' => {
                text.push(' ');
                i += 1;
                continue;
            }
            _ => {}
        }
        text.push(c);
        i += 1;
    }
    if !text.trim().is_empty() {
        lines.push(Line { indent, text: text.trim().to_owned() });
    }
    lines
}

fn parse(source: &str) -> Vec<Item> {
    let lines = logical_lines(source);
    let mut index = 0;
    parse_block(&lines, &mut index, 0)
}

/// The statements at `indent` from `index` on, until the block ends.
fn parse_block(lines: &[Line], index: &mut usize, indent: usize) -> Vec<Item> {
    let mut items = Vec::new();
    let mut decorators = Vec::new();
    while *index < lines.len() {
        let line = &lines[*index];
        if line.indent < indent {
            break;
        }
        *index += 1;
        if line.indent > indent {
            continue; // a body already skipped over
        }
        let text = line.text.as_str();
        if let Some(decorator) = text.strip_prefix('@') {
            decorators.push(normalize(decorator));
            continue;
        }
        let def = text.strip_prefix("async ").unwrap_or(text);
        if let Some(rest) = def.strip_prefix("def ") {
            if let Some((name, signature)) = parse_def(rest) {
                items.push(Item::Def {
                    name,
                    signature,
                    decorators: std::mem::take(&mut decorators),
                });
            }
            skip_body(lines, index, indent);
        } else if let Some(rest) = text.strip_prefix("class ") {
            let head = rest.trim_end_matches(|c: char| c == ':' || c.is_whitespace() || c == '.');
            let head = head.strip_suffix(':').unwrap_or(head);
            let (name, bases) = match head.find(['(', '[']) {
                Some(at) => (head[..at].trim().to_owned(), normalize(&head[at..])),
                None => (head.trim().to_owned(), String::new()),
            };
            let body = match lines.get(*index) {
                Some(next) if next.indent > indent => parse_block(lines, index, next.indent),
                _ => Vec::new(),
            };
            decorators.clear();
            items.push(Item::Class { name, bases, body });
        } else if let Some(item) = parse_name(text) {
            items.push(item);
        }
    }
    items
}

fn skip_body(lines: &[Line], index: &mut usize, indent: usize) {
    while lines.get(*index).is_some_and(|l| l.indent > indent) {
        *index += 1;
    }
}

/// `name[T](params) -> returns: ...`
fn parse_def(rest: &str) -> Option<(String, Signature)> {
    let open = rest.find(['(', '['])?;
    let name = rest[..open].trim().to_owned();
    let mut cursor = open;
    let mut type_params = String::new();
    if rest[cursor..].starts_with('[') {
        let close = matching(rest, cursor)?;
        type_params = normalize(&rest[cursor..=close]);
        cursor = close + 1;
    }
    let open = cursor + rest[cursor..].find('(')?;
    let close = matching(rest, open)?;
    let params = split_top(&rest[open + 1..close]).iter().map(|p| parse_param(p)).collect();
    let tail = rest[close + 1..].trim();
    let returns = tail.strip_prefix("->").map(|r| {
        let r = r.trim();
        let end = top_level_colon(r).unwrap_or(r.len());
        normalize(&r[..end])
    });
    Some((name, Signature { type_params, params, returns }))
}

fn parse_param(text: &str) -> Param {
    let (head, default) = match top_level(text, '=') {
        Some(at) => (&text[..at], true),
        None => (text, false),
    };
    let (name, annotation) = match top_level(head, ':') {
        Some(at) => (head[..at].trim(), Some(normalize(&head[at + 1..]))),
        None => (head.trim(), None),
    };
    Param { name: name.replace(' ', ""), annotation, has_default: default }
}

/// `X: int`, `X: int = ...`, `X = ...`, `__all__ = [...]`.
fn parse_name(text: &str) -> Option<Item> {
    if text.starts_with("import ") || text.starts_with("from ") {
        return None;
    }
    let (head, value) = match top_level(text, '=') {
        Some(at) => (&text[..at], Some(text[at + 1..].trim())),
        None => (text, None),
    };
    let (name, annotation) = match top_level(head, ':') {
        Some(at) => (head[..at].trim(), Some(normalize(&head[at + 1..]))),
        None => (head.trim(), None),
    };
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let listed = (name == "__all__").then(|| {
        value
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim_matches(|c: char| "[]() \"'".contains(c)).to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    });
    Some(Item::Name { name: name.to_owned(), annotation, listed })
}

/// The index of the bracket closing the one at `open`.
fn matching(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in text.char_indices().skip_while(|(i, _)| *i < open) {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The first `wanted` outside brackets and strings.
fn top_level(text: &str, wanted: char) -> Option<usize> {
    let mut depth = 0i32;
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, c) if c == wanted && depth == 0 => {
                // `->`, `==`, `<=`, `>=`, `!=` are not an assignment.
                let next = text[i + 1..].chars().next();
                let previous = text[..i].chars().last();
                if wanted == '='
                    && (next == Some('=') || matches!(previous, Some('<' | '>' | '!' | '=')))
                {
                    continue;
                }
                return Some(i);
            }
            _ => {}
        }
    }
    None
}

fn top_level_colon(text: &str) -> Option<usize> {
    top_level(text, ':')
}

fn split_top(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(at) = top_level(rest, ',') {
        parts.push(rest[..at].trim().to_owned());
        rest = &rest[at + 1..];
    }
    parts.push(rest.trim().to_owned());
    parts.retain(|p| !p.is_empty());
    parts
}

/// A type as text, without spacing, quotes and the module prefixes generators add.
fn normalize(text: &str) -> String {
    let mut out: String =
        text.chars().filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'').collect();
    for prefix in ["typing_extensions.", "typing.", "builtins.", "collections.abc."] {
        out = out.replace(prefix, "");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENERATED: &str = r#"__all__ = ["count_words", "hello_from_bin"]

def count_words(text: str, min_len: int = 1, *, upper_only: bool = False) -> int:
    """Counts the words (a, b)."""

def hello_from_bin() -> str: ...
"#;

    #[test]
    fn the_uv_init_one_liner_is_covered() {
        assert_eq!(
            missing_from(GENERATED, "def hello_from_bin() -> str: ...\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_careful_hand_stub_of_the_same_names_is_covered() {
        let hand = "__all__ = [\"count_words\", \"hello_from_bin\"]\n\ndef hello_from_bin() -> str: ...\n\ndef count_words(\n    text: str, min_len: int = 1, *, upper_only: bool = False\n) -> int:\n    \"\"\"Doc.\"\"\"\n";
        assert_eq!(missing_from(GENERATED, hand), Vec::<String>::new());
    }

    #[test]
    fn what_generation_cannot_say_is_found() {
        let hand = "from typing import overload, TypeVar\nT = TypeVar(\"T\")\n@overload\ndef count_words(text: str) -> int: ...\n@overload\ndef count_words(text: bytes) -> int: ...\n";
        let missing = missing_from(GENERATED, hand);
        assert!(missing.iter().any(|m| m.contains("`T`")), "{missing:?}");
        assert!(missing.iter().any(|m| m.contains("overloads")), "{missing:?}");
        let other = missing_from(GENERATED, "def hello_from_bin(name: str) -> str: ...\n");
        assert_eq!(other.len(), 1, "{other:?}");
    }

    #[test]
    fn classes_compare_bases_and_members() {
        let generated = "class Point:\n    x: int\n    def norm(self) -> float: ...\n";
        assert!(
            missing_from(generated, "class Point:\n    def norm(self) -> float: ...\n").is_empty()
        );
        let generic = "class Point(Generic[T]):\n    def norm(self) -> float: ...\n";
        assert_eq!(missing_from(generated, generic).len(), 1);
        let extra = "class Point:\n    def norm(self) -> float: ...\n    def dot(self, o: Point) -> float: ...\n";
        assert_eq!(missing_from(generated, extra), ["`Point.dot` is not in the generated stub"]);
    }

    #[test]
    fn annotations_are_compared_without_spelling() {
        let generated = "def f(x: typing.Optional[int] = None) -> builtins.str: ...\n";
        assert!(
            missing_from(generated, "def f(x: Optional[ int ] = ...) -> 'str': ...\n").is_empty()
        );
        assert!(!missing_from(generated, "def f(x: int = ...) -> str: ...\n").is_empty());
    }
}
