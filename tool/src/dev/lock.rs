//! One `pyrs dev` at a time per project: a watcher and a manual run may overlap, and two
//! runs would interleave their replacements and receipt writes.

use std::fs::{File, OpenOptions};
use std::path::Path;

use anyhow::{Context, Result};

/// Held for the whole run; the OS drops the lock with the file (also when pyrs is killed).
#[derive(Debug)]
pub struct DevLock {
    _file: File,
}

impl DevLock {
    /// Takes the lock at `path`, waiting (with a notice) while another run holds it.
    pub fn acquire(path: &Path) -> Result<Self> {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        // Called through the trait: std's own `File::lock` is newer than the crate's MSRV.
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => {
                eprintln!("pyrs dev: waiting for another `pyrs dev` of this project");
                fs4::FileExt::lock(&file)
                    .with_context(|| format!("cannot lock {}", path.display()))?;
            }
            Err(fs4::TryLockError::Error(error)) => {
                return Err(error).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_is_dropped() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("locks").join("dev.lock");
        let held = DevLock::acquire(&path).unwrap();
        let other = File::open(&path).unwrap();
        assert!(matches!(fs4::FileExt::try_lock(&other), Err(fs4::TryLockError::WouldBlock)));
        drop(held);
        assert!(fs4::FileExt::try_lock(&other).is_ok());
    }
}
