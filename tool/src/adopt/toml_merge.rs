//! Edits of `pyproject.toml` and `Cargo.toml` through `toml_edit`: keys are added where
//! missing and the rest of the document (comments, order, formatting) is left as written.
//! A key the user set to another value is kept and reported, never overwritten.

use anyhow::{bail, Context, Result};
use toml_edit::{Array, DocumentMut, Item, Table, Value};

/// One setting the managed configuration wants in a TOML document.
#[derive(Debug, Clone)]
pub struct Want {
    /// The dotted table (`tool.pyright`), and the key inside it.
    pub table: &'static [&'static str],
    pub key: &'static str,
    pub kind: WantKind,
}

#[derive(Debug, Clone)]
pub enum WantKind {
    /// The key holds this value; a different value the user set is reported.
    Value(Value),
    /// The list holds this string. `replaces`: a requirement name; an entry pinning it
    /// (`pyrs==0.1.0`) is pyrs's own earlier one and is updated in place, another spec of it
    /// (`pyrs>=0.1`) is the user's and is reported.
    Member { item: String, replaces: Option<&'static str> },
    /// pyrs's own key (`[tool.pyrs] managed`): always set to this value.
    Owned(Value),
}

/// What a merge did: the new text, what it added, what the user set differently.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    pub added: Vec<String>,
    pub differing: Vec<String>,
}

pub fn parse(name: &str, text: &str) -> Result<DocumentMut> {
    text.parse::<DocumentMut>().with_context(|| format!("{name} is not valid TOML"))
}

/// Merges `wants` into `text` (a `pyproject.toml`).
pub fn merge(name: &str, text: &str, wants: &[Want]) -> Result<Merged> {
    let mut document = parse(name, text)?;
    let mut merged = Merged::default();
    for want in wants {
        let shown = format!("{}.{}", want.table.join("."), want.key);
        let table = table_at(&mut document, want.table)
            .with_context(|| format!("{name}: `{}` is not a table", want.table.join(".")))?;
        match &want.kind {
            WantKind::Value(value) => match table.get(want.key) {
                None => {
                    table.insert(want.key, Item::Value(value.clone()));
                    merged.added.push(format!("{shown} = {}", value_text(value)));
                }
                Some(found) if same(found, value) => {}
                Some(found) => merged.differing.push(format!(
                    "{name}: `{shown}` is {}, pyrs would set {} (kept yours)",
                    item_text(found),
                    value_text(value)
                )),
            },
            WantKind::Owned(value) => {
                if !table.get(want.key).is_some_and(|found| same(found, value)) {
                    table.insert(want.key, Item::Value(value.clone()));
                    merged.added.push(format!("{shown} = {}", value_text(value)));
                }
            }
            WantKind::Member { item, replaces } => {
                merge_member(table, want.key, item, *replaces, &shown, name, &mut merged)?;
            }
        }
    }
    merged.text = document.to_string();
    Ok(merged)
}

fn merge_member(
    table: &mut Table,
    key: &str,
    item: &str,
    replaces: Option<&str>,
    shown: &str,
    name: &str,
    merged: &mut Merged,
) -> Result<()> {
    let Some(found) = table.get_mut(key) else {
        let mut array = Array::new();
        array.push(item);
        table.insert(key, Item::Value(Value::Array(array)));
        merged.added.push(format!("{shown} = [\"{item}\"]"));
        return Ok(());
    };
    let Some(array) = found.as_array_mut() else {
        merged.differing.push(format!(
            "{name}: `{shown}` is {}, pyrs would list \"{item}\" in it (kept yours)",
            item_text(found)
        ));
        return Ok(());
    };
    if array.iter().any(|v| v.as_str() == Some(item)) {
        return Ok(());
    }
    let earlier = replaces.and_then(|name| {
        array.iter().position(|v| v.as_str().is_some_and(|s| requirement_name(s) == name))
    });
    let pinned = |index: usize| {
        let pin = format!("{}==", replaces.unwrap_or_default());
        array.get(index).and_then(Value::as_str).is_some_and(|s| s.starts_with(&pin))
    };
    match earlier {
        Some(index) if !pinned(index) => {
            let found = array.get(index).map(value_text).unwrap_or_default();
            merged.differing.push(format!(
                "{name}: `{shown}` has {found}, pyrs would pin \"{item}\" (kept yours)"
            ));
        }
        Some(index) => {
            let old = array.get(index).map(value_text).unwrap_or_default();
            // Keep the entry's own spacing: only its text changes.
            let decor = array.get(index).map(|v| v.decor().clone()).unwrap_or_default();
            let mut value = Value::from(item);
            *value.decor_mut() = decor;
            array.replace_formatted(index, value);
            merged.added.push(format!("{shown}: {old} -> \"{item}\""));
        }
        None if replaces.is_none() => {
            merged.differing.push(format!(
                "{name}: `{shown}` has no \"{item}\" (kept yours: add it if the checker misses \
                 the stub)"
            ));
        }
        None => {
            push_like_the_others(array, item);
            merged.added.push(format!("{shown} += \"{item}\""));
        }
    }
    Ok(())
}

