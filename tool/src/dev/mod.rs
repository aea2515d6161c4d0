//! `pyrs dev`: the edit loop. One cargo build, run as `maturin develop` runs it, and the
//! installed extension replaced in place, while pyrs's receipt says the install is the one
//! it keeps; `maturin develop` otherwise (first install, metadata or interpreter changed,
//! another installer touched it, macOS/Windows, not CPython), after which the receipt is
//! written. Both build into a pyrs-owned target folder (`<target>/pyrs-dev`): maturin's
//! environment, which pyo3's build script watches, never rebuilds the user's `cargo test`
//! pyo3 in `target/`, nor the other way round.

mod build;
mod develop;
mod generator;
mod install;
mod lock;
mod receipt;
mod record;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::interpreter::{venv_tool, Interpreter};
use crate::project::Project;
use crate::stubs::{Check, Refreshed};
use build::{CargoOptions, Outcome, Profile, Targets};
use generator::Generator;
use install::{Content, Stamp};
use receipt::{Expected, Fingerprint, Receipt};

/// How the extension got into the venv.
#[derive(Debug)]
pub enum Installed {
    InPlace { rebuilt_dependencies: Vec<String> },
    AlreadyCurrent,
    ByMaturin { reason: String },
}

/// What one run did, for the summary line.
#[derive(Debug)]
pub enum Report {
    Done {
        installed: Installed,
        /// Seconds from the start until a new `python` imports the new extension.
        importable: f64,
        stub: Option<Refreshed>,
        installed_stub_updated: bool,
    },
    /// The build failed; nothing was replaced (cargo's or maturin's messages are shown).
    Failed { by_maturin: bool },
}

/// The pyrs-owned state inside the cargo target folder.
struct Paths {
    /// `CARGO_TARGET_DIR` of every build `pyrs dev` runs.
    target_dir: PathBuf,
    lock: PathBuf,
    receipt: PathBuf,
}

impl Paths {
    fn new(project: &Project) -> Self {
        let target_dir = project.krate.target_directory.join("pyrs-dev");
        let state = target_dir.join("pyrs");
        let venv =
            project.interpreter.venv.clone().unwrap_or_else(|| project.interpreter.python.clone());
        let receipt = state.join(format!("receipt-{}.json", receipt::key(&[&project.root, &venv])));
        let lock = state.join(format!("dev-{}.lock", receipt::key(&[&project.root])));
        Self { target_dir, lock, receipt }
    }
}

/// One `pyrs dev` run.
pub fn run(
    project: &Project,
    release: bool,
    force_maturin: bool,
    started: Instant,
) -> Result<Report> {
    let paths = Paths::new(project);
    let _lock = lock::DevLock::acquire(&paths.lock)?;
    let venv = crate::venv::ensure(&project.interpreter, &[crate::pins::MATURIN])?;
    let interpreter = project.interpreter.query()?;
    let profile = Profile::choose(release, project.pyproject.maturin.profile.as_deref());
    let options = CargoOptions::read(project);
    let expected = Expected {
        root: project.root.clone(),
        venv: venv.clone(),
        module: project.module().to_owned(),
        metadata: metadata_digest(project),
        build: build_digest(project, &interpreter, &options, &venv),
        profile: profile.name().to_owned(),
    };
    let unsupported = unsupported(project, &interpreter);
    let forced = force_maturin.then(|| "--maturin".to_owned());
    let mut receipt = Receipt::load(&paths.receipt);
    let reason = unsupported.clone().or(forced).or_else(|| match &receipt {
        None => Some("no earlier pyrs install in this venv".to_owned()),
        Some(receipt) => receipt.why_not(&expected),
    });
    // Read before the build: whether the stub is stale decides whether the build links the
    // generator (and an edit made meanwhile makes the next run regenerate).
    let stub_check =
        if profile.is_release() { None } else { Some(crate::stubs::check(project, &interpreter)) };
    let stale = matches!(stub_check, Some(Ok(Check::Stale(_))));
    let linked = generator::in_extension_build(project, &interpreter, &profile, &options);
    let targets = match &linked {
        Some(generator) if stale => Targets::WithGenerator(generator.clone()),
        Some(_) => Targets::Declared,
        None => Targets::Extension,
    };
    let build = Build {
        project,
        interpreter: &interpreter,
        profile: &profile,
        options: &options,
        paths: &paths,
    };
    let mut importable = None;
    let mut generator_built = None;
    let installed = match (reason, receipt.as_mut()) {
        (None, Some(receipt)) => {
            let Some(done) = in_place(&build, &targets, receipt, started)? else {
                return Ok(Report::Failed { by_maturin: false });
            };
            importable = Some(done.importable);
            generator_built = done.generator;
            done.installed
        }
        (reason, _) => {
            let reason =
                reason.unwrap_or_else(|| "no earlier pyrs install in this venv".to_owned());
            eprintln!("pyrs dev: maturin develop: {reason}");
            // Whatever happens next, the old receipt no longer describes the install.
            let _ = std::fs::remove_file(&paths.receipt);
            receipt = None;
            if !develop::run(project, &venv, &profile, &paths.target_dir)? {
                return Ok(Report::Failed { by_maturin: true });
            }
            if unsupported.is_none() {
                receipt = adopt(project, &interpreter, &profile, &expected, &paths);
            }
            Installed::ByMaturin { reason }
        }
    };
    let importable = importable.unwrap_or_else(|| started.elapsed().as_secs_f64());
    let stub = match stub_check {
        None => None,
        Some(check) => {
            let refreshed = (|| match check? {
                Check::NotGenerated => Ok(Refreshed::NotGenerated),
                Check::Current => Ok(Refreshed::Current),
                Check::Stale(stale) => {
                    let executable = match (generator_built, &linked) {
                        (Some(built), _) => Some(built),
                        // After `maturin develop`: link the generator in pyrs's build folder.
                        (None, Some(generator)) => build_generator(&build, generator)?,
                        // Built by `stubs` itself, in a folder of its own.
                        (None, None) => None,
                    };
                    crate::stubs::regenerate(project, &interpreter, stale, executable.as_deref())
                }
            })();
            Some(refreshed.context("the extension is installed, but the stub was not refreshed")?)
        }
    };
    let installed_stub_updated = match receipt.as_mut() {
        Some(receipt) => update_installed_stub(project, receipt, &paths.receipt)?,
        None => false,
    };
    Ok(Report::Done { installed, importable, stub, installed_stub_updated })
}

