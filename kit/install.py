"""Replace the extension (and its stub) of a ``maturin develop`` install in place, the way
``kit.dev`` brings ``.venv`` up to date in about a second instead of building and
installing a wheel.

``maturin develop`` builds the cdylib with cargo, packs it into a wheel with the stub,
``py.typed``, an ``__init__.py`` and the metadata, and installs that wheel. For one
checkout, one venv and unchanged metadata, every installed file but two is the same from one
build to the next: the extension and ``<module>/__init__.pyi`` (``[tool.maturin] include``
takes it from ``stubs/``, staged by build.rs). So once maturin has installed the checkout, a
rebuild only has to replace those two files and their RECORD lines.

Each file is replaced atomically: written beside itself under a temporary name, flushed to
disk, then renamed over the old one. A Python process that already loaded the old extension
keeps its mapping of the old file (the rename unlinks a name, not the pages it maps); a new
process opens the new file, never a half-written one. uv installs by hard-linking from its
cache: the rename leaves the cached copy alone, where writing into the file would corrupt it.

What was installed, how, and from which metadata is written to a receipt in the venv
(``RECEIPT``). The fast path is taken only while the receipt still describes the venv: the
same checkout, module, interpreter and metadata inputs (``metadata_fingerprint``), and the
installed files exactly as the receipt left them (size, modification time and inode, and
their RECORD hashes). Anything else (no install yet, an install by pip, uv or maturin by
hand, an edited README or pyproject.toml, another checkout sharing the venv, macOS and
Windows, where maturin passes other linker arguments) goes through ``maturin develop``.
Standard library only.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import struct
import sys
import sysconfig
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from kit.project import Project

RECEIPT = ".kit-dev-install.json"  # in the venv's folder, beside pyvenv.cfg
RECEIPT_FORMAT = 1
# `[tool.maturin]` keys whose effect the in-place install reproduces; any other key (features,
# profile, strip, python-source, bindings, ...) changes what maturin builds or packs.
KNOWN_MATURIN_KEYS = frozenset({"include"})
# Files maturin puts in the wheel's metadata besides pyproject.toml and Cargo.toml, when
# `license-files` is not set (PEP 639's default globs, which maturin follows).
LICENSE_GLOBS = ("LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*")
CHUNK = 1 << 20


def record_hash(digest: bytes) -> str:
    """A sha256 digest as a RECORD line writes it (``sha256=<urlsafe base64, no padding>``)."""
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return record_hash(digest.digest())


@dataclass(frozen=True)
class Interpreter:
    """What the build needs to know about the venv's interpreter."""

    executable: str
    implementation: str  # sys.implementation.name: "cpython"
    version: tuple[int, int]
    pointer_bits: int
    platlib: str  # its site-packages
    ldversion: str  # "3.11", "3.13t": libpython's name is python<ldversion>
    libdir: str
    shared_libpython: bool  # a libpython<ldversion>.so the stub generator can link

    @property
    def environment_signature(self) -> str:
        """What maturin passes as PYO3_ENVIRONMENT_SIGNATURE (pyo3's build script reruns, and
        pyo3 rebuilds, when it changes)."""
        return f"{self.implementation}-{self.version[0]}.{self.version[1]}-{self.pointer_bits}bit"


def probe() -> dict[str, Any]:
    """The running interpreter's ``Interpreter`` fields (run in the venv's interpreter)."""
    config = sysconfig.get_config_var
    ldversion = str(config("LDVERSION") or config("py_version_short") or "")
    libdir = str(config("LIBDIR") or "")
    shared = bool(libdir) and (Path(libdir) / f"libpython{ldversion}.so").is_file()
    return {
        "executable": sys.executable,
        "implementation": sys.implementation.name,
        "version": list(sys.version_info[:2]),
        "pointer_bits": 8 * struct.calcsize("P"),
        "prefix": sys.prefix,
        "platlib": sysconfig.get_path("platlib"),
        "ldversion": ldversion,
        "libdir": libdir,
        "shared_libpython": shared,
    }


