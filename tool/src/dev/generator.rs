//! The pyo3-stub-gen generator linked in the extension's own build: one
//! `cargo rustc --bin <gen> -- <libpython>` compiles the crate once, as cdylib and rlib, and
//! links the generator against that rlib, so the stub costs a link, not a second build of the
//! crate (and of pyo3, in a target folder of its own).
//!
//! Only where that build compiles every dependency exactly as `maturin develop` does: a debug
//! build, a lib that is also an rlib, the generator's required features already on, and a
//! shared libpython to name on its link line (the extension build links none).

use std::collections::BTreeSet;

use crate::interpreter::Interpreter;
use crate::project::stub_source::StubSource;
use crate::project::Project;

use super::build::{CargoOptions, Profile};

/// The generator bin and the arguments that link it against libpython.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generator {
    pub bin: String,
    pub link_args: Vec<String>,
}

/// The generator to link in the extension build, when that build can.
pub fn in_extension_build(
    project: &Project,
    interpreter: &Interpreter,
    profile: &Profile,
    options: &CargoOptions,
) -> Option<Generator> {
    let StubSource::StubGen { bin } = &project.stub_source else { return None };
    if profile.is_release() || !project.krate.crate_types.iter().any(|t| t == "rlib" || t == "lib")
    {
        return None;
    }
    let required = &project.krate.bins.iter().find(|b| &b.name == bin)?.required_features;
    if !options.all_features {
        // Turning a feature on would change how dependencies compile (pyo3 rebuilt).
        let manifest = std::fs::read_to_string(&project.krate.manifest).ok()?;
        let table: toml::Table = manifest.parse().ok()?;
        let declared = table.get("features").and_then(toml::Value::as_table);
        let enabled = enabled_features(declared, options);
        if !required.iter().all(|f| enabled.contains(f)) {
            return None;
        }
    }
    let mut link_args = crate::stubs::link_args(interpreter);
    if link_args.is_empty() {
        return None; // a static libpython (or Windows): the generator builds on its own
    }
    // A quicker link: the generator is run once, never debugged.
    link_args.extend(["-C", "strip=debuginfo", "-C", "debuginfo=0"].map(str::to_owned));
    Some(Generator { bin: bin.clone(), link_args })
}

/// The crate's own features the build turns on: those asked for and `default` (unless
/// `--no-default-features`), with every feature they enable in `[features]`.
fn enabled_features(declared: Option<&toml::Table>, options: &CargoOptions) -> BTreeSet<String> {
    let mut pending: Vec<String> =
        options.features.iter().filter(|f| !f.contains('/')).cloned().collect();
    if !options.no_default_features {
        pending.push("default".to_owned());
    }
    let mut enabled = BTreeSet::new();
    while let Some(feature) = pending.pop() {
        if !enabled.insert(feature.clone()) {
            continue;
        }
        let implied = declared.and_then(|d| d.get(&feature)).and_then(toml::Value::as_array);
        for entry in implied.into_iter().flatten().filter_map(toml::Value::as_str) {
            // `dep:x` and `x/f` are dependencies' business; a plain name is a feature.
            if !entry.contains(':') && !entry.contains('/') {
                pending.push(entry.to_owned());
            }
        }
    }
    enabled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        text.parse().unwrap()
    }

    #[test]
    fn default_features_and_what_they_imply() {
        let declared = table(
            "default = [\"python\"]\npython = [\"dep:pyo3\", \"core\"]\ncore = []\nextra = []",
        );
        let enabled = enabled_features(Some(&declared), &CargoOptions::default());
        assert_eq!(enabled, ["core", "default", "python"].map(str::to_owned).into());
        let options = CargoOptions {
            no_default_features: true,
            features: vec!["extra".into(), "pyo3/abi3".into()],
            ..CargoOptions::default()
        };
        assert_eq!(enabled_features(Some(&declared), &options), ["extra".to_owned()].into());
    }

    #[test]
    fn no_features_table() {
        let enabled = enabled_features(None, &CargoOptions::default());
        assert_eq!(enabled, ["default".to_owned()].into());
    }
}
