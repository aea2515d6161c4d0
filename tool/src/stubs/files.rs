//! The files of a stub and the modules they describe: one `.pyi`, or a stub package
//! (`<name>/__init__.pyi` with a file per submodule) when the extension has submodules.

use std::path::{Path, PathBuf};

use crate::project::Project;

/// A stub file and the dotted module it describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StubModule {
    pub path: PathBuf,
    pub module: String,
}

/// Every file of the project's stub, the extension's own first.
pub fn stub_modules(project: &Project) -> Vec<StubModule> {
    modules_of(&project.stub, &native_module(project))
}

/// The extension's full import name (`pkg.pkg` in a mixed layout without `module-name`).
pub fn native_module(project: &Project) -> String {
    project.module().to_owned()
}

fn modules_of(stub: &Path, module: &str) -> Vec<StubModule> {
    let mut found = vec![StubModule { path: stub.to_path_buf(), module: module.to_owned() }];
    if stub.file_name().is_some_and(|n| n == "__init__.pyi") {
        if let Some(folder) = stub.parent() {
            collect_package(folder, module, &mut found);
        }
    }
    found
}

fn collect_package(folder: &Path, module: &str, found: &mut Vec<StubModule>) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if path.is_dir() {
            let init = path.join("__init__.pyi");
            if init.is_file() {
                let child = format!("{module}.{name}");
                found.push(StubModule { path: init, module: child.clone() });
                collect_package(&path, &child, found);
            }
        } else if let Some(stem) = name.strip_suffix(".pyi").filter(|s| *s != "__init__") {
            found.push(StubModule { path, module: format!("{module}.{stem}") });
        }
    }
}

/// The folder a stub package of the extension lives in, whichever form the stub has now:
/// `d/<name>.pyi` becomes `d/<name>/`.
pub fn package_dir(stub: &Path) -> PathBuf {
    if stub.file_name().is_some_and(|n| n == "__init__.pyi") {
        return stub.parent().map(Path::to_path_buf).unwrap_or_default();
    }
    stub.with_extension("")
}

/// The folder to put on a checker's search path for `module` to resolve to `stub`
/// (`src` for `src/pkg/_core.pyi` and `pkg._core`); None when the path does not spell it.
pub fn search_root(stub: &Path, module: &str) -> Option<PathBuf> {
    let mut folder = if stub.file_name()? == "__init__.pyi" {
        stub.parent()?.to_path_buf()
    } else {
        stub.with_extension("")
    };
    for part in module.rsplit('.') {
        if folder.file_name()? != part {
            return None;
        }
        folder = folder.parent()?.to_path_buf();
    }
    Some(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_root_strips_the_module_path() {
        let root = search_root(Path::new("/p/src/pkg/_core.pyi"), "pkg._core");
        assert_eq!(root, Some(PathBuf::from("/p/src")));
        let root = search_root(Path::new("/p/stubs/m/__init__.pyi"), "m");
        assert_eq!(root, Some(PathBuf::from("/p/stubs")));
        assert_eq!(search_root(Path::new("/p/other.pyi"), "m"), None);
    }

    #[test]
    fn package_dir_of_either_form() {
        assert_eq!(package_dir(Path::new("/p/pkg/_core.pyi")), PathBuf::from("/p/pkg/_core"));
        assert_eq!(
            package_dir(Path::new("/p/pkg/_core/__init__.pyi")),
            PathBuf::from("/p/pkg/_core")
        );
    }

    #[test]
    fn a_stub_package_lists_its_submodules() {
        let folder = tempfile::tempdir().unwrap();
        let package = folder.path().join("m");
        std::fs::create_dir_all(package.join("deep")).unwrap();
        for file in ["__init__.pyi", "geometry.pyi", "deep/__init__.pyi"] {
            std::fs::write(package.join(file), "").unwrap();
        }
        let found = modules_of(&package.join("__init__.pyi"), "m");
        let modules: Vec<&str> = found.iter().map(|m| m.module.as_str()).collect();
        assert_eq!(modules, ["m", "m.deep", "m.geometry"]);
    }
}
