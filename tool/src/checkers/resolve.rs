//! Which file each checker resolves `import <module>` to, and the type it reveals for one of
//! the module's names, each asked the simplest way it tells:
//!   pyright, basedpyright  `--dependencies --verbose`: the files each file imports
//!   mypy                   `-v`: "Parsing FILE (module)" or "Metadata fresh for module: file FILE"
//!   zuban                  `ZUBAN_LOG=debug`: "Read from FS: FILE-URL"
//!   ty, pyrefly            their command line names no file: their language server's answer
//!                          to `textDocument/declaration` on the import (`lsp`)
//! Each runs as the editor runs it: from the project's folder with its configuration, in an
//! environment without what a shell or `make` adds (VIRTUAL_ENV, PYTHONPATH, PYO3_PYTHON).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::{lsp, run_captured, Captured, Checker, Diagnostic, Severity};
use crate::project::Project;

/// Longest a checker may take on the one-file probe (pyright starts node, reads typeshed).
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(120);
/// Variables VS Code does not give its language servers.
pub const NOT_IN_EDITOR: [&str; 3] = ["VIRTUAL_ENV", "PYTHONPATH", "PYO3_PYTHON"];

/// A file that imports the module and reveals the type of one of its names.
#[derive(Debug, Clone)]
pub struct ProbeFile {
    pub module: String,
    /// What the probe reveals (`pkg._core.fib`).
    pub expression: String,
    /// The probe written to disk, for the command-line checks.
    pub path: PathBuf,
    /// The same text as an unsaved document of the project, for the language servers (a name
    /// starting with a dot is no module: it shadows nothing).
    pub document: PathBuf,
    pub text: String,
}

impl ProbeFile {
    pub fn new(project: &Project, module: &str, expression: &str, dir: &Path) -> Self {
        let text = format!("import {module}\n\nreveal_type({expression})\n");
        Self {
            module: module.to_owned(),
            expression: expression.to_owned(),
            // A name of its own each run: mypy's cache would otherwise replay the errors of
            // an earlier probe of the same name.
            path: dir.join(format!("pyrs_probe_{}.py", unique())),
            document: project.root.join(format!(".pyrs-probe-{module}.py")),
            text,
        }
    }

    /// Where the import's last name is on line 0: a declaration request there names the
    /// module's own file (not its package's).
    fn import_column(&self) -> u32 {
        let last = self.module.rsplit('.').next().unwrap_or(&self.module);
        u32::try_from("import ".len() + self.module.len() - last.len()).unwrap_or(0)
    }
}

/// A name no earlier probe had: the process and the time.
fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{}_{nanos}", std::process::id())
}

/// What one checker made of the probe.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Seen {
    /// The file it resolved the module to (None: not found, or it failed).
    pub resolved: Option<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
    /// Why it did not report, or reported only in part.
    pub failure: Option<String>,
    pub command: String,
}

impl Seen {
    /// The type revealed in the probe (the last one given).
    pub fn revealed(&self) -> Option<String> {
        self.diagnostics.iter().rev().find_map(|d| revealed_type(&d.message))
    }

    pub fn has_rule(&self, rules: &[&str]) -> bool {
        self.diagnostics.iter().any(|d| rules.contains(&d.rule.as_str()))
    }
}

/// A command as the editor runs a checker: from the project's folder, without the
/// variables of an activated venv or a build.
pub fn editor_command(program: impl AsRef<std::ffi::OsStr>, project: &Project) -> Command {
    let mut command = Command::new(program);
    command.current_dir(&project.root).env("NO_COLOR", "1");
    for name in NOT_IN_EDITOR {
        command.env_remove(name);
    }
    command
}

/// Asks `checker` what it makes of `probe` (already written to `probe.path`).
pub fn probe(checker: &Checker, project: &Project, probe: &ProbeFile) -> Seen {
    match checker.name {
        "pyright" | "basedpyright" => see_pyright(checker, project, probe),
        "mypy" => see_mypy(checker, project, probe),
        "zuban" => see_zuban(checker, project, probe),
        _ => see_with_server(checker, project, probe),
    }
}

fn finish(checker: &Checker, project: &Project, run: Captured) -> Seen {
    let report = checker.report(run, &project.root);
    let failure = report
        .diagnostics
        .iter()
        .find(|d| d.rule == super::TOOL_FAILURE)
        .map(|d| d.message.clone());
    let diagnostics = report.diagnostics.into_iter().filter(|d| d.rule != super::TOOL_FAILURE);
    Seen { resolved: None, diagnostics: diagnostics.collect(), failure, command: report.command }
}

