//! The unified diff `pyrs stubs --check` prints for a stale stub.

use similar::TextDiff;

/// The diff from the committed stub to the generated one ("" when equal). `path` is how
/// the file is named in the headers.
pub fn unified(path: &str, committed: &str, generated: &str) -> String {
    if committed == generated {
        return String::new();
    }
    TextDiff::from_lines(committed, generated)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path} (committed)"), &format!("b/{path} (from the Rust source)"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_both_sides_and_the_change() {
        let diff = unified("m.pyi", "a\nb\nc\n", "a\nB\nc\n");
        let lines: Vec<&str> = diff.lines().collect();
        assert_eq!(lines[0], "--- a/m.pyi (committed)");
        assert_eq!(lines[1], "+++ b/m.pyi (from the Rust source)");
        assert!(lines.contains(&"-b"));
        assert!(lines.contains(&"+B"));
    }

    #[test]
    fn equal_is_empty() {
        assert_eq!(unified("m.pyi", "a\n", "a\n"), "");
    }
}
