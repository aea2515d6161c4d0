//! Edits of `.vscode/*.json` (JSON with comments) through jsonc-parser's concrete syntax
//! tree: what is missing is appended, and the user's comments, order and spacing stay. A
//! setting the user gave another value is kept and reported.

use anyhow::{anyhow, Result};
use jsonc_parser::cst::{CstInputValue, CstObject, CstRootNode};
use jsonc_parser::ParseOptions;
use serde_json::Value;

use super::Merged;

fn parse(name: &str, text: Option<&str>) -> Result<CstRootNode> {
    let text = text.filter(|t| !t.trim().is_empty()).unwrap_or("{\n}\n");
    CstRootNode::parse(text, &ParseOptions::default())
        .map_err(|error| anyhow!("{name} is not valid JSON with comments: {error}"))
}

fn object(name: &str, root: &CstRootNode) -> Result<CstObject> {
    root.object_value().ok_or_else(|| anyhow!("{name} does not hold a JSON object"))
}

/// Top-level settings: each added when absent, reported when set to another value.
pub fn merge_settings(name: &str, text: Option<&str>, wanted: &[(&str, Value)]) -> Result<Merged> {
    let root = parse(name, text)?;
    let settings = object(name, &root)?;
    let mut merged = Merged::default();
    for (key, value) in wanted {
        match settings.get(key).and_then(|p| p.value()).map(|v| v.to_serde_value()) {
            None => {
                settings.append(key, input(value));
                merged.added.push(format!("\"{key}\": {value}"));
            }
            Some(Some(found)) if &found == value => {}
            Some(found) => {
                let found = found.map_or_else(|| "unreadable".to_owned(), |f| f.to_string());
                merged.differing.push(format!(
                    "{name}: \"{key}\" is {found}, pyrs would set {value} (kept yours)"
                ));
            }
        }
    }
    merged.text = finish(&root);
    Ok(merged)
}

/// `"recommendations"` holding each of `items` (unless the user marked it unwanted).
pub fn merge_recommendations(name: &str, text: Option<&str>, items: &[&str]) -> Result<Merged> {
    let root = parse(name, text)?;
    let top = object(name, &root)?;
    let unwanted = strings(&top, "unwantedRecommendations");
    let mut merged = Merged::default();
    let present = strings(&top, "recommendations");
    let list = top.array_value_or_set("recommendations");
    for item in items {
        if unwanted.iter().any(|u| u.eq_ignore_ascii_case(item)) {
            merged.differing.push(format!("{name}: {item} is unwanted (kept yours)"));
        } else if !present.iter().any(|p| p.eq_ignore_ascii_case(item)) {
            list.append(CstInputValue::String((*item).to_owned()));
            merged.added.push(format!("recommendation {item}"));
        }
    }
    list.ensure_multiline();
    merged.text = finish(&root);
    Ok(merged)
}

