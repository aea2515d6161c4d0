"""CI workflows: the demo's (``.github/workflows/``) and the one ``pyrs new`` writes are valid
against GitHub's workflow schema and zizmor finds nothing in them (pedantic persona); a new
project gets that one workflow only (adopt adds no stub-check workflow beside it, since it
runs ``pyrs test``); and the Linux test job of a new project's workflow runs here as written,
step by step, in a fresh clone of the project, with this checkout's pyrs in place of the step
that installs pyrs from PyPI.

check-jsonschema and zizmor are .venv's, pinned in the dev group (zizmor ``--offline``: no
GitHub API); the workflows are read with the ruamel.yaml check-jsonschema brings (a YAML 1.2
parser: ``on`` stays a key).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.tool.test_new import New, new, uninstall, unique_name
from tests.tool.tooling import DEV_VENV_BIN, PYRS, REPO, describe, environment, run

CHECK_JSONSCHEMA = DEV_VENV_BIN / "check-jsonschema"
ZIZMOR = DEV_VENV_BIN / "zizmor"
DEMO_WORKFLOWS = REPO / ".github" / "workflows"
WORKFLOW = ".github/workflows/ci.yml"
# The step `pyrs new`'s workflow installs pyrs with: replaced here by this checkout's binary.
INSTALL_FROM_PYPI = re.compile(r"^uv tool install pyrs==(?P<version>\S+)$")
# GitHub's `bash` shell (the default on Linux runners).
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]
TO_JSON = (
    "import json, sys, ruamel.yaml; "
    "print(json.dumps(ruamel.yaml.YAML(typ='safe', pure=True).load(open(sys.argv[1]))))"
)

Json = dict[str, Any]


def read_workflow(path: Path) -> Json:
    proc = run([DEV_VENV_BIN / "python", "-c", TO_JSON, path], cwd=path.parent)
    assert proc.returncode == 0, describe(["yaml to json", path], proc)
    loaded: Json = json.loads(proc.stdout)
    return loaded


def assert_valid(workflows: list[Path]) -> None:
    """GitHub's workflow schema, then zizmor (every audit, offline): no finding."""
    assert workflows, "no workflow"
    schema = [CHECK_JSONSCHEMA, "--builtin-schema", "vendor.github-workflows", *workflows]
    proc = run(schema, cwd=workflows[0].parent)
    assert proc.returncode == 0, describe(schema, proc)
    zizmor: list[str | Path] = [
        ZIZMOR,
        "--offline",
        "--persona",
        "pedantic",
        "--no-progress",
        *workflows,
    ]
    proc = run(zizmor, cwd=workflows[0].parent)
    assert proc.returncode == 0, describe(zizmor, proc)
    assert "No findings to report" in proc.stdout, describe(zizmor, proc)


def test_demo_workflows_are_valid() -> None:
    assert_valid(sorted(DEMO_WORKFLOWS.glob("*.yml")))


@pytest.fixture(scope="module", params=["mixed", "pure"])
def made(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    shared_venv: Path,
    pyrs_binary: Path,
) -> Generator[New]:
    layout = str(request.param)
    name = unique_name(f"ci_{layout}")
    project = new(tmp_path_factory.mktemp(f"ci-{layout}"), name, layout, shared_venv)
    yield project
    uninstall(shared_venv, name)


def test_new_project_has_one_valid_workflow(made: New) -> None:
    workflows = sorted((made.root / ".github" / "workflows").iterdir())
    # pyrs-stubs.yml is not added beside it: ci.yml's `pyrs test` checks the stub.
    assert [w.name for w in workflows] == ["ci.yml"]
    tracked = run(["git", "ls-files", WORKFLOW], cwd=made.root, check=True).stdout
    assert tracked.strip() == WORKFLOW
    assert_valid(workflows)
    workflow = read_workflow(made.root / WORKFLOW)
    assert set(workflow["jobs"]) == {"test", "wheels", "sdist", "publish"}
    # The OIDC token on the publishing job only.
    for name, job in workflow["jobs"].items():
        assert ("id-token" in job.get("permissions", {})) == (name == "publish"), name


