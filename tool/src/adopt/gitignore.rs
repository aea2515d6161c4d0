//! `.gitignore`: which wanted paths it already ignores (a small matcher of gitignore's
//! patterns: anchored or not, `*`, `**`, folders, negations), and the lines to add for the
//! others at the end of the file, the rest of it untouched.

/// A path pyrs wants ignored, and the line that ignores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// A sample path relative to the repository root (`target/`, `python/pkg/x.so`); a
    /// trailing `/` marks a folder.
    pub sample: String,
    pub line: String,
}

/// The new text with the missing lines appended (None: everything already ignored).
pub fn merge(existing: Option<&str>, wanted: &[Wanted]) -> Option<(String, Vec<String>)> {
    let text = existing.unwrap_or_default();
    let missing: Vec<String> =
        wanted.iter().filter(|w| !ignores(text, &w.sample)).map(|w| w.line.clone()).collect();
    if missing.is_empty() {
        return None;
    }
    let mut out = text.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str("# Build outputs (added by pyrs adopt)\n");
    for line in &missing {
        out.push_str(line);
        out.push('\n');
    }
    Some((out, missing))
}

/// Whether the patterns of `text` ignore `path` (the last matching pattern decides).
pub fn ignores(text: &str, path: &str) -> bool {
    let is_dir = path.ends_with('/');
    let path = path.trim_end_matches('/');
    let mut ignored = false;
    for raw in text.lines() {
        let line = raw.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (negated, pattern) = match line.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        if matches(pattern, path, is_dir) {
            ignored = !negated;
        }
    }
    ignored
}

/// A pattern matches the path or one of its parent folders.
fn matches(pattern: &str, path: &str, is_dir: bool) -> bool {
    let dir_only = pattern.ends_with('/');
    let pattern = pattern.trim_end_matches('/');
    let anchored = pattern.contains('/');
    let pattern = pattern.trim_start_matches('/');
    let parts: Vec<&str> = path.split('/').collect();
    for end in 1..=parts.len() {
        // A folder pattern matches a parent folder, or the path when it is a folder.
        let whole = end == parts.len();
        if dir_only && whole && !is_dir {
            continue;
        }
        let candidate = parts[..end].join("/");
        let hit = if anchored { glob(pattern, &candidate) } else { glob(pattern, parts[end - 1]) };
        if hit {
            return true;
        }
    }
    false
}

/// `*` matches within a path part, `**` across parts, `?` one character.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    glob_at(&p, &t)
}

fn glob_at(p: &[char], t: &[char]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some('*') if p.get(1) == Some(&'*') => {
            let rest = p[2..].strip_prefix(&['/']).unwrap_or(&p[2..]);
            (0..=t.len()).any(|i| glob_at(rest, &t[i..]))
        }
        Some('*') => (0..=t.len())
            .take_while(|&i| i == 0 || t[i - 1] != '/')
            .any(|i| glob_at(&p[1..], &t[i..])),
        Some('?') => t.first().is_some_and(|c| *c != '/') && glob_at(&p[1..], &t[1..]),
        Some(c) => t.first() == Some(c) && glob_at(&p[1..], &t[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maturin_templates_ignore_target_and_so() {
        let text = "/target\n\n# C extensions\n*.so\n.vscode/\n";
        assert!(ignores(text, "target/"));
        assert!(ignores(text, "python/pkg/pkg.cpython-312-x86_64-linux-gnu.so"));
        assert!(!ignores(text, "python/pkg/pkg.pyd"));
        assert!(ignores(text, ".vscode/settings.json"));
        assert!(!ignores(text, "src/lib.rs"));
    }

    #[test]
    fn anchors_negations_and_double_stars() {
        assert!(!ignores("/target\n", "sub/target/"));
        assert!(ignores("target/\n", "sub/target/"));
        assert!(!ignores("target/\n", "target"));
        assert!(ignores("python/**/*.so\n", "python/a/b/x.so"));
        assert!(!ignores("*.so\n!python/pkg/*.so\n", "python/pkg/x.so"));
    }

    #[test]
    fn appends_only_what_is_missing() {
        let wanted = [
            Wanted { sample: "target/".into(), line: "/target/".into() },
            Wanted { sample: "python/p/x.so".into(), line: "/python/p/*.so".into() },
            Wanted { sample: "python/p/x.pyd".into(), line: "/python/p/*.pyd".into() },
        ];
        let (text, added) = merge(Some("/target\n*.so"), &wanted).unwrap();
        assert_eq!(added, ["/python/p/*.pyd"]);
        assert!(text.starts_with("/target\n*.so\n\n# Build outputs"));
        assert!(merge(Some(&text), &wanted).is_none());
        let (fresh, _) = merge(None, &wanted).unwrap();
        assert!(fresh.starts_with("# Build outputs"));
    }
}
