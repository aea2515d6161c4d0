"""The tool reaches Python users as ruff and uv do: a wheel of maturin's ``bindings = "bin"``,
from a checkout's ``tool/`` folder, with ``uv tool install``, ``pipx install`` or ``pip install``;
and Rust users
with ``cargo install --path``."""

from __future__ import annotations

from pathlib import Path

from tests.tool.tooling import DEV_VENV_BIN, REPO, describe, environment, run

TOOL = REPO / "tool"


def version_line() -> str:
    cargo_toml = (TOOL / "Cargo.toml").read_text()
    version = next(
        line.split('"')[1] for line in cargo_toml.splitlines() if line.startswith("version")
    )
    return f"pyrs {version}"


def test_uv_tool_install_gives_a_working_command(tmp_path: Path) -> None:
    env = environment(UV_TOOL_DIR=str(tmp_path / "tools"), UV_TOOL_BIN_DIR=str(tmp_path / "bin"))
    command = [DEV_VENV_BIN / "uv", "tool", "install", "--quiet", TOOL]
    proc = run(command, cwd=tmp_path, env=env)
    assert proc.returncode == 0, describe(command, proc)
    shown = run([tmp_path / "bin" / "pyrs", "--version"], cwd=tmp_path, check=True)
    assert shown.stdout.strip() == version_line()


def test_pipx_install_gives_a_working_command(tmp_path: Path) -> None:
    env = environment(PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(tmp_path / "bin"))
    command = [DEV_VENV_BIN / "pipx", "install", "--quiet", TOOL]
    proc = run(command, cwd=tmp_path, env=env)
    assert proc.returncode == 0, describe(command, proc)
    shown = run([tmp_path / "bin" / "pyrs", "--version"], cwd=tmp_path, check=True)
    assert shown.stdout.strip() == version_line()


def test_pip_install_gives_a_working_command(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([DEV_VENV_BIN / "uv", "venv", "--quiet", "--seed", venv], cwd=tmp_path, check=True)
    command = [venv / "bin" / "python", "-m", "pip", "install", "--quiet", TOOL]
    proc = run(command, cwd=tmp_path)
    assert proc.returncode == 0, describe(command, proc)
    shown = run([venv / "bin" / "pyrs", "--version"], cwd=tmp_path, check=True)
    assert shown.stdout.strip() == version_line()
    (dist_info,) = venv.glob("lib/python3*/site-packages/pyrs-*.dist-info")
    licences = sorted(path.name for path in (dist_info / "licenses").iterdir())
    assert licences == ["LICENSE-APACHE", "LICENSE-MIT"]


def test_cargo_install_gives_a_working_command(tmp_path: Path) -> None:
    """`cargo install --path tool`, building in tool/'s own target folder (warm)."""
    env = environment(CARGO_TARGET_DIR=str(TOOL / "target"))
    command = ["cargo", "install", "--quiet", "--locked", "--path", TOOL, "--root", tmp_path]
    proc = run(command, cwd=tmp_path, env=env)
    assert proc.returncode == 0, describe(command, proc)
    shown = run([tmp_path / "bin" / "pyrs", "--version"], cwd=tmp_path, check=True)
    assert shown.stdout.strip() == version_line()
