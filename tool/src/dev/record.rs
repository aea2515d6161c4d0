//! A wheel install's `RECORD` (`path,sha256=<urlsafe base64, no padding>,size` per file):
//! read to find the installed extension, and one line rewritten when pyrs replaces a file,
//! every other line left byte for byte as the installer wrote it.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// A file's hash as RECORD writes it, and its size.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hashed {
    pub hash: String,
    pub size: u64,
}

pub fn hash_bytes(data: &[u8]) -> Hashed {
    Hashed {
        hash: format!("sha256={}", URL_SAFE_NO_PAD.encode(Sha256::digest(data))),
        size: data.len() as u64,
    }
}

pub fn hash_file(path: &Path) -> Result<Hashed> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut digest = Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    let mut size = 0u64;
    loop {
        let read =
            file.read(&mut buffer).with_context(|| format!("cannot read {}", path.display()))?;
        if read == 0 {
            break;
        }
        digest.update(&buffer[..read]);
        size += read as u64;
    }
    Ok(Hashed { hash: format!("sha256={}", URL_SAFE_NO_PAD.encode(digest.finalize())), size })
}

/// The first field of each line (the installed path); quoted paths are skipped: pyrs only
/// ever looks for the module's own files, whose names need no quoting.
pub fn paths(record: &str) -> Vec<&str> {
    record
        .lines()
        .filter(|line| !line.starts_with('"'))
        .filter_map(|line| line.split(',').next())
        .filter(|path| !path.is_empty())
        .collect()
}

/// `record` with the line of `path` saying `hashed`; None when no line names `path`.
pub fn with_line(record: &str, path: &str, hashed: &Hashed) -> Option<String> {
    let prefix = format!("{path},");
    let mut found = false;
    let mut out = String::with_capacity(record.len() + 64);
    for line in record.split_inclusive('\n') {
        if line.starts_with(&prefix) {
            found = true;
            let ending = if line.ends_with("\r\n") {
                "\r\n"
            } else if line.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            out.push_str(&format!("{path},{},{}{ending}", hashed.hash, hashed.size));
        } else {
            out.push_str(line);
        }
    }
    found.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = "m/__init__.py,sha256=abc,10\r\n\
        m/m.cpython-311-x86_64-linux-gnu.so,sha256=old,5\r\n\
        \"odd,name.txt\",sha256=x,1\r\n\
        m-0.1.0.dist-info/RECORD,,\r\n";

    #[test]
    fn hashes_as_pip_writes_them() {
        // sha256 of the empty string, urlsafe base64 without padding.
        assert_eq!(hash_bytes(b"").hash, "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("f");
        std::fs::write(&file, b"hello").unwrap();
        assert_eq!(hash_file(&file).unwrap(), hash_bytes(b"hello"));
    }

    #[test]
    fn rewrites_one_line_and_keeps_the_rest() {
        let new = Hashed { hash: "sha256=new".into(), size: 7 };
        let out = with_line(RECORD, "m/m.cpython-311-x86_64-linux-gnu.so", &new).unwrap();
        assert_eq!(
            out,
            RECORD.replace(
                "m/m.cpython-311-x86_64-linux-gnu.so,sha256=old,5",
                "m/m.cpython-311-x86_64-linux-gnu.so,sha256=new,7"
            )
        );
        assert!(with_line(RECORD, "m/m.abi3.so", &new).is_none());
        // A prefix of a listed path is not that path.
        assert!(with_line(RECORD, "m/m", &new).is_none());
    }

    #[test]
    fn lists_the_paths() {
        assert_eq!(
            paths(RECORD),
            vec![
                "m/__init__.py",
                "m/m.cpython-311-x86_64-linux-gnu.so",
                "m-0.1.0.dist-info/RECORD"
            ]
        );
    }
}
