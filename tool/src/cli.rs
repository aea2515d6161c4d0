//! The command line: every subcommand and option, with its help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Typed Rust extensions for Python: build, stubs and editor checks for any maturin project.
///
/// Exit codes: 0 success, 1 a check or build failed, 2 the project could not be read
/// (the message names the file and key).
#[derive(Debug, Parser)]
#[command(name = "pyrs", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the project and its interpreter are: found from the current folder by default.
#[derive(Debug, Args)]
pub struct Global {
    /// The project's folder (default: the nearest folder upwards with a pyproject.toml)
    #[arg(long, global = true, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// The project's interpreter (default: $VIRTUAL_ENV, then the project's .venv)
    #[arg(long, global = true, value_name = "PATH")]
    pub python: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a new typed Rust extension project in the folder NAME
    New(NewArgs),
    /// Add what an existing maturin project lacks for a typed editor (a merge, never a rewrite)
    Adopt(AdoptArgs),
    /// Build the extension into the project's venv and regenerate its stub (the edit loop)
    Dev(DevArgs),
    /// Rebuild (as `pyrs dev`) on every save of a build input
    Watch(DevArgs),
    /// Regenerate the stub from the Rust source, or check that the committed one is current
    Stubs(StubsArgs),
    /// Everything CI should run: cargo tests, stub checks, the six type checkers, pytest
    Test(TestArgs),
    /// Explain why the editor is red, with the command or config line that fixes each problem
    Doctor(DoctorArgs),
    /// Print the project as pyrs reads it (layout, module, stub, interpreter) as JSON
    Show,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Ask every checker again, even when nothing it reads changed since the last run
    #[arg(long)]
    pub fresh: bool,
}

#[derive(Debug, Args, Clone)]
pub struct DevArgs {
    /// An optimised build (the stub is left as it is)
    #[arg(long)]
    pub release: bool,
    /// Install through `maturin develop` even when an in-place update would do
    #[arg(long)]
    pub maturin: bool,
}

#[derive(Debug, Args)]
pub struct StubsArgs {
    /// Write nothing: exit 1 with a unified diff when the committed stub is stale
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Run these steps only (repeatable; default: every step)
    #[arg(long, value_enum)]
    pub only: Vec<TestStep>,
    /// Also run the project's pytest suite on every claimed CPython found (release wheels)
    #[arg(long)]
    pub matrix: bool,
    /// With --matrix: fail when a claimed CPython is not found (default: a notice)
    #[arg(long, requires = "matrix")]
    pub require_all: bool,
}

/// The steps of `pyrs test`, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestStep {
    /// cargo test of the extension's crate
    CargoTest,
    /// pyrs dev: the extension built and installed
    Dev,
    /// pyrs stubs --check: the stub current and true
    Stubs,
    /// the six type checkers on the project's files
    Typecheck,
    /// the project's pytest suite
    Pytest,
    /// the tests on every claimed CPython, release wheels (what --matrix adds)
    Matrix,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The project's name: its folder, distribution and import name
    pub name: String,
    /// Mixed: a Python package in python/ holding the extension as NAME._native; pure: the
    /// extension is the whole module
    #[arg(long, value_enum, default_value_t = NewLayout::Mixed)]
    pub layout: NewLayout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewLayout {
    Mixed,
    Pure,
}

#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// Change nothing: exit 1 when the project's managed configuration is missing or older
    /// than this pyrs writes
    #[arg(long)]
    pub check: bool,
    /// Change nothing: print the diff of what would change
    #[arg(long)]
    pub dry_run: bool,
    /// Edit files that have uncommitted changes too
    #[arg(long)]
    pub force: bool,
}
