//! What counts as an input, decided once: the files a build of the extension reads (for
//! `dev`'s stub cache, `watch` and doctor's stale-build check), and the files of its
//! installed metadata (a change there needs `maturin develop`).

use std::path::{Path, PathBuf};

/// File names and suffixes that are build inputs inside a local crate's folder.
const INPUT_SUFFIXES: &[&str] = &["rs", "toml", "lock"];
/// Folders never searched: build outputs, venvs, caches, VCS data.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", "__pycache__"];

/// Every build input: the sources and manifests of each local crate (path dependencies
/// and workspace members included), the workspace's own `Cargo.toml` and `Cargo.lock`, and
/// `pyproject.toml`.
pub fn build_inputs(root: &Path, local_crates: &[PathBuf], workspace_root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("pyproject.toml")];
    files.extend(workspace_files(workspace_root));
    for folder in local_crates {
        collect(folder, folder, &mut files);
    }
    files.retain(|f| f.is_file());
    files.sort();
    files.dedup();
    files
}

/// Whether a changed path is a build input (for the watcher, which sees single events).
pub fn is_build_input(
    path: &Path,
    root: &Path,
    local_crates: &[PathBuf],
    workspace_root: &Path,
) -> bool {
    if path == root.join("pyproject.toml")
        || workspace_files(workspace_root).iter().any(|f| f == path)
    {
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

/// A workspace's root manifest (`[workspace.dependencies]`, `[profile.*]`, inherited
/// `[workspace.package]` fields) and lock file: inputs even when the root is no crate.
fn workspace_files(workspace_root: &Path) -> [PathBuf; 2] {
    [workspace_root.join("Cargo.toml"), workspace_root.join("Cargo.lock")]
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
/// A workspace's root manifest counts: members inherit `version.workspace = true` from it.
pub fn metadata_inputs(
    root: &Path,
    manifest: &Path,
    workspace_root: &Path,
    readme: Option<&str>,
) -> Vec<PathBuf> {
    let mut files = vec![root.join("pyproject.toml"), manifest.to_path_buf()];
    files.push(workspace_root.join("Cargo.toml"));
    if let Some(readme) = readme {
        files.push(root.join(readme));
    }
    files.retain(|f| f.is_file());
    files.dedup();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    /// jiter's shape: a virtual workspace, `pyproject.toml` at its root, the extension
    /// `crates/x-python` built from `crates/x-core` by path.
    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let files = [
            "Cargo.toml",
            "Cargo.lock",
            "pyproject.toml",
            "crates/x-python/Cargo.toml",
            "crates/x-python/src/lib.rs",
            "crates/x-core/Cargo.toml",
            "crates/x-core/src/lib.rs",
            "target/debug/build.rs",
        ];
        for file in files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
            std::fs::write(path, "").expect("a file");
        }
        dir
    }

    fn crates(root: &Path) -> Vec<PathBuf> {
        vec![root.join("crates/x-python"), root.join("crates/x-core")]
    }

    #[test]
    fn a_workspace_root_manifest_and_lock_are_build_inputs() {
        let dir = workspace();
        let root = dir.path();
        let inputs = build_inputs(root, &crates(root), root);
        let relative: Vec<&Path> =
            inputs.iter().filter_map(|f| f.strip_prefix(root).ok()).collect();
        assert_eq!(
            relative,
            [
                "Cargo.lock",
                "Cargo.toml",
                "crates/x-core/Cargo.toml",
                "crates/x-core/src/lib.rs",
                "crates/x-python/Cargo.toml",
                "crates/x-python/src/lib.rs",
                "pyproject.toml",
            ]
            .map(Path::new)
        );
        for file in &inputs {
            assert!(is_build_input(file, root, &crates(root), root), "{}", file.display());
        }
        assert!(!is_build_input(&root.join("target/debug/build.rs"), root, &crates(root), root));
        assert!(!is_build_input(&root.join("README.md"), root, &crates(root), root));
    }

    #[test]
    fn a_workspace_root_manifest_is_a_metadata_input() {
        let dir = workspace();
        let root = dir.path();
        let manifest = root.join("crates/x-python/Cargo.toml");
        let inputs = metadata_inputs(root, &manifest, root, None);
        assert_eq!(inputs, [root.join("pyproject.toml"), manifest, root.join("Cargo.toml")]);
        // A crate that is its own workspace: its manifest once.
        let alone = metadata_inputs(root, &root.join("Cargo.toml"), root, None);
        assert_eq!(alone, [root.join("pyproject.toml"), root.join("Cargo.toml")]);
    }
}
