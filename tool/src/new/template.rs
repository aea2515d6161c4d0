//! The files of a new project, rendered from the templates embedded in pyrs
//! (`tool/templates/`): `{{key}}` placeholders, filled from the name, the layout and the
//! pins of this pyrs.

use std::path::PathBuf;

use crate::cli::NewLayout;
use crate::pins;

/// The pyo3 of a new project: its introspection writes each `///` comment into the stub
/// (maturin 1.16.0 reads it; checked with 0.30.1, docstrings start at 0.29).
pub const PYO3: &str = "0.30.1";

/// One file to write, relative to the project's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: PathBuf,
    pub contents: String,
    /// Appended to the file `project_files` wrote (pyproject.toml's managed tables).
    pub append: bool,
}

impl File {
    fn new(path: impl Into<PathBuf>, contents: String) -> Self {
        Self { path: path.into(), contents, append: false }
    }
}

/// What a new project is made from.
#[derive(Debug, Clone, Copy)]
pub struct Spec<'a> {
    pub name: &'a str,
    pub layout: NewLayout,
    /// For the MIT licence's copyright line.
    pub year: i64,
}

impl Spec<'_> {
    fn maturin_table(&self) -> String {
        match self.layout {
            NewLayout::Mixed => format!(
                "\n[tool.maturin]\npython-source = \"python\"\nmodule-name = \"{}._native\"\n",
                self.name
            ),
            NewLayout::Pure => String::new(),
        }
    }

    /// The `#[pymodule]` line and the module's opening: the extension is `NAME._native`
    /// (its classes then say so in `__module__`), or the whole module `NAME`.
    fn pymodule(&self) -> String {
        match self.layout {
            NewLayout::Mixed => {
                format!("#[pymodule(module = \"{}\")]\nmod _native {{", self.name)
            }
            NewLayout::Pure => format!("#[pymodule]\nmod {} {{", self.name),
        }
    }

    /// The stub `pyrs dev` generates, relative to the project.
    fn stub(&self) -> String {
        match self.layout {
            NewLayout::Mixed => format!("python/{}/_native.pyi", self.name),
            NewLayout::Pure => format!("{}.pyi", self.name),
        }
    }

    fn layout_sentence(&self) -> String {
        match self.layout {
            NewLayout::Mixed => format!(
                "the package `python/{}` holds the extension as `{}._native`",
                self.name, self.name
            ),
            NewLayout::Pure => "the extension is the whole module".to_owned(),
        }
    }
}

/// The project itself: its code, tests, README and licences (not the configuration pyrs
/// manages: see `managed_files`).
pub fn project_files(spec: &Spec) -> Vec<File> {
    let name = spec.name;
    let year = spec.year.to_string();
    let maturin_table = spec.maturin_table();
    let pymodule = spec.pymodule();
    let layout_sentence = spec.layout_sentence();
    let stub = spec.stub();
    let pyrs_version = env!("CARGO_PKG_VERSION");
    let values: &[(&str, &str)] = &[
        ("name", name),
        ("year", &year),
        ("pyo3", PYO3),
        ("maturin", pins::MATURIN.spec),
        ("maturin_table", &maturin_table),
        ("pymodule", &pymodule),
        ("layout_sentence", &layout_sentence),
        ("stub", &stub),
        // The CI workflow installs these versions (the same as here).
        ("pyrs_version", pyrs_version),
        ("uv_version", pinned_version(&pins::UV)),
        ("maturin_version", pinned_version(&pins::MATURIN)),
    ];
    let file = |path: String, template: &str| File::new(path, render(template, values));
    let mut files = vec![
        file("pyproject.toml".into(), include_str!("../../templates/pyproject.toml.tmpl")),
        file("Cargo.toml".into(), include_str!("../../templates/Cargo.toml.tmpl")),
        file("src/lib.rs".into(), include_str!("../../templates/lib.rs.tmpl")),
        file(format!("tests/test_{name}.py"), include_str!("../../templates/test.py.tmpl")),
        file("README.md".into(), include_str!("../../templates/README.md")),
        file("LICENSE-MIT".into(), include_str!("../../templates/LICENSE-MIT")),
        file("LICENSE-APACHE".into(), include_str!("../../LICENSE-APACHE")),
        // Not managed by adopt: a new project's own ignores and run/debug environment.
        file(".gitignore".into(), include_str!("../../templates/gitignore")),
        file(".env".into(), include_str!("../../templates/env")),
    ];
    if spec.layout == NewLayout::Mixed {
        files.push(file(
            format!("python/{name}/__init__.py"),
            include_str!("../../templates/mixed/__init__.py.tmpl"),
        ));
    }
    // CI: `pyrs test` on each claimed CPython and OS, wheels, the sdist, PyPI on a tag. It
    // runs `pyrs test`, so adopt adds no stub-check workflow beside it.
    files
        .push(file(".github/workflows/ci.yml".into(), include_str!("../../templates/ci.yml.tmpl")));
    files
}

