//! Each checker's report, read into `Diagnostic`s: JSON where the checker has it, mypy's
//! text format for zuban.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Diagnostic, Format, Severity};

pub fn diagnostics(format: Format, out: &str, cwd: &Path) -> Result<Vec<Diagnostic>, String> {
    match format {
        Format::PyrightJson => pyright(out, cwd),
        Format::MypyJsonLines => mypy(out, cwd),
        Format::ZubanText => Ok(mypy_text(out, cwd)),
        Format::TyGitlab => ty(out, cwd),
        Format::PyreflyJson => pyrefly(out, cwd),
    }
}

fn json(out: &str, empty: &str) -> Result<Value, String> {
    let text = if out.trim().is_empty() { empty } else { out };
    serde_json::from_str(text).map_err(|e| e.to_string())
}

fn absolute(path: &str, cwd: &Path) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    }
}

fn text(value: &Value, key: &str) -> String {
    value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn number(value: Option<&Value>) -> u32 {
    value.and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()).unwrap_or(0)
}

/// `--outputjson`: `generalDiagnostics` (0-based lines), and `summary.filesAnalyzed`.
fn pyright(out: &str, cwd: &Path) -> Result<Vec<Diagnostic>, String> {
    let report = json(out, "")?;
    let items = report
        .get("generalDiagnostics")
        .and_then(Value::as_array)
        .ok_or("no generalDiagnostics")?;
    let mut found: Vec<Diagnostic> = items
        .iter()
        .map(|item| Diagnostic {
            file: absolute(&text(item, "file"), cwd),
            line: number(item.pointer("/range/start/line")) + 1,
            severity: Severity::parse(&text(item, "severity")),
            rule: text(item, "rule"),
            message: text(item, "message"),
        })
        .collect();
    if report.pointer("/summary/filesAnalyzed").and_then(Value::as_u64) == Some(0) {
        found.push(Diagnostic::tool_failure("no file checked"));
    }
    Ok(found)
}

/// `-O json`: one object per line (other lines are logs).
fn mypy(out: &str, cwd: &Path) -> Result<Vec<Diagnostic>, String> {
    let mut found = Vec::new();
    for line in out.lines().filter(|l| l.starts_with('{')) {
        let item: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let hint = text(&item, "hint");
        let message = text(&item, "message");
        found.push(Diagnostic {
            file: absolute(&text(&item, "file"), cwd),
            line: number(item.get("line")),
            severity: Severity::parse(&text(&item, "severity")),
            rule: text(&item, "code"),
            message: if hint.is_empty() { message } else { format!("{message} ({hint})") },
        });
    }
    Ok(found)
}

/// mypy's text format: `path:line[:column]: severity: message  [code]`.
pub fn mypy_text(out: &str, cwd: &Path) -> Vec<Diagnostic> {
    out.lines().filter_map(|line| mypy_text_line(line, cwd)).collect()
}

fn mypy_text_line(line: &str, cwd: &Path) -> Option<Diagnostic> {
    let (path, rest) = line.split_once(':')?;
    let (number, mut rest) = rest.split_once(':')?;
    let line_number: u32 = number.parse().ok()?;
    // An optional column.
    if let Some((column, after)) = rest.split_once(':') {
        if column.trim().parse::<u32>().is_ok() {
            rest = after;
        }
    }
    let rest = rest.strip_prefix(' ')?;
    let (severity, message) = rest.split_once(": ")?;
    if !matches!(severity, "error" | "warning" | "note") {
        return None;
    }
    let (message, rule) = match message.rsplit_once("  [") {
        Some((text, code)) if code.ends_with(']') => {
            (text.to_owned(), code.trim_end_matches(']').to_owned())
        }
        _ => (message.to_owned(), String::new()),
    };
    Some(Diagnostic {
        file: absolute(path, cwd),
        line: line_number,
        severity: Severity::parse(severity),
        rule,
        message,
    })
}

