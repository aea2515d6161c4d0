//! What the stub was last generated from: a digest of the build inputs' contents (and the
//! interpreter) and a digest of each file written, kept under the target folder so `dev`
//! regenerates only when one of them changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::StubFile;
use crate::interpreter::Interpreter;
use crate::project::Project;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The digest of what the generator read.
    pub inputs: String,
    /// Each stub file written, with the digest of its bytes.
    pub stubs: BTreeMap<PathBuf, String>,
}

/// The folder pyrs keeps its stub work in (the generator's builds, this state).
pub fn folder(project: &Project) -> PathBuf {
    project.krate.target_directory.join("pyrs-stubs")
}

/// One state per project: a target folder may be shared (`CARGO_TARGET_DIR`).
fn path(project: &Project) -> PathBuf {
    let key = digest_bytes(project.root.as_os_str().as_encoded_bytes());
    folder(project).join(format!("state-{}.json", &key[..16]))
}

impl State {
    pub fn record(inputs: &str, files: &[StubFile]) -> Self {
        let stubs = files.iter().map(|f| (f.path.clone(), digest_bytes(&f.contents))).collect();
        Self { inputs: inputs.to_owned(), stubs }
    }

    /// The recorded state; None when there is none or it cannot be read (regenerate).
    pub fn load(project: &Project) -> Option<Self> {
        let text = std::fs::read(path(project)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    pub fn save(&self, project: &Project) -> Result<()> {
        let file = path(project);
        let text = serde_json::to_vec_pretty(self)?;
        super::write::write_if_changed(&file, &text)
            .with_context(|| format!("cannot record {}", file.display()))?;
        Ok(())
    }

    /// Nothing changed: the same inputs, and every stub file still holds what was written.
    pub fn is_current(&self, inputs: &str) -> bool {
        self.inputs == inputs
            && !self.stubs.is_empty()
            && self.stubs.iter().all(|(file, digest)| {
                std::fs::read(file).is_ok_and(|bytes| &digest_bytes(&bytes) == digest)
            })
    }
}

/// The digest of every build input's path and contents, the generator and the interpreter.
pub fn inputs_digest(project: &Project, interpreter: &Interpreter) -> Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(project.stub_source.describe().as_bytes());
    hasher.update(interpreter.executable.as_os_str().as_encoded_bytes());
    hasher.update(interpreter.environment_signature().as_bytes());
    for file in project.build_inputs() {
        hash_file(&mut hasher, &project.root, &file)?;
    }
    Ok(hex(&hasher.finalize()))
}

fn hash_file(hasher: &mut Sha256, root: &Path, file: &Path) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.strip_prefix(root).unwrap_or(file);
    // Lengths first: no two different (name, contents) lists hash the same bytes.
    hasher.update((name.as_os_str().len() as u64).to_le_bytes());
    hasher.update(name.as_os_str().as_encoded_bytes());
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(&bytes);
    Ok(())
}

pub fn digest_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_until_a_stub_changes() {
        let folder = tempfile::tempdir().unwrap();
        let stub = folder.path().join("m.pyi");
        std::fs::write(&stub, "x: int\n").unwrap();
        let state = State::record(
            "abc",
            &[StubFile { path: stub.clone(), contents: b"x: int\n".to_vec() }],
        );
        assert!(state.is_current("abc"));
        assert!(!state.is_current("abd"));
        std::fs::write(&stub, "x: str\n").unwrap();
        assert!(!state.is_current("abc"));
        std::fs::remove_file(&stub).unwrap();
        assert!(!state.is_current("abc"));
    }

    #[test]
    fn file_digest_covers_name_and_contents() {
        let folder = tempfile::tempdir().unwrap();
        let (a, b) = (folder.path().join("a.rs"), folder.path().join("b.rs"));
        std::fs::write(&a, "x").unwrap();
        std::fs::write(&b, "x").unwrap();
        let digest = |file: &Path| {
            let mut hasher = Sha256::new();
            hash_file(&mut hasher, folder.path(), file).unwrap();
            hex(&hasher.finalize())
        };
        assert_ne!(digest(&a), digest(&b));
    }
}
