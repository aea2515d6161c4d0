//! The checkers' answers to the last probe, reused while nothing they read has changed: a
//! second `pyrs doctor` need not start node twice. The key covers every file a checker's
//! answer depends on: the configuration files, the folders of the stub and the package, the
//! venv's site-packages (installs and `.pth` files), the checkers themselves, the probe.
//! Only a run in which every checker answered is kept.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::checkers::resolve::Seen;
use crate::checkers::{self, site_packages};
use crate::project::Project;

/// Configuration files any of the six may read, beside `pyproject.toml`.
const CONFIG_FILES: &[&str] = &[
    "pyproject.toml",
    "pyrightconfig.json",
    "mypy.ini",
    ".mypy.ini",
    "setup.cfg",
    "ty.toml",
    "pyrefly.toml",
    ".python-version",
];

#[derive(Serialize, Deserialize)]
struct Saved {
    key: String,
    seen: Vec<(String, Seen)>,
}

fn file(project: &Project) -> PathBuf {
    let root = hex(&Sha256::digest(project.root.as_os_str().as_encoded_bytes()));
    project.krate.target_directory.join("pyrs").join(format!("doctor-{}.json", &root[..16]))
}

/// The answers of the last run for `key`, in the checkers' order.
pub fn load(project: &Project, key: &str) -> Option<Vec<(String, Seen)>> {
    let saved: Saved = serde_json::from_slice(&std::fs::read(file(project)).ok()?).ok()?;
    (saved.key == key && saved.seen.len() == checkers::ALL.len()).then_some(saved.seen)
}

/// Keeps the answers when every checker gave one (a failure is asked again next time).
pub fn save(project: &Project, key: &str, seen: &[(String, Seen)]) {
    if seen.iter().any(|(_, s)| s.failure.is_some()) {
        let _ = std::fs::remove_file(file(project));
        return;
    }
    let saved = Saved { key: key.to_owned(), seen: seen.to_vec() };
    let path = file(project);
    if let (Some(dir), Ok(text)) = (path.parent(), serde_json::to_vec(&saved)) {
        let _ = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, text));
    }
}

/// The digest of everything the checkers' answers to `probe` depend on.
pub fn key(project: &Project, probe: &str) -> String {
    let mut hasher = Sha256::new();
    let mut feed = |text: &str| {
        hasher.update(text.len().to_le_bytes());
        hasher.update(text.as_bytes());
    };
    feed(env!("CARGO_PKG_VERSION"));
    feed(probe);
    feed(&project.interpreter.python.to_string_lossy());
    feed(&std::env::var("PATH").unwrap_or_default());
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let mut files: Vec<PathBuf> = CONFIG_FILES.iter().map(|f| project.root.join(f)).collect();
    files.push(home.join(".config").join("mypy").join("config"));
    files.push(home.join(".mypy.ini"));
    for checker in &checkers::ALL {
        files.push(checker.executable(project));
        if let Some((server, _)) = checker.server {
            files.push(checkers::tool(project, server));
        }
    }
    files.push(project.interpreter.python.clone());
    for path in &files {
        feed(&format!("{}={}", path.display(), stamp(path)));
    }
    for dir in folders(project) {
        feed(&listing(&dir));
    }
    hex(&hasher.finalize())
}

/// The folders whose entries decide what a checker finds: the project's, the stub's (and a
/// stub package's), the package's, the venv's site-packages.
fn folders(project: &Project) -> Vec<PathBuf> {
    let mut dirs = vec![project.root.clone()];
    if let Some(parent) = project.stub.parent() {
        dirs.push(parent.to_path_buf());
        if let Some(grandparent) = parent.parent() {
            dirs.push(grandparent.to_path_buf());
        }
    }
    dirs.extend(project.layout.package_dir());
    dirs.extend(project.layout.top_package_dir());
    if let Some(site) = project.interpreter.venv.as_deref().and_then(site_packages) {
        // The installed package's own folder too: a stub or `.so` added or removed there.
        let top = project.layout.top_level().to_owned();
        dirs.push(site.join(&top));
        dirs.push(site);
    }
    dirs.sort();
    dirs.dedup();
    dirs
}

/// A folder's entries with their sizes and times (build output and VCS folders left out).
fn listing(dir: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(dir) else { return format!("{}: -", dir.display()) };
    let mut lines: Vec<String> = entries
        .flatten()
        .filter(|e| !matches!(e.file_name().to_str(), Some("target" | ".git")))
        .map(|e| format!("{}={}", e.file_name().to_string_lossy(), stamp(&e.path())))
        .collect();
    lines.sort();
    format!("{}: {}", dir.display(), lines.join(";"))
}

fn stamp(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(meta) => {
            let time = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{time}", meta.len())
        }
        Err(_) => "-".to_owned(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_change_with_their_entries() {
        let dir = tempfile::tempdir().unwrap();
        let before = listing(dir.path());
        std::fs::write(dir.path().join("x.pth"), "/a\n").unwrap();
        let after = listing(dir.path());
        assert_ne!(before, after);
        std::fs::create_dir(dir.path().join("target")).unwrap();
        assert_eq!(after, listing(dir.path()));
        assert_eq!(stamp(&dir.path().join("missing")), "-");
    }
}
