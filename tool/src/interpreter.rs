//! The project's interpreter: `--python`, else the active venv (`VIRTUAL_ENV`), else the
//! project's `.venv`; and what a build needs to know of it, asked of it once.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// Where the interpreter comes from, before it is asked anything.
#[derive(Debug, Clone)]
pub struct InterpreterChoice {
    /// The venv folder (absent for a `--python` outside any venv).
    pub venv: Option<PathBuf>,
    pub python: PathBuf,
    /// How it was chosen, for messages.
    pub origin: &'static str,
}

pub fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// An executable of a venv (`maturin`, `pyright`, ...).
pub fn venv_tool(venv: &Path, name: &str) -> PathBuf {
    let bin = venv_python(venv).parent().map(Path::to_path_buf).unwrap_or_default();
    bin.join(if cfg!(windows) { format!("{name}.exe") } else { name.to_owned() })
}

impl InterpreterChoice {
    pub fn choose(root: &Path, explicit: Option<&Path>) -> Self {
        if let Some(python) = explicit {
            let python = std::path::absolute(python).unwrap_or_else(|_| python.to_path_buf());
            // A venv's interpreter sits in <venv>/bin (Scripts on Windows) beside pyvenv.cfg.
            let venv = python
                .parent()
                .and_then(Path::parent)
                .filter(|v| v.join("pyvenv.cfg").is_file())
                .map(Path::to_path_buf);
            return Self { venv, python, origin: "--python" };
        }
        if let Some(active) = std::env::var_os("VIRTUAL_ENV").filter(|v| !v.is_empty()) {
            let venv = PathBuf::from(active);
            // A venv activated for another project is not this project's.
            if venv.starts_with(root) || !root.join(".venv").exists() {
                return Self {
                    python: venv_python(&venv),
                    venv: Some(venv),
                    origin: "VIRTUAL_ENV",
                };
            }
        }
        // Through a link, by its real path: pyo3's build script reruns (and pyo3 rebuilds)
        // whenever PYO3_PYTHON's spelling changes, so projects sharing one venv through a
        // `.venv` link share their builds of pyo3 too.
        let venv = root.join(".venv");
        let venv = std::fs::canonicalize(&venv).unwrap_or(venv);
        Self { python: venv_python(&venv), venv: Some(venv), origin: ".venv" }
    }

    pub fn exists(&self) -> bool {
        self.python.is_file()
    }

    pub fn query(&self) -> Result<Interpreter> {
        Interpreter::query(&self.python)
    }
}

/// What the build needs to know of the interpreter.
#[derive(Debug, Clone, Deserialize)]
pub struct Interpreter {
    pub executable: PathBuf,
    pub version: (u32, u32, u32),
    pub implementation: String,
    /// `.cpython-311-x86_64-linux-gnu.so`
    pub ext_suffix: String,
    /// site-packages
    pub purelib: PathBuf,
    pub libdir: Option<PathBuf>,
    pub ldversion: Option<String>,
    pub shared_libpython: bool,
    pub pointer_bits: u32,
}

const QUERY: &str = r#"
import json, struct, sys, sysconfig
v = sysconfig.get_config_var
print(json.dumps({
    "executable": sys.executable,
    "version": list(sys.version_info[:3]),
    "implementation": sys.implementation.name,
    "ext_suffix": v("EXT_SUFFIX"),
    "purelib": sysconfig.get_paths()["purelib"],
    "libdir": v("LIBDIR"),
    "ldversion": v("LDVERSION"),
    "shared_libpython": bool(v("Py_ENABLE_SHARED")) and bool(v("LIBDIR")),
    "pointer_bits": 8 * struct.calcsize("P"),
}))
"#;

impl Interpreter {
    pub fn query(python: &Path) -> Result<Self> {
        let output = Command::new(python)
            .args(["-I", "-c", QUERY])
            .output()
            .with_context(|| format!("cannot run {}", python.display()))?;
        if !output.status.success() {
            bail!(
                "{} failed: {}",
                python.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        serde_json::from_slice(&output.stdout)
            .with_context(|| format!("unexpected answer from {}", python.display()))
    }

    /// What pyo3's build script reads of the interpreter, as maturin sets it: the same
    /// value for maturin's builds and ours, so neither rebuilds pyo3 for the other.
    pub fn environment_signature(&self) -> String {
        let (major, minor, _) = self.version;
        format!("{}-{major}.{minor}-{}bit", self.implementation, self.pointer_bits)
    }
}