/// pyright and basedpyright: one run gives both answers, in its text report
/// (`--outputjson` leaves out `--dependencies`). The editor hands them its interpreter.
fn see_pyright(checker: &Checker, project: &Project, probe: &ProbeFile) -> Seen {
    let (program, leading) = checker.program(project);
    let mut command = editor_command(program, project);
    command.args(leading).arg("--project").arg(&project.root).args(["--dependencies", "--verbose"]);
    if project.interpreter.exists() {
        command.arg("--pythonpath").arg(&project.interpreter.python);
    }
    command.arg(&probe.path);
    let run = run_captured(command, PROBE_TIMEOUT);
    let resolved = pyright_dependency(&run.stdout, &probe.path, &probe.module);
    let diagnostics = pyright_text(&run.stdout, &project.root);
    let failure = match &run.status {
        Ok(Some(0 | 1)) => None,
        Ok(code) => Some(format!("exit status {code:?}: {}", super::tail(&run.output(), 300))),
        Err(why) => Some(why.clone()),
    };
    Seen { resolved, diagnostics, failure, command: run.command }
}

/// mypy with its cache in pyrs's folder: a warm cache makes it ten times faster, and it
/// names the cached file too.
fn see_mypy(checker: &Checker, project: &Project, probe: &ProbeFile) -> Seen {
    let cache = project.krate.target_directory.join("pyrs").join("mypy-probe-cache");
    let mut command = editor_command(checker.executable(project), project);
    command.args(checker.check_args).args(["-v", "--no-sqlite-cache"]);
    command.arg(format!("--cache-dir={}", cache.display()));
    command.arg(&probe.path);
    let run = run_captured(command, PROBE_TIMEOUT);
    forget_probe(&cache, &probe.path);
    let resolved = mypy_parsed(&run.stderr, &probe.module);
    Seen { resolved, ..finish(checker, project, run) }
}

/// Removes the probe's own entries from mypy's cache (`<cache>/<version>/<stem>.*.ff`),
/// keeping those of the stub and the standard library, which make the next run fast.
fn forget_probe(cache: &Path, probe: &Path) {
    let Some(stem) = probe.file_stem().map(|s| format!("{}.", s.to_string_lossy())) else {
        return;
    };
    let Ok(versions) = std::fs::read_dir(cache) else { return };
    for version in versions.flatten() {
        let Ok(files) = std::fs::read_dir(version.path()) else { continue };
        for file in files.flatten() {
            if file.file_name().to_string_lossy().starts_with(&stem) {
                let _ = std::fs::remove_file(file.path());
            }
        }
    }
}

fn see_zuban(checker: &Checker, project: &Project, probe: &ProbeFile) -> Seen {
    let mut command = editor_command(checker.executable(project), project);
    command.args(checker.check_args).arg(&probe.path).env("ZUBAN_LOG", "debug");
    let run = run_captured(command, PROBE_TIMEOUT);
    let resolved = zuban_read(&run.output(), &probe.module);
    Seen { resolved, ..finish(checker, project, run) }
}

/// ty and pyrefly: the check (for the type) and the language server (for the file), side
/// by side.
fn see_with_server(checker: &Checker, project: &Project, probe: &ProbeFile) -> Seen {
    let mut command = editor_command(checker.executable(project), project);
    command.args(checker.check_args);
    if checker.name == "pyrefly" {
        // A file outside the project finds no configuration by itself: name the project's.
        let own = project.root.join("pyrefly.toml");
        let config = if own.is_file() { own } else { project.root.join("pyproject.toml") };
        command.arg("--config").arg(config);
    }
    command.arg(&probe.path);
    let Some((server, arguments)) = checker.server else {
        return finish(checker, project, run_captured(command, PROBE_TIMEOUT));
    };
    let mut server_command = editor_command(super::tool(project, server), project);
    server_command.args(arguments);
    let (run, declared) = std::thread::scope(|scope| {
        let declared = scope.spawn(|| {
            lsp::declaration(
                server_command,
                &project.root,
                &probe.document,
                &probe.text,
                0,
                probe.import_column(),
                PROBE_TIMEOUT,
            )
        });
        let run = run_captured(command, PROBE_TIMEOUT);
        (run, declared.join())
    });
    let mut seen = finish(checker, project, run);
    match declared {
        Ok(Ok(files)) => seen.resolved = files.into_iter().next(),
        Ok(Err(error)) => {
            let why = format!("its language server: {error:#}");
            seen.failure = Some(seen.failure.map_or(why.clone(), |f| format!("{f}; {why}")));
        }
        Err(_) => seen.failure = Some("the language server's thread panicked".to_owned()),
    }
    seen
}

