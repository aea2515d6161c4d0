//! `pyrs adopt`: plan the managed configuration, refuse a tree with uncommitted changes to
//! the files it would touch, write the plan, then regenerate the stub when it is generated.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::adopt::plan::{self, Plan, VERSION};
use crate::adopt::stub_route::{self, Decision, Route, Trial};
use crate::adopt::{report, vcs, write_all};
use crate::cli::AdoptArgs;
use crate::project::Project;
use crate::stubs;

pub fn run(project: &Project, args: &AdoptArgs) -> Result<ExitCode> {
    if args.check {
        return Ok(check(project));
    }
    // Without a build: what adopt may touch, for the refusal, before anything runs.
    let quick = stub_route::decide(project, Trial::None)?;
    let quick_plan = plan::compute(project, &quick)?;
    if !args.force && !args.dry_run {
        let dirty = vcs::uncommitted(&project.root, &touched(project, &quick, &quick_plan))?;
        if !dirty.is_empty() {
            for path in &dirty {
                eprintln!(
                    "pyrs adopt: {} has uncommitted changes: commit them or pass --force \
                     (nothing was changed)",
                    project.display(path)
                );
            }
            return Ok(ExitCode::from(2));
        }
    }
    let (decision, plan) = if needs_trial(&quick) {
        let lock = project.krate.workspace_root.join("Cargo.lock");
        let trial = match (args.dry_run, lock.is_file()) {
            (false, _) => Trial::Build,
            (true, true) => Trial::Locked,
            (true, false) => Trial::None,
        };
        let decision = stub_route::decide(project, trial)?;
        let plan = plan::compute(project, &decision)?;
        (decision, plan)
    } else {
        (quick, quick_plan)
    };
    report::route(&decision);
    let regenerate = generates(&decision) && (!plan.changes.is_empty() || !project.stub.is_file());
    if args.dry_run {
        report::diff(project, &plan);
        report::changed(project, &plan, "would change");
        if regenerate {
            println!("would regenerate {}", project.display(&project.stub));
        }
        report::kept(&plan);
        if plan.changes.is_empty() && !regenerate {
            println!("pyrs adopt: up to date (managed configuration {VERSION})");
        }
        return Ok(ExitCode::SUCCESS);
    }
    if plan.changes.is_empty() && !regenerate {
        report::kept(&plan);
        println!("pyrs adopt: up to date (managed configuration {VERSION})");
        return Ok(ExitCode::SUCCESS);
    }
    write_all(&plan.changes)?;
    report::changed(project, &plan, "changed");
    if regenerate {
        regenerate_stub(project, &decision)?;
    }
    report::kept(&plan);
    println!("pyrs adopt: done (managed configuration {VERSION}); next: pyrs dev, pyrs doctor");
    Ok(ExitCode::SUCCESS)
}

/// A hand stub of a declarative module: the trial generation decides whether it stays.
fn needs_trial(decision: &Decision) -> bool {
    matches!(&decision.route, Route::KeepHand { missing } if missing == &["not compared yet"])
}

fn generates(decision: &Decision) -> bool {
    matches!(decision.route, Route::Generated(_) | Route::Introspection { .. })
}

/// Every file adopt may write: the plan's, and the stub and manifest when the route may
/// generate the stub or turn introspection on.
fn touched(project: &Project, decision: &Decision, plan: &Plan) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = plan.changes.iter().map(|c| c.path.clone()).collect();
    let regenerates = generates(decision) && (!plan.changes.is_empty() || !project.stub.is_file());
    if needs_trial(decision) {
        paths.push(project.krate.manifest.clone());
        paths.push(project.stub.clone());
    } else if regenerates {
        paths.push(project.stub.clone());
    }
    paths.sort();
    paths.dedup();
    paths
}

/// `pyrs stubs`, on the project as adopt left it (re-read: the feature may be new).
fn regenerate_stub(before: &Project, decision: &Decision) -> Result<()> {
    let project = Project::load(&before.root, Some(&before.interpreter.python))?;
    let stub = project.display(&project.stub);
    if !project.interpreter.exists() {
        println!(
            "{stub}: written by `pyrs dev` ({} does not exist yet)",
            project.display(&project.interpreter.python)
        );
        return Ok(());
    }
    let interpreter = project.interpreter.query()?;
    let outcome = match stubs::check(&project, &interpreter)? {
        stubs::Check::Stale(stale) => stubs::regenerate(&project, &interpreter, stale, None)?,
        stubs::Check::Current => stubs::Refreshed::Current,
        stubs::Check::NotGenerated => stubs::Refreshed::NotGenerated,
    };
    let replaced = matches!(&decision.route, Route::Introspection { replaces: Some(_) });
    match outcome {
        stubs::Refreshed::Rewritten if replaced => {
            println!("replaced {stub}: the generated stub says all it said, from the Rust source");
        }
        stubs::Refreshed::Rewritten => println!("wrote {stub} (generated from the Rust source)"),
        stubs::Refreshed::Unchanged | stubs::Refreshed::Current => println!("{stub} is current"),
        stubs::Refreshed::NotGenerated => println!("{stub} is not generated"),
    }
    Ok(())
}

/// `--check`: whether the managed configuration is this pyrs's.
fn check(project: &Project) -> ExitCode {
    let recorded = project.pyproject.get("tool.pyrs.managed").and_then(toml::Value::as_str);
    let Some(recorded) = recorded else {
        println!(
            "pyrs adopt --check: pyproject.toml has no managed configuration ([tool.pyrs] \
             managed): run `pyrs adopt`"
        );
        return ExitCode::from(1);
    };
    let parse = |v: &str| semver::Version::parse(v).ok();
    match (parse(recorded), parse(VERSION)) {
        (Some(found), Some(ours)) if found == ours => {
            println!("pyrs adopt --check: managed configuration {recorded} is current");
            ExitCode::SUCCESS
        }
        (Some(found), Some(ours)) if found > ours => {
            println!(
                "pyrs adopt --check: managed configuration {recorded} is newer than this pyrs \
                 ({VERSION}): upgrade pyrs"
            );
            ExitCode::from(1)
        }
        _ => {
            println!(
                "pyrs adopt --check: managed configuration {recorded} is older than this pyrs \
                 ({VERSION}): run `pyrs adopt` to update it"
            );
            ExitCode::from(1)
        }
    }
}
