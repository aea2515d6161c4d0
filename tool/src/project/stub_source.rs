//! Who writes the extension's stub: pyo3-stub-gen (a generator binary of the crate), PyO3's
//! own introspection (`experimental-inspect`, declarative `#[pymodule] mod`), or a person.

use std::path::PathBuf;

use super::cargo::Crate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StubSource {
    /// pyo3-stub-gen: `cargo run --bin <bin>` writes the stub.
    StubGen { bin: String },
    /// PyO3 introspection: `maturin generate-stubs` reads it from the built extension.
    Introspection,
    /// Written by hand: checked against the runtime, never overwritten.
    Hand,
    /// No stub and no generator.
    Missing,
}

impl StubSource {
    pub fn decide(krate: &Crate, existing: Option<&PathBuf>) -> Self {
        if krate.uses_stub_gen {
            if let Some(bin) = stub_gen_bin(krate) {
                return Self::StubGen { bin };
            }
        }
        if krate.pyo3.as_ref().is_some_and(|p| p.has("experimental-inspect")) {
            return Self::Introspection;
        }
        if existing.is_some() {
            Self::Hand
        } else {
            Self::Missing
        }
    }

    pub fn is_generated(&self) -> bool {
        matches!(self, Self::StubGen { .. } | Self::Introspection)
    }

    pub fn describe(&self) -> String {
        match self {
            Self::StubGen { bin } => format!("pyo3-stub-gen (cargo run --bin {bin})"),
            Self::Introspection => "PyO3 introspection (maturin generate-stubs)".to_owned(),
            Self::Hand => "written by hand".to_owned(),
            Self::Missing => "none".to_owned(),
        }
    }
}

/// The crate's stub generator: the bin whose name says so, else its only bin.
fn stub_gen_bin(krate: &Crate) -> Option<String> {
    let named = krate.bins.iter().find(|b| b.name.contains("stub"));
    let only = (krate.bins.len() == 1).then(|| &krate.bins[0]);
    named.or(only).map(|b| b.name.clone())
}
