//! The project's `.pyi` files before a generator that writes into the tree runs
//! (pyo3-stub-gen's output folder is compiled into its binary): afterwards, what it wrote is
//! read back and the tree is put back exactly as it was, contents and modification times.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};

use super::StubFile;

/// Folders never searched: build outputs, caches, dependencies.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", "__pycache__"];

#[derive(Debug)]
pub struct Snapshot {
    roots: Vec<PathBuf>,
    /// Folders never searched (the cargo target folder, wherever it is).
    skipped: Vec<PathBuf>,
    files: BTreeMap<PathBuf, Saved>,
    folders: BTreeSet<PathBuf>,
}

#[derive(Debug)]
struct Saved {
    contents: Vec<u8>,
    modified: Option<SystemTime>,
}

impl Snapshot {
    pub fn take(roots: &[PathBuf], skipped: &[PathBuf]) -> Result<Self> {
        let mut snapshot = Self {
            roots: roots.to_vec(),
            skipped: skipped.to_vec(),
            files: BTreeMap::new(),
            folders: BTreeSet::new(),
        };
        let (files, folders) = snapshot.walk();
        for file in files {
            let contents =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
            snapshot.files.insert(file, Saved { contents, modified });
        }
        snapshot.folders = folders;
        Ok(snapshot)
    }

    /// The stub files written since the snapshot: new ones, and those whose bytes or
    /// modification time changed (a generator rewriting the same bytes wrote it too).
    pub fn written(&self) -> Result<Vec<StubFile>> {
        let mut found = Vec::new();
        for file in self.walk().0 {
            let contents =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
            let changed = match self.files.get(&file) {
                None => true,
                Some(saved) => saved.contents != contents || saved.modified != modified,
            };
            if changed {
                found.push(StubFile { path: file, contents });
            }
        }
        Ok(found)
    }

    /// Puts every file back as it was: old bytes and times restored, new files and the
    /// folders made for them removed.
    pub fn restore(&self) -> Result<()> {
        let (files, folders) = self.walk();
        for file in files {
            match self.files.get(&file) {
                None => std::fs::remove_file(&file)
                    .with_context(|| format!("cannot remove {}", file.display()))?,
                Some(saved) => saved.put_back(&file)?,
            }
        }
        // Deepest first, so a folder's new subfolders go before it.
        let made: Vec<&PathBuf> = folders.difference(&self.folders).collect();
        for folder in made.into_iter().rev() {
            let _ = std::fs::remove_dir(folder); // only when empty: never someone's files
        }
        Ok(())
    }

    fn walk(&self) -> (Vec<PathBuf>, BTreeSet<PathBuf>) {
        let mut files = Vec::new();
        let mut folders = BTreeSet::new();
        for root in &self.roots {
            self.collect(root, &mut files, &mut folders);
        }
        files.sort();
        files.dedup();
        (files, folders)
    }

    fn collect(&self, folder: &Path, files: &mut Vec<PathBuf>, folders: &mut BTreeSet<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(folder) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                let skip = name.starts_with('.')
                    || SKIPPED_DIRS.contains(&name.as_str())
                    || self.skipped.contains(&path)
                    || path.join("pyvenv.cfg").is_file();
                if !skip && folders.insert(path.clone()) {
                    self.collect(&path, files, folders);
                }
            } else if kind.is_file() && name.ends_with(".pyi") {
                files.push(path);
            }
        }
    }
}

impl Saved {
    fn put_back(&self, file: &Path) -> Result<()> {
        let now = std::fs::read(file).ok();
        if now.as_deref() != Some(self.contents.as_slice()) {
            std::fs::write(file, &self.contents)
                .with_context(|| format!("cannot restore {}", file.display()))?;
        }
        if let Some(modified) = self.modified {
            // Best effort: the bytes are what matters.
            let _ = File::options().write(true).open(file).and_then(|f| f.set_modified(modified));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_written_and_restores_the_tree() {
        let folder = tempfile::tempdir().unwrap();
        let root = folder.path().to_path_buf();
        let kept = root.join("kept.pyi");
        let rewritten = root.join("stubs").join("m.pyi");
        std::fs::create_dir_all(rewritten.parent().unwrap()).unwrap();
        std::fs::write(&kept, "a").unwrap();
        std::fs::write(&rewritten, "old").unwrap();
        std::fs::create_dir_all(root.join("target")).unwrap();
        let snapshot = Snapshot::take(std::slice::from_ref(&root), &[]).unwrap();

        std::fs::write(&rewritten, "new").unwrap();
        std::fs::create_dir_all(root.join("pkg").join("sub")).unwrap();
        std::fs::write(root.join("pkg").join("sub").join("__init__.pyi"), "x").unwrap();
        std::fs::write(root.join("target").join("ignored.pyi"), "x").unwrap();

        let written = snapshot.written().unwrap();
        let paths: Vec<&Path> = written.iter().map(|f| f.path.as_path()).collect();
        assert_eq!(paths, [root.join("pkg/sub/__init__.pyi").as_path(), rewritten.as_path()]);
        assert_eq!(written[1].contents, b"new");

        snapshot.restore().unwrap();
        assert_eq!(std::fs::read(&rewritten).unwrap(), b"old");
        assert_eq!(std::fs::read(&kept).unwrap(), b"a");
        assert!(!root.join("pkg").exists());
        assert!(snapshot.written().unwrap().is_empty());
    }
}
