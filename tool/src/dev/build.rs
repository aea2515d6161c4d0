//! The cargo build of the extension, run exactly as `maturin develop` runs it (maturin 1.16,
//! pyo3 bindings, Linux, seen with `maturin develop -vv`):
//!
//! ```text
//! env -u CARGO PYO3_BUILD_EXTENSION_MODULE=1 PYO3_ENVIRONMENT_SIGNATURE=cpython-3.11-64bit \
//!     PYO3_PYTHON=<venv>/bin/python PYTHON_SYS_EXECUTABLE=<venv>/bin/python \
//!     cargo rustc --message-format json-render-diagnostics --manifest-path <Cargo.toml> \
//!     [--release | --profile P] [--features ...] --lib [--crate-type cdylib]
//! ```
//!
//! The same subcommand, arguments and environment give cargo the same fingerprints: after a
//! `maturin develop`, this build recompiles only what changed, never pyo3.

use std::ffi::OsString;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use cargo_metadata::{Message, TargetKind};

use crate::interpreter::{Interpreter, InterpreterChoice};
use crate::project::Project;

use super::generator::Generator;

/// The cargo profile of a build, spelled as maturin spells it on cargo's command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Profile {
    Dev,
    Release,
    Named(String),
}

impl Profile {
    /// `--release`, else `[tool.maturin] profile`, else cargo's dev profile.
    pub fn choose(release: bool, configured: Option<&str>) -> Self {
        match (release, configured) {
            (true, _) | (false, Some("release")) => Self::Release,
            (false, None | Some("dev")) => Self::Dev,
            (false, Some(name)) => Self::Named(name.to_owned()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Self::Dev => "dev",
            Self::Release => "release",
            Self::Named(name) => name,
        }
    }

    pub fn is_release(&self) -> bool {
        *self == Self::Release
    }

    /// The arguments of cargo and of `maturin develop` (the same for both).
    pub fn args(&self) -> Vec<String> {
        match self {
            Self::Dev => Vec::new(),
            Self::Release => vec!["--release".to_owned()],
            Self::Named(name) => vec!["--profile".to_owned(), name.clone()],
        }
    }
}

/// The `[tool.maturin]` keys maturin turns into cargo arguments, as it passes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CargoOptions {
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
    pub locked: bool,
    pub frozen: bool,
    pub offline: bool,
}

/// `[tool.maturin]` keys that change the build in ways the in-place path does not copy:
/// a project setting one is always installed by `maturin develop`.
pub const UNCOPIED_KEYS: &[&str] =
    &["rustc-args", "cargo-extra-args", "config", "unstable-flags", "target", "strip", "zig"];

impl CargoOptions {
    pub fn read(project: &Project) -> Self {
        let flag = |key: &str| {
            project
                .pyproject
                .get(&format!("tool.maturin.{key}"))
                .and_then(toml::Value::as_bool)
                .unwrap_or(false)
        };
        Self {
            features: project.pyproject.maturin.features.clone(),
            all_features: flag("all-features"),
            no_default_features: flag("no-default-features"),
            locked: flag("locked"),
            frozen: flag("frozen"),
            offline: flag("offline"),
        }
    }

    fn args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if !self.features.is_empty() {
            args.push("--features".to_owned());
            args.push(self.features.join(","));
        }
        let flags = [
            (self.all_features, "--all-features"),
            (self.no_default_features, "--no-default-features"),
            (self.locked, "--locked"),
            (self.frozen, "--frozen"),
            (self.offline, "--offline"),
        ];
        args.extend(flags.iter().filter(|(on, _)| *on).map(|(_, flag)| (*flag).to_owned()));
        args
    }

    /// For the receipt's fingerprint.
    pub fn describe(&self) -> String {
        self.args().join(" ")
    }
}

/// What one build compiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Targets {
    /// The extension, as `maturin develop` asks for it (`--lib [--crate-type cdylib]`).
    Extension,
    /// The lib with its declared crate types, cdylib and rlib from one compilation: the very
    /// unit `WithGenerator` compiles, so the two never recompile the crate for each other.
    Declared,
    /// The declared lib and the stub generator linked against its rlib (`dev::generator`).
    WithGenerator(Generator),
}

/// cargo's arguments, in maturin's order.
pub fn cargo_args(
    manifest: &Path,
    profile: &Profile,
    options: &CargoOptions,
    crate_types: &[String],
    targets: &Targets,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = ["rustc", "--message-format", "json-render-diagnostics"]
        .iter()
        .map(OsString::from)
        .collect();
    args.push("--manifest-path".into());
    args.push(manifest.into());
    args.extend(profile.args().into_iter().map(OsString::from));
    args.extend(options.args().into_iter().map(OsString::from));
    match targets {
        // maturin asks for the cdylib alone unless it is the only crate type declared.
        Targets::Extension if crate_types != ["cdylib"] => {
            args.extend(["--lib", "--crate-type", "cdylib"].map(OsString::from));
        }
        Targets::Extension | Targets::Declared => args.push("--lib".into()),
        // `cargo rustc` gives the arguments after `--` to the bin alone.
        Targets::WithGenerator(generator) => {
            args.extend(["--bin", &generator.bin, "--"].map(OsString::from));
            args.extend(generator.link_args.iter().map(OsString::from));
        }
    }
    args
}

