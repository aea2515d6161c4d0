//! The stub is where the model says; a generated one is newer than every build input (a
//! cheap check of modification times, confirmed by `pyrs stubs`' record of the inputs'
//! contents when the times disagree; `pyrs stubs --check` is the thorough check).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{Facts, Finding, Problem};
use crate::project::stub_source::StubSource;
use crate::project::Project;

const CHECK: &str = "stub";

/// The most recently modified build input. `pyproject.toml` is left out: its checker tables
/// change (as doctor itself asks) without changing what the build makes.
pub fn newest_input(project: &Project) -> Option<(PathBuf, SystemTime)> {
    let pyproject = project.root.join("pyproject.toml");
    project
        .build_inputs()
        .into_iter()
        .filter(|path| *path != pyproject)
        .filter_map(|path| Some((modified(&path)?, path)))
        .max()
        .map(|(time, path)| (path, time))
}

pub fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The build input changed after `time`, if any.
pub fn changed_since<'a>(facts: &'a Facts, time: SystemTime) -> Option<&'a Path> {
    facts.newest_input.as_ref().filter(|(_, newest)| *newest > time).map(|(p, _)| p.as_path())
}

pub fn check(facts: &Facts) -> Finding {
    let project = facts.project;
    let stub = facts.show(&project.stub);
    let source = &project.stub_source;
    if !project.stub.is_file() {
        let problem = match source {
            StubSource::Missing => Problem::new(
                format!(
                    "no stub for {} and nothing generates one: checkers see every name in it as \
                     Unknown",
                    project.module()
                ),
                format!(
                    "write {stub} by hand, or turn on pyo3's \"experimental-inspect\" feature (a \
                     declarative #[pymodule] mod) and run pyrs stubs"
                ),
            ),
            _ => Problem::new(
                format!("{stub} is missing (written by {})", source.describe()),
                "pyrs stubs",
            ),
        };
        return Finding::problem(CHECK, problem);
    }
    if !source.is_generated() {
        return Finding::ok(
            CHECK,
            format!("{stub} (written by hand: pyrs test checks it against the module)"),
        );
    }
    let Some(written) = modified(&project.stub) else {
        return Finding::problem(
            CHECK,
            Problem::new(format!("{stub} cannot be read"), "pyrs stubs"),
        );
    };
    if let Some(input) = changed_since(facts, written).filter(|_| !recorded_current(facts)) {
        let message = format!(
            "{stub} is older than {} (changed after the stub was generated)",
            facts.show(input)
        );
        return Finding::problem(CHECK, Problem::new(message, "pyrs stubs"));
    }
    Finding::ok(CHECK, format!("{stub} ({}), newer than every build input", source.describe()))
}

/// Whether `pyrs stubs` recorded this stub as generated from the current inputs' contents: it
/// rewrites only changed bytes, so a regeneration after a mere touch leaves the time old.
fn recorded_current(facts: &Facts) -> bool {
    let Some(interpreter) = &facts.interpreter else { return false };
    let Some(state) = crate::stubs::state::State::load(facts.project) else { return false };
    crate::stubs::state::inputs_digest(facts.project, interpreter)
        .is_ok_and(|digest| state.is_current(&digest))
}
