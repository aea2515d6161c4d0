//! One module per subcommand; `run` hands the parsed command line to it.

mod adopt;
mod dev;
mod doctor;
mod new;
mod show;
mod stubs;
pub mod test;
mod watch;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::project::Project;

pub fn run(cli: Cli) -> Result<ExitCode> {
    // `new` makes the project the other commands read.
    if let Command::New(args) = &cli.command {
        return new::run(args, cli.global.python.as_deref());
    }
    let project = Project::discover(cli.global.project.as_deref(), cli.global.python.as_deref())?;
    match cli.command {
        Command::New(_) => unreachable!("handled above"),
        Command::Adopt(args) => adopt::run(&project, &args),
        Command::Dev(args) => dev::run(&project, &args),
        Command::Watch(args) => watch::run(&project, &args),
        Command::Stubs(args) => stubs::run(&project, &args),
        Command::Test(args) => test::run(&project, &args),
        Command::Doctor(args) => doctor::run(&project, &args),
        Command::Show => show::run(&project),
    }
}
