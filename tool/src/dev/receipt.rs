//! The receipt: what pyrs knows of the install it keeps up to date, written after each
//! `maturin develop` and each in-place replacement, in the pyrs target folder (one per
//! project and venv). The fast path is taken only while it still describes the venv: the
//! same project, interpreter, features and metadata inputs, the same profile, and the
//! installed files exactly as pyrs left them.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::install::{Content, Installed, Stamp};
use super::record::Hashed;

const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub format: u32,
    pub root: PathBuf,
    pub venv: PathBuf,
    pub module: String,
    /// Digest of the metadata inputs (pyproject.toml, Cargo.toml, the README).
    pub metadata: String,
    /// Digest of what else shapes the build: interpreter, features, maturin.
    pub build: String,
    pub profile: String,
    pub installed: Installed,
    /// The installed extension: its RECORD hash and size, and its stamp.
    pub extension: Hashed,
    pub extension_stamp: Stamp,
    /// The cargo artifact the installed extension is a copy of, when known.
    pub artifact: Option<Stamp>,
    /// `RECORD` as pyrs left it (another installer rewrites it).
    pub record_stamp: Stamp,
}

/// What the receipt must say for the fast path.
#[derive(Debug, Clone)]
pub struct Expected {
    pub root: PathBuf,
    pub venv: PathBuf,
    pub module: String,
    pub metadata: String,
    pub build: String,
    pub profile: String,
}

impl Receipt {
    pub fn new(expected: &Expected, installed: Installed, extension: Hashed) -> Result<Self> {
        let extension_stamp = stamp(&installed.extension)?;
        let record_stamp = stamp(&installed.dist_info.join("RECORD"))?;
        Ok(Self {
            format: FORMAT,
            root: expected.root.clone(),
            venv: expected.venv.clone(),
            module: expected.module.clone(),
            metadata: expected.metadata.clone(),
            build: expected.build.clone(),
            profile: expected.profile.clone(),
            installed,
            extension,
            extension_stamp,
            artifact: None,
            record_stamp,
        })
    }

    pub fn load(path: &Path) -> Option<Self> {
        let text = std::fs::read(path).ok()?;
        serde_json::from_slice(&text).ok()
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create {}", folder.display()))?;
        }
        let text = serde_json::to_vec_pretty(self).context("cannot encode the receipt")?;
        super::install::replace(path, Content::Bytes(&text))
    }

    /// Why the install cannot be updated in place, or None when it can.
    pub fn why_not(&self, expected: &Expected) -> Option<String> {
        if self.format != FORMAT
            || self.root != expected.root
            || self.venv != expected.venv
            || self.module != expected.module
        {
            return Some("the last install was made by another pyrs or for another module".into());
        }
        if self.metadata != expected.metadata {
            return Some("pyproject.toml, Cargo.toml or the README changed".into());
        }
        if self.build != expected.build {
            return Some("the interpreter, the features or maturin changed".into());
        }
        if self.profile != expected.profile {
            return Some(format!(
                "the installed extension is a {} build, {} asked for",
                self.profile, expected.profile
            ));
        }
        match Stamp::of(&self.installed.extension) {
            None => return Some("the installed extension is gone".into()),
            Some(now) if now != self.extension_stamp => {
                return Some("the installed extension was replaced by something else".into())
            }
            Some(_) => {}
        }
        match Stamp::of(&self.installed.dist_info.join("RECORD")) {
            None => Some(format!("the install in {} is gone", self.venv.display())),
            Some(now) if now != self.record_stamp => {
                Some("the install was changed by another installer".into())
            }
            Some(_) => None,
        }
    }

    /// After pyrs replaced the extension (and maybe RECORD): what is there now.
    pub fn refresh_stamps(&mut self) -> Result<()> {
        self.extension_stamp = stamp(&self.installed.extension)?;
        self.record_stamp = stamp(&self.installed.dist_info.join("RECORD"))?;
        Ok(())
    }
}

fn stamp(path: &Path) -> Result<Stamp> {
    Stamp::of(path).with_context(|| format!("cannot read {}", path.display()))
}

/// A digest of named parts (each length-prefixed, so parts cannot run into each other).
#[derive(Default)]
pub struct Fingerprint(Sha256);

impl Fingerprint {
    pub fn part(&mut self, data: impl AsRef<[u8]>) -> &mut Self {
        let data = data.as_ref();
        self.0.update((data.len() as u64).to_le_bytes());
        self.0.update(data);
        self
    }

    /// A file's path and bytes (empty when unreadable).
    pub fn file(&mut self, path: &Path) -> &mut Self {
        self.part(path.as_os_str().as_encoded_bytes());
        self.part(std::fs::read(path).unwrap_or_default())
    }

    pub fn finish(&mut self) -> String {
        let digest = std::mem::take(&mut self.0).finalize();
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A short key for file names (receipt, lock) from a few paths.
pub fn key(parts: &[&Path]) -> String {
    let mut fingerprint = Fingerprint::default();
    for part in parts {
        fingerprint.part(part.as_os_str().as_encoded_bytes());
    }
    fingerprint.finish()[..16].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dev::install::RecordPaths;

    fn expected(root: &Path) -> Expected {
        Expected {
            root: root.to_path_buf(),
            venv: root.join(".venv"),
            module: "m".into(),
            metadata: "meta".into(),
            build: "build".into(),
            profile: "dev".into(),
        }
    }

    #[test]
    fn says_why_the_fast_path_does_not_apply() {
        let folder = tempfile::tempdir().unwrap();
        let dist_info = folder.path().join("m-0.1.dist-info");
        std::fs::create_dir(&dist_info).unwrap();
        std::fs::write(dist_info.join("RECORD"), "m/m.so,sha256=x,1\n").unwrap();
        let extension = folder.path().join("m.so");
        std::fs::write(&extension, b"x").unwrap();
        let installed = Installed {
            extension: extension.clone(),
            dist_info,
            record_paths: Some(RecordPaths { extension: "m/m.so".into(), stub: None }),
        };
        let wanted = expected(folder.path());
        let receipt =
            Receipt::new(&wanted, installed, crate::dev::record::hash_bytes(b"x")).unwrap();
        assert_eq!(receipt.why_not(&wanted), None);

        let path = folder.path().join("receipts").join("r.json");
        receipt.save(&path).unwrap();
        assert_eq!(Receipt::load(&path), Some(receipt.clone()));

        let mut changed = wanted.clone();
        changed.metadata = "other".into();
        assert!(receipt.why_not(&changed).unwrap().contains("pyproject.toml"));
        changed = wanted.clone();
        changed.profile = "release".into();
        assert!(receipt.why_not(&changed).unwrap().contains("a dev build, release asked for"));

        std::fs::remove_file(&extension).unwrap();
        std::fs::write(&extension, b"yy").unwrap();
        assert!(receipt.why_not(&wanted).unwrap().contains("replaced"));
    }

    #[test]
    fn keys_differ_by_path() {
        assert_ne!(key(&[Path::new("/a"), Path::new("/b")]), key(&[Path::new("/a/b")]));
        assert_eq!(key(&[Path::new("/a")]).len(), 16);
    }
}
