//! PyO3's own introspection (`experimental-inspect`, a declarative `#[pymodule] mod`):
//! `maturin generate-stubs` into a temporary folder, in the target folder `pyrs dev` builds
//! in (so the build is warm), each file then mapped to where the stub belongs.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{files, StubFile};
use crate::interpreter::venv_tool;
use crate::pins;
use crate::process;
use crate::project::Project;

/// `maturin generate-stubs` into `out` (with `extra` arguments), building in the target
/// folder `pyrs dev` uses, so either reuses the other's build.
pub fn run_maturin(project: &Project, out: &Path, extra: &[&str]) -> Result<()> {
    let mut command = process::command(maturin(project)?, &project.root, &project.interpreter);
    command
        .args(["generate-stubs", "--quiet", "--out"])
        .arg(out)
        .arg("--interpreter")
        .arg(&project.interpreter.python)
        .arg("--manifest-path")
        .arg(&project.krate.manifest)
        .args(extra)
        .env("CARGO_TARGET_DIR", project.krate.target_directory.join("pyrs-dev"));
    let output = command.output().context("cannot run maturin generate-stubs")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        eprint!("{stderr}");
        bail!("maturin generate-stubs {} failed ({})", extra.join(" "), output.status);
    }
    Ok(())
}

pub fn generate(project: &Project) -> Result<Vec<StubFile>> {
    let out = tempfile::tempdir().context("cannot make a temporary folder")?;
    eprintln!("pyrs: generating the stub (maturin generate-stubs)");
    run_maturin(project, out.path(), &[])?;
    let generated = out.path().join(files::native_module(project).replace('.', "/"));
    // A module without submodules comes out as one file, `<module path>.pyi`.
    let lone = generated.with_extension("pyi");
    if lone.is_file() {
        let contents =
            std::fs::read(&lone).with_context(|| format!("cannot read {}", lone.display()))?;
        let path = destination(&project.stub, Path::new("__init__.pyi"), true);
        return Ok(vec![StubFile { path, contents }]);
    }
    let mut relative = Vec::new();
    collect(&generated, &generated, &mut relative);
    if relative.is_empty() {
        bail!(
            "maturin generate-stubs wrote nothing for {} (is `#[pymodule] mod {}` declarative?)",
            files::native_module(project),
            project.layout.basename()
        );
    }
    relative.sort();
    let single = relative == [PathBuf::from("__init__.pyi")];
    let mut found = Vec::new();
    for file in relative {
        let contents = std::fs::read(generated.join(&file))
            .with_context(|| format!("cannot read {}", file.display()))?;
        let path = destination(&project.stub, &file, single);
        found.push(StubFile { path, contents });
    }
    Ok(found)
}

/// The project's maturin, installed at the pinned version when its venv has none; the one
/// on PATH for an interpreter outside any venv.
fn maturin(project: &Project) -> Result<PathBuf> {
    if project.interpreter.venv.is_none() {
        return crate::venv::find_on_path(pins::MATURIN.executable)
            .context("maturin is not on PATH (needed for `maturin generate-stubs`)");
    }
    let venv = crate::venv::ensure(&project.interpreter, &[pins::MATURIN])?;
    Ok(venv_tool(&venv, pins::MATURIN.executable))
}

/// The `.pyi` files under `folder`, relative to `base`.
fn collect(folder: &Path, base: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, base, found);
        } else if path.extension().is_some_and(|e| e == "pyi") {
            if let Ok(relative) = path.strip_prefix(base) {
                found.push(relative.to_path_buf());
            }
        }
    }
}

/// Where a generated file goes. maturin writes `<module path>/__init__.pyi` and a file per
/// submodule: one file becomes the stub as the project has it (`_core.pyi`, or
/// `_core/__init__.pyi` when it already is a package); submodules make a stub package.
fn destination(stub: &Path, relative: &Path, single: bool) -> PathBuf {
    let is_package = stub.file_name().is_some_and(|n| n == "__init__.pyi");
    if single && !is_package {
        return stub.to_path_buf();
    }
    files::package_dir(stub).join(relative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_module_keeps_the_stub_where_it_is() {
        let stub = Path::new("/p/python/pkg/_core.pyi");
        assert_eq!(destination(stub, Path::new("__init__.pyi"), true), stub);
        let package = Path::new("/p/python/pkg/_core/__init__.pyi");
        assert_eq!(destination(package, Path::new("__init__.pyi"), true), package);
    }

    #[test]
    fn submodules_make_a_stub_package() {
        let stub = Path::new("/p/python/pkg/pkg.pyi");
        assert_eq!(
            destination(stub, Path::new("__init__.pyi"), false),
            PathBuf::from("/p/python/pkg/pkg/__init__.pyi")
        );
        assert_eq!(
            destination(stub, Path::new("geometry.pyi"), false),
            PathBuf::from("/p/python/pkg/pkg/geometry.pyi")
        );
    }
}