/// Why only `maturin develop` will do here, whatever the receipt says.
fn unsupported(project: &Project, interpreter: &Interpreter) -> Option<String> {
    if !cfg!(target_os = "linux") {
        return Some(format!(
            "on {} maturin links the extension with arguments of its own",
            std::env::consts::OS
        ));
    }
    if interpreter.implementation != "cpython" {
        return Some(format!("{} is not CPython", interpreter.implementation));
    }
    build::UNCOPIED_KEYS
        .iter()
        .find(|key| project.pyproject.get(&format!("tool.maturin.{key}")).is_some())
        .map(|key| format!("[tool.maturin] sets `{key}`"))
}

fn metadata_digest(project: &Project) -> String {
    let mut digest = Fingerprint::default();
    for file in project.metadata_inputs() {
        digest.file(&file);
    }
    digest.finish()
}

/// Everything besides the metadata that shapes the installed files.
fn build_digest(
    project: &Project,
    interpreter: &Interpreter,
    options: &CargoOptions,
    venv: &Path,
) -> String {
    let mut digest = Fingerprint::default();
    digest
        .part(env!("CARGO_PKG_VERSION"))
        .part(project.interpreter.python.as_os_str().as_encoded_bytes())
        .part(interpreter.executable.as_os_str().as_encoded_bytes())
        .part(&interpreter.ext_suffix)
        .part(interpreter.environment_signature())
        .part(options.describe())
        .part(project.krate.crate_types.join(","));
    let maturin = Stamp::of(&venv_tool(venv, crate::pins::MATURIN.executable));
    digest.part(maturin.map(|s| format!("{}-{}", s.size, s.modified_ns)).unwrap_or_default());
    digest.finish()
}

/// The extension's file name as the interpreter and pyo3's features name it.
fn extension_file_name(project: &Project, interpreter: &Interpreter) -> String {
    let abi3 = project.krate.pyo3.as_ref().and_then(|p| p.abi3()).is_some();
    let suffix = if abi3 { ".abi3.so" } else { interpreter.ext_suffix.as_str() };
    format!("{}{suffix}", project.layout.basename())
}

/// What a cargo build of `pyrs dev` is made from.
struct Build<'a> {
    project: &'a Project,
    interpreter: &'a Interpreter,
    profile: &'a Profile,
    options: &'a CargoOptions,
    paths: &'a Paths,
}

impl Build<'_> {
    /// `cargo rustc` as maturin runs it, in pyrs's build folder.
    fn command(&self, targets: &Targets) -> std::process::Command {
        let project = self.project;
        let mut command = crate::process::command("cargo", &project.root, &project.interpreter);
        command.args(build::cargo_args(
            &project.krate.manifest,
            self.profile,
            self.options,
            &project.krate.crate_types,
            targets,
        ));
        let env = build::cargo_env(&project.interpreter, self.interpreter, &self.paths.target_dir);
        for (name, value) in env {
            command.env(name, value);
        }
        command
    }
}

