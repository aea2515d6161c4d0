//! The tools pyrs installs into a project's venv when the project does not pin them itself:
//! one version each, the versions this release of pyrs is tested with.

/// `(distribution, requirement)`: the name to look for, the pinned spec to install.
pub const MATURIN: Pin = Pin { name: "maturin", spec: "maturin==1.16.0", executable: "maturin" };
pub const UV: Pin = Pin { name: "uv", spec: "uv==0.13.8", executable: "uv" };
pub const PYTEST: Pin = Pin { name: "pytest", spec: "pytest==9.2.0", executable: "pytest" };

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pin {
    pub name: &'static str,
    pub spec: &'static str,
    /// The console script it installs.
    pub executable: &'static str,
}

/// The six checkers users run (pyright is also the engine inside Pylance).
pub const PYRIGHT: Pin =
    Pin { name: "pyright", spec: "pyright[nodejs]==1.1.414", executable: "pyright" };
pub const BASEDPYRIGHT: Pin =
    Pin { name: "basedpyright", spec: "basedpyright==1.40.2", executable: "basedpyright" };
pub const MYPY: Pin = Pin { name: "mypy", spec: "mypy==2.4.1", executable: "mypy" };
pub const ZUBAN: Pin = Pin { name: "zuban", spec: "zuban==0.10.2", executable: "zuban" };
pub const TY: Pin = Pin { name: "ty", spec: "ty==0.0.108", executable: "ty" };
pub const PYREFLY: Pin = Pin { name: "pyrefly", spec: "pyrefly==1.4.1", executable: "pyrefly" };

pub const CHECKERS: [Pin; 6] = [PYRIGHT, BASEDPYRIGHT, MYPY, ZUBAN, TY, PYREFLY];
