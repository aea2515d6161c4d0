"""Stub truth: compare a stub with the module it describes, importing the module.

    python truth.py [-v] --stub FILE MODULE LABEL [--stub FILE MODULE LABEL ...]

Shipped inside pyrs and run with the project's interpreter (the module must be importable).
It reports what mypy's stubtest and pyright's --verifytypes let through, for any API:

- names: every public name of the stub exists at runtime, and every public name of the
  runtime (its __all__ when it has one) is in the stub; the same for class members.
- signature: functions', constructors' and methods' parameters (names except positional-only
  ones, kinds, defaults) against inspect.signature, where the runtime has __text_signature__.
- bases: a class's stubbed bases are in its runtime MRO and its runtime bases are stubbed
  (a pyo3 enum stubbed as enum.Enum is not one: its MRO is (X, object)).
- enum: a class stubbed as an enum.Enum behaves as one (X["A"], X.A.name, list(X)).
- final: @final in the stub exactly when the runtime class cannot be subclassed.
- module: a class's or exception's __module__ is where it can be imported from (a #[pyclass]
  without module = "..." says builtins).
- attribute: a ClassVar of the stub exists on the runtime class, with the stubbed type.
- iterator: __next__ is not stubbed T | None (pyo3 turns None into StopIteration): read from
  the stub's annotation, so iterators only reached through methods are checked too.
- property: a property without a setter in the stub is read-only at runtime, and one with a
  setter is writable (read from the runtime descriptor, no instance is made).

Nothing is called but import, getattr and inspect: no instance of any class is made, no
function run. One line per problem, "LABEL: kind: name: message"; exit 1 when any, 2 when
the module cannot be imported.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import collections
import contextlib
import enum
import importlib
import inspect
import sys
import types
import typing
from typing import Any, Callable, cast
from collections.abc import Iterator, Sequence

# CPython's Py_TPFLAGS_BASETYPE: the type can be subclassed.
BASETYPE = 1 << 10
# structmember.h's READONLY flag of a PyMemberDef.
MEMBER_READONLY = 1
EMPTY = inspect.Parameter.empty
POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
# Methods whose parameters the checkers treat as positional-only whatever the stub says.
NOT_POSITIONAL_DUNDERS = {"__new__", "__init__", "__call__", "__init_subclass__"}


class Problem:
    def __init__(self, kind: str, name: str, message: str) -> None:
        self.kind = kind
        self.name = name
        self.message = message

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self.kind!r}, {self.name!r}, {self.message!r})"


class Report:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.checked: list[str] = []  # what was compared, one line each
        self.unchecked: list[str] = []  # what could not be, and why

    def problem(self, kind: str, name: str, message: str) -> None:
        self.problems.append(Problem(kind, name, message))

    def kinds(self) -> set[str]:
        return {problem.kind for problem in self.problems}


class StubParameter:
    def __init__(self, name: str, kind: Any, default: ast.expr | None) -> None:
        self.name = name
        self.kind = kind
        self.default = default


def stub_parameters(function: ast.FunctionDef) -> list[StubParameter]:
    """The parameters of a stub function, in order, with their kinds and defaults."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    found: list[StubParameter] = []
    for i, (arg, default) in enumerate(zip(positional, defaults)):
        kind: Any = inspect.Parameter.POSITIONAL_ONLY
        if i >= len(args.posonlyargs):
            kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        found.append(StubParameter(arg.arg, kind, default))
    if args.vararg is not None:
        found.append(StubParameter(args.vararg.arg, inspect.Parameter.VAR_POSITIONAL, None))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        found.append(StubParameter(arg.arg, inspect.Parameter.KEYWORD_ONLY, default))
    if args.kwarg is not None:
        found.append(StubParameter(args.kwarg.arg, inspect.Parameter.VAR_KEYWORD, None))
    return found


def decorators(node: Any) -> set[str]:
    """The last component of each decorator's name (``typing.final`` -> ``final``)."""
    names: set[str] = set()
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call):
            decorator = decorator.func
        names.add(ast.unparse(decorator).rsplit(".", 1)[-1])
    return names