/// Whether `path` is a file of `module`: its stub, its package, or a compiled extension.
pub fn is_module_file(path: &Path, module: &str) -> bool {
    let text = path.to_string_lossy().replace('\\', "/");
    let tail = format!("/{}", module.replace('.', "/"));
    let Some(at) = text.rfind(&tail) else { return false };
    let rest = &text[at + tail.len()..];
    if matches!(rest, ".pyi" | ".py" | "/__init__.pyi" | "/__init__.py") {
        return true;
    }
    // `.so`, `.cpython-311-x86_64-linux-gnu.so`, `.abi3.so`, `.cp311-win_amd64.pyd`.
    rest.starts_with('.')
        && !rest.contains('/')
        && (rest.ends_with(".so") || rest.ends_with(".pyd"))
}

/// From `pyright --dependencies --verbose`: the file the probe's import resolved to. The
/// report lists each file (a line with no indent) and the URLs of what it imports below it.
pub fn pyright_dependency(output: &str, probe: &Path, module: &str) -> Option<PathBuf> {
    let name = probe.file_name()?.to_string_lossy().into_owned();
    let lines: Vec<&str> = output.lines().collect();
    // The probe's block: its name unindented, then " Imports ..." (its name also heads its
    // diagnostics, earlier in the report).
    let start = lines.windows(2).position(|pair| {
        !pair[0].starts_with(' ')
            && pair[0].trim_end().ends_with(&name)
            && pair[1].trim_start().starts_with("Imports")
    })?;
    lines[start + 1..]
        .iter()
        .take_while(|line| line.is_empty() || line.starts_with(' '))
        .filter_map(|line| lsp::uri_path(line.trim()))
        .find(|path| is_module_file(path, module))
}

/// From `mypy -v` (stderr): the file it parsed, or found cached, for the module.
pub fn mypy_parsed(log: &str, module: &str) -> Option<PathBuf> {
    let parsed = format!(" ({module})");
    // "Metadata fresh for M: file F", "Updating mtime for M: file F, meta ...".
    let cached = format!(" for {module}: file ");
    log.lines().find_map(|line| {
        let line = line.strip_prefix("LOG:")?.trim();
        if let Some(file) = line.strip_prefix("Parsing ").and_then(|r| r.strip_suffix(&parsed)) {
            return Some(PathBuf::from(file));
        }
        if !(line.starts_with("Metadata fresh") || line.starts_with("Updating mtime")) {
            return None;
        }
        let at = line.find(&cached)?;
        let file = &line[at + cached.len()..];
        Some(PathBuf::from(file.split(", meta ").next().unwrap_or(file)))
    })
}

/// From zuban's debug log: the first file of the module it read.
pub fn zuban_read(log: &str, module: &str) -> Option<PathBuf> {
    log.lines()
        .filter_map(|line| {
            let at = line.find("Read from FS: ")?;
            let url = line[at + "Read from FS: ".len()..].split_whitespace().next()?;
            lsp::uri_path(url)
        })
        .find(|path| is_module_file(path, module))
}

/// pyright's text report: `  FILE:LINE:COL - SEVERITY: MESSAGE`, the message continued on
/// lines indented further, the rule last in parentheses.
pub fn pyright_text(output: &str, cwd: &Path) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = Vec::new();
    let mut open = false;
    for line in output.lines() {
        if let Some(diagnostic) = pyright_line(line, cwd) {
            found.push(diagnostic);
            open = true;
        } else if open && line.starts_with("    ") {
            if let Some(last) = found.last_mut() {
                last.message.push('\n');
                last.message.push_str(line.trim());
            }
        } else {
            open = false;
        }
    }
    for diagnostic in &mut found {
        if let Some(start) = diagnostic.message.rfind(" (report") {
            if diagnostic.message.ends_with(')') {
                diagnostic.rule =
                    diagnostic.message[start + 2..diagnostic.message.len() - 1].to_owned();
                diagnostic.message.truncate(start);
            }
        }
    }
    found
}

fn pyright_line(line: &str, cwd: &Path) -> Option<Diagnostic> {
    let body = line.strip_prefix("  ")?;
    if body.starts_with(' ') {
        return None;
    }
    let (place, rest) = body.split_once(" - ")?;
    let (severity, message) = rest.split_once(": ")?;
    if !matches!(severity, "error" | "warning" | "information") {
        return None;
    }
    let mut parts = place.rsplitn(3, ':');
    let _column = parts.next()?;
    let number: u32 = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    let file = if Path::new(file).is_absolute() { PathBuf::from(file) } else { cwd.join(file) };
    Some(Diagnostic {
        file,
        line: number,
        severity: Severity::parse(severity),
        rule: String::new(),
        message: message.to_owned(),
    })
}

