//! The project's interpreter exists, is a CPython, and one the project claims: allowed by
//! `requires-python`, among the `Python :: 3.N` classifiers when it lists any, and no older
//! than the abi3 floor.

use super::{Facts, Finding, Problem};

const CHECK: &str = "interpreter";

pub fn check(facts: &Facts) -> Finding {
    let project = facts.project;
    let choice = &project.interpreter;
    let python = facts.show(&choice.python);
    let wanted = lowest_claimed(project);
    let recreate = match &choice.venv {
        Some(venv) => format!(
            "uv venv --clear --python {} {} && pyrs dev",
            wanted.map_or("3".to_owned(), |(a, b)| format!("{a}.{b}")),
            facts.show(venv)
        ),
        None => "pass --python a CPython the project claims".to_owned(),
    };
    if !choice.exists() {
        let message = format!("{python} does not exist ({})", choice.origin);
        return Finding::problem(CHECK, Problem::new(message, recreate));
    }
    let Some(found) = &facts.interpreter else {
        return Finding::problem(CHECK, Problem::new(format!("{python} does not run"), recreate));
    };
    let (major, minor, patch) = found.version;
    let version = format!("{major}.{minor}.{patch}");
    let mut problems = Vec::new();
    if found.implementation != "cpython" {
        let message = format!("{python} is {} {version}, not CPython", found.implementation);
        problems.push(Problem::new(message, recreate.clone()));
    }
    if let Some(spec) = &project.pyproject.requires_python {
        match allows(spec, found.version) {
            Ok(true) => {}
            Ok(false) => problems.push(Problem::new(
                format!("{python} is Python {version}: requires-python \"{spec}\" excludes it"),
                recreate.clone(),
            )),
            Err(why) => problems.push(Problem::new(
                format!("requires-python \"{spec}\" in pyproject.toml: {why}"),
                "write it as comma-separated specifiers, e.g. requires-python = \">=3.10\"",
            )),
        }
    }
    let claimed = &project.pyproject.claimed_pythons;
    if !claimed.is_empty() && !claimed.contains(&(major, minor)) {
        let list: Vec<String> = claimed.iter().map(|(a, b)| format!("{a}.{b}")).collect();
        problems.push(Problem::new(
            format!(
                "{python} is Python {major}.{minor}, not among the classifiers ({})",
                list.join(", ")
            ),
            format!(
                "{recreate}   (or add \"Programming Language :: Python :: {major}.{minor}\" to \
                 [project] classifiers in pyproject.toml)"
            ),
        ));
    }
    if let Some((a, b)) = project.krate.pyo3.as_ref().and_then(|p| p.abi3()) {
        if (major, minor) < (a, b) {
            problems.push(Problem::new(
                format!("{python} is Python {major}.{minor}, older than pyo3's abi3-py{a}{b}"),
                recreate,
            ));
        }
    }
    let detail = format!("{python} is CPython {version} ({})", choice.origin);
    Finding::from(CHECK, detail, problems)
}

/// The lowest CPython the project claims: of its classifiers, else requires-python's floor.
fn lowest_claimed(project: &crate::project::Project) -> Option<(u32, u32)> {
    if let Some(first) = project.pyproject.claimed_pythons.first() {
        return Some(*first);
    }
    let spec = project.pyproject.requires_python.as_deref()?;
    (8..=14).map(|minor| (3, minor)).find(|&(a, b)| allows(spec, (a, b, 0)).unwrap_or(false))
}

/// Whether a PEP 440 specifier set (`>=3.9, <3.14`, `~=3.10`, `==3.11.*`, `!=3.12.0`)
/// allows `version`.
pub fn allows(spec: &str, version: (u32, u32, u32)) -> Result<bool, String> {
    let have = [version.0, version.1, version.2];
    for clause in spec.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let at =
            clause.find(|c: char| c.is_ascii_digit()).ok_or(format!("no version in `{clause}`"))?;
        let (operator, text) = clause.split_at(at);
        let wildcard = text.ends_with(".*");
        let parts: Vec<u32> = text
            .trim_end_matches(".*")
            .split('.')
            .map(|p| p.trim().parse::<u32>().map_err(|_| format!("cannot read `{clause}`")))
            .collect::<Result<_, _>>()?;
        let padded =
            |n: usize| -> Vec<u32> { (0..n).map(|i| parts.get(i).copied().unwrap_or(0)).collect() };
        let ordering = have.as_slice().cmp(padded(3).as_slice());
        let prefix_matches = have.iter().zip(&parts).all(|(a, b)| a == b);
        let ok = match operator.trim() {
            ">=" => ordering.is_ge(),
            ">" => ordering.is_gt(),
            "<=" => ordering.is_le(),
            "<" => ordering.is_lt(),
            "==" | "===" if wildcard => prefix_matches,
            "==" | "===" => ordering.is_eq(),
            "!=" if wildcard => !prefix_matches,
            "!=" => !ordering.is_eq(),
            "~=" if parts.len() >= 2 => {
                ordering.is_ge() && have.iter().zip(&parts[..parts.len() - 1]).all(|(a, b)| a == b)
            }
            other => return Err(format!("unknown operator `{other}` in `{clause}`")),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::allows;

    #[test]
    fn specifiers() {
        let v311 = (3, 11, 7);
        assert_eq!(allows(">=3.8", v311), Ok(true));
        assert_eq!(allows(">=3.12", v311), Ok(false));
        assert_eq!(allows(">=3.9, <3.11", v311), Ok(false));
        assert_eq!(allows(">=3.9,<3.12", v311), Ok(true));
        assert_eq!(allows("==3.11.*", v311), Ok(true));
        assert_eq!(allows("==3.10.*", v311), Ok(false));
        assert_eq!(allows("!=3.11.*", v311), Ok(false));
        assert_eq!(allows("~=3.10", v311), Ok(true));
        assert_eq!(allows("~=3.11.8", v311), Ok(false));
        assert_eq!(allows(">3.11", v311), Ok(true)); // 3.11.7 > 3.11(.0)
        assert!(allows(">=three", v311).is_err());
    }
}