def bound_names(body: Sequence[ast.stmt]) -> dict[str, ast.stmt]:
    """The public names a stub body defines: definitions, assignments and explicit
    re-exports (``import x as x``, ``from m import y as y``)."""
    names: dict[str, ast.stmt] = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.setdefault(node.name, node)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.setdefault(node.target.id, node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.asname is not None and alias.asname == alias.name.split(".")[-1]:
                    names.setdefault(alias.asname, node)
    return {name: node for name, node in names.items() if name != "__all__"}


def admits_none(annotation: ast.expr | None) -> bool:
    """Whether a stub annotation admits None: ``T | None``, ``Optional[T]``, ``Union[.., None]``
    (read from the text: nothing is evaluated)."""
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant):
        if annotation.value is None:
            return True
        if isinstance(annotation.value, str):  # a string annotation
            with contextlib.suppress(SyntaxError):
                return admits_none(ast.parse(annotation.value, mode="eval").body)
        return False
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return admits_none(annotation.left) or admits_none(annotation.right)
    if isinstance(annotation, ast.Subscript):
        origin = ast.unparse(annotation.value).rsplit(".", 1)[-1]
        if origin == "Optional":
            return True
        if origin == "Union":
            inner = annotation.slice
            parts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            return any(admits_none(part) for part in parts)
    return False


def is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def is_enum_class(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, enum.Enum)


def as_tuple(value: object) -> tuple[type, ...]:
    items = cast("tuple[object, ...]", value) if isinstance(value, tuple) else (value,)
    return tuple(item for item in items if isinstance(item, type))


def instance_check_of(value: object) -> Any:
    """The class(es) an annotation's value stands for at runtime (a class, a union of them,
    None); None for what isinstance cannot test (Self, Any, protocols, ...)."""
    if value is None:
        return type(None)
    if value is getattr(typing, "SupportsIndex", None):
        return object  # any object with __index__
    origin = typing.get_origin(value)
    union_type = getattr(types, "UnionType", None)
    if origin is typing.Union or (union_type is not None and origin is union_type):
        flat: list[type] = []
        for arg in typing.get_args(value):
            part = instance_check_of(arg)
            if part is None:
                return None
            flat += as_tuple(part)
        return tuple(flat)
    if origin is not None and isinstance(origin, type):
        return origin
    if isinstance(value, type):
        return value
    return None


def pointer_at(address: int) -> int | None:
    import ctypes

    return ctypes.c_void_p.from_address(address).value


def descriptor_writable(descriptor: object) -> bool | None:
    """Whether a runtime attribute descriptor can be set, read from the descriptor itself
    (no instance): a property's fset, or CPython's getset/member definitions; None when it
    cannot be told."""
    if isinstance(descriptor, property):
        return descriptor.fset is not None
    is_getset = isinstance(descriptor, types.GetSetDescriptorType)
    is_member = isinstance(descriptor, types.MemberDescriptorType)
    if not (is_getset or is_member) or sys.implementation.name != "cpython":
        return None
    try:
        import ctypes
    except ImportError:
        return None
    pointer = ctypes.sizeof(ctypes.c_void_p)
    # PyDescr_COMMON is the object header then d_type, d_name, d_qualname; the getset or
    # member definition follows.
    definition = pointer_at(id(descriptor) + object.__basicsize__ + 3 * pointer)
    if definition is None or definition == 0:
        return None
    if is_getset:
        # PyGetSetDef: name, get, set, doc, closure.
        return pointer_at(definition + 2 * pointer) is not None
    # PyMemberDef: name, int type, Py_ssize_t offset, int flags, doc.
    flags = ctypes.c_int.from_address(definition + 3 * pointer).value
    return not flags & MEMBER_READONLY


