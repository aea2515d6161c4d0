"""VS Code's settings as VS Code reads them: shared by doctor and the editor tests.

``.vscode/*.json`` is JSON with comments and trailing commas; ``json5`` parses it (a strict
superset). Values may use ``${workspaceFolder}``-style variables, expanded here the way VS
Code expands them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, cast

import json5

SETTINGS = Path(".vscode") / "settings.json"
TASKS = Path(".vscode") / "tasks.json"


def read(path: Path) -> dict[str, Any]:
    """A ``.vscode/*.json`` file as a dict (ValueError if it does not parse to an object)."""
    data: object = json5.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the top level is not an object")
    return cast("dict[str, Any]", data)


def flat_settings(root: Path) -> dict[str, Any]:
    """``.vscode/settings.json`` as dotted keys: ``{"python": {"analysis": {...}}}`` and
    ``"python.analysis.x"`` both become ``"python.analysis.x"``. Language sections
    (``"[python]"``) and other objects stay whole."""
    flat: dict[str, Any] = {}

    def walk(prefix: str, value: dict[str, Any]) -> None:
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(item, dict) and not key.startswith("[") and name.startswith("python"):
                walk(name, cast("dict[str, Any]", item))
            else:
                flat[name] = item

    walk("", read(root / SETTINGS))
    return flat


def nested_settings(flat: dict[str, Any]) -> dict[str, Any]:
    """Dotted keys as the nested objects that a language server's ``workspace/configuration``
    sections (``python``, ``python.analysis``) are looked up in."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, leaf = [key] if key.startswith("[") else key.split(".")
        node = nested
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ValueError(f"setting {key!r} clashes with another")
            node = cast("dict[str, Any]", child)
        node[leaf] = value
    return nested


def expand(value: str, root: Path) -> str:
    """VS Code's variables in a setting: ``${workspaceFolder}``, ``${workspaceFolderBasename}``,
    ``${userHome}``, ``${env:NAME}`` (others are left as they are)."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "workspaceFolder":
            return str(root)
        if name == "workspaceFolderBasename":
            return root.name
        if name == "userHome":
            return str(Path.home())
        if name.startswith("env:"):
            return os.environ.get(name.removeprefix("env:"), "")
        return match.group(0)

    return re.sub(r"\$\{([^}]+)\}", substitute, value)


def expand_all(value: Any, root: Path) -> Any:
    """``expand`` through every string of a settings value."""
    if isinstance(value, str):
        return expand(value, root)
    if isinstance(value, dict):
        return {k: expand_all(v, root) for k, v in cast("dict[str, Any]", value).items()}
    if isinstance(value, list):
        return [expand_all(v, root) for v in cast("list[object]", value)]
    return value


def setting_path(value: str, root: Path) -> Path:
    """A path setting as an absolute, normalised path (variables, ``~``, relative to the
    workspace)."""
    expanded = Path(expand(value, root)).expanduser()
    return Path(os.path.normpath(root / expanded))