/// The environment maturin gives cargo, on top of the project's (`process::command`).
pub fn cargo_env(
    choice: &InterpreterChoice,
    interpreter: &Interpreter,
    target_dir: &Path,
) -> Vec<(&'static str, OsString)> {
    vec![
        ("PYO3_BUILD_EXTENSION_MODULE", "1".into()),
        ("PYO3_ENVIRONMENT_SIGNATURE", interpreter.environment_signature().into()),
        ("PYO3_PYTHON", choice.python.clone().into_os_string()),
        ("PYTHON_SYS_EXECUTABLE", choice.python.clone().into_os_string()),
        ("CARGO_TARGET_DIR", target_dir.into()),
    ]
}

/// A finished build.
#[derive(Debug)]
pub enum Outcome {
    Built(Built),
    /// cargo failed; its messages are already on stderr.
    Failed,
}

#[derive(Debug)]
pub struct Built {
    /// The stub generator's executable (`Targets::WithGenerator`).
    pub generator: Option<PathBuf>,
    /// cargo succeeded: false when only the generator failed (the extension was built).
    pub complete: bool,
}

/// Runs the build, reading cargo's JSON messages for the project's cdylib; `on_extension`
/// gets it the moment cargo reports it (installing it while the generator links), with the
/// packages other than the project's that were recompiled (pyo3 after an environment
/// change, a dependency after an update): usually none.
pub fn run(
    project: &Project,
    mut command: Command,
    mut on_extension: impl FnMut(&Path, &[String]) -> Result<()>,
) -> Result<Outcome> {
    command.stdout(Stdio::piped());
    command.env_remove("CARGO");
    let mut child = command.spawn().context("cannot run cargo")?;
    let stdout = child.stdout.take().context("cargo's output is not readable")?;
    let own_manifest = canonical(&project.krate.manifest);
    let mut reported = false;
    let mut generator = None;
    let mut rebuilt = Vec::new();
    for message in Message::parse_stream(BufReader::new(stdout)) {
        let Ok(Message::CompilerArtifact(found)) = message else { continue };
        let ours = canonical(found.manifest_path.as_std_path()) == own_manifest;
        if !ours {
            if !found.fresh && !rebuilt.contains(&found.target.name) {
                rebuilt.push(found.target.name.clone());
            }
            continue;
        }
        if found.target.kind.contains(&TargetKind::Bin) {
            generator = found.executable.map(|e| e.into_std_path_buf());
            continue;
        }
        if !found.target.kind.contains(&TargetKind::CDyLib) || reported {
            continue;
        }
        let library = found
            .filenames
            .iter()
            .find(|f| matches!(f.extension(), Some("so" | "dylib" | "dll" | "pyd")));
        if let Some(library) = library {
            if let Err(error) = on_extension(library.as_std_path(), &rebuilt) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(error);
            }
            reported = true;
        }
    }
    let status = child.wait().context("cargo did not finish")?;
    if !reported {
        if status.success() {
            bail!("cargo reported no cdylib of {}", project.krate.manifest.display());
        }
        return Ok(Outcome::Failed);
    }
    Ok(Outcome::Built(Built { generator, complete: status.success() }))
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[OsString]) -> Vec<String> {
        args.iter().map(|a| a.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn the_arguments_maturin_develop_passes() {
        let cdylib = ["cdylib".to_owned()];
        let args = cargo_args(
            Path::new("/p/Cargo.toml"),
            &Profile::Dev,
            &CargoOptions::default(),
            &cdylib,
            &Targets::Extension,
        );
        assert_eq!(
            strings(&args),
            [
                "rustc",
                "--message-format",
                "json-render-diagnostics",
                "--manifest-path",
                "/p/Cargo.toml",
                "--lib"
            ]
        );
        let both = ["cdylib".to_owned(), "rlib".to_owned()];
        let options = CargoOptions {
            features: vec!["a".into(), "pyo3/abi3".into()],
            locked: true,
            ..CargoOptions::default()
        };
        let args = cargo_args(
            Path::new("/p/Cargo.toml"),
            &Profile::Release,
            &options,
            &both,
            &Targets::Extension,
        );
        assert_eq!(
            strings(&args)[5..],
            [
                "--release",
                "--features",
                "a,pyo3/abi3",
                "--locked",
                "--lib",
                "--crate-type",
                "cdylib"
            ]
        );
    }

    #[test]
    fn the_generator_shares_the_lib_unit() {
        let both = ["cdylib".to_owned(), "rlib".to_owned()];
        let manifest = Path::new("/p/Cargo.toml");
        let options = CargoOptions::default();
        let declared = cargo_args(manifest, &Profile::Dev, &options, &both, &Targets::Declared);
        assert_eq!(strings(&declared)[5..], ["--lib"]);
        let generator = Generator { bin: "stub_gen".into(), link_args: vec!["-lfoo".into()] };
        let with = Targets::WithGenerator(generator);
        let args = cargo_args(manifest, &Profile::Dev, &options, &both, &with);
        assert_eq!(strings(&args)[5..], ["--bin", "stub_gen", "--", "-lfoo"]);
    }

    #[test]
    fn profiles() {
        assert_eq!(Profile::choose(true, Some("fast")), Profile::Release);
        assert_eq!(Profile::choose(false, None), Profile::Dev);
        assert_eq!(Profile::choose(false, Some("dev")).args(), Vec::<String>::new());
        assert_eq!(Profile::choose(false, Some("fast")).args(), ["--profile", "fast"]);
    }
}
