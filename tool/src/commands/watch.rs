//! `pyrs watch`: a `pyrs dev` at start, then one after every burst of saves of a build input
//! (`Project::is_build_input`). Each build is a `pyrs dev` child process: a failed or even a
//! crashed build is reported and watching goes on. Saves made during a build give one more
//! build after it. Ctrl-C or SIGTERM stop it, with exit code 0.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::cli::DevArgs;
use crate::project::Project;

/// A save often writes several files (or one file twice): wait this long without a new
/// event before building.
const SETTLE: Duration = Duration::from_millis(80);
/// ... but never longer than this after the first event.
const SETTLE_AT_MOST: Duration = Duration::from_secs(1);
/// How often a running build is looked at (to stop it promptly).
const POLL: Duration = Duration::from_millis(50);

enum Message {
    Changed(Vec<PathBuf>),
    Stop,
}

pub fn run(project: &Project, args: &DevArgs) -> Result<ExitCode> {
    let (sender, receiver) = channel();
    let stop = sender.clone();
    ctrlc::set_handler(move || {
        let _ = stop.send(Message::Stop);
    })
    .context("cannot handle Ctrl-C")?;
    let inputs: BTreeSet<PathBuf> = project.build_inputs().into_iter().collect();
    let mut watch = Watch::start(project, inputs, sender)?;
    println!(
        "pyrs watch: watching {} folders of {} (Ctrl-C to stop)",
        watch.folders.len(),
        project.root.display()
    );
    let mut why = "first build".to_owned();
    loop {
        let more = build(project, args, &why, &receiver, &mut watch)?;
        let Some(more) = more else { break };
        let changed = if more.is_empty() {
            match wait_for_changes(&receiver, &mut watch)? {
                Some(paths) => paths,
                None => break,
            }
        } else {
            more
        };
        why = format!("changed {}", shorten(&changed));
    }
    println!("pyrs watch: stopped");
    Ok(ExitCode::SUCCESS)
}

/// The OS watches on every folder that may hold a build input: the folders of the local
/// crates (without build outputs and hidden folders) and those of the other inputs.
struct Watch<'p> {
    project: &'p Project,
    inputs: BTreeSet<PathBuf>,
    watcher: RecommendedWatcher,
    folders: BTreeSet<PathBuf>,
}

impl<'p> Watch<'p> {
    fn start(
        project: &'p Project,
        inputs: BTreeSet<PathBuf>,
        sender: Sender<Message>,
    ) -> Result<Self> {
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            if !matches!(event.kind, EventKind::Access(_)) {
                let _ = sender.send(Message::Changed(event.paths));
            }
        })
        .context("cannot watch files")?;
        let mut watch = Self { project, inputs, watcher, folders: BTreeSet::new() };
        let parents: Vec<PathBuf> =
            watch.inputs.iter().filter_map(|p| p.parent().map(Path::to_path_buf)).collect();
        for folder in parents.iter().chain(&project.krate.local_crates) {
            watch.add_tree(folder)?;
        }
        Ok(watch)
    }

    /// Whether a file in `folder` could be a build input: the one definition decides.
    fn may_hold_inputs(&self, folder: &Path) -> bool {
        self.project.is_build_input(&folder.join("lib.rs"))
            || self.inputs.iter().any(|input| input.parent() == Some(folder))
    }

    /// Watches `folder` and each folder below it that may hold build inputs.
    fn add_tree(&mut self, folder: &Path) -> Result<()> {
        if self.folders.contains(folder) || !self.may_hold_inputs(folder) {
            return Ok(());
        }
        self.watcher
            .watch(folder, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", folder.display()))?;
        self.folders.insert(folder.to_path_buf());
        let Ok(entries) = std::fs::read_dir(folder) else { return Ok(()) };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                self.add_tree(&entry.path())?;
            }
        }
        Ok(())
    }

    /// The build inputs among `paths`; new folders among them are watched from now on.
    fn inputs_among(&mut self, paths: Vec<PathBuf>) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for path in paths {
            if path.is_dir() {
                // A folder made (or moved in) since: a failure to watch it is not fatal.
                if let Err(error) = self.add_tree(&path) {
                    eprintln!("pyrs watch: {error:#}");
                }
            } else if self.project.is_build_input(&path) || self.inputs.contains(&path) {
                found.push(path);
            }
        }
        found
    }
}

