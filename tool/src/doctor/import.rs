//! The extension imports in the project's interpreter, run as the editor's run/debug runs
//! it (from the project's folder, no activated venv, no PYTHONPATH), and from which file.

use std::path::PathBuf;

use serde::Deserialize;

use super::{Facts, Finding, Problem};
use crate::checkers::resolve::editor_command;
use crate::project::Project;

const CHECK: &str = "import";

/// Imports the module named by argv[1]; prints where from, and which compiled extensions
/// it loaded (the module itself, or a submodule of a pure layout's package).
const SCRIPT: &str = r#"
import importlib, importlib.machinery, json, sys
name = sys.argv[1]
try:
    module = importlib.import_module(name)
except BaseException as error:
    print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
    raise SystemExit(0)
suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
files = [getattr(m, "__file__", None) or "" for n, m in list(sys.modules.items())
         if n == name or n.startswith(name + ".")]
print(json.dumps({"file": getattr(module, "__file__", None),
                  "extensions": [f for f in files if f.endswith(suffixes)]}))
"#;

#[derive(Debug, Clone, Deserialize)]
pub struct Imported {
    #[serde(default)]
    pub file: Option<PathBuf>,
    #[serde(default)]
    pub extensions: Vec<PathBuf>,
    #[serde(default)]
    pub error: Option<String>,
}

/// What importing the module says (None: the interpreter does not run).
pub fn import(project: &Project) -> Option<Imported> {
    if !project.interpreter.exists() {
        return None;
    }
    let mut command = editor_command(&project.interpreter.python, project);
    command.args(["-c", SCRIPT, project.module()]);
    let output = command.output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.lines().last()?).ok()
}

pub fn check(facts: &Facts) -> Finding {
    let project = facts.project;
    let module = project.module();
    let python = facts.show(&project.interpreter.python);
    let Some(imported) = &facts.imported else {
        return Finding::skipped(CHECK, format!("{python} does not run"));
    };
    if let Some(error) = &imported.error {
        let message = format!("import {module} fails in {python}: {error}");
        return Finding::problem(CHECK, Problem::new(message, "pyrs dev"));
    }
    match imported.extensions.first() {
        Some(extension) => {
            Finding::ok(CHECK, format!("{module} imports from {}", facts.show(extension)))
        }
        None => {
            let file =
                imported.file.as_ref().map_or("a namespace folder".to_owned(), |f| facts.show(f));
            let message =
                format!("import {module} finds {file}, which loads no compiled extension");
            Finding::problem(CHECK, Problem::new(message, "pyrs dev"))
        }
    }
}
