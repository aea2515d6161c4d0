//! Writing a stub file: only when its bytes change, and atomically (a checker or the editor
//! reading it meanwhile sees the old file or the new one, never half of one).

use std::fs::Permissions;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Writes `contents` to `path` unless it already holds them; whether it wrote.
pub fn write_if_changed(path: &Path, contents: &[u8]) -> Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(false);
    }
    let folder = path.parent().context("a stub path without a folder")?;
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    // A temporary file is private (0600): the stub keeps the old file's permissions.
    let permissions = std::fs::metadata(path).map(|m| m.permissions()).ok().or_else(readable);
    let mut temporary = tempfile::NamedTempFile::new_in(folder)
        .with_context(|| format!("cannot write in {}", folder.display()))?;
    temporary.write_all(contents).with_context(|| format!("cannot write {}", path.display()))?;
    if let Some(permissions) = permissions {
        temporary
            .as_file()
            .set_permissions(permissions)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    temporary.persist(path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(true)
}

/// A new file's permissions: readable by everyone, as an editor would make it.
#[cfg(unix)]
fn readable() -> Option<Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn readable() -> Option<Permissions> {
    None // a temporary file is an ordinary, writable file there
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_changed_bytes() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("pkg").join("m.pyi");
        assert!(write_if_changed(&path, b"x: int\n").unwrap());
        assert!(!write_if_changed(&path, b"x: int\n").unwrap());
        assert!(write_if_changed(&path, b"x: str\n").unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"x: str\n");
        // No temporary file left behind.
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_stub_is_readable_and_an_old_one_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("m.pyi");
        write_if_changed(&path, b"a").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
        std::fs::set_permissions(&path, Permissions::from_mode(0o664)).unwrap();
        write_if_changed(&path, b"b").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o664);
    }
}