def base_python() -> Path:
    """The interpreter the dev venv was made from, as setup-python would give it."""
    code = "import sys; print(sys._base_executable)"
    proc = run([DEV_VENV_BIN / "python", "-c", code], cwd=REPO, check=True)
    return Path(proc.stdout.strip())


def expand(text: str, values: Mapping[str, str]) -> str:
    """`text` with each `${{ expression }}` replaced by its value; an unknown one fails."""

    def value(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        assert expression in values, f"no local value for ${{{{ {expression} }}}} in {text!r}"
        return values[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def link(folder: Path, name: str, target: Path) -> None:
    (folder / name).symlink_to(target)


def test_linux_test_job_runs_here(made: New, tmp_path: Path) -> None:
    job = read_workflow(made.root / WORKFLOW)["jobs"]["test"]
    matrix = job["strategy"]["matrix"]
    assert "ubuntu-latest" in matrix["os"]
    python = base_python()
    code = "import sys; print('%d.%d' % sys.version_info[:2])"
    version = run([python, "-c", code], cwd=tmp_path, check=True).stdout.strip()
    assert version in matrix["python"], f"CPython {version} is not in the job's matrix"
    values = {
        "matrix.os": "ubuntu-latest",
        "matrix.python": version,
        "steps.python.outputs.python-path": str(python),
    }
    # What the `uses:` steps leave on a runner, on PATH first: python, uv, and pyrs.
    tools = tmp_path / "bin"
    tools.mkdir()
    checkout = tmp_path / "checkout"
    run(["git", "clone", "--quiet", made.root, checkout], cwd=tmp_path, check=True)
    installed = False
    last: subprocess.CompletedProcess[str] | None = None
    for step in job["steps"]:
        if "uses" in step:
            action = step["uses"].split("@")[0]
            if action == "actions/checkout":
                continue  # the clone above
            if action == "actions/setup-python":
                assert expand(step["with"]["python-version"], values) == version
                link(tools, "python", python)
                link(tools, "python3", python)
            elif action == "astral-sh/setup-uv":
                uv = run([DEV_VENV_BIN / "uv", "--version"], cwd=tmp_path, check=True)
                assert uv.stdout.split()[1] == step["with"]["version"], uv.stdout
                link(tools, "uv", DEV_VENV_BIN / "uv")
            else:
                pytest.fail(f"no local stand-in for {action}")
            continue
        script = step["run"].strip()
        pinned = INSTALL_FROM_PYPI.match(script)
        if pinned:
            # From PyPI on a runner; this checkout's build here, at the same version.
            shown = run([PYRS, "--version"], cwd=tmp_path, check=True).stdout.split()
            assert shown == ["pyrs", pinned["version"]]
            link(tools, "pyrs", PYRS)
            installed = True
            continue
        assert step.get("shell", "bash") == "bash", step
        env = environment(**{k: expand(str(v), values) for k, v in step.get("env", {}).items()})
        env["PATH"] = f"{tools}:{env['PATH']}"
        proc = run([*BASH, expand(script, values)], cwd=checkout, env=env)
        assert proc.returncode == 0, describe([step.get("name", script)], proc)
        last = proc
    assert installed, "no step installs pyrs from PyPI"
    assert job["steps"][-1]["run"].strip() == "pyrs test"
    assert last is not None
    assert re.search(r"^5 passed, 0 failed$", last.stdout, re.MULTILINE), last.stdout
    # The job made its own venv, with the CPython it was given, and built the extension in it.
    module = f"{made.name}._native" if made.layout == "mixed" else made.name
    code = f"import sys, {module}; print('%d.%d' % sys.version_info[:2])"
    built = run([checkout / ".venv" / "bin" / "python", "-c", code], cwd=checkout, check=True)
    assert built.stdout.strip() == version
