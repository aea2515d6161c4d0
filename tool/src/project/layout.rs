//! Where things live for a layout: the native module, its stub, `py.typed`, and where
//! `maturin develop` puts the built extension. Decided from the model, never assumed.

use std::path::{Path, PathBuf};

/// Pure (`<module>` is the extension itself) or mixed (a Python package in `python-source`
/// holding the extension as a submodule, or as the package's own name: `pkg.pkg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Pure,
    Mixed { python_source: PathBuf },
}

#[derive(Debug, Clone)]
pub struct Layout {
    /// The extension's dotted import name: `rpds`, `pkg._core`, `pkg.pkg` (a mixed layout
    /// without a dotted `module-name` holds the extension as `pkg/pkg.*.so`).
    pub module: String,
    pub kind: Kind,
}

impl Layout {
    /// maturin's rule: `python-source` when set; else a folder named after the top-level
    /// package beside `pyproject.toml` makes the layout mixed, rooted there.
    pub fn decide(root: &Path, module: &str, python_source: Option<&Path>) -> Self {
        let top = module.split('.').next().unwrap_or(module);
        let kind = match python_source {
            Some(folder) => Kind::Mixed { python_source: root.join(folder) },
            None if root.join(top).join("__init__.py").is_file() => {
                Kind::Mixed { python_source: root.to_path_buf() }
            }
            None => Kind::Pure,
        };
        let module = match kind {
            Kind::Mixed { .. } if !module.contains('.') => format!("{module}.{module}"),
            _ => module.to_owned(),
        };
        Self { module, kind }
    }

    pub fn is_mixed(&self) -> bool {
        matches!(self.kind, Kind::Mixed { .. })
    }

    /// The last part of the dotted name: the extension file's stem.
    pub fn basename(&self) -> &str {
        self.module.rsplit('.').next().unwrap_or(&self.module)
    }

    /// The top-level import name (the package users import).
    pub fn top_level(&self) -> &str {
        self.module.split('.').next().unwrap_or(&self.module)
    }

    /// Mixed: the source folder of the package holding the extension (`python/pkg`).
    pub fn package_dir(&self) -> Option<PathBuf> {
        let Kind::Mixed { python_source } = &self.kind else { return None };
        let mut dir = python_source.clone();
        let parts: Vec<&str> = self.module.split('.').collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            dir.push(part);
        }
        Some(dir)
    }

    /// Mixed: the top-level package's folder, where `py.typed` belongs.
    pub fn top_package_dir(&self) -> Option<PathBuf> {
        let Kind::Mixed { python_source } = &self.kind else { return None };
        Some(python_source.join(self.top_level()))
    }

    /// Where the stub for the extension may be, most usual first: beside the extension in a
    /// mixed layout (a file, or a stub package for submodules); in a pure layout, in each
    /// stub folder the project configures, then beside `pyproject.toml` (what maturin ships).
    pub fn stub_candidates(&self, root: &Path, stub_dirs: &[PathBuf]) -> Vec<PathBuf> {
        let base = self.basename();
        match self.package_dir() {
            Some(dir) => vec![dir.join(format!("{base}.pyi")), dir.join(base).join("__init__.pyi")],
            None => stub_dirs
                .iter()
                .chain(std::iter::once(&root.to_path_buf()))
                .flat_map(|d| [d.join(format!("{base}.pyi")), d.join(base).join("__init__.pyi")])
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_submodule() {
        let layout = Layout::decide(Path::new("/p"), "pkg._core", Some(Path::new("python")));
        assert_eq!(layout.package_dir(), Some(PathBuf::from("/p/python/pkg")));
        assert_eq!(layout.top_package_dir(), Some(PathBuf::from("/p/python/pkg")));
        assert_eq!(
            layout.stub_candidates(Path::new("/p"), &[])[0],
            PathBuf::from("/p/python/pkg/_core.pyi")
        );
    }

    #[test]
    fn mixed_without_a_dotted_name_is_pkg_pkg() {
        let layout = Layout::decide(Path::new("/p"), "pkg", Some(Path::new("python")));
        assert_eq!(layout.module, "pkg.pkg");
        assert_eq!(layout.package_dir(), Some(PathBuf::from("/p/python/pkg")));
    }

    #[test]
    fn pure_prefers_the_configured_stub_folder() {
        let layout = Layout::decide(Path::new("/nonexistent"), "m", None);
        assert_eq!(layout.kind, Kind::Pure);
        let found = layout.stub_candidates(Path::new("/p"), &[PathBuf::from("/p/stubs")]);
        assert_eq!(found[0], PathBuf::from("/p/stubs/m.pyi"));
        assert_eq!(found[2], PathBuf::from("/p/m.pyi"));
    }
}
