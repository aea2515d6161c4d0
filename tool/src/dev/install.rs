//! What `maturin develop` installed, found where it put it, and replaced in place.
//!
//! Mixed layout: an editable install (a `.pth` in site-packages) and the extension copied into
//! the source tree beside the package (`python/pkg/_core.cpython-311-....so`). Pure layout: a
//! wheel installed into site-packages (`m/m.cpython-311-....so`, listed in `RECORD`).
//!
//! A file is replaced atomically: written beside itself under a temporary name, then renamed
//! over the old one. A Python process that loaded the old extension keeps its mapping; a new
//! one opens the new file, never a half-written one; uv's hard links into its cache are left
//! alone (writing into the file would corrupt the cache).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::record::{self, Hashed};

/// What tells one version of a file from another without reading it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub modified_ns: u64,
    pub inode: u64,
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Self> {
        let metadata = std::fs::metadata(path).ok()?;
        let modified = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
        #[cfg(not(unix))]
        let inode = 0;
        Some(Self {
            size: metadata.len(),
            modified_ns: u64::try_from(modified.as_nanos()).unwrap_or(u64::MAX),
            inode,
        })
    }
}

/// Where the install keeps the extension, found once after `maturin develop`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installed {
    pub extension: PathBuf,
    pub dist_info: PathBuf,
    /// Pure layout: the RECORD paths of the extension and of the installed stub.
    pub record_paths: Option<RecordPaths>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordPaths {
    pub extension: String,
    pub stub: Option<String>,
}

/// PEP 503-ish normalisation of a distribution name, as dist-info folders spell it.
fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut last_was_separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !last_was_separator {
                out.push('_');
            }
            last_was_separator = true;
        } else {
            out.extend(c.to_lowercase());
            last_was_separator = false;
        }
    }
    out
}

/// The `<distribution>-<version>.dist-info` folders of `distribution` in `site_packages`.
pub fn dist_infos(site_packages: &Path, distribution: &str) -> Vec<PathBuf> {
    let wanted = normalize(distribution);
    let Ok(entries) = std::fs::read_dir(site_packages) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.strip_suffix(".dist-info")
                .and_then(|stem| stem.rsplit_once('-'))
                .is_some_and(|(dist, _version)| normalize(dist) == wanted)
        })
        .collect();
    found.sort();
    found
}

/// Whether `file` is the extension `basename` (`m.cpython-311-x86_64-linux-gnu.so`,
/// `m.abi3.so`, `m.so`, `m.pyd`).
pub fn is_extension_named(file: &str, basename: &str) -> bool {
    file.strip_prefix(basename)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|rest| rest.ends_with(".so") || rest == "so" || rest.ends_with("pyd"))
}

/// The single extension file `basename.*.so` in `folder`, the newest when several.
fn find_in_folder(folder: &Path, basename: &str) -> Option<PathBuf> {
    let entries = std::fs::read_dir(folder).ok()?;
    entries
        .flatten()
        .filter(|e| is_extension_named(&e.file_name().to_string_lossy(), basename))
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
}

/// Finds what `maturin develop` just installed. `package_dir` is the mixed layout's source
/// folder of the extension's package (None: pure layout); `expected` the file name the
/// interpreter's suffix gives.
pub fn locate(
    site_packages: &Path,
    distribution: &str,
    module: &str,
    package_dir: Option<&Path>,
    expected: &str,
) -> Result<Installed> {
    let dist_info = match dist_infos(site_packages, distribution).as_slice() {
        [one] => one.clone(),
        [] => bail!("no {distribution} install in {}", site_packages.display()),
        many => bail!(
            "{} installs of {distribution} in {}: uninstall the extra ones",
            many.len(),
            site_packages.display()
        ),
    };
    let basename = module.rsplit('.').next().unwrap_or(module);
    if let Some(folder) = package_dir {
        let extension = Some(folder.join(expected))
            .filter(|p| p.is_file())
            .or_else(|| find_in_folder(folder, basename))
            .ok_or_else(|| anyhow!("no {basename} extension in {}", folder.display()))?;
        return Ok(Installed { extension, dist_info, record_paths: None });
    }
    let record_file = dist_info.join("RECORD");
    let text = std::fs::read_to_string(&record_file)
        .with_context(|| format!("cannot read {}", record_file.display()))?;
    let top = module.split('.').next().unwrap_or(module);
    let listed = record::paths(&text);
    let extension = listed
        .iter()
        .find(|path| {
            path.split_once('/').is_some_and(|(first, _)| first == top)
                && path.rsplit('/').next().is_some_and(|file| is_extension_named(file, basename))
        })
        .map(|p| (*p).to_owned())
        .ok_or_else(|| anyhow!("{} lists no {module} extension", record_file.display()))?;
    let stub_path = extension.rsplit_once('/').map(|(dir, _)| format!("{dir}/__init__.pyi"));
    let stub = stub_path.filter(|s| listed.contains(&s.as_str()));
    Ok(Installed {
        extension: site_packages.join(&extension),
        dist_info,
        record_paths: Some(RecordPaths { extension, stub }),
    })
}

