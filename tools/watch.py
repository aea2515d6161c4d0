"""Rebuild the extension and regenerate the stub whenever a Rust source is saved (opt-in).

Usage: ``python tools/watch.py [--root DIR] [--once] [--command CMD]`` (``make watch``).

Polls the modification times of ``src/**/*.rs``, ``Cargo.toml``, ``Cargo.lock``, ``build.rs``
and ``pyproject.toml`` every 0.5 s (no dependency needed) and runs ``make dev`` once they
have been still for a moment: the extension in ``.venv`` and ``stubs/pyrs.pyi`` follow every
save, so both the next ``python`` run and Pylance see the new code. Ctrl-C stops it.

``--once`` runs a single pass: rebuild if anything changed since the last successful build
this script recorded (``target/watch-state.json``), then exit with the build's status.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

WATCHED_FILES = ("Cargo.toml", "Cargo.lock", "build.rs", "pyproject.toml")
STATE = Path("target") / "watch-state.json"
POLL_SECONDS = 0.5
QUIET_SECONDS = 0.3  # a save often writes several files: wait until they are all written
BUILD_TIMEOUT = 1800.0

Snapshot = dict[str, tuple[int, int]]  # relative path -> (mtime_ns, size)


def snapshot(root: Path) -> Snapshot:
    """The watched files that exist now, with their modification time and size."""
    paths = [root / name for name in WATCHED_FILES]
    paths += (root / "src").rglob("*.rs") if (root / "src").is_dir() else []
    found: Snapshot = {}
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:  # deleted between listing and stat, or absent
            continue
        found[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """What differs, one ``modified/added/removed: path`` line each, sorted by path."""
    lines: list[str] = []
    for name in sorted(before.keys() | after.keys()):
        if name not in before:
            lines.append(f"added: {name}")
        elif name not in after:
            lines.append(f"removed: {name}")
        elif before[name] != after[name]:
            lines.append(f"modified: {name}")
    return lines


def load_state(root: Path) -> Snapshot:
    try:
        data = json.loads((root / STATE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return {str(name): (int(value[0]), int(value[1])) for name, value in data.items()}


def save_state(root: Path, state: Snapshot) -> None:
    (root / STATE).parent.mkdir(parents=True, exist_ok=True)
    (root / STATE).write_text(json.dumps(state, indent=0, sort_keys=True) + "\n")


def settle(root: Path, current: Snapshot) -> Snapshot:
    """Wait until the watched files stop changing (debounce), then return their snapshot."""
    while True:
        time.sleep(QUIET_SECONDS)
        later = snapshot(root)
        if later == current:
            return current
        current = later


def rebuild(root: Path, command: Sequence[str], what: list[str]) -> bool:
    """Run the build command, saying why and how long it took. True when it succeeded."""
    shown = what if len(what) <= 8 else [*what[:8], f"... and {len(what) - 8} more"]
    print(f"watch: {'; '.join(shown)}", flush=True)
    print(f"watch: running {shlex.join(command)}", flush=True)
    started = time.perf_counter()
    try:
        code = subprocess.run(command, cwd=root, timeout=BUILD_TIMEOUT, check=False).returncode
    except subprocess.TimeoutExpired:
        code = -1
    seconds = time.perf_counter() - started
    verdict = "done" if code == 0 else f"FAILED (exit {code})"
    print(f"watch: {verdict} in {seconds:.1f} s", flush=True)
    return code == 0


def once(root: Path, command: Sequence[str]) -> bool:
    """One pass: rebuild if the sources differ from the last successful build's."""
    current = snapshot(root)
    what = changes(load_state(root), current)
    if not what:
        print("watch: up to date", flush=True)
        return True
    ok = rebuild(root, command, what)
    if ok:
        save_state(root, current)
    return ok


def watch(root: Path, command: Sequence[str]) -> None:
    """Poll forever; build at start when the sources changed since the last build."""
    built = load_state(root)
    print(f"watch: watching {root} (Ctrl-C to stop)", flush=True)
    while True:
        current = snapshot(root)
        if current != built:
            current = settle(root, current)
            if rebuild(root, command, changes(built, current)):
                save_state(root, current)
            # A failed build is retried only after the next save, not in a loop.
            built = current
        time.sleep(POLL_SECONDS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="watch.py", description=__doc__)
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="the pyrs checkout to watch (default: the one this file is in)",
    )
    parser.add_argument("--once", action="store_true", help="one rebuild-if-needed pass")
    parser.add_argument(
        "--command", default="make dev", help="the rebuild command (default: make dev)"
    )
    args = parser.parse_args(argv)
    root: Path = args.root.absolute()
    command = shlex.split(args.command)
    if args.once:
        return 0 if once(root, command) else 1
    try:
        watch(root, command)
    except KeyboardInterrupt:
        print("\nwatch: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
