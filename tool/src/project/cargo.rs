//! What `cargo metadata` says about the extension's crate: its package and `[lib]` name,
//! its bins, pyo3's version and features as resolved, and the local crates it is built from.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use cargo_metadata::{Metadata, MetadataCommand, Package, PackageId, TargetKind};

use crate::error::ConfigError;

#[derive(Debug, Clone)]
pub struct Crate {
    pub manifest: PathBuf,
    pub package: String,
    /// `[lib] name` (the package name with `-` as `_` when unset).
    pub lib_name: String,
    pub crate_types: Vec<String>,
    pub bins: Vec<Bin>,
    /// A direct dependency on pyo3-stub-gen.
    pub uses_stub_gen: bool,
    pub pyo3: Option<Pyo3>,
    /// The folders of every local crate the extension is built from (itself first):
    /// the crate and its path dependencies, workspace members or not.
    pub local_crates: Vec<PathBuf>,
    pub workspace_root: PathBuf,
    pub target_directory: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Bin {
    pub name: String,
    pub required_features: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Pyo3 {
    pub version: semver::Version,
    /// pyo3's features as resolved for this build (`abi3-py39`, `extension-module`, ...).
    pub features: BTreeSet<String>,
}

impl Pyo3 {
    pub fn has(&self, feature: &str) -> bool {
        self.features.contains(feature)
    }

    /// The lowest CPython of an `abi3-py3N` feature.
    pub fn abi3(&self) -> Option<(u32, u32)> {
        self.features
            .iter()
            .filter_map(|f| f.strip_prefix("abi3-py3")?.parse().ok())
            .min()
            .map(|minor| (3, minor))
            .or_else(|| self.has("abi3").then_some((3, 7)))
    }
}

impl Crate {
    /// Reads the crate of `manifest`, with `features` enabled as maturin would enable them.
    pub fn read(manifest: &Path, features: &[String]) -> Result<Self, ConfigError> {
        if !manifest.is_file() {
            return Err(ConfigError::new(manifest, "does not exist"));
        }
        let mut command = MetadataCommand::new();
        command.manifest_path(manifest);
        // Features of dependencies (`pyo3/extension-module`) cannot be asked for here: cargo
        // resolves the crate's own, and the package's feature list shows the rest.
        let own: Vec<String> = features.iter().filter(|f| !f.contains('/')).cloned().collect();
        if !own.is_empty() {
            command.features(cargo_metadata::CargoOpt::SomeFeatures(own));
        }
        let metadata = command.exec().map_err(|error| {
            let text = error.to_string();
            let line = text
                .lines()
                .find(|line| line.contains("error"))
                .or_else(|| text.lines().next())
                .unwrap_or_default()
                .trim()
                .to_owned();
            ConfigError::new(manifest, format!("cargo metadata failed: {line}"))
        })?;
        Self::from_metadata(manifest, &metadata, features)
    }

    fn from_metadata(
        manifest: &Path,
        metadata: &Metadata,
        features: &[String],
    ) -> Result<Self, ConfigError> {
        let wanted = manifest.canonicalize().unwrap_or_else(|_| manifest.to_path_buf());
        let package = metadata
            .packages
            .iter()
            .find(|p| p.manifest_path.as_std_path().canonicalize().ok().as_deref() == Some(&wanted))
            .ok_or_else(|| {
                ConfigError::new(manifest, "has no [package] (a virtual workspace manifest?)")
            })?;
        let lib = package
            .targets
            .iter()
            .find(|t| {
                t.kind
                    .iter()
                    .any(|k| matches!(k, TargetKind::Lib | TargetKind::CDyLib | TargetKind::RLib))
            })
            .ok_or_else(|| ConfigError::missing(manifest, "lib"))?;
        let bins = package
            .targets
            .iter()
            .filter(|t| t.kind.contains(&TargetKind::Bin))
            .map(|t| Bin { name: t.name.clone(), required_features: t.required_features.clone() })
            .collect();
        let uses_stub_gen = package.dependencies.iter().any(|d| d.name == "pyo3-stub-gen");
        let pyo3 = pyo3_of(metadata, &package.id, features);
        let local_crates = local_crates(metadata, &package.id);
        Ok(Self {
            manifest: manifest.to_path_buf(),
            package: package.name.to_string(),
            lib_name: lib.name.replace('-', "_"),
            crate_types: lib.crate_types.iter().map(ToString::to_string).collect(),
            bins,
            uses_stub_gen,
            pyo3,
            local_crates,
            workspace_root: metadata.workspace_root.clone().into(),
            target_directory: metadata.target_directory.clone().into(),
        })
    }
}

fn package<'a>(metadata: &'a Metadata, id: &PackageId) -> Option<&'a Package> {
    metadata.packages.iter().find(|p| &p.id == id)
}

/// pyo3 as the build resolves it: its version, and its features, plus those maturin's
/// `features = ["pyo3/..."]` adds.
fn pyo3_of(metadata: &Metadata, root: &PackageId, features: &[String]) -> Option<Pyo3> {
    let resolve = metadata.resolve.as_ref()?;
    let node = resolve.nodes.iter().find(|n| &n.id == root)?;
    let dep = node
        .deps
        .iter()
        .find(|d| package(metadata, &d.pkg).is_some_and(|p| p.name.as_str() == "pyo3"))?;
    let pyo3_node = resolve.nodes.iter().find(|n| n.id == dep.pkg)?;
    let mut enabled: BTreeSet<String> =
        pyo3_node.features.iter().map(ToString::to_string).collect();
    enabled.extend(features.iter().filter_map(|f| f.strip_prefix("pyo3/")).map(str::to_owned));
    Some(Pyo3 { version: package(metadata, &dep.pkg)?.version.clone(), features: enabled })
}

/// The folders of the crate and of every local (path) crate it depends on, transitively.
fn local_crates(metadata: &Metadata, root: &PackageId) -> Vec<PathBuf> {
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    let mut queue = vec![root.clone()];
    while let Some(id) = queue.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Some(found) = package(metadata, &id) else { continue };
        if found.source.is_some() {
            continue; // from a registry or git: not the project's to edit
        }
        if let Some(folder) = found.manifest_path.parent() {
            order.push(folder.to_path_buf().into());
        }
        if let Some(node) =
            metadata.resolve.as_ref().and_then(|r| r.nodes.iter().find(|n| n.id == id))
        {
            queue.extend(node.deps.iter().map(|d| d.pkg.clone()));
        }
    }
    order
}