/// Waits for a burst of changes to build inputs; None when asked to stop.
fn wait_for_changes(
    receiver: &Receiver<Message>,
    watch: &mut Watch<'_>,
) -> Result<Option<Vec<String>>> {
    let mut changed = BTreeSet::new();
    loop {
        match receiver.recv() {
            Ok(Message::Changed(paths)) => changed.extend(watch.inputs_among(paths)),
            Ok(Message::Stop) => return Ok(None),
            Err(_) => anyhow::bail!("the file watcher stopped"),
        }
        if changed.is_empty() {
            continue;
        }
        let first = Instant::now();
        loop {
            match receiver.recv_timeout(SETTLE) {
                Ok(Message::Changed(paths)) => changed.extend(watch.inputs_among(paths)),
                Ok(Message::Stop) => return Ok(None),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => anyhow::bail!("the file watcher stopped"),
            }
            if first.elapsed() > SETTLE_AT_MOST {
                break;
            }
        }
        return Ok(Some(changed.iter().map(|p| watch.project.display(p)).collect()));
    }
}

/// Runs one `pyrs dev`, collecting the changes made meanwhile. None when asked to stop;
/// else the build inputs saved during the build (empty: none).
fn build(
    project: &Project,
    args: &DevArgs,
    why: &str,
    receiver: &Receiver<Message>,
    watch: &mut Watch<'_>,
) -> Result<Option<Vec<String>>> {
    println!("pyrs watch: {why}");
    let mut child = dev_command(project, args).spawn().context("cannot run pyrs dev")?;
    let mut saved_meanwhile = BTreeSet::new();
    let status = loop {
        if let Some(status) = child.try_wait().context("cannot wait for pyrs dev")? {
            break status;
        }
        match receiver.recv_timeout(POLL) {
            Ok(Message::Changed(paths)) => saved_meanwhile.extend(watch.inputs_among(paths)),
            Ok(Message::Stop) => {
                stop(&mut child);
                return Ok(None);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => anyhow::bail!("the file watcher stopped"),
        }
    };
    if !status.success() {
        println!("pyrs watch: the build failed; waiting for the next save");
    }
    Ok(Some(saved_meanwhile.iter().map(|p| project.display(p)).collect()))
}

/// Ends the build this watcher started (its own child, by its handle).
fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// `pyrs dev` for the same project and interpreter.
fn dev_command(project: &Project, args: &DevArgs) -> Command {
    let program = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("pyrs"));
    let mut command = Command::new(program);
    command.arg("--project").arg(&project.root);
    if project.interpreter.origin == "--python" {
        command.arg("--python").arg(&project.interpreter.python);
    }
    command.arg("dev");
    if args.release {
        command.arg("--release");
    }
    if args.maturin {
        command.arg("--maturin");
    }
    command
}

/// The changed files for one line: the first few, then a count.
fn shorten(changed: &[String]) -> String {
    const SHOWN: usize = 5;
    if changed.len() <= SHOWN {
        return changed.join(", ");
    }
    format!("{} and {} more", changed[..SHOWN].join(", "), changed.len() - SHOWN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_shortened() {
        let names: Vec<String> = (0..7).map(|i| format!("f{i}.rs")).collect();
        assert_eq!(shorten(&names[..2]), "f0.rs, f1.rs");
        assert_eq!(shorten(&names), "f0.rs, f1.rs, f2.rs, f3.rs, f4.rs and 2 more");
    }
}
