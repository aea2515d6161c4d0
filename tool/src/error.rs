//! The two ways a command ends badly, each with its exit code: the project cannot be read
//! (2: a one-line message naming the file and key, nothing written) or a check failed (1).

use std::path::{Path, PathBuf};

/// A missing or malformed file or key of the project: exit code 2, one line, no backtrace.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", file.display())]
pub struct ConfigError {
    pub file: PathBuf,
    pub message: String,
}

impl ConfigError {
    pub fn new(file: &Path, message: impl Into<String>) -> Self {
        Self { file: file.to_path_buf(), message: message.into() }
    }

    /// A key that must be there and is not.
    pub fn missing(file: &Path, key: &str) -> Self {
        Self::new(file, format!("`{key}` is missing"))
    }

    /// A key whose value has the wrong type or form.
    pub fn invalid(file: &Path, key: &str, expected: &str) -> Self {
        Self::new(file, format!("`{key}` must be {expected}"))
    }
}

/// The exit code for an error that ended a command.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    if error.downcast_ref::<ConfigError>().is_some() {
        2
    } else {
        1
    }
}
