//! What adopt prints: the stub route and why, each file changed with its reasons and how
//! many lines it gained, the values the user set differently (kept), and for `--dry-run`
//! the unified diff of every file.

use similar::{ChangeTag, TextDiff};

use super::plan::Plan;
use super::stub_route::{Decision, Route};
use super::FileChange;
use crate::project::Project;

pub fn route(decision: &Decision) {
    let name = match &decision.route {
        Route::Generated(by) => format!("generated ({by})"),
        Route::Introspection { .. } => "PyO3 introspection".to_owned(),
        Route::KeepHand { .. } => "the hand-written stub, kept".to_owned(),
        Route::StubGenSteps { .. } => "pyo3-stub-gen (steps for you)".to_owned(),
        Route::Unknown => "none".to_owned(),
    };
    println!("stub route: {name}");
    println!("  why: {}", decision.why);
    if let Route::StubGenSteps { steps } = &decision.route {
        for (number, step) in steps.iter().enumerate() {
            println!("  {}. {step}", number + 1);
        }
    }
}

/// Lines added and removed by a change.
pub fn counts(change: &FileChange) -> (usize, usize) {
    let before = change.before.as_deref().unwrap_or_default();
    let diff = TextDiff::from_lines(before, &change.after);
    let mut counts = (0, 0);
    for op in diff.iter_all_changes() {
        match op.tag() {
            ChangeTag::Insert => counts.0 += 1,
            ChangeTag::Delete => counts.1 += 1,
            ChangeTag::Equal => {}
        }
    }
    counts
}

fn summary(project: &Project, change: &FileChange) -> String {
    let (added, removed) = counts(change);
    let kind = if change.before.is_none() { "new, " } else { "" };
    let removed = if removed > 0 { format!(", -{removed}") } else { String::new() };
    let reason = if change.reasons.is_empty() {
        "managed configuration".to_owned()
    } else {
        change.reasons.join("; ")
    };
    format!("{} ({kind}+{added}{removed} lines): {reason}", project.display(&change.path))
}

pub fn changed(project: &Project, plan: &Plan, verb: &str) {
    for change in &plan.changes {
        println!("{verb} {}", summary(project, change));
    }
}

pub fn diff(project: &Project, plan: &Plan) {
    for change in &plan.changes {
        let label = project.display(&change.path);
        let before = change.before.as_deref().unwrap_or_default();
        let old =
            if change.before.is_some() { format!("a/{label}") } else { "/dev/null".to_owned() };
        let text = TextDiff::from_lines(before, &change.after)
            .unified_diff()
            .context_radius(3)
            .header(&old, &format!("b/{label}"))
            .to_string();
        print!("{text}");
        if !text.ends_with('\n') {
            println!();
        }
    }
}

pub fn kept(plan: &Plan) {
    for line in &plan.differing {
        println!("kept: {line}");
    }
    for line in &plan.notes {
        println!("note: {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn counts_added_and_removed_lines() {
        let change = FileChange {
            path: PathBuf::from("x"),
            before: Some("a\nb\n".into()),
            after: "a\nc\nd\n".into(),
            reasons: vec![],
        };
        assert_eq!(counts(&change), (2, 1));
    }
}
