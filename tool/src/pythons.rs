//! The CPythons on this machine: on PATH (`python3.N`), under pyenv, and those uv installed;
//! the newest patch release of each minor version, regular (GIL) CPython only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Clone)]
pub struct FoundPython {
    pub path: PathBuf,
    pub version: (u32, u32, u32),
    /// Where it was found: PATH, pyenv or uv.
    pub source: &'static str,
}

impl FoundPython {
    pub fn minor(&self) -> (u32, u32) {
        (self.version.0, self.version.1)
    }
}

const PROBE: &str = "import json, platform, sys, sysconfig; print(json.dumps([sys.executable, \
    platform.python_implementation(), list(sys.version_info[:3]), \
    bool(sysconfig.get_config_var('Py_GIL_DISABLED'))]))";

/// The newest interpreter of each minor version found, by minor version.
pub fn discover(uv: Option<&Path>) -> BTreeMap<(u32, u32), FoundPython> {
    let mut best: BTreeMap<(u32, u32), FoundPython> = BTreeMap::new();
    for (path, source) in candidates(uv) {
        let Some(found) = probe(&path, source) else { continue };
        let newer = best.get(&found.minor()).is_none_or(|current| found.version > current.version);
        if newer {
            best.insert(found.minor(), found);
        }
    }
    best
}

fn candidates(uv: Option<&Path>) -> Vec<(PathBuf, &'static str)> {
    let mut found = Vec::new();
    for minor in 8..30 {
        if let Some(path) = crate::venv::find_on_path(&format!("python3.{minor}")) {
            found.push((path, "PATH"));
        }
    }
    let pyenv_root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".pyenv")));
    if let Some(Ok(entries)) = pyenv_root.map(|root| std::fs::read_dir(root.join("versions"))) {
        let mut pythons: Vec<PathBuf> =
            entries.flatten().map(|e| e.path().join("bin").join("python3")).collect();
        pythons.sort();
        found.extend(pythons.into_iter().filter(|p| p.is_file()).map(|p| (p, "pyenv")));
    }
    if let Some(uv) = uv {
        let listed = Command::new(uv)
            .args(["python", "list", "--only-installed", "--output-format", "json"])
            .output();
        if let Some(output) = listed.ok().filter(|o| o.status.success()) {
            let entries: Vec<serde_json::Value> =
                serde_json::from_slice(&output.stdout).unwrap_or_default();
            found.extend(
                entries
                    .iter()
                    .filter_map(|e| e.get("path")?.as_str())
                    .map(|p| (PathBuf::from(p), "uv")),
            );
        }
    }
    found
}

/// The interpreter at `path`, if it runs and is a regular CPython.
fn probe(path: &Path, source: &'static str) -> Option<FoundPython> {
    let output = Command::new(path).args(["-c", PROBE]).output().ok()?;
    if !output.status.success() {
        return None; // e.g. a pyenv shim for a version that is not selected
    }
    let (executable, implementation, version, free_threaded): (PathBuf, String, Vec<u32>, bool) =
        serde_json::from_slice(&output.stdout).ok()?;
    if implementation != "CPython" || free_threaded || version.len() < 3 {
        return None;
    }
    Some(FoundPython { path: executable, version: (version[0], version[1], version[2]), source })
}
