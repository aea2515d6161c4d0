//! The dirty-tree refusal: adopt edits files in place, so a file with uncommitted changes
//! (modified, staged or untracked) would mix the user's edit with pyrs's in one diff.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Which of `paths` have uncommitted changes (empty outside a git work tree).
pub fn uncommitted(root: &Path, paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let existing: Vec<&PathBuf> = paths.iter().filter(|p| p.exists()).collect();
    if existing.is_empty() || !in_work_tree(root) {
        return Ok(Vec::new());
    }
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--"])
        .args(&existing)
        .output()
        .context("cannot run git status")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("git status failed: {}", stderr.lines().next().unwrap_or_default());
    }
    let top = git_top(root)?;
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let dirty: Vec<PathBuf> = parse_porcelain(&String::from_utf8_lossy(&output.stdout))
        .into_iter()
        .map(|relative| canonical(&top.join(relative)))
        .collect();
    // Named as the caller named them.
    Ok(existing.into_iter().filter(|p| dirty.contains(&canonical(p))).cloned().collect())
}

fn in_work_tree(root: &Path) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"true"))
}

/// Paths in porcelain output are relative to the top of the work tree.
fn git_top(root: &Path) -> Result<PathBuf> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .context("cannot run git rev-parse")?;
    let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    Ok(if text.is_empty() { root.to_path_buf() } else { PathBuf::from(text) })
}

/// The paths of `git status --porcelain=v1 -z` (a rename's second path is its origin).
fn parse_porcelain(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut entries = text.split('\0').filter(|e| !e.is_empty());
    while let Some(entry) = entries.next() {
        let Some((status, path)) = entry.split_at_checked(3) else { continue };
        paths.push(path.to_owned());
        if status.starts_with('R') || status.starts_with('C') {
            entries.next();
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porcelain_paths() {
        let text = " M pyproject.toml\0?? .vscode/settings.json\0R  new.toml\0old.toml\0";
        assert_eq!(parse_porcelain(text), ["pyproject.toml", ".vscode/settings.json", "new.toml"]);
    }

    #[test]
    fn dirty_and_clean_files() {
        let folder = tempfile::tempdir().unwrap();
        let root = folder.path();
        let git = |args: &[&str]| {
            let ok = Command::new("git").arg("-C").arg(root).args(args).output().unwrap();
            assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
        };
        git(&["init", "-q"]);
        std::fs::write(root.join("a.toml"), "a").unwrap();
        std::fs::write(root.join("b.toml"), "b").unwrap();
        git(&["add", "."]);
        git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"]);
        std::fs::write(root.join("b.toml"), "changed").unwrap();
        let paths = [root.join("a.toml"), root.join("b.toml"), root.join("new.json")];
        let dirty = uncommitted(root, &paths).unwrap();
        let names: Vec<_> = dirty.iter().filter_map(|p| p.file_name()).collect();
        assert_eq!(names, ["b.toml"]);
    }
}