/// The distribution a requirement names (`pyrs` of `pyrs>=0.1; python_version>'3.9'`).
fn requirement_name(requirement: &str) -> &str {
    let end = requirement.find(|c: char| "<>=!~;[ @".contains(c)).unwrap_or(requirement.len());
    &requirement[..end]
}

/// Appends to an array keeping its layout: one item per line when it is written so.
fn push_like_the_others(array: &mut Array, item: &str) {
    let multiline = array
        .iter()
        .any(|v| v.decor().prefix().and_then(|p| p.as_str()).is_some_and(|p| p.contains('\n')));
    if !multiline {
        array.push(item);
        return;
    }
    let indent = array
        .iter()
        .last()
        .and_then(|v| v.decor().prefix().and_then(|p| p.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "\n    ".to_owned());
    let mut value = Value::from(item);
    value.decor_mut().set_prefix(indent);
    array.push_formatted(value);
    array.set_trailing_comma(true);
    if !array.trailing().as_str().is_some_and(|t| t.contains('\n')) {
        array.set_trailing("\n");
    }
}

/// The table at `path`, made (as an implicit parent where it only holds tables) if missing.
fn table_at<'d>(document: &'d mut DocumentMut, path: &[&str]) -> Option<&'d mut Table> {
    let mut table = document.as_table_mut();
    for (depth, part) in path.iter().enumerate() {
        let last = depth + 1 == path.len();
        if !table.contains_key(part) {
            let mut new = Table::new();
            // `[tool]` only holds other tables: no header of its own.
            new.set_implicit(!last);
            if last {
                new.decor_mut().set_prefix("\n");
            }
            table.insert(part, Item::Table(new));
        }
        table = table.get_mut(part)?.as_table_mut()?;
    }
    Some(table)
}

fn same(found: &Item, wanted: &Value) -> bool {
    found.as_value().is_some_and(|v| strip(v) == strip(wanted))
}

/// A value without its formatting, for comparison.
fn strip(value: &Value) -> String {
    let mut value = value.clone();
    value.decor_mut().clear();
    if let Value::Array(array) = &mut value {
        array.fmt();
    }
    value.to_string()
}

fn value_text(value: &Value) -> String {
    strip(value)
}

fn item_text(item: &Item) -> String {
    match item.as_value() {
        Some(value) => strip(value),
        None => "a table".to_owned(),
    }
}

/// Adds `feature` to the pyo3 dependency of a `Cargo.toml` (whatever form it is written
/// in); None when it is there already.
pub fn add_pyo3_feature(name: &str, text: &str, feature: &str) -> Result<Option<String>> {
    let mut document = parse(name, text)?;
    let dependencies = document
        .get_mut("dependencies")
        .and_then(Item::as_table_like_mut)
        .with_context(|| format!("{name} has no [dependencies]"))?;
    let key = dependencies
        .iter()
        .find(|(key, item)| *key == "pyo3" || package_of(item) == Some("pyo3"))
        .map(|(key, _)| key.to_owned())
        .with_context(|| format!("{name}: no pyo3 in [dependencies]"))?;
    let Some(item) = dependencies.get_mut(&key) else { bail!("{name}: pyo3 vanished") };
    // `pyo3 = "0.29"` becomes `pyo3 = { version = "0.29", features = [...] }`.
    if let Some(version) = item.as_str().map(str::to_owned) {
        let mut inline = toml_edit::InlineTable::new();
        inline.insert("version", Value::from(version));
        let mut features = Array::new();
        features.push(feature);
        inline.insert("features", Value::Array(features));
        let decor = item.as_value().map(|v| v.decor().clone()).unwrap_or_default();
        let mut value = Value::InlineTable(inline);
        *value.decor_mut() = decor;
        *item = Item::Value(value);
        return Ok(Some(document.to_string()));
    }
    if let Some(inline) = item.as_inline_table_mut().filter(|t| !t.contains_key("features")) {
        // `{ workspace = true }`: the space before `}` moves after the new last key.
        let suffix = inline.iter_mut().last().and_then(|(_, v)| {
            let suffix = v.decor().suffix().cloned();
            v.decor_mut().set_suffix("");
            suffix
        });
        let mut features = Array::new();
        features.push(feature);
        let mut value = Value::Array(features);
        if let Some(suffix) = suffix {
            value.decor_mut().set_suffix(suffix);
        }
        inline.insert("features", value);
        return Ok(Some(document.to_string()));
    }
    let table = item.as_table_like_mut().with_context(|| {
        format!("{name}: `dependencies.{key}` is neither a version nor a table")
    })?;
    match table.get_mut("features") {
        None => {
            let mut features = Array::new();
            features.push(feature);
            table.insert("features", Item::Value(Value::Array(features)));
        }
        Some(found) => {
            let array = found
                .as_array_mut()
                .with_context(|| format!("{name}: `dependencies.{key}.features` is not a list"))?;
            if array.iter().any(|v| v.as_str() == Some(feature)) {
                return Ok(None);
            }
            array.push(feature);
        }
    }
    Ok(Some(document.to_string()))
}

