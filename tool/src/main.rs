//! `pyrs`: typed Rust extensions for Python, for any maturin project.

mod adopt;
mod checkers;
mod cli;
mod commands;
mod dev;
mod doctor;
mod error;
mod interpreter;
mod matrix;
mod new;
mod pins;
mod process;
mod project;
mod pythons;
mod stubs;
mod suite;
mod venv;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            // One line: the cause chain joined, never a backtrace.
            eprintln!("pyrs: {}", error_line(&error));
            ExitCode::from(error::exit_code(&error))
        }
    }
}

fn error_line(error: &anyhow::Error) -> String {
    error.chain().map(ToString::to_string).collect::<Vec<_>>().join(": ")
}
