"""Run a command in the project's environment (``kit.project.Project.env``):

    python -m kit.run cargo test

``.venv`` first on PATH and PYO3_PYTHON naming its interpreter, exactly as every kit command
runs cargo and maturin, so this command never makes cargo rebuild pyo3 for another Python.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

from kit.project import Project


def main(argv: Sequence[str] | None = None) -> int:
    command = list(sys.argv[1:] if argv is None else argv)
    if not command:
        print(__doc__, file=sys.stderr)
        return 2
    project = Project()
    return subprocess.run(command, cwd=project.root, env=project.env(), check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
