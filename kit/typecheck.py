"""Every type checker, strict, on the repo's Python files, at the oldest and the newest Python
version the project supports (``make typecheck``).

    python -m kit.typecheck [--only pyright mypy ...]

Each checker selects the files from its own table in pyproject.toml (the deliberately wrong
fixtures in ``tests/usage/fixtures/`` are left out there; the editor tests check them one
by one). Checking at both ends of the supported range keeps a construct that only exists in
newer Pythons out of the stub and the code. Errors and warnings fail; revealed types do not.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from kit.checkers import BY_NAME, CHECKERS, Checker, Report
from kit.project import Project


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.typecheck", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=sorted(BY_NAME), help="these checkers")
    args = parser.parse_args(argv)
    project = Project()
    checkers = [BY_NAME[name] for name in args.only] if args.only else list(CHECKERS)
    versions = sorted({project.supported_pythons[0], project.supported_pythons[-1]})
    env = project.env()

    def check(job: tuple[Checker, str]) -> tuple[Report, float]:
        started = time.perf_counter()
        report = job[0].run(cwd=project.root, version=job[1], env=env)
        return report, time.perf_counter() - started

    jobs = [(checker, version) for checker in checkers for version in versions]
    failed = 0
    # Two at a time: the machine's two cores; mypy and pyright dominate.
    with ThreadPoolExecutor(2) as pool:
        for (checker, version), (report, seconds) in zip(jobs, pool.map(check, jobs), strict=True):
            problems = report.problems
            verdict = "clean" if not problems else f"{len(problems)} problem(s)"
            print(f"{checker.name:<13} Python {version:<5} {verdict:<16} {seconds:5.1f} s")
            for problem in problems:
                print(f"    {problem}")
            failed += bool(problems)
    if failed:
        print(f"typecheck: {failed} run(s) failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