/// Gives `dest` the bytes of `source` (a file) or of `bytes`, atomically, keeping `dest`'s
/// permissions.
pub fn replace(dest: &Path, content: Content<'_>) -> Result<()> {
    let folder = dest.parent().ok_or_else(|| anyhow!("{} has no folder", dest.display()))?;
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = folder.join(format!(".{name}.{}.pyrs-tmp", std::process::id()));
    let result = write_then_rename(dest, &temporary, content);
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

#[derive(Debug, Clone, Copy)]
pub enum Content<'a> {
    File(&'a Path),
    Bytes(&'a [u8]),
}

fn write_then_rename(dest: &Path, temporary: &Path, content: Content<'_>) -> Result<()> {
    match content {
        Content::File(source) => {
            std::fs::copy(source, temporary).with_context(|| {
                format!("cannot copy {} to {}", source.display(), temporary.display())
            })?;
        }
        Content::Bytes(bytes) => {
            let mut file = std::fs::File::create(temporary)
                .with_context(|| format!("cannot write {}", temporary.display()))?;
            file.write_all(bytes)
                .with_context(|| format!("cannot write {}", temporary.display()))?;
        }
    }
    if let Ok(old) = std::fs::metadata(dest) {
        std::fs::set_permissions(temporary, old.permissions())
            .with_context(|| format!("cannot set the mode of {}", temporary.display()))?;
    }
    // On disk before the rename makes it visible: a crash leaves the old file or the new one.
    std::fs::File::open(temporary)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot flush {}", temporary.display()))?;
    std::fs::rename(temporary, dest)
        .with_context(|| format!("cannot replace {}", dest.display()))?;
    Ok(())
}

/// Rewrites the RECORD line of `path` (pure layout) for its new content.
pub fn update_record(dist_info: &Path, path: &str, hashed: &Hashed) -> Result<()> {
    let file = dist_info.join("RECORD");
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let Some(new) = record::with_line(&text, path, hashed) else {
        bail!("{} no longer lists {path}", file.display());
    };
    if new != text {
        replace(&file, Content::Bytes(new.as_bytes()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_extensions() {
        assert!(is_extension_named("m.cpython-311-x86_64-linux-gnu.so", "m"));
        assert!(is_extension_named("_core.abi3.so", "_core"));
        assert!(!is_extension_named("_core.pyi", "_core"));
        assert!(!is_extension_named("mm.abi3.so", "m"));
        assert!(!is_extension_named(".m.abi3.so.1.pyrs-tmp", "m"));
    }

    #[test]
    fn finds_the_dist_info_by_normalised_name() {
        let site = tempfile::tempdir().unwrap();
        for name in ["py_run_rs-0.1.0.dist-info", "other-1.0.dist-info", "py_run_rs_x-1.dist-info"]
        {
            std::fs::create_dir(site.path().join(name)).unwrap();
        }
        let found = dist_infos(site.path(), "Py-Run.rs");
        assert_eq!(found, vec![site.path().join("py_run_rs-0.1.0.dist-info")]);
    }

    #[test]
    fn locates_a_pure_install_from_its_record() {
        let site = tempfile::tempdir().unwrap();
        let dist = site.path().join("m-0.1.0.dist-info");
        std::fs::create_dir(&dist).unwrap();
        std::fs::write(
            dist.join("RECORD"),
            "m/__init__.py,sha256=a,1\nm/__init__.pyi,sha256=b,2\n\
             m/m.cpython-311-x86_64-linux-gnu.so,sha256=c,3\nm-0.1.0.dist-info/RECORD,,\n",
        )
        .unwrap();
        let found =
            locate(site.path(), "m", "m", None, "m.cpython-311-x86_64-linux-gnu.so").unwrap();
        assert_eq!(found.extension, site.path().join("m/m.cpython-311-x86_64-linux-gnu.so"));
        let paths = found.record_paths.unwrap();
        assert_eq!(paths.extension, "m/m.cpython-311-x86_64-linux-gnu.so");
        assert_eq!(paths.stub.as_deref(), Some("m/__init__.pyi"));
    }

    #[test]
    fn replaces_atomically_and_keeps_the_mode() {
        let folder = tempfile::tempdir().unwrap();
        let dest = folder.path().join("x.so");
        std::fs::write(&dest, b"old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        replace(&dest, Content::Bytes(b"new")).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o755);
        }
        let left: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
