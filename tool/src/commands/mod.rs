//! One module per subcommand; `run` hands the parsed command line to it.

mod dev;
mod doctor;
mod show;
mod stubs;
pub mod test;
mod watch;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::project::Project;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let project = Project::discover(cli.global.project.as_deref(), cli.global.python.as_deref())?;
    match cli.command {
        Command::Dev(args) => dev::run(&project, &args),
        Command::Watch(args) => watch::run(&project, &args),
        Command::Stubs(args) => stubs::run(&project, &args),
        Command::Test(args) => test::run(&project, &args),
        Command::Doctor => doctor::run(&project),
        Command::Show => show::run(&project),
    }
}