def interpreter(project: Project) -> Interpreter:
    """The venv's interpreter, probed in this process when it is the one running, else in a
    subprocess of it."""
    if Path(sys.prefix).resolve() == project.venv.resolve():
        found = probe()
    else:
        code = "import json; from kit.install import probe; print(json.dumps(probe()))"
        import subprocess

        out = subprocess.run(
            [str(project.python), "-c", code],
            cwd=project.root,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        found = cast("dict[str, Any]", json.loads(out))
    major, minor = (int(part) for part in found["version"])
    # Spelled from the venv's path as the caller named it, whichever link the interpreter
    # was started through (a test's copy links .venv to a shared venv).
    platlib = Path(str(found["platlib"]))
    with contextlib.suppress(ValueError):
        platlib = project.venv / platlib.relative_to(str(found["prefix"]))
    return Interpreter(
        executable=str(project.python),
        implementation=str(found["implementation"]),
        version=(major, minor),
        pointer_bits=int(found["pointer_bits"]),
        platlib=str(platlib),
        ldversion=str(found["ldversion"]),
        libdir=str(found["libdir"]),
        shared_libpython=bool(found["shared_libpython"]),
    )


def unsupported_platform(python: Interpreter) -> str | None:
    """Why the in-place install cannot stand in for ``maturin develop`` on this platform or
    interpreter, or None."""
    if not sys.platform.startswith("linux"):
        return f"on {sys.platform} maturin links the extension with its own arguments"
    if python.implementation != "cpython":
        return f"{python.implementation} is not CPython"
    return None


def unsupported(project: Project, python: Interpreter) -> str | None:
    """Why the in-place install cannot stand in for ``maturin develop`` here, or None."""
    platform = unsupported_platform(python)
    if platform is not None:
        return platform
    tool = cast("dict[str, Any]", project.pyproject.get("tool", {}))
    extra = sorted(set(cast("dict[str, Any]", tool.get("maturin", {}))) - KNOWN_MATURIN_KEYS)
    if extra:
        return f"[tool.maturin] sets {', '.join(extra)}"
    return None


def metadata_files(project: Project) -> list[Path]:
    """The files maturin reads to write the installed metadata (METADATA, WHEEL, the SBOM,
    the license files): any change to one of them goes through ``maturin develop``."""
    root = project.root
    files = [root / "pyproject.toml", root / "Cargo.toml", root / "Cargo.lock"]
    meta = cast("dict[str, Any]", project.pyproject.get("project", {}))
    readme: object = meta.get("readme")
    if isinstance(readme, dict):
        readme = cast("dict[str, Any]", readme).get("file")
    if isinstance(readme, str):
        files.append(root / readme)
    globs = meta.get("license-files")
    patterns = cast("list[str]", globs) if isinstance(globs, list) else list(LICENSE_GLOBS)
    for pattern in patterns:
        found: list[Path] = sorted(path for path in root.glob(pattern) if path.is_file())
        files.extend(found)
    return files


def metadata_fingerprint(project: Project, python: Interpreter) -> str:
    """A digest of everything that shapes the installed files other than the extension and
    the stub: the metadata inputs, which stubs/ files there are (each one is installed as a
    package), the interpreter, and the maturin and uv that installed it."""
    digest = hashlib.sha256()

    def feed(*parts: str | bytes) -> None:
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "little") + data)

    feed(str(project.root), project.module, python.executable, python.platlib)
    for path in metadata_files(project):
        feed(path.relative_to(project.root).as_posix(), path.read_bytes() if path.exists() else b"")
    feed(*sorted(path.name for path in project.stubs.glob("*.pyi")))
    for name in ("maturin", "uv"):
        tool = project.tool(name)
        with contextlib.suppress(OSError):
            stat = tool.stat()
            feed(str(tool), str(stat.st_size), str(stat.st_mtime_ns))
    return digest.hexdigest()


def dist_info_dirs(site_packages: Path, project: Project) -> list[Path]:
    """The installed ``<distribution>-<version>.dist-info`` folders of the project."""
    wanted = re.sub(r"[-_.]+", "_", str(project.pyproject["project"]["name"])).lower()
    return [
        path
        for path in sorted(site_packages.glob("*.dist-info"))
        if re.sub(r"[-_.]+", "_", path.name.removesuffix(".dist-info").rpartition("-")[0]).lower()
        == wanted
    ]


def read_record(dist_info: Path) -> dict[str, tuple[str, str]]:
    """RECORD as ``{path: (hash, size)}``."""
    with (dist_info / "RECORD").open(newline="", encoding="utf-8") as handle:
        return {row[0]: (row[1], row[2]) for row in csv.reader(handle) if len(row) == 3}


