"""VS Code's JSON with comments (``.vscode/*.json``), read as plain JSON.

Shared by ``pyrs_doctor`` and the editor tests, so both read settings the same way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast


def strip_jsonc(text: str) -> str:
    """JSON with comments (VS Code's settings format) to plain JSON.

    Removes `//` and `/* */` comments, then trailing commas; both only outside strings, so a
    `//` (a URL) or `,}` inside a string is kept. Line breaks are kept, so a JSON error still
    points at the right line.
    """
    return _drop_trailing_commas(_drop_comments(text))


def _string_end(text: str, start: int) -> int:
    """Index just past the JSON string that opens at `start`."""
    i = start + 1
    while i < len(text) and text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _drop_comments(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == '"':
            end = _string_end(text, i)
            out.append(text[i:end])
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end == -1 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end == -1:
                raise ValueError("unterminated /* comment")
            out.append("\n" * text.count("\n", i, end))
            i = end + 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _drop_trailing_commas(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == '"':
            end = _string_end(text, i)
            out.append(text[i:end])
            i = end
            continue
        if not (text[i] == "," and text[i + 1 :].lstrip()[:1] in ("}", "]")):
            out.append(text[i])
        i += 1
    return "".join(out)


def read_jsonc(path: Path) -> dict[str, Any]:
    data = json.loads(strip_jsonc(path.read_text(encoding="utf-8")))
    assert isinstance(data, dict), f"{path}: expected a JSON object"
    return cast("dict[str, Any]", data)