/// The type a reveal message names, in any of the six checkers' wordings:
/// `Type of "x" is "T"`, `Revealed type is "T"`, ``Revealed type: `T` ``, `revealed type: T`.
pub fn revealed_type(message: &str) -> Option<String> {
    message.lines().find_map(|line| {
        let lower = line.to_ascii_lowercase();
        let start = if let Some(at) = lower.find("revealed type is ") {
            at + "revealed type is ".len()
        } else if let Some(at) = lower.find("revealed type: ") {
            at + "revealed type: ".len()
        } else if let Some(at) = lower.find("type of \"") {
            let after = at + "type of \"".len();
            after + lower[after..].find("\" is ")? + "\" is ".len()
        } else {
            return None;
        };
        let found = line[start..].trim().trim_matches(|c| matches!(c, '"' | '`' | '\''));
        (!found.is_empty()).then(|| found.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_files() {
        let m = "pkg._core";
        assert!(is_module_file(Path::new("/p/python/pkg/_core.pyi"), m));
        assert!(is_module_file(Path::new("/v/pkg/_core.cpython-311-x86_64-linux-gnu.so"), m));
        assert!(is_module_file(Path::new("/p/pkg/_core/__init__.pyi"), m));
        assert!(!is_module_file(Path::new("/p/pkg/_core/other.pyi"), m));
        assert!(!is_module_file(Path::new("/p/pkg/_cored.pyi"), m));
        assert!(!is_module_file(Path::new("/p/pkg/__init__.pyi"), m));
    }

    #[test]
    fn pyright_dependencies() {
        let out = "/tmp/x/pyrs_probe.py\n  /tmp/x/pyrs_probe.py:2:1 - information: x\n\
                   stubs/m.pyi\n Imports     1 file\n    file:///t/builtins.pyi\n\n\
                   ../../tmp/x/pyrs_probe.py\n Imports     2 files\n    file:///t/builtins.pyi\n\
                   \x20   file:///p/stubs/m.pyi\n Imported by 0 files\n";
        let found = pyright_dependency(out, Path::new("/tmp/x/pyrs_probe.py"), "m");
        assert_eq!(pyright_dependency(out, Path::new("/tmp/x/other.py"), "m"), None);
        assert_eq!(found, Some(PathBuf::from("/p/stubs/m.pyi")));
    }

    #[test]
    fn mypy_log() {
        let log = "LOG:  Parsing /p/stubs/m.pyi (m)\n";
        assert_eq!(mypy_parsed(log, "m"), Some(PathBuf::from("/p/stubs/m.pyi")));
        let log = "LOG:  Metadata fresh for a.b: file /p/a/b.pyi\n";
        assert_eq!(mypy_parsed(log, "a.b"), Some(PathBuf::from("/p/a/b.pyi")));
        assert_eq!(mypy_parsed(log, "a"), None);
        let log = "LOG:  Metadata abandoned for a.b: file /p/a/b.pyi has different size\n\
                   LOG:  Parsing /p/a/b.pyi (a.b)\n";
        assert_eq!(mypy_parsed(log, "a.b"), Some(PathBuf::from("/p/a/b.pyi")));
        let log = "LOG:  Updating mtime for a.b: file /p/a/b.pyi, meta a/b.meta.ff, mtime 17\n";
        assert_eq!(mypy_parsed(log, "a.b"), Some(PathBuf::from("/p/a/b.pyi")));
    }

    #[test]
    fn zuban_log() {
        let log = "DEBUG Read from FS: file:///p/stubs/m.pyi\n";
        assert_eq!(zuban_read(log, "m"), Some(PathBuf::from("/p/stubs/m.pyi")));
    }

    #[test]
    fn pyright_text_report() {
        let out = "/p/x.py\n  /tmp/x/pyrs_probe.py:3:13 - information: Type of \"m.fib\" is \"(n: int) -> int\"\n\
                   \x20 /tmp/x/pyrs_probe.py:1:8 - warning: Import \"m\" could not be resolved from source (reportMissingModuleSource)\n\
                   0 errors, 1 warning, 1 information \n";
        let found = pyright_text(out, Path::new("/p"));
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].line, 3);
        assert_eq!(found[1].rule, "reportMissingModuleSource");
        assert_eq!(found[1].severity, Severity::Warning);
        assert_eq!(revealed_type(&found[0].message).as_deref(), Some("(n: int) -> int"));
    }

    #[test]
    fn reveal_wordings() {
        let cases = [
            (
                "Revealed type is \"def (typing.SupportsIndex) -> int\"",
                "def (typing.SupportsIndex) -> int",
            ),
            (
                "Revealed type: `def fib(n: SupportsIndex, /) -> int`",
                "def fib(n: SupportsIndex, /) -> int",
            ),
            ("revealed type: (n: SupportsIndex, /) -> int", "(n: SupportsIndex, /) -> int"),
            ("Type of \"m.f\" is \"Unknown\"", "Unknown"),
        ];
        for (message, expected) in cases {
            assert_eq!(revealed_type(message).as_deref(), Some(expected), "{message}");
        }
        assert_eq!(revealed_type("Import could not be resolved"), None);
    }
}