class Checker:
    """The comparison of one stub (its text) with one runtime module."""

    def __init__(
        self,
        stub: str,
        runtime: types.ModuleType,
        module_name: str,
        submodule_stubs: Sequence[str] = (),
    ) -> None:
        self.tree = ast.parse(stub)
        self.runtime = runtime
        self.module_name = module_name
        # Names covered by other files of a stub package (`pkg/_core/geometry.pyi`).
        self.submodule_stubs = set(submodule_stubs)
        self.report = Report()
        self.namespace = self.make_namespace()

    def make_namespace(self) -> dict[str, Any]:
        """What the stub's expressions mean at runtime: builtins, the usual typing modules,
        what the stub imports (when importable), and the runtime module's own names."""
        namespace: dict[str, Any] = {
            "builtins": builtins,
            "typing": typing,
            "enum": enum,
            "collections": collections,
            "types": types,
        }
        with contextlib.suppress(ImportError):
            namespace["typing_extensions"] = importlib.import_module("typing_extensions")
        namespace.update(vars(builtins))
        for node in self.tree.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    with contextlib.suppress(Exception):
                        module = importlib.import_module(alias.name)
                        if alias.asname is not None:
                            namespace[alias.asname] = module
                        else:
                            top = alias.name.split(".")[0]
                            namespace[top] = importlib.import_module(top)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
                with contextlib.suppress(Exception):
                    module = importlib.import_module(node.module)
                    for alias in node.names:
                        if hasattr(module, alias.name):
                            namespace[alias.asname or alias.name] = getattr(module, alias.name)
        namespace.update(vars(self.runtime))
        return namespace

    def evaluate(self, node: ast.expr) -> Any:
        """A stub expression evaluated against the runtime; raises when it cannot be."""
        code = compile(ast.Expression(node), "<stub>", "eval")
        return eval(code, dict(self.namespace))  # the stub's own text, read here only

    def runtime_type(self, annotation: ast.expr) -> Any:
        try:
            value = self.evaluate(annotation)
        except Exception:  # an annotation only a type checker understands
            return None
        return instance_check_of(value)

    # -- the checks ------------------------------------------------------------------------

    def run(self) -> Report:
        self.check_names()
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                runtime = getattr(self.runtime, node.name, None)
                if runtime is not None and "overload" not in decorators(node):
                    self.check_signature(node.name, node, runtime, drop_stub_first=False)
            elif isinstance(node, ast.ClassDef):
                runtime = getattr(self.runtime, node.name, None)
                if runtime is None:
                    continue  # reported by check_names
                if not isinstance(runtime, type):
                    self.report.problem("names", node.name, "stubbed as a class, is not one")
                    continue
                self.check_class(node, runtime)
        return self.report

    def stub_all(self) -> list[str] | None:
        for node in self.tree.body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                with contextlib.suppress(ValueError, TypeError):
                    return [str(name) for name in ast.literal_eval(value)]
        return None

    def runtime_public(self) -> list[str]:
        exported = getattr(self.runtime, "__all__", None)
        if exported is not None:
            return [str(name) for name in exported]
        return [name for name in vars(self.runtime) if not name.startswith("_")]

    def check_names(self) -> None:
        defined = bound_names(self.tree.body)
        stub_all = self.stub_all()
        stubbed = set(name for name in defined if not name.startswith("_"))
        stubbed |= set(stub_all or [])
        for name in sorted(stubbed):
            if not hasattr(self.runtime, name):
                self.report.problem("names", name, "in the stub, not at runtime")
        covered = stubbed | set(defined) | self.submodule_stubs
        runtime_public = self.runtime_public()
        for name in sorted(set(runtime_public) - covered):
            self.report.problem("names", name, "at runtime, not in the stub")
        runtime_all = getattr(self.runtime, "__all__", None)
        if stub_all is not None and runtime_all is not None:
            for name in sorted(set(runtime_all) - set(stub_all)):
                if name in covered:
                    self.report.problem(
                        "names", name, "in the runtime's __all__, not in the stub's"
                    )
        self.report.checked.append(f"names: {len(stubbed & set(runtime_public))} in both")

    def check_signature(
        self,
        name: str,
        function: Any,
        runtime: Any,
        *,
        drop_stub_first: bool,
        drop_runtime_first: bool = False,
    ) -> None:
        """The stub function's parameters against the runtime's. A method's ``self``/``cls``
        is dropped from the stub's (``drop_stub_first``) and, when the runtime object is
        unbound, from the runtime's (``drop_runtime_first``)."""
        if getattr(runtime, "__text_signature__", None) is None:
            self.report.unchecked.append(f"{name}: the runtime has no __text_signature__")
            return
        try:
            signature = inspect.signature(runtime)
        except (TypeError, ValueError) as error:
            self.report.unchecked.append(f"{name}: no runtime signature ({error})")
            return
        stub = stub_parameters(function)
        if drop_stub_first and stub:
            stub = stub[1:]
        actual = list(signature.parameters.values())
        if drop_runtime_first and actual and actual[0].kind in POSITIONAL:
            actual = actual[1:]
        dunder = name.rsplit(".", 1)[-1]
        lenient = dunder.startswith("__") and dunder.endswith("__")
        lenient = lenient and dunder not in NOT_POSITIONAL_DUNDERS
        mismatch = signature_mismatch(stub, actual, positional_dunder=lenient)
        if mismatch is not None:
            stub_text = f"({ast.unparse(function.args)})"
            self.report.problem(
                "signature", name, f"{mismatch}: stub {stub_text}, runtime {signature}"
            )
        else:
            self.report.checked.append(f"{name}{signature}: signature")

    def check_class(self, node: ast.ClassDef, cls: type) -> None:
        bases = self.check_bases(node, cls)
        self.check_final(node, cls)
        self.check_module(node.name, cls)
        is_enum = any(is_enum_class(b) for b in bases)
        self.check_members(node, cls, is_enum=is_enum)
        methods = [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        setters = {m.name for m in methods if "setter" in decorators(m)}
        for method in methods:
            qualified = f"{node.name}.{method.name}"
            found = decorators(method)
            if "setter" in found or "deleter" in found:
                continue
            if "property" in found or "cached_property" in found:
                self.check_property(qualified, cls, method, method.name in setters)
                continue
            if method.name in ("__new__", "__init__"):
                if "overload" not in found:
                    self.check_signature(qualified, method, cls, drop_stub_first=True)
                continue
            raw = inspect.getattr_static(cls, method.name, None)
            if raw is None:
                self.report.problem("names", qualified, "in the stub, not at runtime")
                continue
            if method.name == "__next__":
                self.check_next(node.name, method)
            if "overload" in found:
                continue
            if isinstance(raw, (classmethod, types.ClassMethodDescriptorType)):
                bound = getattr(cls, method.name)
                self.check_signature(qualified, method, bound, drop_stub_first=True)
            elif isinstance(raw, staticmethod) or "staticmethod" in found:
                bound = getattr(cls, method.name)
                self.check_signature(qualified, method, bound, drop_stub_first=False)
            else:
                self.check_signature(
                    qualified, method, raw, drop_stub_first=True, drop_runtime_first=True
                )
        stubbed = bound_names(node.body)
        for member in sorted(vars(cls)):
            if not member.startswith("_") and member not in stubbed:
                self.report.problem("names", f"{node.name}.{member}", "at runtime, not in the stub")

    def check_bases(self, node: ast.ClassDef, cls: type) -> list[type]:
        stub_bases: list[type] = []
        for base in node.bases:
            try:
                value = self.evaluate(base)
            except Exception as error:  # a base only a type checker knows
                self.report.unchecked.append(f"{node.name}: base {ast.unparse(base)}: {error}")
                continue
            origin = typing.get_origin(value)
            value = origin if isinstance(origin, type) else value
            # `Generic[T]` adds typing.Generic, which pyo3 classes never have at runtime.
            generic: object = typing.Generic
            if isinstance(value, type) and not (cast("object", value) is generic):
                stub_bases.append(value)
        mro = ", ".join(c.__qualname__ for c in cls.__mro__)
        stubbed = ", ".join(ast.unparse(b) for b in node.bases) or "object"
        wrong = [b for b in stub_bases if b not in cls.__mro__]
        missing = [
            b
            for b in cls.__bases__
            if b is not object and not any(issubclass(s, b) for s in stub_bases)
        ]
        if wrong or missing:
            why = ""
            if any(is_enum_class(b) for b in wrong):
                why = " (a pyo3 enum is not an enum.Enum)"
            self.report.problem(
                "bases",
                node.name,
                f"stubbed as class {node.name}({stubbed}); runtime MRO ({mro}){why}",
            )
        else:
            self.report.checked.append(f"{node.name}: bases ({stubbed}) in MRO ({mro})")
        return stub_bases

    def check_final(self, node: ast.ClassDef, cls: type) -> None:
        final_in_stub = "final" in decorators(node)
        subclassable = bool(cls.__flags__ & BASETYPE)
        if final_in_stub == subclassable:
            said = "@final" if final_in_stub else "not @final"
            can = "can" if subclassable else "cannot"
            self.report.problem("final", node.name, f"{said} in the stub, {can} be subclassed")
        else:
            self.report.checked.append(f"{node.name}: final={final_in_stub}")

    def check_module(self, name: str, cls: type) -> None:
        """``__module__`` must name a module the class can be imported from: the stub's
        module, a package above it (that re-exports it), or another module holding it."""
        declared = cls.__module__
        parts = self.module_name.split(".")
        ancestors = {".".join(parts[: i + 1]) for i in range(len(parts))}
        holder = sys.modules.get(declared)
        if declared in ancestors or getattr(holder, cls.__qualname__, None) is cls:
            self.report.checked.append(f"{name}.__module__ == {declared!r}")
            return
        self.report.problem(
            "module",
            name,
            f"__module__ is {declared!r}, where it cannot be imported from (the stub puts it "
            f"in {self.module_name}; a #[pyclass] needs module = {self.module_name!r})",
        )

    def check_members(self, node: ast.ClassDef, cls: type, *, is_enum: bool) -> None:
        """Enum members (``A = ...``) and ``ClassVar`` attributes."""
        for statement in node.body:
            if isinstance(statement, ast.Assign) and is_enum:
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        self.check_enum_member(node.name, cls, target.id)
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                annotation = ast.unparse(statement.annotation)
                member = statement.target.id
                qualified = f"{node.name}.{member}"
                if not hasattr(cls, member):
                    self.report.problem("attribute", qualified, "in the stub, not at runtime")
                    continue
                if "ClassVar[" not in annotation:
                    continue
                inner = statement.annotation
                if isinstance(inner, ast.Subscript):
                    inner = inner.slice
                expected = self.runtime_type(inner)
                value = getattr(cls, member)
                if expected is not None and not isinstance(value, expected):
                    self.report.problem(
                        "attribute",
                        qualified,
                        f"stubbed {annotation}, the runtime's is a {type(value).__name__}",
                    )
                else:
                    self.report.checked.append(f"{qualified}: {annotation}")

    def check_enum_member(self, class_name: str, cls: type, member: str) -> None:
        qualified = f"{class_name}.{member}"
        stubbed_enum: Any = cls  # used as the stub says it is: an enum.Enum
        steps: list[tuple[str, Callable[[], object]]] = [
            (f"{class_name}[{member!r}]", lambda: stubbed_enum[member]),
            (f"{qualified}.name", lambda: getattr(cls, member).name),
            (f"list({class_name})", lambda: list(stubbed_enum)),
        ]
        for what, step in steps:
            try:
                step()
            except Exception as error:  # any failure is the finding
                self.report.problem(
                    "enum",
                    qualified,
                    f"stubbed as an enum.Enum member, but {what} raises "
                    f"{type(error).__name__}: {error}",
                )
                return
        self.report.checked.append(f"{qualified}: behaves as an enum member")

    def check_next(self, class_name: str, method: Any) -> None:
        qualified = f"{class_name}.__next__"
        if method.returns is None:
            return
        stubbed = ast.unparse(method.returns)
        if admits_none(method.returns):
            self.report.problem(
                "iterator",
                qualified,
                f"stubbed -> {stubbed}, but None is never an element (pyo3 turns a None "
                f"return into StopIteration): `for x in ...` would type x as {stubbed}",
            )
        else:
            self.report.checked.append(f"{qualified} -> {stubbed}")

    def check_property(self, qualified: str, cls: type, method: Any, has_setter: bool) -> None:
        name = method.name
        descriptor = inspect.getattr_static(cls, name, None)
        if descriptor is None:
            self.report.problem("names", qualified, "in the stub, not at runtime")
            return
        if callable(descriptor) and not hasattr(descriptor, "__set__"):
            self.report.problem("property", qualified, "stubbed as a property, is a method")
            return
        writable = descriptor_writable(descriptor)
        if writable is None:
            self.report.unchecked.append(f"{qualified}: cannot tell whether it is writable")
        elif writable == has_setter:
            self.report.checked.append(f"{qualified}: {'writable' if writable else 'read-only'}")
        elif writable:
            self.report.problem(
                "property", qualified, "read-only in the stub (no setter), writable at runtime"
            )
        else:
            self.report.problem(
                "property", qualified, "has a setter in the stub, read-only at runtime"
            )


def signature_mismatch(
    stub: list[StubParameter], actual: list[inspect.Parameter], *, positional_dunder: bool
) -> str | None:
    if len(stub) != len(actual):
        return f"{len(stub)} parameter(s) in the stub, {len(actual)} at runtime"
    for ours, theirs in zip(stub, actual):
        kind = ours.kind
        # The checkers read a dunder method's parameters (and `__x` ones) as positional-only.
        if (
            kind == inspect.Parameter.POSITIONAL_OR_KEYWORD
            and theirs.kind == inspect.Parameter.POSITIONAL_ONLY
            and (positional_dunder or (ours.name.startswith("__") and not ours.name.endswith("__")))
        ):
            kind = inspect.Parameter.POSITIONAL_ONLY
        if kind != theirs.kind:
            stubbed, actual_kind = kind.description, theirs.kind.description
            return f"{ours.name!r} is {stubbed} in the stub, {actual_kind} at runtime"
        positional_only = kind == inspect.Parameter.POSITIONAL_ONLY
        if ours.name != theirs.name and not positional_only:
            return f"parameter {ours.name!r} in the stub is {theirs.name!r} at runtime"
        if (ours.default is None) != (theirs.default is EMPTY):
            has = "has" if ours.default is not None else "has no"
            return f"{ours.name!r} {has} a default in the stub, not at runtime"
        if ours.default is None or is_ellipsis(ours.default) or theirs.default is Ellipsis:
            continue
        try:
            value = ast.literal_eval(ours.default)
        except ValueError:
            continue  # an expression: nothing to compare it with
        if type(value) is not type(theirs.default) or value != theirs.default:
            return (
                f"{ours.name!r} defaults to {ast.unparse(ours.default)} in the stub, "
                f"{theirs.default!r} at runtime"
            )
    return None


def check(
    stub: str,
    runtime: types.ModuleType,
    module_name: str | None = None,
    submodule_stubs: Sequence[str] = (),
) -> Report:
    """Compare ``stub`` (its text) with the imported module ``runtime``; ``module_name`` is
    the module's dotted name (default: the runtime's ``__name__``)."""
    return Checker(stub, runtime, module_name or runtime.__name__, submodule_stubs).run()


def import_module(name: str) -> types.ModuleType:
    """The module ``name``; a pyo3 submodule (an attribute of its parent, often absent from
    sys.modules) is reached through its parent."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if "." not in name:
            raise
        parent, _, last = name.rpartition(".")
        found = getattr(import_module(parent), last, None)
        if not isinstance(found, types.ModuleType):
            raise
        return found


def lines(label: str, report: Report, verbose: bool) -> Iterator[str]:
    for problem in report.problems:
        yield f"{label}: {problem}"
    if verbose:
        for note in report.unchecked:
            yield f"{label}: skipped: {note}"
        for done in report.checked:
            yield f"{label}: ok: {done}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stub truth", description=__doc__)
    parser.add_argument(
        "--stub",
        nargs=3,
        action="append",
        required=True,
        metavar=("FILE", "MODULE", "LABEL"),
        help="a stub file, the module it describes, and the name to report it by",
    )
    parser.add_argument(
        "--submodule",
        action="append",
        default=[],
        metavar="MODULE.NAME",
        help="a submodule with its own stub file (covered in its parent)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list what was compared")
    args = parser.parse_args(argv)
    if not hasattr(ast, "unparse"):
        print("the stub truth check needs Python 3.9 or newer", file=sys.stderr)
        return 3
    failed = 0
    for path, module_name, label in args.stub:
        try:
            runtime = import_module(module_name)
        except Exception as error:  # whatever importing raised: reported in one line
            print(
                f"{label}: cannot import {module_name}: {type(error).__name__}: {error}",
                file=sys.stderr,
            )
            return 2
        with open(path, encoding="utf-8") as file:
            text = file.read()
        prefix = module_name + "."
        children = [s[len(prefix) :] for s in args.submodule if s.startswith(prefix)]
        report = check(text, runtime, module_name, [c for c in children if "." not in c])
        for line in lines(label, report, args.verbose):
            print(line)
        failed += len(report.problems)
        verdict = f"{len(report.problems)} problem(s)" if report.problems else "true"
        print(
            f"{label}: {verdict} ({len(report.checked)} comparisons, "
            f"{len(report.unchecked)} skipped)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