fn package_of(item: &Item) -> Option<&str> {
    item.as_table_like()?.get("package")?.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(v: impl Into<Value>) -> WantKind {
        WantKind::Value(v.into())
    }

    #[test]
    fn adds_tables_at_the_end_and_keeps_comments() {
        let text = "[project]\nname = \"x\" # mine\n\n[tool.maturin]\nfeatures = []\n";
        let wants = [
            Want { table: &["tool", "pyright"], key: "typeCheckingMode", kind: value("strict") },
            Want { table: &["tool", "pyright"], key: "venv", kind: value(".venv") },
            Want { table: &["tool", "ty", "rules"], key: "all", kind: value("error") },
        ];
        let merged = merge("pyproject.toml", text, &wants).unwrap();
        assert!(merged.text.starts_with(text), "{}", merged.text);
        assert!(merged
            .text
            .contains("\n[tool.pyright]\ntypeCheckingMode = \"strict\"\nvenv = \".venv\"\n"));
        assert!(merged.text.contains("\n[tool.ty.rules]\nall = \"error\"\n"));
        assert!(!merged.text.contains("[tool]\n"));
        assert_eq!(merged.added.len(), 3);
    }

    #[test]
    fn a_different_user_value_is_reported_and_kept() {
        let text = "[tool.pyright]\ntypeCheckingMode = \"basic\"  # on purpose\n";
        let wants =
            [Want { table: &["tool", "pyright"], key: "typeCheckingMode", kind: value("strict") }];
        let merged = merge("pyproject.toml", text, &wants).unwrap();
        assert_eq!(merged.text, text);
        assert_eq!(merged.differing.len(), 1, "{:?}", merged.differing);
        assert!(merged.differing[0].contains("\"basic\""));
    }

    #[test]
    fn a_second_merge_changes_nothing() {
        let wants = [
            Want { table: &["tool", "mypy"], key: "strict", kind: value(true) },
            Want {
                table: &["dependency-groups"],
                key: "dev",
                kind: WantKind::Member { item: "pyrs==1.0.0".into(), replaces: Some("pyrs") },
            },
            Want {
                table: &["tool", "pyrs"],
                key: "managed",
                kind: WantKind::Owned("1.0.0".into()),
            },
        ];
        let once = merge("p", "[project]\nname = \"x\"\n", &wants).unwrap();
        let twice = merge("p", &once.text, &wants).unwrap();
        assert_eq!(once.text, twice.text);
        assert!(twice.added.is_empty() && twice.differing.is_empty());
    }

    #[test]
    fn pyrs_own_entries_are_updated() {
        let text = "[dependency-groups]\ndev = [\n    \"pytest\",\n    \"pyrs==0.1.0\",\n]\n";
        let wants = [Want {
            table: &["dependency-groups"],
            key: "dev",
            kind: WantKind::Member { item: "pyrs==0.2.0".into(), replaces: Some("pyrs") },
        }];
        let merged = merge("p", text, &wants).unwrap();
        assert_eq!(merged.text, text.replace("0.1.0", "0.2.0"));
        let text = "[dependency-groups]\ndev = [\n    \"pytest\",\n]\n";
        let merged = merge("p", text, &wants).unwrap();
        assert_eq!(
            merged.text,
            "[dependency-groups]\ndev = [\n    \"pytest\",\n    \"pyrs==0.2.0\",\n]\n"
        );
        let text = "[dependency-groups]\ndev = [\"pyrs>=0.1\"]\n";
        let merged = merge("p", text, &wants).unwrap();
        assert_eq!(merged.text, text);
        assert_eq!(merged.differing.len(), 1);
    }

    #[test]
    fn pyo3_feature_in_every_form() {
        let add = |t: &str| add_pyo3_feature("Cargo.toml", t, "experimental-inspect").unwrap();
        assert_eq!(
            add("[dependencies]\npyo3 = \"0.29.0\" # pinned\n").unwrap(),
            "[dependencies]\npyo3 = { version = \"0.29.0\", features = [\"experimental-inspect\"] } # pinned\n"
        );
        assert_eq!(
            add("[dependencies]\npyo3 = { version = \"0.28\", features = [\"abi3-py39\"] }\n")
                .unwrap(),
            "[dependencies]\npyo3 = { version = \"0.28\", features = [\"abi3-py39\", \"experimental-inspect\"] }\n"
        );
        assert_eq!(
            add("[dependencies.pyo3]\nversion = \"0.29\"\n").unwrap(),
            "[dependencies.pyo3]\nversion = \"0.29\"\nfeatures = [\"experimental-inspect\"]\n"
        );
        assert_eq!(
            add("[dependencies]\npyo3 = { workspace = true }\n").unwrap(),
            "[dependencies]\npyo3 = { workspace = true, features = [\"experimental-inspect\"] }\n"
        );
        assert!(add(
            "[dependencies]\npyo3 = { version = \"1\", features = [\"experimental-inspect\"] }\n"
        )
        .is_none());
    }
}