def write_atomically(dest: Path, source: Path | bytes, mode: int) -> None:
    """Give ``dest`` the bytes of ``source`` (a file or the bytes themselves) by writing a
    temporary file beside it, flushing it to disk and renaming it over ``dest``."""
    temporary = dest.with_name(f".{dest.name}.{os.getpid()}.kit-tmp")
    try:
        if isinstance(source, bytes):
            temporary.write_bytes(source)
        else:
            shutil.copyfile(source, temporary)
        os.chmod(temporary, mode)
        descriptor = os.open(temporary, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    descriptor = os.open(dest.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)  # the rename itself
    finally:
        os.close(descriptor)


def rewrite_record(dist_info: Path, changes: Mapping[str, tuple[str, int]]) -> None:
    """Replace the RECORD lines of the files in ``changes`` (``{path: (hash, size)}``),
    leaving every other line byte for byte as the installer wrote it."""
    record = dist_info / "RECORD"
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    out: list[str] = []
    for line in lines:
        no_row: list[str] = []
        row = next(csv.reader([line]), no_row)
        if row and row[0] in changes:
            buffer = io.StringIO()
            hash_, size = changes[row[0]]
            csv.writer(buffer, lineterminator="\n").writerow([row[0], hash_, size])
            line = buffer.getvalue()
        out.append(line)
    write_atomically(record, "".join(out).encode("utf-8"), record.stat().st_mode & 0o7777)


def stat_key(path: Path) -> list[int]:
    """What tells one version of a file from another without reading it."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


@dataclass
class Install:
    """A ``maturin develop`` install of this checkout in the venv, as the receipt describes
    it, kept up to date in place."""

    project: Project
    site_packages: Path
    dist_info: Path
    extension: str  # RECORD path of the extension: <module>/<module>.cpython-...so
    stubs: dict[str, str]  # RECORD path of each installed stub -> stubs/ file it comes from
    profile: str | None  # the cargo profile the installed extension was built with
    artifact: list[int] | None  # stat_key of the cargo artifact it is a copy of
    files: dict[str, dict[str, Any]]  # RECORD path -> {"hash", "size", "stat"}
    metadata: str

    @property
    def extension_path(self) -> Path:
        return self.site_packages / self.extension

    def is_current(self, profile: str, artifact: Path) -> bool:
        """Whether the installed extension is ``artifact``, built with ``profile``."""
        if self.profile != profile:
            return False
        if self.artifact is not None:
            # Another version of the artifact than the one copied last: cargo rebuilt it.
            return self.artifact == stat_key(artifact)
        # Installed by maturin, from an artifact not seen here: compare the bytes.
        if self.files[self.extension]["hash"] == file_hash(artifact):
            self.artifact = stat_key(artifact)
            return True
        return False

    def replace_extension(self, profile: str, artifact: Path) -> None:
        """Put ``artifact`` in place of the installed extension; its RECORD line and the
        receipt follow in ``commit``."""
        dest = self.extension_path
        write_atomically(dest, artifact, dest.stat().st_mode & 0o7777)
        self.profile, self.artifact = profile, stat_key(artifact)
        self.files[self.extension] = {"hash": None, "size": None, "stat": stat_key(dest)}

    def hash_replaced(self) -> None:
        """Hash the files replaced since the last commit (for RECORD); meant to run while
        the build goes on, so that ``commit`` finds them hashed."""
        for path, entry in self.files.items():
            if entry["hash"] is None:
                full = self.site_packages / path
                entry["hash"], entry["size"] = file_hash(full), full.stat().st_size
                entry["dirty"] = True

    def replace_stubs(self) -> list[str]:
        """Give each installed stub the bytes of its stubs/ file; the RECORD paths changed."""
        changed: list[str] = []
        for installed, source in self.stubs.items():
            data = (self.project.root / source).read_bytes()
            dest = self.site_packages / installed
            if dest.read_bytes() != data:
                write_atomically(dest, data, dest.stat().st_mode & 0o7777)
                self.files[installed] = {"hash": None, "size": None, "stat": stat_key(dest)}
                changed.append(installed)
        return changed

    def commit(self) -> None:
        """Write the RECORD lines of the files replaced since the last commit, then the
        receipt."""
        self.hash_replaced()
        changes: dict[str, tuple[str, int]] = {}
        for path, entry in self.files.items():
            if entry.pop("dirty", False):
                changes[path] = (str(entry["hash"]), int(entry["size"]))
        if changes:
            rewrite_record(self.dist_info, changes)
        write_receipt(self)


def receipt_path(project: Project) -> Path:
    return project.venv / RECEIPT


def write_receipt(install: Install) -> None:
    data = {
        "format": RECEIPT_FORMAT,
        "root": str(install.project.root),
        "module": install.project.module,
        "metadata": install.metadata,
        "site_packages": str(install.site_packages),
        "dist_info": install.dist_info.name,
        "extension": install.extension,
        "stubs": install.stubs,
        "profile": install.profile,
        "artifact": install.artifact,
        "files": install.files,
    }
    path = receipt_path(install.project)
    write_atomically(path, (json.dumps(data, indent=1) + "\n").encode(), 0o644)


def forget(project: Project) -> None:
    """Drop the receipt: the next build goes through ``maturin develop``."""
    with contextlib.suppress(FileNotFoundError):
        receipt_path(project).unlink()


def plausible(project: Project, python: Interpreter) -> bool:
    """Whether the venv's receipt is about this checkout, so that the build will most likely
    go in place (cheap, before the build starts; ``load`` decides)."""
    try:
        data = cast("dict[str, Any]", json.loads(receipt_path(project).read_text()))
    except (OSError, ValueError):
        return False
    return bool(
        data.get("format") == RECEIPT_FORMAT
        and data.get("root") == str(project.root)
        and data.get("site_packages") == python.platlib
    )


def load(project: Project, python: Interpreter, metadata: str) -> tuple[Install | None, str]:
    """The install the receipt describes, if the venv still holds exactly that; else None
    and why not."""
    try:
        data = cast("dict[str, Any]", json.loads(receipt_path(project).read_text()))
    except (OSError, ValueError):
        return None, f"no in-place install of this checkout in {project.venv} yet"
    expected = {
        "format": RECEIPT_FORMAT,
        "root": str(project.root),
        "module": project.module,
        "site_packages": python.platlib,
    }
    for key, value in expected.items():
        if data.get(key) != value:
            return None, f"the install in {project.venv} was made from another {key}"
    if data.get("metadata") != metadata:
        return None, "the metadata inputs (pyproject.toml, Cargo.toml, README, ...) changed"
    site_packages = Path(python.platlib)
    dist_info = site_packages / str(data["dist_info"])
    files = cast("dict[str, dict[str, Any]]", data["files"])
    try:
        record = read_record(dist_info)
        for path, entry in files.items():
            if record.get(path) != (entry["hash"], str(entry["size"])):
                return None, f"{path} in RECORD is not what kit.dev installed"
            if stat_key(site_packages / path) != entry["stat"]:
                return None, f"{path} was replaced by another installer"
    except OSError:
        return None, f"the install in {project.venv} is gone or incomplete"
    if dist_info_dirs(site_packages, project) != [dist_info]:
        return None, f"another version of {project.module} is installed beside it"
    install = Install(
        project=project,
        site_packages=site_packages,
        dist_info=dist_info,
        extension=str(data["extension"]),
        stubs=cast("dict[str, str]", data["stubs"]),
        profile=cast("str | None", data["profile"]),
        artifact=cast("list[int] | None", data["artifact"]),
        files=files,
        metadata=metadata,
    )
    return install, ""


def adopt(project: Project, python: Interpreter, metadata: str, profile: str) -> Install:
    """Describe, in a new receipt, what ``maturin develop`` (with ``profile``) just
    installed. Its RECORD must list the extension; the stubs it lists are matched to their
    stubs/ files."""
    site_packages = Path(python.platlib)
    found = dist_info_dirs(site_packages, project)
    if len(found) != 1:
        raise RuntimeError(f"expected one {project.module} install in {site_packages}: {found}")
    (dist_info,) = found
    record = read_record(dist_info)
    module = project.module
    extensions = [
        path
        for path in record
        if re.fullmatch(rf"{re.escape(module)}/{re.escape(module)}\.[^/]+\.so", path)
    ]
    if len(extensions) != 1:
        raise RuntimeError(f"{dist_info}/RECORD lists no single extension: {extensions}")
    # `[tool.maturin] include` installs stubs/<name>.pyi (staged by build.rs) as this:
    stubs = {
        path: f"stubs/{package}.pyi"
        for path in record
        for package in [path.split("/")[0]]
        if path == f"{package}/__init__.pyi" and (project.stubs / f"{package}.pyi").is_file()
    }
    files = {
        path: {
            "hash": record[path][0],
            "size": int(record[path][1]),
            "stat": stat_key(site_packages / path),
        }
        for path in [*extensions, *stubs]
    }
    install = Install(
        project=project,
        site_packages=site_packages,
        dist_info=dist_info,
        extension=extensions[0],
        stubs=stubs,
        profile=profile,
        artifact=None,
        files=files,
        metadata=metadata,
    )
    write_receipt(install)
    return install


@contextlib.contextmanager
def locked(project: Project) -> Generator[None]:
    """One ``kit.dev`` at a time per venv (a watcher and a manual ``make dev`` may overlap):
    they would otherwise interleave their RECORD rewrites."""
    import fcntl

    path = project.venv / ".kit-dev.lock"
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