/// `--output-format gitlab`: GitLab code-quality records.
fn ty(out: &str, cwd: &Path) -> Result<Vec<Diagnostic>, String> {
    let items = json(out, "[]")?;
    let items = items.as_array().ok_or("not a list")?;
    Ok(items
        .iter()
        .map(|item| {
            let rule = text(item, "check_name");
            let description = text(item, "description");
            let message =
                description.strip_prefix(&format!("{rule}: ")).unwrap_or(&description).to_owned();
            let severity = match text(item, "severity").as_str() {
                "major" | "critical" | "blocker" => Severity::Error,
                "minor" => Severity::Warning,
                _ => Severity::Info,
            };
            Diagnostic {
                file: absolute(&text(item.get("location").unwrap_or(&Value::Null), "path"), cwd),
                line: number(item.pointer("/location/positions/begin/line")),
                severity,
                rule,
                message,
            }
        })
        .collect())
}

/// `--output-format json`: `{"errors": [...]}`.
fn pyrefly(out: &str, cwd: &Path) -> Result<Vec<Diagnostic>, String> {
    let report = json(out, r#"{"errors": []}"#)?;
    let items = report.get("errors").and_then(Value::as_array).ok_or("no errors list")?;
    Ok(items
        .iter()
        .map(|item| Diagnostic {
            file: absolute(&text(item, "path"), cwd),
            line: number(item.get("line")),
            severity: Severity::parse(&text(item, "severity")),
            rule: text(item, "name"),
            message: text(item, "concise_description"),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CWD: &str = "/p";

    #[test]
    fn pyright_json() {
        let out = r#"{"generalDiagnostics": [{"file": "/p/a.py", "severity": "error",
            "message": "bad", "range": {"start": {"line": 2, "character": 0}},
            "rule": "reportArgumentType"}], "summary": {"filesAnalyzed": 1}}"#;
        let found = pyright(out, Path::new(CWD)).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 3);
        assert_eq!(found[0].rule, "reportArgumentType");
        let none = r#"{"generalDiagnostics": [], "summary": {"filesAnalyzed": 0}}"#;
        assert_eq!(pyright(none, Path::new(CWD)).unwrap()[0].rule, super::super::TOOL_FAILURE);
        assert!(pyright("garbage", Path::new(CWD)).is_err());
    }

    #[test]
    fn mypy_json_lines() {
        let out = "LOG: x\n{\"file\": \"a.py\", \"line\": 4, \"message\": \"Revealed type is \\\"int\\\"\", \"hint\": null, \"code\": \"misc\", \"severity\": \"note\"}\n";
        let found = mypy(out, Path::new(CWD)).unwrap();
        assert_eq!(found[0].file, PathBuf::from("/p/a.py"));
        assert_eq!(found[0].severity, Severity::Info);
        assert_eq!(found[0].message, "Revealed type is \"int\"");
    }

    #[test]
    fn zuban_text() {
        let out = "a.py:2:13: note: Revealed type is \"builtins.int\"\n\
                   b.py:5:1: error: Argument 1 has incompatible type \"str\"  [arg-type]\n\
                   Success: no issues found in 1 source file\n";
        let found = mypy_text(out, Path::new(CWD));
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].rule, "arg-type");
        assert_eq!(found[1].line, 5);
        assert_eq!(found[1].severity, Severity::Error);
        assert_eq!(found[0].rule, "");
    }

    #[test]
    fn ty_gitlab() {
        let out = r#"[{"check_name": "revealed-type", "description": "revealed-type: Revealed type: `int`",
            "severity": "info", "location": {"path": "a.py", "positions": {"begin": {"line": 2}}}}]"#;
        let found = ty(out, Path::new(CWD)).unwrap();
        assert_eq!(found[0].message, "Revealed type: `int`");
        assert_eq!(found[0].line, 2);
        assert!(ty("", Path::new(CWD)).unwrap().is_empty());
    }

    #[test]
    fn pyrefly_json() {
        let out = r#"{"errors": [{"path": "/p/a.py", "line": 3, "name": "bad-argument-type",
            "severity": "error", "concise_description": "wrong"}]}"#;
        let found = pyrefly(out, Path::new(CWD)).unwrap();
        assert_eq!(found[0].rule, "bad-argument-type");
    }
}
