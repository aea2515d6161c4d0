"""Rebuild the extension and regenerate the stub on every save of a Rust source (opt-in).

    python -m kit.watch [--root DIR] [--command CMD]     (make watch, VS Code task "watch")

Waits for file-system events (``watchfiles``: the OS's notification API through Rust's
``notify``, no polling) on ``*.rs``, ``*.toml`` and ``Cargo.lock`` outside the build and
output folders, lets a burst of saves settle, and runs ``python -m kit.dev`` once for the
burst: the extension in ``.venv`` (replaced in place, about a second after a warm one-line
edit) and the stub in ``stubs/`` follow every save, so both the next ``python`` run and the
editor see the new code. cargo decides what the change means (a save that changes nothing
rebuilds nothing). Saves made during a build are picked up by the next one. A failed build
leaves the installed extension as it was and shows cargo's error once; the watcher waits
for the next save. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import watchfiles
from typing_extensions import override

from kit.project import Project

# What cargo may care about; cargo itself decides what needs rebuilding.
WATCHED_SUFFIXES = (".rs", ".toml", ".lock")
# Build outputs, environments and the stub the build itself writes: never a reason to build.
IGNORED_FOLDERS = {"target", ".venv", ".git", "stubs", "__pycache__", "fuzz", "node_modules"}
# A save often writes several files: wait this long (ms) without events before building.
SETTLE_MS = 50
BUILD_TIMEOUT = 1800.0


class SourceFilter(watchfiles.DefaultFilter):
    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    @override
    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        relative = Path(path).relative_to(self.root)
        if IGNORED_FOLDERS.intersection(relative.parts[:-1]):
            return False
        return path.endswith(WATCHED_SUFFIXES) and super().__call__(change, path)


def rebuild(root: Path, command: Sequence[str], changed: Sequence[str]) -> bool:
    """Run the build command, saying why and how long it took. True when it succeeded."""
    shown = [*changed[:8], f"... and {len(changed) - 8} more"] if len(changed) > 8 else changed
    print(f"watch: changed {', '.join(shown)}", flush=True)
    print(f"watch: running {shlex.join(command)}", flush=True)
    started = time.perf_counter()
    try:
        code = subprocess.run(command, cwd=root, timeout=BUILD_TIMEOUT, check=False).returncode
    except subprocess.TimeoutExpired:
        code = -1
    verdict = "done" if code == 0 else f"FAILED (exit {code}); waiting for the next save"
    print(f"watch: {verdict} in {time.perf_counter() - started:.1f} s", flush=True)
    return code == 0


def watch(root: Path, command: Sequence[str]) -> None:
    """Build once (the sources may have changed while nobody watched), then on every save.

    The first build runs while the watcher sets itself up (about a second for a checkout
    with a large target folder: the OS watches every folder), so that a save made during
    that build is seen and builds again once it is done."""
    print(f"watch: watching {root} (Ctrl-C to stop)", flush=True)
    first = threading.Thread(target=rebuild, args=(root, command, ["(start)"]), daemon=True)
    first.start()
    for changes in watchfiles.watch(
        root, watch_filter=SourceFilter(root), step=SETTLE_MS, raise_interrupt=True
    ):
        first.join()  # one build at a time
        changed = sorted({Path(path).relative_to(root).as_posix() for _, path in changes})
        rebuild(root, command, changed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.watch", description=__doc__)
    parser.add_argument("--root", type=Path, help="the checkout to watch (default: this one)")
    parser.add_argument("--command", help="the rebuild command (default: python -m kit.dev)")
    args = parser.parse_args(argv)
    project = Project(args.root.resolve()) if args.root else Project()
    command = shlex.split(args.command) if args.command else [str(project.python), "-m", "kit.dev"]
    # Ctrl-C, and a terminate (VS Code stopping its task), stop it cleanly, even when it was
    # started in the background by a shell, which leaves SIGINT ignored: Python then installs
    # no handler of its own, and Ctrl-C would never reach it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        watch(project.root, command)
    except KeyboardInterrupt:
        print("\nwatch: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
