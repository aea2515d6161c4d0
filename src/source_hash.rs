//! A fingerprint of the Rust sources the extension is built from.
//!
//! `build.rs` includes this file to bake the fingerprint into the build; at `import py_run_rs` the
//! binding recomputes it from the source folder to notice a build older than the working
//! tree. Plain std, no pyo3: it must compile inside the build script too.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The files whose change means the extension must be rebuilt, relative to the crate root:
/// `Cargo.toml`, `Cargo.lock`, `build.rs` (those present) and every `.rs` file under `src/`.
pub fn tracked_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = ["Cargo.toml", "Cargo.lock", "build.rs"]
        .into_iter()
        .map(PathBuf::from)
        .filter(|file| root.join(file).is_file())
        .collect();
    let mut pending = vec![PathBuf::from("src")];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(root.join(&dir))? {
            let entry = entry?;
            let relative = dir.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                pending.push(relative);
            } else if relative.extension().is_some_and(|ext| ext == "rs") {
                files.push(relative);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// FNV-1a (64-bit) over each tracked file's relative path and contents, in sorted order.
/// Not cryptographic: it only has to notice edits, quickly.
pub fn source_hash(root: &Path) -> io::Result<u64> {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
        }
    };
    for file in tracked_files(root)? {
        // Forward slashes whatever the platform, so the hash does not depend on it.
        feed(file.to_string_lossy().replace('\\', "/").as_bytes());
        feed(&[0]);
        feed(&fs::read(root.join(&file))?);
        feed(&[0]);
    }
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch_crate(name: &str) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("py_run_rs-hash-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("src/python")).unwrap();
        for (file, text) in [
            ("Cargo.toml", "[package]"),
            ("Cargo.lock", "# lock"),
            ("build.rs", "fn main() {}"),
            ("src/lib.rs", "pub mod a;"),
            ("src/python/mod.rs", "// binding"),
            ("src/notes.txt", "not Rust: ignored"),
        ] {
            fs::write(root.join(file), text).unwrap();
        }
        root
    }

    #[test]
    fn tracks_rust_sources_and_manifests_only() {
        let root = scratch_crate("files");
        let names: Vec<_> = tracked_files(&root).unwrap();
        let names: Vec<_> = names
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "Cargo.lock",
                "Cargo.toml",
                "build.rs",
                "src/lib.rs",
                "src/python/mod.rs"
            ]
        );
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn any_edit_changes_the_hash() {
        let root = scratch_crate("edits");
        let before = source_hash(&root).unwrap();
        assert_eq!(before, source_hash(&root).unwrap());
        fs::write(root.join("src/notes.txt"), "still ignored").unwrap();
        assert_eq!(before, source_hash(&root).unwrap());
        fs::write(root.join("src/python/mod.rs"), "// binding!").unwrap();
        let edited = source_hash(&root).unwrap();
        assert_ne!(before, edited);
        fs::write(root.join("src/new.rs"), "").unwrap();
        assert_ne!(edited, source_hash(&root).unwrap());
        fs::remove_dir_all(root).unwrap();
    }
}
