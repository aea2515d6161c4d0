//! Which stub generation suits the project, and why: PyO3's own introspection for a
//! declarative `#[pymodule] mod` (pyo3's `experimental-inspect` feature), pyo3-stub-gen for
//! a function-style `#[pymodule] fn` (an attribute on every item: the steps are printed,
//! the user's Rust is never rewritten). A hand stub is replaced only when the generated one
//! says everything it says.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::stub_compare;
use crate::project::stub_source::StubSource;
use crate::project::Project;

pub const INSPECT: &str = "experimental-inspect";

/// How the extension's `#[pymodule]` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleStyle {
    /// `#[pymodule] mod name { ... }`
    Declarative,
    /// `#[pymodule] fn name(m: &Bound<PyModule>) -> PyResult<()>`
    Function,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The project already generates its stub.
    Generated(String),
    /// Turn on PyO3 introspection (`replaces`: the stub there now, which it says all of).
    Introspection { replaces: Option<PathBuf> },
    /// The stub there says things generation cannot: it stays, checked, never overwritten.
    KeepHand { missing: Vec<String> },
    /// pyo3-stub-gen, set up by the user with these steps.
    StubGenSteps { steps: Vec<String> },
    /// No `#[pymodule]` found: nothing to suggest.
    Unknown,
}

/// The route and a sentence saying why it was chosen.
#[derive(Debug, Clone)]
pub struct Decision {
    pub route: Route,
    pub why: String,
}

/// How far a trial generation (a build) may go to compare a hand stub with the generated one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trial {
    /// Build, writing `Cargo.lock` if cargo must.
    Build,
    /// Build with `--locked` (a dry run: nothing in the tree may change).
    Locked,
    /// No build: a hand stub is kept, the safe answer.
    None,
}

/// Decides the route.
pub fn decide(project: &Project, trial: Trial) -> Result<Decision> {
    if project.stub_source.is_generated() {
        let why = format!("the stub is generated already ({})", project.stub_source.describe());
        return Ok(Decision { route: Route::Generated(project.stub_source.describe()), why });
    }
    let sources = rust_sources(project);
    let style = module_style(&sources);
    let name = project.layout.basename().to_owned();
    match style {
        ModuleStyle::Declarative => declarative(project, &name, trial),
        ModuleStyle::Function => {
            let steps = stub_gen_steps(project, &sources);
            let kept = if project.stub_source == StubSource::Hand {
                format!(
                    " {} is kept meanwhile, checked by `pyrs stubs --check`.",
                    shown_stub(project)
                )
            } else {
                String::new()
            };
            let why = format!(
                "`#[pymodule] fn {name}` is function-style: PyO3 introspection cannot see the \
                 items it adds, so the route is pyo3-stub-gen, which needs an attribute on every \
                 item (pyrs does not rewrite your Rust).{kept}"
            );
            Ok(Decision { route: Route::StubGenSteps { steps }, why })
        }
        ModuleStyle::Unknown => Ok(Decision {
            route: Route::Unknown,
            why: "no `#[pymodule]` found in the crate's sources: no stub route to add".to_owned(),
        }),
    }
}

fn shown_stub(project: &Project) -> String {
    project.display(&project.stub)
}

fn declarative(project: &Project, name: &str, trial: Trial) -> Result<Decision> {
    let version = project.krate.pyo3.as_ref().map(|p| p.version.clone());
    let docs = match &version {
        Some(v) if *v < semver::Version::new(0, 29, 0) => format!(
            " Its stub carries the Rust doc comments from pyo3 0.29 on; this crate has pyo3 {v}, \
             so the stub has no docstrings until pyo3 is upgraded."
        ),
        _ => " Its stub carries the Rust doc comments as docstrings.".to_owned(),
    };
    let base = format!(
        "`#[pymodule] mod {name}` is declarative: PyO3 introspection (pyo3's `{INSPECT}` \
         feature, read by `maturin generate-stubs`) writes the stub from the Rust source.{docs}"
    );
    if project.stub_source != StubSource::Hand {
        return Ok(Decision { route: Route::Introspection { replaces: None }, why: base });
    }
    let stub = shown_stub(project);
    let existing =
        std::fs::read_to_string(&project.stub).with_context(|| format!("cannot read {stub}"))?;
    let generated = match trial {
        Trial::None => None,
        Trial::Build | Trial::Locked => trial_generation(project, trial == Trial::Locked)?,
    };
    let Some(generated) = generated else {
        let why = format!(
            "{base} {stub} exists and is kept: comparing it with the generated one needs a build: \
             run `pyrs dev`, then `pyrs adopt` again."
        );
        let missing = vec!["not compared yet".to_owned()];
        return Ok(Decision { route: Route::KeepHand { missing }, why });
    };
    let missing = stub_compare::missing_from(&generated, &existing);
    if missing.is_empty() {
        let why = format!(
            "{base} {stub} says nothing the generated stub does not (same names and \
             signatures): it is replaced by the generated one."
        );
        Ok(Decision { route: Route::Introspection { replaces: Some(project.stub.clone()) }, why })
    } else {
        let why = format!(
            "{stub} says what generation cannot ({}): it is kept, never overwritten, and \
             checked against the module by `pyrs stubs --check`; introspection stays off.",
            missing.join("; ")
        );
        Ok(Decision { route: Route::KeepHand { missing }, why })
    }
}

