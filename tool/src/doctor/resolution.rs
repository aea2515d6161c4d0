//! What each of the six checkers, run as the editor runs it, resolves the module to, and
//! whether it types the module from the stub: a probe file imports the module and reveals
//! the type of one of its names (read from the stub). A problem when the file is not the
//! stub (the copy in the venv, the compiled module, nothing) or the type is Unknown/Any.

use std::path::Path;
use std::thread::{Scope, ScopedJoinHandle};

use super::python_names;
use super::{config, probe_cache, Finding, Problem};
use crate::checkers::resolve::{self, ProbeFile, Seen};
use crate::checkers::{self, Checker};
use crate::project::stub_source::StubSource;
use crate::project::Project;

/// The probes, running.
pub enum Running<'scope> {
    Started {
        /// Holds the probe file until every checker is done.
        _dir: tempfile::TempDir,
        probe: ProbeFile,
        stub_mentions_any: bool,
        threads: Vec<(Checker, ScopedJoinHandle<'scope, Seen>)>,
        key: String,
    },
    /// Nothing the checkers read changed since the last run: its answers.
    Cached {
        probe: ProbeFile,
        stub_mentions_any: bool,
        seen: Vec<(String, Seen)>,
    },
    Failed(String),
}

/// Writes the probe and starts the six checkers on it, each in its own thread.
pub fn start<'scope>(
    scope: &'scope Scope<'scope, '_>,
    project: &'scope Project,
    fresh: bool,
) -> Running<'scope> {
    let stub_text = std::fs::read_to_string(&project.stub).unwrap_or_default();
    let names = python_names::read(&stub_text);
    let module = project.module();
    // A function shows its whole signature; else a class; else the module itself.
    let item = names.public.iter().find(|i| !i.is_class).or_else(|| names.public.first());
    let expression = item.map_or(module.to_owned(), |i| format!("{module}.{}", i.name));
    let stub_mentions_any = item.is_some_and(|i| has_word(&i.header, "Any"));
    let key = probe_cache::key(project, &format!("{module}\n{expression}"));
    if let Some(seen) = probe_cache::load(project, &key).filter(|_| !fresh) {
        let probe = ProbeFile::new(project, module, &expression, Path::new(""));
        return Running::Cached { probe, stub_mentions_any, seen };
    }
    let dir = match tempfile::Builder::new().prefix("pyrs-doctor-").tempdir() {
        Ok(dir) => dir,
        Err(error) => {
            return Running::Failed(format!("cannot make a folder for the probe: {error}"))
        }
    };
    let probe = ProbeFile::new(project, module, &expression, dir.path());
    if let Err(error) = std::fs::write(&probe.path, &probe.text) {
        return Running::Failed(format!("cannot write {}: {error}", probe.path.display()));
    }
    let threads = checkers::ALL
        .iter()
        .map(|checker| {
            let probe = probe.clone();
            (*checker, scope.spawn(move || resolve::probe(checker, project, &probe)))
        })
        .collect();
    Running::Started { _dir: dir, probe, stub_mentions_any, threads, key }
}

/// Waits for the probes; one finding per checker.
pub fn finish(project: &Project, running: Running) -> Vec<Finding> {
    let (probe, stub_mentions_any, seen, cached) = match running {
        Running::Failed(why) => {
            return vec![Finding::problem("checkers", Problem::new(why, "pyrs doctor (again)"))]
        }
        Running::Cached { probe, stub_mentions_any, seen } => {
            (probe, stub_mentions_any, seen, true)
        }
        Running::Started { probe, stub_mentions_any, threads, key, _dir } => {
            let joined: Vec<(String, Seen)> = threads
                .into_iter()
                .map(|(checker, thread)| {
                    let seen = thread.join().unwrap_or_else(|_| Seen {
                        failure: Some("its probe panicked".to_owned()),
                        ..Seen::default()
                    });
                    (checker.name.to_owned(), seen)
                })
                .collect();
            probe_cache::save(project, &key, &joined);
            (probe, stub_mentions_any, joined, false)
        }
    };
    let mut findings: Vec<Finding> = seen
        .iter()
        .map(|(checker, seen)| judge(project, checker, seen, &probe, stub_mentions_any))
        .collect();
    if cached {
        findings.push(Finding::ok(
            "checkers",
            "answers of the last run: nothing they read has changed since",
        ));
    }
    findings
}

fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == word)
}

fn same_file(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    canonical(a) == canonical(b)
}

/// Where a resolved file is, as the user finds it.
fn describe(project: &Project, file: &Path) -> String {
    let shown = project.display(file);
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.ends_with(".so") || name.ends_with(".pyd") {
        return format!("{shown} (the compiled module: every name Unknown)");
    }
    let in_venv = project.interpreter.venv.as_ref().is_some_and(|v| {
        file.starts_with(v)
            || file.canonicalize().is_ok_and(|f| v.canonicalize().is_ok_and(|v| f.starts_with(v)))
    });
    if in_venv {
        return format!("{shown} (the copy installed in the venv)");
    }
    shown
}

pub fn judge(
    project: &Project,
    checker: &str,
    seen: &Seen,
    probe: &ProbeFile,
    stub_mentions_any: bool,
) -> Finding {
    let check = format!("checker {checker}");
    let module = &probe.module;
    let stub = project.display(&project.stub);
    let rerun = format!("run `{}` to see {checker}'s error", seen.command);
    let Some(resolved) = seen.resolved.as_deref().filter(|f| same_file(f, &project.stub)) else {
        let found = seen.resolved.as_deref().map_or("nothing".to_owned(), |f| describe(project, f));
        if seen.resolved.is_none() {
            if let Some(failure) = &seen.failure {
                return Finding::problem(
                    check,
                    Problem::new(format!("{checker} fails: {failure}"), rerun),
                );
            }
        }
        let message = format!("{checker} resolves {module} to {found}, not {stub}");
        if seen.has_rule(&["import-untyped"]) {
            if let Some(marker) = project.py_typed().filter(|m| !m.is_file()) {
                let message = format!("{message}: {} is missing", project.display(&marker));
                let fix = format!("touch {}", project.display(&marker));
                return Finding::problem(check, Problem::new(message, fix));
            }
        }
        if let Some(cause) = config::problem_for(project, checker) {
            let problem = Problem { message: format!("{message} ({})", cause.message), ..cause };
            return Finding::problem(check, problem);
        }
        let fix = if project.stub_source.is_generated() && !project.stub.is_file() {
            "pyrs stubs"
        } else {
            "pyrs dev   (an editable install that checkers can follow)"
        };
        return Finding::problem(check, Problem::new(message, fix));
    };
    let shown = project.display(resolved);
    if let Some(failure) = &seen.failure {
        let message = format!("{checker} resolves {module} to {shown} but fails: {failure}");
        return Finding::problem(check, Problem::new(message, rerun));
    }
    if seen.has_rule(&["reportMissingModuleSource"]) {
        let message =
            format!("{checker} finds {shown} but no compiled {module} beside it or installed");
        return Finding::problem(check, Problem::new(message, "pyrs dev"));
    }
    let Some(revealed) = seen.revealed() else {
        let message = format!(
            "{checker} resolves {module} to {shown} but reveals no type for {}",
            probe.expression
        );
        return Finding::problem(check, Problem::new(message, rerun));
    };
    let untyped =
        has_word(&revealed, "Unknown") || (!stub_mentions_any && has_word(&revealed, "Any"));
    if untyped {
        let message = format!(
            "{checker} resolves {module} to {shown} but types {} as {revealed}",
            probe.expression
        );
        let fix = match project.stub_source {
            StubSource::Hand | StubSource::Missing => {
                format!("annotate {} in {stub}", probe.expression)
            }
            _ => "pyrs stubs".to_owned(),
        };
        return Finding::problem(check, Problem::new(message, fix));
    }
    Finding::ok(check, format!("{module} -> {shown}; {}: {revealed}", probe.expression))
}

#[cfg(test)]
mod tests {
    use super::has_word;

    #[test]
    fn words() {
        assert!(has_word("def (x: Any) -> int", "Any"));
        assert!(!has_word("def (x: AnyStr) -> int", "Any"));
        assert!(has_word("Unknown", "Unknown"));
    }
}
