//! The project model: read once from the project's own files (pyproject.toml, cargo
//! metadata, its interpreter), never from where pyrs is installed; every command uses it.

pub mod cargo;
pub mod inputs;
pub mod layout;
pub mod pyproject;
pub mod stub_source;

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::error::ConfigError;
use crate::interpreter::InterpreterChoice;
use cargo::Crate;
use layout::Layout;
use pyproject::PyProject;
use stub_source::StubSource;

#[derive(Debug, Clone)]
pub struct Project {
    /// The folder of `pyproject.toml`.
    pub root: PathBuf,
    pub pyproject: PyProject,
    pub krate: Crate,
    pub layout: Layout,
    /// Where the extension's stub is (or, when there is none yet, should be).
    pub stub: PathBuf,
    pub stub_source: StubSource,
    pub interpreter: InterpreterChoice,
}

impl Project {
    /// The project of `explicit` (`--project`), else of the nearest folder upwards from the
    /// current one that holds a `pyproject.toml`.
    pub fn discover(explicit: Option<&Path>, python: Option<&Path>) -> Result<Self, ConfigError> {
        let start = match explicit {
            Some(dir) => std::fs::canonicalize(dir)
                .map_err(|e| ConfigError::new(dir, format!("cannot be read ({e})")))?,
            None => std::env::current_dir().map_err(|e| {
                ConfigError::new(Path::new("."), format!("no current folder ({e})"))
            })?,
        };
        let root = if explicit.is_some() {
            if !start.join("pyproject.toml").is_file() {
                return Err(ConfigError::new(&start.join("pyproject.toml"), "does not exist"));
            }
            start
        } else {
            start
                .ancestors()
                .find(|dir| dir.join("pyproject.toml").is_file())
                .map(Path::to_path_buf)
                .ok_or_else(|| {
                    ConfigError::new(&start, "no pyproject.toml here or in any folder above")
                })?
        };
        Self::load(&root, python)
    }

    pub fn load(root: &Path, python: Option<&Path>) -> Result<Self, ConfigError> {
        let pyproject = PyProject::read(&root.join("pyproject.toml"))?;
        if pyproject.maturin.bindings.as_deref().is_some_and(|b| b != "pyo3") {
            let bindings = pyproject.maturin.bindings.clone().unwrap_or_default();
            return Err(ConfigError::new(
                &pyproject.path,
                format!("`tool.maturin.bindings` is \"{bindings}\": pyrs serves pyo3 extensions"),
            ));
        }
        let manifest = root
            .join(pyproject.maturin.manifest_path.as_deref().unwrap_or(Path::new("Cargo.toml")));
        let krate = Crate::read(&manifest, &pyproject.maturin.features)?;
        if krate.pyo3.is_none() {
            return Err(ConfigError::new(&manifest, "does not depend on pyo3"));
        }
        let module =
            pyproject.maturin.module_name.clone().unwrap_or_else(|| krate.lib_name.clone());
        let layout = Layout::decide(root, &module, pyproject.maturin.python_source.as_deref());
        let stub_dirs = stub_dirs(root, &pyproject);
        let candidates = layout.stub_candidates(root, &stub_dirs);
        let existing = candidates.iter().find(|c| c.is_file()).cloned();
        let stub_source = StubSource::decide(&krate, existing.as_ref());
        let stub = existing.unwrap_or_else(|| candidates[0].clone());
        let interpreter = InterpreterChoice::choose(root, python);
        Ok(Self {
            root: root.to_path_buf(),
            pyproject,
            krate,
            layout,
            stub,
            stub_source,
            interpreter,
        })
    }

    /// The import name users type (`pkg` for `pkg._core`).
    pub fn module(&self) -> &str {
        &self.layout.module
    }

    /// Every build input (see `inputs`).
    pub fn build_inputs(&self) -> Vec<PathBuf> {
        inputs::build_inputs(&self.root, &self.krate.local_crates, &self.krate.workspace_root)
    }

    pub fn is_build_input(&self, path: &Path) -> bool {
        inputs::is_build_input(
            path,
            &self.root,
            &self.krate.local_crates,
            &self.krate.workspace_root,
        )
    }

    pub fn metadata_inputs(&self) -> Vec<PathBuf> {
        let readme = self.pyproject.get("project.readme").and_then(toml::Value::as_str);
        inputs::metadata_inputs(
            &self.root,
            &self.krate.manifest,
            &self.krate.workspace_root,
            readme,
        )
    }

    /// Where `py.typed` must be for mypy to use the stub: the top-level package in a mixed
    /// layout; maturin adds it itself in a pure layout.
    pub fn py_typed(&self) -> Option<PathBuf> {
        self.layout.top_package_dir().map(|dir| dir.join("py.typed"))
    }

    /// A path for messages: relative to the project when inside it.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string()
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "root": self.root,
            "distribution": self.pyproject.name,
            "module": self.layout.module,
            "layout": if self.layout.is_mixed() { "mixed" } else { "pure" },
            "python_source": match &self.layout.kind {
                layout::Kind::Mixed { python_source } => Some(python_source),
                layout::Kind::Pure => None,
            },
            "manifest": self.krate.manifest,
            "package": self.krate.package,
            "lib_name": self.krate.lib_name,
            "pyo3": self.krate.pyo3.as_ref().map(|p| json!({
                "version": p.version.to_string(),
                "features": p.features,
                "abi3": p.abi3().map(|(major, minor)| format!("{major}.{minor}")),
            })),
            "local_crates": self.krate.local_crates,
            "stub": self.stub,
            "stub_exists": self.stub.is_file(),
            "stub_source": self.stub_source.describe(),
            "py_typed": self.py_typed(),
            "claimed_pythons": self.pyproject.claimed_pythons.iter().map(|(a, b)| format!("{a}.{b}")).collect::<Vec<_>>(),
            "venv": self.interpreter.venv,
            "python": self.interpreter.python,
            "build_inputs": self.build_inputs(),
        })
    }
}

/// The folders a pure layout's stub may live in: the checkers' stub paths.
fn stub_dirs(root: &Path, pyproject: &PyProject) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut add = |folder: String| {
        let path = root.join(folder);
        if !dirs.contains(&path) {
            dirs.push(path);
        }
    };
    pyproject.string_list("tool.pyright.stubPath").into_iter().for_each(&mut add);
    for entry in pyproject.string_list("tool.mypy.mypy_path") {
        entry
            .split([',', ':'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .for_each(&mut add);
    }
    pyproject.string_list("tool.ty.environment.extra-paths").into_iter().for_each(&mut add);
    pyproject.string_list("tool.pyrefly.search-path").into_iter().for_each(&mut add);
    dirs
}
