//! What counts as an input, decided once: the files a build of the extension reads (for
//! `dev`'s stub cache, `watch` and doctor's stale-build check), and the files of its
//! installed metadata (a change there needs `maturin develop`).

use std::path::{Path, PathBuf};

/// File names and suffixes that are build inputs inside a local crate's folder.
const INPUT_SUFFIXES: &[&str] = &["rs", "toml", "lock"];
/// Folders never searched: build outputs, venvs, caches, VCS data.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", "__pycache__"];

/// Every build input: the sources and manifests of each local crate (path dependencies
/// and workspace members included), the workspace's `Cargo.lock`, and `pyproject.toml`.
pub fn build_inputs(root: &Path, local_crates: &[PathBuf], workspace_root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("pyproject.toml"), workspace_root.join("Cargo.lock")];
    for folder in local_crates {
        collect(folder, folder, &mut files);
    }
    files.retain(|f| f.is_file());
    files.sort();
    files.dedup();
    files
}

/// Whether a changed path is a build input (for the watcher, which sees single events).
pub fn is_build_input(path: &Path, root: &Path, local_crates: &[PathBuf]) -> bool {
    if path == root.join("pyproject.toml") {
        return true;
    }
    let Some(folder) = local_crates.iter().find(|c| path.starts_with(c)) else { return false };
    let Ok(relative) = path.strip_prefix(folder) else { return false };
    let skipped = relative.components().any(|c| {
        let part = c.as_os_str().to_string_lossy();
        part.starts_with('.') || SKIPPED_DIRS.contains(&part.as_ref())
    });
    !skipped && has_input_suffix(path)
}

fn has_input_suffix(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| INPUT_SUFFIXES.contains(&e))
}

fn collect(folder: &Path, crate_root: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || SKIPPED_DIRS.contains(&name.as_str()) {
            continue;
        }
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            // Another crate inside this one (a fuzz crate, the tool) is not this crate's input.
            if path != crate_root && path.join("Cargo.toml").is_file() {
                continue;
            }
            collect(&path, crate_root, files);
        } else if has_input_suffix(&path) {
            files.push(path);
        }
    }
}

/// The files maturin reads into the installed metadata: a change needs `maturin develop`.
pub fn metadata_inputs(root: &Path, manifest: &Path, readme: Option<&str>) -> Vec<PathBuf> {
    let mut files = vec![root.join("pyproject.toml"), manifest.to_path_buf()];
    if let Some(readme) = readme {
        files.push(root.join(readme));
    }
    files.retain(|f| f.is_file());
    files
}
