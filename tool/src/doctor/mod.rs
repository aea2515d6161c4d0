//! `pyrs doctor`: why the editor is red. Each check is a small function of the project
//! model returning ok or problems, each problem with its fix (a `pyrs` command, or the exact
//! lines to add and the file to add them to). The checkers' probes, the slow part, run in
//! parallel with each other and with the quick checks.

mod config;
mod import;
mod interpreter;
mod layout_traps;
mod package_stub;
mod probe_cache;
mod python_names;
mod resolution;
mod stub;

use std::path::PathBuf;
use std::time::SystemTime;

use crate::checkers;
use crate::interpreter::Interpreter;
use crate::project::Project;

/// One problem and what fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    /// A command, or a sentence ending in `:` followed by the exact lines (`lines`).
    pub fix: String,
    /// Lines to add to a file (configuration), printed below the fix.
    pub lines: Vec<String>,
}

impl Problem {
    pub fn new(message: impl Into<String>, fix: impl Into<String>) -> Self {
        Self { message: message.into(), fix: fix.into(), lines: Vec::new() }
    }

    pub fn with_lines(mut self, lines: Vec<String>) -> Self {
        self.lines = lines;
        self
    }
}

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok(String),
    Problems(Vec<Problem>),
    /// Not checked, and why (not a problem: another check reports the cause).
    Skipped(String),
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub check: String,
    pub verdict: Verdict,
}

impl Finding {
    pub fn ok(check: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { check: check.into(), verdict: Verdict::Ok(detail.into()) }
    }

    pub fn problem(check: impl Into<String>, problem: Problem) -> Self {
        Self { check: check.into(), verdict: Verdict::Problems(vec![problem]) }
    }

    pub fn skipped(check: impl Into<String>, why: impl Into<String>) -> Self {
        Self { check: check.into(), verdict: Verdict::Skipped(why.into()) }
    }

    /// Ok with `detail` when `problems` is empty.
    pub fn from(
        check: impl Into<String>,
        detail: impl Into<String>,
        problems: Vec<Problem>,
    ) -> Self {
        if problems.is_empty() {
            Self::ok(check, detail)
        } else {
            Self { check: check.into(), verdict: Verdict::Problems(problems) }
        }
    }

    pub fn problems(&self) -> &[Problem] {
        match &self.verdict {
            Verdict::Problems(problems) => problems,
            _ => &[],
        }
    }
}

/// What the quick checks learn once and the others read.
pub struct Facts<'a> {
    pub project: &'a Project,
    /// The interpreter, when it exists and answers.
    pub interpreter: Option<Interpreter>,
    pub imported: Option<import::Imported>,
    /// The newest build input and its time (see `stub::newest_input`).
    pub newest_input: Option<(PathBuf, SystemTime)>,
}

impl Facts<'_> {
    pub fn show(&self, path: &std::path::Path) -> String {
        self.project.display(path)
    }
}

/// Runs every check; prints one line per check (problems with their fix) and the count.
/// Every check; `fresh`: the checkers are asked again even when their last answers hold.
pub fn run(project: &Project, fresh: bool) -> anyhow::Result<bool> {
    let mut probes_possible = project.interpreter.exists() && project.stub.is_file();
    let mut install_problem = None;
    if probes_possible && checkers::ALL.iter().any(|c| !c.is_installed(project)) {
        if let Err(error) = crate::venv::ensure(&project.interpreter, &crate::pins::CHECKERS) {
            let specs: Vec<&str> = crate::pins::CHECKERS.iter().map(|p| p.spec).collect();
            let python = project.display(&project.interpreter.python);
            let fix = format!("uv pip install --python {python} {}", specs.join(" "));
            let message = format!("the checkers cannot be installed: {error:#}");
            install_problem = Some(Finding::problem("checkers", Problem::new(message, fix)));
            probes_possible = false;
        }
    }
    let findings = std::thread::scope(|scope| {
        let probes = probes_possible.then(|| resolution::start(scope, project, fresh));
        let mut findings = quick_checks(project, scope);
        findings.extend(install_problem);
        match probes {
            Some(running) => findings.extend(resolution::finish(project, running)),
            None if findings.iter().any(|f| f.check == "checkers") => {}
            None => findings.push(Finding::skipped(
                "resolution",
                if project.interpreter.exists() {
                    format!("no stub at {} to resolve to", project.display(&project.stub))
                } else {
                    "no interpreter to run the checkers with".to_owned()
                },
            )),
        }
        findings
    });
    let count: usize = findings.iter().map(|f| f.problems().len()).sum();
    let width = findings.iter().map(|f| f.check.len()).max().unwrap_or(0);
    for finding in &findings {
        print!("{}", render(finding, width));
    }
    if count == 0 {
        println!("pyrs doctor: all good");
    } else {
        let s = if count == 1 { "" } else { "s" };
        println!("pyrs doctor: {count} problem{s}");
    }
    Ok(count == 0)
}

fn quick_checks<'scope>(
    project: &'scope Project,
    scope: &'scope std::thread::Scope<'scope, '_>,
) -> Vec<Finding> {
    // Two interpreter starts and a walk of the sources, side by side.
    let asked = scope.spawn(|| project.interpreter.query().ok());
    let imported = scope.spawn(|| import::import(project));
    let newest = stub::newest_input(project);
    let interpreter = asked.join().ok().flatten().filter(|_| project.interpreter.exists());
    let imported = imported.join().ok().flatten();
    let facts = Facts { project, interpreter, imported, newest_input: newest };
    let mut findings = vec![interpreter::check(&facts), import::check(&facts)];
    findings.push(layout_traps::stale_build(&facts));
    findings.push(stub::check(&facts));
    findings.push(layout_traps::py_typed(&facts));
    findings.push(layout_traps::editable_install(&facts));
    findings.push(package_stub::check(&facts));
    findings.extend(config::check(project));
    findings
}

/// `check  ok: detail` or `check  problem: message  fix: fix` (then any lines to add).
pub fn render(finding: &Finding, width: usize) -> String {
    let name = &finding.check;
    match &finding.verdict {
        Verdict::Ok(detail) => format!("{name:<width$}  ok: {detail}\n"),
        Verdict::Skipped(why) => format!("{name:<width$}  skipped: {why}\n"),
        Verdict::Problems(problems) => problems
            .iter()
            .map(|p| {
                let mut text = format!("{name:<width$}  problem: {}  fix: {}\n", p.message, p.fix);
                for line in &p.lines {
                    text.push_str(&format!("{:<width$}      {line}\n", ""));
                }
                text
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_one_line_per_check() {
        let ok = Finding::ok("stub", "stubs/m.pyi");
        assert_eq!(render(&ok, 6), "stub    ok: stubs/m.pyi\n");
        let problem = Finding::problem(
            "config",
            Problem::new("no [tool.pyrefly]", "add to pyproject.toml:")
                .with_lines(vec!["[tool.pyrefly]".into()]),
        );
        assert_eq!(
            render(&problem, 6),
            "config  problem: no [tool.pyrefly]  fix: add to pyproject.toml:\n            [tool.pyrefly]\n"
        );
    }
}
