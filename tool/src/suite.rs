//! The project's pytest suite: where its tests are.

use std::path::PathBuf;

use crate::project::layout::Kind;
use crate::project::Project;

/// The test paths: pytest's `testpaths` when configured, else a `tests/` folder beside
/// pyproject.toml, else one in the Python source folder (`maturin new --mixed` puts its
/// tests in `python/tests`); `None` when there is none.
pub fn test_paths(project: &Project) -> Option<Vec<PathBuf>> {
    let configured = project.pyproject.string_list("tool.pytest.ini_options.testpaths");
    if !configured.is_empty() {
        return Some(configured.into_iter().map(|p| project.root.join(p)).collect());
    }
    let mut folders = vec![project.root.join("tests")];
    if let Kind::Mixed { python_source } = &project.layout.kind {
        folders.push(python_source.join("tests"));
    }
    folders.into_iter().find(|f| f.is_dir()).map(|f| vec![f])
}

/// What the checkers check when the project names no files for them (mypy needs targets):
/// the Python package (mixed) or the stub (pure), and the test folders. Empty when mypy's
/// `files` is configured: then each checker selects files from its own table.
pub fn checked_paths(project: &Project) -> Vec<PathBuf> {
    if !project.pyproject.string_list("tool.mypy.files").is_empty() {
        return Vec::new();
    }
    let mut paths = match project.layout.top_package_dir() {
        Some(package) => vec![package],
        None => vec![project.stub.clone()],
    };
    paths.extend(test_paths(project).unwrap_or_default());
    paths.retain(|p| p.exists());
    paths
}
