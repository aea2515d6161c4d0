//! Traps of mixed layouts that leave the editor red while everything runs: a compiled
//! extension older than the sources, `py.typed` missing (mypy then ignores the stub), an
//! editable install through an import hook (checkers follow only path `.pth` files).

use std::path::{Path, PathBuf};

use super::stub::{changed_since, modified};
use super::{Facts, Finding, Problem};

/// The compiled extension, in the source tree (mixed layout) and wherever it imports from,
/// is newer than every build input.
pub fn stale_build(facts: &Facts) -> Finding {
    const CHECK: &str = "build";
    let mut built = source_tree_extensions(facts);
    if let Some(imported) = &facts.imported {
        for file in &imported.extensions {
            if !built.contains(file) {
                built.push(file.clone());
            }
        }
    }
    if built.is_empty() {
        return Finding::skipped(CHECK, "no compiled extension found (see import)");
    }
    let problems: Vec<Problem> = built
        .iter()
        .filter_map(|file| {
            let input = changed_since(facts, modified(file)?)?;
            let message = format!(
                "{} is older than {} (built before the last change)",
                facts.show(file),
                facts.show(input)
            );
            Some(Problem::new(message, "pyrs dev"))
        })
        .collect();
    let shown: Vec<String> = built.iter().map(|f| facts.show(f)).collect();
    Finding::from(CHECK, format!("{} newer than every build input", shown.join(", ")), problems)
}

/// Mixed layout: the extensions `maturin develop` left beside the package's sources.
fn source_tree_extensions(facts: &Facts) -> Vec<PathBuf> {
    let layout = &facts.project.layout;
    let Some(dir) = layout.package_dir() else { return Vec::new() };
    let stem = format!("{}.", layout.basename());
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|path| {
            let name =
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            name.starts_with(&stem) && (name.ends_with(".so") || name.ends_with(".pyd"))
        })
        .collect();
    found.sort();
    found
}

/// Mixed layout: `py.typed` in the top-level package, else mypy ignores its stubs.
pub fn py_typed(facts: &Facts) -> Finding {
    const CHECK: &str = "py.typed";
    let Some(marker) = facts.project.py_typed() else {
        return Finding::ok(CHECK, "pure layout: maturin adds py.typed to the installed package");
    };
    let shown = facts.show(&marker);
    if marker.is_file() {
        return Finding::ok(CHECK, shown);
    }
    let message = format!(
        "{shown} is missing: mypy and zuban ignore the package's stubs (import-untyped, Any)"
    );
    Finding::problem(CHECK, Problem::new(message, format!("touch {shown}")))
}

/// The install's `.pth` files (an editable install of a mixed layout) are plain paths into
/// this project: checkers follow those, never an import hook.
pub fn editable_install(facts: &Facts) -> Finding {
    const CHECK: &str = "editable install";
    let project = facts.project;
    let Some(interpreter) = &facts.interpreter else {
        return Finding::skipped(CHECK, "no interpreter (see interpreter)");
    };
    let site = &interpreter.purelib;
    let Some(dist_info) = dist_info(site, &project.pyproject.name) else {
        return Finding::skipped(
            CHECK,
            format!("{} is not installed (see import)", project.pyproject.name),
        );
    };
    let pths = record_pths(&dist_info, site);
    if pths.is_empty() {
        let how =
            if project.layout.is_mixed() { "a copy, no .pth" } else { "pure layout, no .pth" };
        return Finding::ok(CHECK, format!("{} ({how})", facts.show(&dist_info)));
    }
    let mut problems = Vec::new();
    for pth in &pths {
        let Ok(text) = std::fs::read_to_string(pth) else { continue };
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let shown = facts.show(pth);
            if line.starts_with("import ") || line.starts_with("import\t") {
                problems.push(Problem::new(
                    format!(
                        "{shown} installs an import hook: type checkers cannot follow it and find \
                         no {}",
                        project.module()
                    ),
                    "pyrs dev   (maturin's editable install writes a plain path)",
                ));
            } else {
                let target = site.join(line);
                if !target.exists() {
                    problems.push(Problem::new(
                        format!("{shown} points at {line}, which does not exist"),
                        "pyrs dev",
                    ));
                } else if !same_or_inside(&target, &project.root) {
                    problems.push(Problem::new(
                        format!("{shown} points at {line}, outside this project"),
                        "pyrs dev",
                    ));
                }
            }
        }
    }
    let shown: Vec<String> = pths.iter().map(|p| facts.show(p)).collect();
    Finding::from(CHECK, format!("{} holds a path into this project", shown.join(", ")), problems)
}

/// The distribution's `.dist-info` folder in `site` (names compared normalized).
fn dist_info(site: &Path, distribution: &str) -> Option<PathBuf> {
    let wanted = normalize(distribution);
    std::fs::read_dir(site).ok()?.flatten().map(|e| e.path()).find(|path| {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        name.strip_suffix(".dist-info")
            .and_then(|stem| stem.split('-').next())
            .is_some_and(|project| normalize(project) == wanted)
    })
}

/// PEP 503: lower case, runs of `-`, `_`, `.` as one `_`.
pub fn normalize(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('_') {
                out.push('_');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The `.pth` files a RECORD lists.
fn record_pths(dist_info: &Path, site: &Path) -> Vec<PathBuf> {
    let Ok(record) = std::fs::read_to_string(dist_info.join("RECORD")) else { return Vec::new() };
    record
        .lines()
        .filter_map(|row| row.split(',').next())
        .filter(|file| file.ends_with(".pth"))
        .map(|file| site.join(file))
        .filter(|path| path.is_file())
        .collect()
}

fn same_or_inside(path: &Path, folder: &Path) -> bool {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let folder = folder.canonicalize().unwrap_or_else(|_| folder.to_path_buf());
    path.starts_with(folder)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalizes_distribution_names() {
        assert_eq!(normalize("Py.Run-rs"), "py_run_rs");
        assert_eq!(normalize("a--b__c"), "a_b_c");
    }
}
