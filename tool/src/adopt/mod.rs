//! `pyrs adopt`: add what an existing maturin project lacks for a typed editor, as merges
//! into the user's own files. The plan (every new file content) is computed first, then
//! written file by file, atomically, and undone when a write fails.

pub mod gitignore;
pub mod jsonc;
pub mod plan;
pub mod report;
pub mod stub_compare;
pub mod stub_route;
pub mod toml_merge;
pub mod vcs;

use std::path::PathBuf;

use anyhow::{Context, Result};

/// What a merge into one file did: the new text, what it added, what the user set
/// differently (kept, reported).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    pub added: Vec<String>,
    pub differing: Vec<String>,
}

/// One file adopt changes: its contents before (None: a new file) and after, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: PathBuf,
    pub before: Option<String>,
    pub after: String,
    pub reasons: Vec<String>,
}

/// The managed configuration written into a project with no history to protect (what
/// `pyrs new` renders, before it is committed): the plan adopt would make, written; the
/// changes made.
pub fn configure(project: &crate::project::Project) -> Result<Vec<FileChange>> {
    let decision = stub_route::decide(project, stub_route::Trial::None)?;
    let plan = plan::compute(project, &decision)?;
    write_all(&plan.changes)?;
    Ok(plan.changes)
}

/// Writes every change, each atomically; when one fails, those already written are put back.
pub fn write_all(changes: &[FileChange]) -> Result<()> {
    for (index, change) in changes.iter().enumerate() {
        if let Err(error) = write_one(change) {
            for done in &changes[..index] {
                undo(done);
            }
            return Err(error);
        }
    }
    Ok(())
}

fn write_one(change: &FileChange) -> Result<()> {
    if let Some(folder) = change.path.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    crate::stubs::write::write_if_changed(&change.path, change.after.as_bytes())?;
    Ok(())
}

fn undo(change: &FileChange) {
    // Best effort: the error that made us undo is the one reported.
    let _ = match &change.before {
        Some(before) => crate::stubs::write::write_if_changed(&change.path, before.as_bytes()),
        None => std::fs::remove_file(&change.path).map(|()| true).map_err(Into::into),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_puts_back_the_others() {
        let folder = tempfile::tempdir().unwrap();
        let kept = folder.path().join("a.toml");
        std::fs::write(&kept, "old").unwrap();
        let blocker = folder.path().join("file");
        std::fs::write(&blocker, "").unwrap();
        let changes = [
            FileChange {
                path: kept.clone(),
                before: Some("old".into()),
                after: "new".into(),
                reasons: vec![],
            },
            FileChange {
                path: folder.path().join("b.json"),
                before: None,
                after: "{}".into(),
                reasons: vec![],
            },
            // A folder cannot be made under a file: this write fails.
            FileChange {
                path: blocker.join("c.json"),
                before: None,
                after: "{}".into(),
                reasons: vec![],
            },
        ];
        assert!(write_all(&changes).is_err());
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "old");
        assert!(!folder.path().join("b.json").exists());
    }
}