/// `"tasks"` holding a task of each label (a task the user has by that label is theirs).
pub fn merge_tasks(name: &str, text: Option<&str>, tasks: &[CstInputValue]) -> Result<Merged> {
    let root = parse(name, text)?;
    let top = object(name, &root)?;
    let mut merged = Merged::default();
    if top.get("version").is_none() {
        top.append("version", CstInputValue::String("2.0.0".to_owned()));
    }
    let labels: Vec<String> = top
        .array_value("tasks")
        .map(|list| {
            list.elements()
                .iter()
                .filter_map(|e| e.to_serde_value())
                .filter_map(|v| v.get("label").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let list = top.array_value_or_set("tasks");
    for task in tasks {
        let label = label_of(task);
        if !labels.iter().any(|l| l == label) {
            list.append(task.clone());
            merged.added.push(format!("task \"{label}\""));
        }
    }
    merged.text = finish(&root);
    Ok(merged)
}

fn label_of(task: &CstInputValue) -> &str {
    let CstInputValue::Object(pairs) = task else { return "" };
    pairs
        .iter()
        .find_map(|(key, value)| match value {
            CstInputValue::String(label) if key == "label" => Some(label.as_str()),
            _ => None,
        })
        .unwrap_or_default()
}

fn strings(object: &CstObject, key: &str) -> Vec<String> {
    let value = object.get(key).and_then(|p| p.value()).and_then(|v| v.to_serde_value());
    match value {
        Some(Value::Array(items)) => {
            items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
        }
        _ => Vec::new(),
    }
}

fn finish(root: &CstRootNode) -> String {
    let mut text = root.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// A JSON value as the syntax tree takes it.
fn input(value: &Value) -> CstInputValue {
    match value {
        Value::Null => CstInputValue::Null,
        Value::Bool(b) => CstInputValue::Bool(*b),
        Value::Number(n) => CstInputValue::Number(n.to_string()),
        Value::String(s) => CstInputValue::String(s.clone()),
        Value::Array(items) => CstInputValue::Array(items.iter().map(input).collect()),
        Value::Object(map) => {
            CstInputValue::Object(map.iter().map(|(k, v)| (k.clone(), input(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_keep_comments_and_report_differences() {
        let text = "{\n  // mine\n  \"editor.tabSize\": 2,\n  \"python.defaultInterpreterPath\": \"/usr/bin/python3\"\n}\n";
        let wanted = [
            ("python.defaultInterpreterPath", json!(".venv/bin/python")),
            ("rust-analyzer.cargo.targetDir", json!(true)),
        ];
        let merged = merge_settings("settings.json", Some(text), &wanted).unwrap();
        assert!(merged.text.contains("// mine"), "{}", merged.text);
        assert!(merged.text.contains("\"editor.tabSize\": 2,"));
        assert!(merged.text.contains("\"rust-analyzer.cargo.targetDir\": true"));
        assert!(merged.text.contains("/usr/bin/python3"));
        assert_eq!(merged.differing.len(), 1);
        let again = merge_settings("settings.json", Some(&merged.text), &wanted).unwrap();
        assert_eq!(again.text, merged.text);
        assert!(again.added.is_empty());
    }

    #[test]
    fn a_new_file_is_plain_json() {
        let merged = merge_settings("s", None, &[("a.b", json!({"X": "y"}))]).unwrap();
        let parsed: Value = serde_json::from_str(&merged.text).unwrap();
        assert_eq!(parsed, json!({"a.b": {"X": "y"}}));
        let merged = merge_recommendations("e", None, &["a.b", "c.d"]).unwrap();
        let parsed: Value = serde_json::from_str(&merged.text).unwrap();
        assert_eq!(parsed, json!({"recommendations": ["a.b", "c.d"]}));
    }

    #[test]
    fn tasks_are_added_by_label() {
        let text = "{\n  \"version\": \"2.0.0\",\n  \"tasks\": [\n    // my build\n    {\"label\": \"pyrs dev\", \"type\": \"shell\", \"command\": \"make\"}\n  ]\n}\n";
        let tasks = [
            input(&json!({"label": "pyrs dev", "command": "pyrs dev"})),
            input(&json!({"label": "pyrs test", "command": "pyrs test"})),
        ];
        let merged = merge_tasks("tasks.json", Some(text), &tasks).unwrap();
        assert!(merged.text.contains("// my build"));
        assert!(merged.text.contains("\"command\": \"make\""));
        assert_eq!(merged.added, ["task \"pyrs test\""]);
        let root = CstRootNode::parse(&merged.text, &ParseOptions::default()).unwrap();
        let parsed = root.to_serde_value().unwrap();
        assert_eq!(parsed["tasks"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn unwanted_recommendations_are_respected() {
        let text = "{ \"unwantedRecommendations\": [\"rust-lang.rust-analyzer\"] }";
        let merged =
            merge_recommendations("e", Some(text), &["rust-lang.rust-analyzer", "a.b"]).unwrap();
        assert_eq!(merged.added, ["recommendation a.b"]);
        assert_eq!(merged.differing.len(), 1);
    }
}