/// The fast path's result.
struct InPlace {
    installed: Installed,
    /// Seconds from the start until the new extension was in place.
    importable: f64,
    /// The stub generator, when the build linked it.
    generator: Option<PathBuf>,
}

/// The fast path: build, and replace the installed extension the moment cargo reports a new
/// one (the generator, when the build links it, is linked meanwhile). None when the
/// extension's build failed (nothing replaced).
fn in_place(
    build: &Build,
    targets: &Targets,
    receipt: &mut Receipt,
    started: Instant,
) -> Result<Option<InPlace>> {
    let mut outcome: Option<(Installed, f64)> = None;
    let built = build::run(build.project, build.command(targets), |artifact, rebuilt| {
        let installed = install_artifact(artifact, rebuilt, receipt, &build.paths.receipt)?;
        outcome = Some((installed, started.elapsed().as_secs_f64()));
        Ok(())
    })?;
    let built = match built {
        Outcome::Failed => return Ok(None),
        Outcome::Built(built) => built,
    };
    let Some((installed, importable)) = outcome else { return Ok(None) };
    if !built.complete {
        // cargo's messages are on stderr; the extension itself is in place.
        bail!("the extension is installed, but building the stub generator failed");
    }
    Ok(Some(InPlace { installed, importable, generator: built.generator }))
}

/// Replaces the installed extension with `artifact` unless it already is that build.
fn install_artifact(
    artifact: &Path,
    rebuilt: &[String],
    receipt: &mut Receipt,
    receipt_file: &Path,
) -> Result<Installed> {
    let artifact_stamp = Stamp::of(artifact);
    if artifact_stamp.is_some() && receipt.artifact == artifact_stamp {
        return Ok(Installed::AlreadyCurrent);
    }
    let hashed = record::hash_file(artifact)?;
    if hashed == receipt.extension {
        // The same bytes as installed (maturin's copy of this very artifact, or sources saved
        // back unchanged): dated now, so "built after the last change" stays readable from
        // the file times (doctor's stale-build check).
        std::fs::File::options()
            .write(true)
            .open(&receipt.installed.extension)
            .and_then(|file| file.set_modified(std::time::SystemTime::now()))
            .with_context(|| format!("cannot date {}", receipt.installed.extension.display()))?;
        receipt.artifact = artifact_stamp;
        receipt.refresh_stamps()?;
        receipt.save(receipt_file)?;
        return Ok(Installed::AlreadyCurrent);
    }
    install::replace(&receipt.installed.extension, Content::File(artifact))?;
    if let Some(record_paths) = &receipt.installed.record_paths {
        install::update_record(&receipt.installed.dist_info, &record_paths.extension, &hashed)?;
    }
    receipt.extension = hashed;
    receipt.artifact = artifact_stamp;
    receipt.refresh_stamps()?;
    receipt.save(receipt_file)?;
    Ok(Installed::InPlace { rebuilt_dependencies: rebuilt.to_vec() })
}

/// After `maturin develop`: the generator linked against the lib in pyrs's build folder
/// (the crate compiled once more, as cdylib and rlib; pyo3 as maturin left it).
fn build_generator(build: &Build, generator: &Generator) -> Result<Option<PathBuf>> {
    let targets = Targets::WithGenerator(generator.clone());
    eprintln!("pyrs: building the stub generator (cargo rustc --bin {})", generator.bin);
    match build::run(build.project, build.command(&targets), |_, _| Ok(()))? {
        Outcome::Built(built) if built.complete => Ok(built.generator),
        _ => bail!("building the stub generator `{}` failed", generator.bin),
    }
}

/// After `maturin develop`: find what it installed and write the receipt. None (with a
/// notice) when the install is not where pyrs expects it: the next run uses maturin again.
fn adopt(
    project: &Project,
    interpreter: &Interpreter,
    profile: &Profile,
    expected: &Expected,
    paths: &Paths,
) -> Option<Receipt> {
    let adopted = (|| -> Result<Receipt> {
        let installed = install::locate(
            &interpreter.purelib,
            &project.pyproject.name,
            project.module(),
            project.layout.package_dir().as_deref(),
            &extension_file_name(project, interpreter),
        )?;
        let hashed = record::hash_file(&installed.extension)?;
        let mut receipt = Receipt::new(expected, installed, hashed)?;
        // maturin's cargo artifact: when its bytes are the installed ones, the next run can
        // tell "nothing rebuilt" from its stamp alone.
        let artifact = artifact_path(project, profile, &paths.target_dir);
        if record::hash_file(&artifact).ok().as_ref() == Some(&receipt.extension) {
            receipt.artifact = Stamp::of(&artifact);
        }
        receipt.save(&paths.receipt)?;
        Ok(receipt)
    })();
    match adopted {
        Ok(receipt) => Some(receipt),
        Err(error) => {
            eprintln!(
                "pyrs dev: the next run will use maturin develop again: {}",
                error.chain().map(ToString::to_string).collect::<Vec<_>>().join(": ")
            );
            None
        }
    }
}