/// The crate's own `.rs` files (its `src/` folder).
fn rust_sources(project: &Project) -> Vec<(PathBuf, String)> {
    let folder = project.krate.manifest.parent().unwrap_or(&project.root).join("src");
    let mut files = Vec::new();
    collect(&folder, &mut files);
    files.sort();
    files.into_iter().filter_map(|p| Some((p.clone(), std::fs::read_to_string(&p).ok()?))).collect()
}

fn collect(folder: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The style of the first `#[pymodule]` item in the sources.
pub fn module_style(sources: &[(PathBuf, String)]) -> ModuleStyle {
    for (_, text) in sources {
        let mut rest = text.as_str();
        while let Some(at) = rest.find("#[pymodule") {
            rest = &rest[at..];
            let after = rest.find(']').map_or("", |end| &rest[end + 1..]);
            match item_keyword(after) {
                Some("mod") => return ModuleStyle::Declarative,
                Some("fn") => return ModuleStyle::Function,
                _ => {}
            }
            rest = &rest["#[pymodule".len()..];
        }
    }
    ModuleStyle::Unknown
}

/// The keyword of the item after attributes, comments and visibility.
fn item_keyword(mut text: &str) -> Option<&str> {
    loop {
        text = text.trim_start();
        if text.starts_with("#[") {
            text = &text[text.find(']')? + 1..];
        } else if text.starts_with("//") {
            text = &text[text.find('\n')?..];
        } else if let Some(rest) = text.strip_prefix("pub(") {
            text = &rest[rest.find(')')? + 1..];
        } else if let Some(rest) = text.strip_prefix("pub ") {
            text = rest;
        } else {
            break;
        }
    }
    text.split(|c: char| !c.is_alphanumeric() && c != '_').next()
}

/// The steps to set up pyo3-stub-gen, with how many items each attribute goes on.
fn stub_gen_steps(project: &Project, sources: &[(PathBuf, String)]) -> Vec<String> {
    let count = |attribute: &str| -> usize {
        sources.iter().map(|(_, t)| t.matches(attribute).count()).sum()
    };
    let lib = &project.krate.lib_name;
    let manifest = project.display(&project.krate.manifest);
    let lib_rs = project
        .display(&project.krate.manifest.parent().unwrap_or(&project.root).join("src/lib.rs"));
    let bin = project.display(
        &project.krate.manifest.parent().unwrap_or(&project.root).join("src/bin/stub_gen.rs"),
    );
    vec![
        format!("cargo add pyo3-stub-gen --manifest-path {manifest}"),
        format!("in {manifest}, [lib]: crate-type = [\"cdylib\", \"rlib\"]"),
        format!(
            "put #[pyo3_stub_gen::derive::gen_stub_pyfunction] above each #[pyfunction] ({} \
             found), #[gen_stub_pyclass] above each #[pyclass] ({}), #[gen_stub_pymethods] above \
             each #[pymethods] ({}), #[gen_stub_pyclass_enum] above each #[pyclass] enum",
            count("#[pyfunction"),
            count("#[pyclass"),
            count("#[pymethods")
        ),
        format!("at the end of {lib_rs}: pyo3_stub_gen::define_stub_info_gatherer!(stub_info);"),
        format!(
            "write {bin}: fn main() -> pyo3_stub_gen::Result<()> {{ {lib}::stub_info()?.generate()?; Ok(()) }}"
        ),
        "run `pyrs adopt` again: pyrs then finds the generator and writes the stub".to_owned(),
    ]
}

/// The stub PyO3 introspection gives, built with the feature on for this build only (the
/// project's `Cargo.toml` is not edited for the trial); None when no build may run.
fn trial_generation(project: &Project, locked: bool) -> Result<Option<String>> {
    if !project.interpreter.exists() {
        return Ok(None);
    }
    if project.interpreter.venv.is_none() {
        return Ok(None);
    }
    let out = tempfile::tempdir().context("cannot make a temporary folder")?;
    let feature = format!("pyo3/{INSPECT}");
    let mut extra = vec!["--features", feature.as_str()];
    if locked {
        extra.push("--locked");
    }
    eprintln!("pyrs: building the extension with PyO3 introspection to compare its stub");
    crate::stubs::introspection::run_maturin(project, out.path(), &extra)?;
    let module = project.module().replace('.', "/");
    for candidate in [format!("{module}.pyi"), format!("{module}/__init__.pyi")] {
        if let Ok(text) = std::fs::read_to_string(out.path().join(candidate)) {
            return Ok(Some(text));
        }
    }
    anyhow::bail!("maturin generate-stubs wrote no stub for {}", project.module())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(text: &str) -> ModuleStyle {
        module_style(&[(PathBuf::from("lib.rs"), text.to_owned())])
    }

    #[test]
    fn tells_the_module_styles_apart() {
        assert_eq!(style("/// doc\n#[pymodule]\nmod m {\n}"), ModuleStyle::Declarative);
        assert_eq!(
            style("#[pymodule]\n#[pyo3(name = \"x\")]\npub mod m {}"),
            ModuleStyle::Declarative
        );
        assert_eq!(
            style("#[pymodule]\nfn m(m: &Bound<'_, PyModule>) -> PyResult<()> { Ok(()) }"),
            ModuleStyle::Function
        );
        assert_eq!(
            style("#[pymodule(gil_used = false)]\npub(crate) fn m() {}"),
            ModuleStyle::Function
        );
        assert_eq!(style("fn main() {}"), ModuleStyle::Unknown);
    }
}
