//! Each checker's configuration, for this layout: where a checker must be told about the
//! stub's folder (a pure layout with the stub in `stubs/`: pyright `stubPath`, mypy
//! `mypy_path`, ty `extra-paths`, pyrefly `search-path`; a stub beside the module needs
//! none), mypy's `python_executable` where it must read the venv's site-packages, and
//! pyrefly's own table (without it pyrefly runs a lenient preset). A missing setting is
//! reported with the exact lines to add and the file to add them to.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Finding, Problem};
use crate::project::layout::Kind;
use crate::project::Project;

/// A checker's configuration as read: where it comes from, and its table (None: absent).
struct Source {
    /// `pyproject.toml`, `pyrightconfig.json`, `mypy.ini`, ...
    file: String,
    /// The table header the lines go under (`[tool.pyright]`, `[mypy]`, `(top level)`).
    header: String,
    table: Option<Value>,
}

impl Source {
    fn place(&self) -> String {
        format!("{} in {}", self.header, self.file)
    }

    fn strings(&self, key: &str) -> Vec<String> {
        let value = self.table.as_ref().and_then(|t| key.split('.').try_fold(t, |v, k| v.get(k)));
        match value {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => {
                items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// The folder from which the module's dotted path leads to its stub (`stubs` for
/// `stubs/m.pyi`, `python` for `python/pkg/_core.pyi`).
pub fn search_root(project: &Project) -> Option<PathBuf> {
    let parts = project.module().split('.').count();
    let stub = &project.stub;
    let levels = if stub.file_name()? == "__init__.pyi" { parts + 1 } else { parts };
    let mut root = stub.as_path();
    for _ in 0..levels {
        root = root.parent()?;
    }
    Some(root.to_path_buf())
}

/// The stub folder a pure layout's checkers must be told about (None: found by default).
fn stub_folder(project: &Project) -> Option<String> {
    if project.layout.is_mixed() {
        return None;
    }
    let folder = search_root(project)?;
    (!same_path(&folder, &project.root)).then(|| relative(project, &folder))
}

fn relative(project: &Project, path: &Path) -> String {
    project.display(path).replace('\\', "/")
}

fn same_path(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    canonical(a) == canonical(b)
}

fn includes(project: &Project, entries: &[String], folder: &str) -> bool {
    let root = project.root.to_string_lossy();
    entries.iter().any(|entry| {
        let entry = entry.trim().replace("$MYPY_CONFIG_FILE_DIR", &root);
        same_path(&project.root.join(entry), &project.root.join(folder))
    })
}

fn quoted_list(entries: &[String]) -> String {
    let items: Vec<String> = entries.iter().map(|e| format!("\"{e}\"")).collect();
    format!("[{}]", items.join(", "))
}

/// The pyproject table at `dotted`, or the whole of `own` (a tool's own file), if present.
fn source(project: &Project, own: &[&str], dotted: &str, header: &str) -> Source {
    for name in own {
        let path = project.root.join(name);
        if path.is_file() {
            return Source {
                file: (*name).to_owned(),
                header: own_header(name),
                table: Some(read_own(&path, name)),
            };
        }
    }
    let table = project
        .pyproject
        .get(dotted)
        .filter(|v| v.is_table())
        .and_then(|v| serde_json::to_value(v).ok());
    Source { file: "pyproject.toml".to_owned(), header: header.to_owned(), table }
}

fn own_header(name: &str) -> String {
    if name.ends_with(".ini") || name.ends_with(".cfg") {
        "[mypy]".to_owned()
    } else {
        "the top level".to_owned()
    }
}

/// A tool's own file as a JSON-like table (unreadable: empty, which reads as "not set").
fn read_own(path: &Path, name: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    if name.ends_with(".json") {
        // JSON with comments: whole-line `//` comments dropped.
        let plain: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        return serde_json::from_str(&plain).unwrap_or(Value::Null);
    }
    if name.ends_with(".toml") {
        return text
            .parse::<toml::Table>()
            .ok()
            .and_then(|t| serde_json::to_value(t).ok())
            .unwrap_or(Value::Null);
    }
    ini_section(&text, "mypy")
}

/// `key = value` pairs of one `[section]` of an INI file.
fn ini_section(text: &str, section: &str) -> Value {
    let mut inside = false;
    let mut table = serde_json::Map::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == format!("[{section}]");
        } else if let (true, Some((key, value))) = (inside, line.split_once('=')) {
            table.insert(key.trim().to_owned(), Value::String(value.trim().to_owned()));
        }
    }
    Value::Object(table)
}

/// A problem whose fix is lines to add under `source`'s table (or a new table).
fn add_lines(source: &Source, message: String, mut lines: Vec<String>) -> Problem {
    if source.table.is_none() {
        lines.insert(0, source.header.clone());
        return Problem::new(message, format!("add to {}:", source.file)).with_lines(lines);
    }
    Problem::new(message, format!("set under {}:", source.place())).with_lines(lines)
}

pub fn check(project: &Project) -> Vec<Finding> {
    vec![pyright(project), mypy(project), ty(project), pyrefly(project)]
}

/// The configuration problem behind a checker not finding the stub, if there is one.
pub fn problem_for(project: &Project, checker: &str) -> Option<Problem> {
    let finding = match checker {
        "pyright" | "basedpyright" => pyright(project),
        "mypy" | "zuban" => mypy(project),
        "ty" => ty(project),
        "pyrefly" => pyrefly(project),
        _ => return None,
    };
    finding.problems().first().cloned()
}

fn pyright(project: &Project) -> Finding {
    const CHECK: &str = "config pyright";
    let source = source(project, &["pyrightconfig.json"], "tool.pyright", "[tool.pyright]");
    let folder = stub_folder(project).filter(|f| f != "typings"); // pyright's default stubPath
    let Some(folder) = folder else {
        return Finding::ok(CHECK, found_by_default(project, &source));
    };
    let mut paths = source.strings("stubPath");
    paths.extend(source.strings("extraPaths"));
    if includes(project, &paths, &folder) {
        return Finding::ok(CHECK, format!("{} sets stubPath = \"{folder}\"", source.place()));
    }
    let message = if source.table.is_none() {
        format!("{} has no [tool.pyright]: pyright and basedpyright miss {folder}/", source.file)
    } else {
        format!("{} sets no stubPath = \"{folder}\": pyright misses the stub", source.place())
    };
    Finding::problem(CHECK, add_lines(&source, message, vec![format!("stubPath = \"{folder}\"")]))
}

fn mypy(project: &Project) -> Finding {
    const CHECK: &str = "config mypy";
    let source = source(project, &["mypy.ini", ".mypy.ini"], "tool.mypy", "[tool.mypy]");
    let mypy_path: Vec<String> = source
        .strings("mypy_path")
        .iter()
        .flat_map(|e| e.split([',', ':']).map(|s| s.trim().to_owned()).collect::<Vec<_>>())
        .filter(|e| !e.is_empty())
        .collect();
    let mut lines = Vec::new();
    let mut missing = Vec::new();
    if let Some(folder) = stub_folder(project) {
        if !includes(project, &mypy_path, &folder) {
            let mut entries = mypy_path.clone();
            entries.push(folder.clone());
            lines.push(format!("mypy_path = \"{}\"", entries.join(",")));
            missing.push(format!("mypy_path \"{folder}\""));
        }
    }
    // A mixed layout outside the project's root folder is found through the venv's
    // site-packages (the editable install's .pth): mypy reads them only when told which
    // interpreter, or when it is run from that venv.
    if let Kind::Mixed { python_source } = &project.layout.kind {
        let source_folder = relative(project, python_source);
        let reached = same_path(python_source, &project.root)
            || includes(project, &mypy_path, &source_folder);
        if !reached && source.strings("python_executable").is_empty() {
            let python = relative(project, &project.interpreter.python);
            lines.push(format!("python_executable = \"{python}\""));
            missing.push("python_executable (a mypy outside the venv finds no package)".to_owned());
        }
    }
    if missing.is_empty() {
        let detail = match stub_folder(project) {
            Some(folder) => format!("{} sets mypy_path with \"{folder}\"", source.place()),
            None => found_by_default(project, &source),
        };
        return Finding::ok(CHECK, detail);
    }
    let message = if source.table.is_none() {
        format!(
            "{} has no [tool.mypy] (mypy and zuban): it needs {}",
            source.file,
            missing.join(", ")
        )
    } else {
        format!("{} lacks {}", source.place(), missing.join(", "))
    };
    Finding::problem(CHECK, add_lines(&source, message, lines))
}

fn ty(project: &Project) -> Finding {
    const CHECK: &str = "config ty";
    let mut source = source(project, &["ty.toml"], "tool.ty", "[tool.ty.environment]");
    let Some(folder) = stub_folder(project) else {
        return Finding::ok(CHECK, found_by_default(project, &source));
    };
    let key = "environment.extra-paths";
    let mut entries = source.strings(key);
    if includes(project, &entries, &folder) {
        return Finding::ok(
            CHECK,
            format!("{} sets extra-paths with \"{folder}\"", source.place()),
        );
    }
    let message = if source.table.is_none() {
        format!("{} has no [tool.ty]: ty misses {folder}/", source.file)
    } else {
        format!("{} sets no extra-paths with \"{folder}\": ty misses the stub", source.place())
    };
    entries.push(folder);
    // Lines go under [tool.ty.environment] (in ty.toml: [environment]).
    if source.file == "ty.toml" {
        source.header = "[environment]".to_owned();
    } else {
        source.header = "[tool.ty.environment]".to_owned();
    }
    source.table = source.table.filter(|t| t.get("environment").is_some());
    Finding::problem(
        CHECK,
        add_lines(&source, message, vec![format!("extra-paths = {}", quoted_list(&entries))]),
    )
}

fn pyrefly(project: &Project) -> Finding {
    const CHECK: &str = "config pyrefly";
    let source = source(project, &["pyrefly.toml"], "tool.pyrefly", "[tool.pyrefly]");
    let folder = stub_folder(project);
    let mut entries = source.strings("search-path");
    let needs_folder = folder.as_ref().filter(|f| !includes(project, &entries, f));
    if source.table.is_none() {
        let mut lines = Vec::new();
        if let Some(folder) = needs_folder {
            // Setting search-path replaces the default (the project's folder): keep it.
            lines.push(format!("search-path = [\"{folder}\", \".\"]"));
        }
        let message = format!(
            "{} has no [tool.pyrefly]: pyrefly then imports another checker's table and runs \
             its lenient \"basic\" preset (misses wrong argument types)",
            source.file
        );
        return Finding::problem(CHECK, add_lines(&source, message, lines));
    }
    let Some(folder) = needs_folder else {
        let detail = match folder {
            Some(folder) => format!("{} sets search-path with \"{folder}\"", source.place()),
            None => found_by_default(project, &source),
        };
        return Finding::ok(CHECK, detail);
    };
    let message =
        format!("{} has no search-path with \"{folder}\": pyrefly misses the stub", source.place());
    if entries.is_empty() {
        entries.push(".".to_owned());
    }
    entries.insert(0, folder.clone());
    Finding::problem(
        CHECK,
        add_lines(&source, message, vec![format!("search-path = {}", quoted_list(&entries))]),
    )
}

fn found_by_default(project: &Project, source: &Source) -> String {
    let table =
        if source.table.is_some() { source.place() } else { format!("no {}", source.header) };
    format!("{table}; {} needs no search path", relative(project, &project.stub))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_sections() {
        let text = "[mypy]\nmypy_path = stubs\n[mypy-x.*]\nignore_errors = True\n";
        let table = ini_section(text, "mypy");
        assert_eq!(table["mypy_path"], "stubs");
        assert!(table.get("ignore_errors").is_none());
    }

    #[test]
    fn new_tables_start_with_their_header() {
        let source =
            Source { file: "pyproject.toml".into(), header: "[tool.x]".into(), table: None };
        let problem = add_lines(&source, "m".into(), vec!["a = 1".into()]);
        assert_eq!(problem.fix, "add to pyproject.toml:");
        assert_eq!(problem.lines, ["[tool.x]", "a = 1"]);
    }
}