/// Where cargo leaves the cdylib of `profile` (Linux naming).
fn artifact_path(project: &Project, profile: &Profile, target_dir: &Path) -> PathBuf {
    let folder = match profile {
        Profile::Dev => "debug",
        Profile::Release => "release",
        Profile::Named(name) => name.as_str(),
    };
    target_dir.join(folder).join(format!("lib{}.so", project.krate.lib_name))
}

/// Pure layout: maturin copied the stub into the install as `<module>/__init__.pyi` when it
/// installed; keep that copy the project's stub. Whether it was rewritten.
fn update_installed_stub(
    project: &Project,
    receipt: &mut Receipt,
    receipt_file: &Path,
) -> Result<bool> {
    let Some(installed_path) = receipt.installed.record_paths.as_ref().and_then(|r| r.stub.clone())
    else {
        return Ok(false);
    };
    let Some(site_packages) = receipt.installed.dist_info.parent().map(Path::to_path_buf) else {
        return Ok(false);
    };
    let Ok(wanted) = std::fs::read(&project.stub) else { return Ok(false) };
    let installed = site_packages.join(&installed_path);
    if std::fs::read(&installed).ok().as_deref() == Some(wanted.as_slice()) {
        return Ok(false);
    }
    install::replace(&installed, Content::Bytes(&wanted))?;
    install::update_record(
        &receipt.installed.dist_info,
        &installed_path,
        &record::hash_bytes(&wanted),
    )?;
    receipt.refresh_stamps()?;
    receipt.save(receipt_file)?;
    Ok(true)
}

/// The summary line.
pub fn summary(project: &Project, release: bool, report: &Report, seconds: f64) -> String {
    let profile = Profile::choose(release, project.pyproject.maturin.profile.as_deref());
    match report {
        Report::Failed { by_maturin: false } => {
            "pyrs dev: the build failed; nothing was replaced".to_owned()
        }
        Report::Failed { by_maturin: true } => {
            "pyrs dev: maturin develop failed; the install was left as it was".to_owned()
        }
        Report::Done { installed, importable, stub, installed_stub_updated } => {
            let how = match installed {
                Installed::InPlace { rebuilt_dependencies } if rebuilt_dependencies.is_empty() => {
                    "replaced in place".to_owned()
                }
                Installed::InPlace { rebuilt_dependencies } => format!(
                    "replaced in place (also recompiled {})",
                    rebuilt_dependencies.join(", ")
                ),
                Installed::AlreadyCurrent => "already current".to_owned(),
                Installed::ByMaturin { reason } => {
                    format!("installed by maturin develop ({reason})")
                }
            };
            let stub = match stub {
                None => "stub left as it is",
                Some(Refreshed::Current) => "stub current",
                Some(Refreshed::Unchanged) => "stub unchanged",
                Some(Refreshed::Rewritten) => "stub rewritten",
                Some(Refreshed::NotGenerated) => "stub not generated",
            };
            let copied = if *installed_stub_updated { ", installed copy updated" } else { "" };
            // The stub's own time, when it is not lost in the noise.
            let total = if seconds - importable >= 0.05 {
                format!(" (all done in {seconds:.2} s)")
            } else {
                String::new()
            };
            format!(
                "pyrs dev: {} ({}) {how} in {importable:.2} s; {stub}{copied}{total}",
                project.module(),
                profile.name()
            )
        }
    }
}

/// Runs `pyrs dev` and prints its summary; the time it took.
pub fn run_and_report(project: &Project, release: bool, force_maturin: bool) -> Result<bool> {
    let started = Instant::now();
    let report = run(project, release, force_maturin, started)?;
    let line = summary(project, release, &report, started.elapsed().as_secs_f64());
    match report {
        Report::Done { .. } => {
            println!("{line}");
            Ok(true)
        }
        Report::Failed { .. } => {
            eprintln!("{line}");
            Ok(false)
        }
    }
}