/// `1.16.0` of `maturin==1.16.0`.
fn pinned_version(pin: &pins::Pin) -> &'static str {
    pin.spec.rsplit_once("==").map_or(pin.spec, |(_, version)| version)
}

/// `template` with each `{{key}}` replaced by its value.
fn render(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (key, value)| {
        text.replace(&format!("{{{{{key}}}}}"), value)
    })
}

/// The calendar year of a Unix time (UTC).
pub fn year_of(unix_seconds: i64) -> i64 {
    // Howard Hinnant's days-to-civil algorithm, years only.
    let days = unix_seconds.div_euclid(86_400) + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let year = year_of_era + era * 400;
    if month_index >= 10 {
        year + 1
    } else {
        year
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::pyproject::PyProject;

    /// The rendered files (the managed configuration is adopt's, tested there).
    fn all_files(name: &str, layout: NewLayout) -> Vec<File> {
        project_files(&Spec { name, layout, year: 2026 })
    }

    fn contents<'a>(files: &'a [File], path: &str) -> &'a str {
        let found = files.iter().find(|f| f.path == std::path::Path::new(path));
        &found.unwrap_or_else(|| panic!("no {path}")).contents
    }

    #[test]
    fn every_placeholder_is_filled() {
        for layout in [NewLayout::Mixed, NewLayout::Pure] {
            for file in all_files("word_count", layout) {
                // `${{ … }}` is a GitHub Actions expression, not a placeholder.
                let text = file.contents.replace("${{", "");
                assert!(!text.contains("{{"), "{}", file.path.display());
            }
        }
    }

    #[test]
    fn pyproject_reads_as_the_layout_it_is() {
        let files = all_files("word_count", NewLayout::Mixed);
        let text = contents(&files, "pyproject.toml");
        let pyproject = PyProject::parse(std::path::Path::new("pyproject.toml"), text)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pyproject.maturin.module_name.as_deref(), Some("word_count._native"));
        assert_eq!(pyproject.claimed_pythons, [(3, 10), (3, 11), (3, 12), (3, 13)]);
        let pure = all_files("word_count", NewLayout::Pure);
        let pure = PyProject::parse(std::path::Path::new("p"), contents(&pure, "pyproject.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pure.maturin.module_name, None);
    }

    #[test]
    fn a_long_name_overflows_no_code_line() {
        let name = "a_project_name_of_exactly_forty_chars_xy";
        assert_eq!(name.len(), 40);
        for layout in [NewLayout::Mixed, NewLayout::Pure] {
            for file in all_files(name, layout) {
                let limit = match file.path.extension().and_then(|e| e.to_str()) {
                    Some("py") => 88,  // ruff's default
                    Some("rs") => 100, // rustfmt's default
                    _ => continue,
                };
                for line in file.contents.lines() {
                    assert!(line.len() <= limit, "{}: {line}", file.path.display());
                }
            }
        }
    }

    #[test]
    fn the_workflow_installs_the_pinned_tools() {
        let files = all_files("word_count", NewLayout::Pure);
        let workflow = contents(&files, ".github/workflows/ci.yml");
        assert!(workflow.contains(&format!("pyrs=={}", env!("CARGO_PKG_VERSION"))));
        assert!(workflow.contains(&format!("version: \"{}\"", pinned_version(&pins::UV))));
        assert!(workflow.contains("url: https://pypi.org/project/word_count/"));
        assert_eq!(pinned_version(&pins::MATURIN), "1.16.0");
    }

    #[test]
    fn years() {
        assert_eq!(year_of(0), 1970);
        assert_eq!(year_of(1_767_225_599), 2025); // 2025-12-31T23:59:59Z
        assert_eq!(year_of(1_767_225_600), 2026);
        assert_eq!(year_of(951_782_400), 2000); // 2000-02-29
    }
}
