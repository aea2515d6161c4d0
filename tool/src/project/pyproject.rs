//! What `pyproject.toml` says about the project: `[project]`, `[build-system]` and
//! `[tool.maturin]`, each key checked as it is read (a wrong one is a `ConfigError` naming it).

use std::path::{Path, PathBuf};

use toml::{Table, Value};

use crate::error::ConfigError;

/// The keys of `pyproject.toml` that pyrs reads.
#[derive(Debug, Clone)]
pub struct PyProject {
    pub path: PathBuf,
    /// `[project].name`: the distribution.
    pub name: String,
    pub requires_python: Option<String>,
    /// The `Programming Language :: Python :: 3.N` classifiers: the CPythons claimed.
    pub claimed_pythons: Vec<(u32, u32)>,
    pub maturin: MaturinConfig,
    /// The whole document, for the checkers' tables.
    pub table: Table,
}

/// `[tool.maturin]`.
#[derive(Debug, Clone, Default)]
pub struct MaturinConfig {
    pub module_name: Option<String>,
    pub python_source: Option<PathBuf>,
    pub manifest_path: Option<PathBuf>,
    pub features: Vec<String>,
    pub bindings: Option<String>,
    pub profile: Option<String>,
}

const CLASSIFIER: &str = "Programming Language :: Python :: ";

impl PyProject {
    pub fn read(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| ConfigError::new(path, format!("cannot be read ({error})")))?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let table: Table = text.parse().map_err(|error: toml::de::Error| {
            let first = error.to_string().lines().next().unwrap_or_default().to_owned();
            ConfigError::new(path, format!("is not valid TOML: {first}"))
        })?;
        let keys = Keys { path, table: &table };
        let backend = keys.string("build-system.build-backend")?;
        if backend.as_deref() != Some("maturin") {
            let found = backend.map_or_else(|| "none".to_owned(), |b| format!("\"{b}\""));
            return Err(ConfigError::new(
                path,
                format!("`build-system.build-backend` must be \"maturin\" (found {found})"),
            ));
        }
        let name = keys
            .string("project.name")?
            .ok_or_else(|| ConfigError::missing(path, "project.name"))?;
        let requires_python = keys.string("project.requires-python")?;
        let claimed_pythons = keys
            .strings("project.classifiers")?
            .iter()
            .filter_map(|c| c.strip_prefix(CLASSIFIER))
            .filter_map(parse_minor)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let maturin = MaturinConfig {
            module_name: keys.string("tool.maturin.module-name")?,
            python_source: keys.string("tool.maturin.python-source")?.map(PathBuf::from),
            manifest_path: keys.string("tool.maturin.manifest-path")?.map(PathBuf::from),
            features: keys.strings("tool.maturin.features")?,
            bindings: keys.string("tool.maturin.bindings")?,
            profile: keys.string("tool.maturin.profile")?,
        };
        Ok(Self {
            path: path.to_path_buf(),
            name,
            requires_python,
            claimed_pythons,
            maturin,
            table,
        })
    }

    /// A dotted key of the document, if present.
    pub fn get(&self, dotted: &str) -> Option<&Value> {
        lookup(&self.table, dotted)
    }

    /// A dotted key as a list of strings (a single string counts as a list of one); empty
    /// when absent or of another type.
    pub fn string_list(&self, dotted: &str) -> Vec<String> {
        match self.get(dotted) {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => {
                items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// `3.N` from a classifier's tail (`3`, `3 :: Only` and `3.N.x` forms are not versions).
fn parse_minor(version: &str) -> Option<(u32, u32)> {
    let (major, minor) = version.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Typed reads of dotted keys, with errors naming the file and the key.
struct Keys<'a> {
    path: &'a Path,
    table: &'a Table,
}

fn lookup<'t>(table: &'t Table, dotted: &str) -> Option<&'t Value> {
    let mut parts = dotted.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}

impl<'a> Keys<'a> {
    fn get(&self, dotted: &str) -> Option<&'a Value> {
        lookup(self.table, dotted)
    }

    fn string(&self, dotted: &str) -> Result<Option<String>, ConfigError> {
        match self.get(dotted) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ConfigError::invalid(self.path, dotted, "a string")),
        }
    }

    fn strings(&self, dotted: &str) -> Result<Vec<String>, ConfigError> {
        match self.get(dotted) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| ConfigError::invalid(self.path, dotted, "a list of strings"))
                })
                .collect(),
            Some(_) => Err(ConfigError::invalid(self.path, dotted, "a list of strings")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "[build-system]\nbuild-backend = \"maturin\"\n[project]\nname = \"x\"\n";

    fn parse(text: &str) -> Result<PyProject, ConfigError> {
        PyProject::parse(Path::new("pyproject.toml"), text)
    }

    #[test]
    fn reads_the_maturin_keys() {
        let text = format!(
            "{MINIMAL}classifiers = [\"Programming Language :: Python :: 3.12\", \
             \"Programming Language :: Python :: 3 :: Only\", \
             \"Programming Language :: Python :: 3.10\"]\n\
             [tool.maturin]\nmodule-name = \"x._core\"\npython-source = \"python\"\n\
             features = [\"pyo3/extension-module\"]\n"
        );
        let project = parse(&text).unwrap();
        assert_eq!(project.name, "x");
        assert_eq!(project.claimed_pythons, vec![(3, 10), (3, 12)]);
        assert_eq!(project.maturin.module_name.as_deref(), Some("x._core"));
        assert_eq!(project.maturin.python_source, Some(PathBuf::from("python")));
        assert_eq!(project.maturin.features, vec!["pyo3/extension-module"]);
    }

    #[test]
    fn errors_name_the_file_and_the_key() {
        let error = parse("[build-system]\nbuild-backend = \"maturin\"\n").unwrap_err();
        assert_eq!(error.to_string(), "pyproject.toml: `project.name` is missing");
        let error = parse(&format!("{MINIMAL}[tool.maturin]\nmodule-name = 3\n")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "pyproject.toml: `tool.maturin.module-name` must be a string"
        );
        let error = parse("[project\n").unwrap_err();
        assert!(error.to_string().starts_with("pyproject.toml: is not valid TOML: "), "{error}");
        assert!(!error.to_string().contains('\n'));
        let error = parse("[build-system]\nbuild-backend = \"hatchling\"\n").unwrap_err();
        assert!(error.to_string().contains("must be \"maturin\" (found \"hatchling\")"));
    }
}
