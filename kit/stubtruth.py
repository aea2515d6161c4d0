"""Stub truth beyond stubtest: compare the generated stub with the module it describes, running
the module where stubtest only reads it.

    python -m kit.stubtruth [--root PATH] [--stub FILE] [-v]

Imports the extension (with the interpreter running this) and reads its stub
(``stubs/<module>.pyi``), then checks each of the lies pyo3-stub-gen is known to tell and that
``mypy.stubtest`` and ``pyright --verifytypes`` let through:

- ``names``: the stub's ``__all__`` is the runtime's ``__all__``.
- ``bases``: a class's bases in the stub are in its runtime MRO, and its runtime bases are in
  the stub (a simple ``#[pyclass] enum`` is stubbed ``class X(enum.Enum)``; its MRO is
  ``(X, object)``).
- ``enum``: a class stubbed as an ``enum.Enum`` behaves as one (``X["A"]``, ``X.A.name``,
  ``list(X)``).
- ``attribute``: a class attribute stubbed ``ClassVar[T]`` exists and is a ``T``.
- ``final``: ``@final`` in the stub exactly when the runtime class cannot be subclassed.
- ``module``: each class's and exception's ``__module__`` is the package users import (a
  ``#[pyclass]`` without ``module = ...`` says ``builtins``).
- ``iterator``: an instance is stepped with ``next()`` and the value must be of the type the
  stub gives ``__next__``, which must not admit ``None`` (pyo3 turns ``None`` into
  ``StopIteration``: ``-> int | None`` makes every ``for`` loop's variable ``int | None``);
  ``__iter__`` must return what the stub says.
- ``property``: a property without a setter in the stub is read-only at runtime, and its value
  has the stubbed type.
- ``signature``: every function, constructor and method of the stub has the runtime's
  parameters (``inspect.signature``): names (except positional-only ones), kinds, defaults.

Instances come from calling the class with no arguments when its stubbed constructor allows
it, with small sample values (``3`` for an int) for required parameters otherwise, or from its
``ClassVar`` members; what cannot be checked is listed as such, never passed silently.
Everything is read from the stub and the runtime: no list of names is kept here.
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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typing_extensions import override

from kit.project import Project

# CPython's Py_TPFLAGS_BASETYPE: the type can be subclassed.
BASETYPE = 1 << 10
# Values for required parameters, by the name their annotation ends with.
SAMPLES: dict[str, object] = {"int": 3, "SupportsIndex": 3, "float": 1.5, "str": "a", "bool": True}
MISSING = inspect.Parameter.empty


@dataclass(frozen=True)
class Problem:
    kind: str
    name: str
    message: str

    @override
    def __str__(self) -> str:
        return f"{self.kind}: {self.name}: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list[Problem])
    checked: list[str] = field(default_factory=list[str])  # what was compared, one line each
    unchecked: list[str] = field(default_factory=list[str])  # what could not be, and why

    def problem(self, kind: str, name: str, message: str) -> None:
        self.problems.append(Problem(kind, name, message))

    def kinds(self) -> set[str]:
        return {problem.kind for problem in self.problems}


@dataclass(frozen=True)
class StubParameter:
    name: str
    kind: Any  # an inspect.Parameter kind (its class is private in typeshed)
    default: ast.expr | None
    annotation: ast.expr | None


def stub_parameters(function: ast.FunctionDef) -> list[StubParameter]:
    """The parameters of a stub function, in order, with their kinds and defaults."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    found: list[StubParameter] = []
    for i, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        kind: Any = inspect.Parameter.POSITIONAL_ONLY
        if i >= len(args.posonlyargs):
            kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        found.append(StubParameter(arg.arg, kind, default, arg.annotation))
    if args.vararg is not None:
        vararg = args.vararg
        found.append(
            StubParameter(vararg.arg, inspect.Parameter.VAR_POSITIONAL, None, vararg.annotation)
        )
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        found.append(
            StubParameter(arg.arg, inspect.Parameter.KEYWORD_ONLY, default, arg.annotation)
        )
    if args.kwarg is not None:
        kwarg = args.kwarg
        found.append(
            StubParameter(kwarg.arg, inspect.Parameter.VAR_KEYWORD, None, kwarg.annotation)
        )
    return found


def decorators(node: ast.FunctionDef | ast.ClassDef) -> set[str]:
    """The last component of each decorator's name (``typing.final`` -> ``final``)."""
    names: set[str] = set()
    for decorator in node.decorator_list:
        text = ast.unparse(decorator)
        names.add(text.rsplit(".", 1)[-1])
    return names


class Checker:
    """The comparison of one stub with one runtime module."""

    def __init__(self, stub: str, runtime: types.ModuleType, module_name: str) -> None:
        self.tree = ast.parse(stub)
        self.runtime = runtime
        self.module_name = module_name
        self.report = Report()
        self.namespace: dict[str, Any] = {
            "builtins": builtins,
            "typing": typing,
            "enum": enum,
            "collections": collections,
            "types": types,
        }
        with contextlib.suppress(ImportError):  # only for stubs that use it
            self.namespace["typing_extensions"] = importlib.import_module("typing_extensions")
        self.namespace.update(vars(builtins))
        self.namespace.update(
            {name: value for name, value in vars(runtime).items() if not name.startswith("_")}
        )

    # -- helpers -----------------------------------------------------------------------------

    def evaluate(self, node: ast.expr) -> Any:
        """A stub expression (annotation, base, default) evaluated against the runtime; raises
        when it cannot be."""
        code = compile(ast.Expression(node), "<stub>", "eval")
        return eval(code, dict(self.namespace))  # the stub is generated text, read here only

    def runtime_type(self, annotation: ast.expr) -> type | tuple[type, ...] | None:
        """What ``isinstance`` can test for a stub annotation, or None when it cannot."""
        try:
            value = self.evaluate(annotation)
        except Exception:  # an annotation only a type checker understands
            return None
        return instance_check_of(value)

    # -- the checks --------------------------------------------------------------------------

    def run(self) -> Report:
        self.check_names()
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef):
                runtime = getattr(self.runtime, node.name, None)
                if runtime is not None:
                    self.check_signature(node.name, node, runtime, drop_first=False)
            elif isinstance(node, ast.ClassDef):
                runtime = getattr(self.runtime, node.name, None)
                if not isinstance(runtime, type):
                    if runtime is not None:
                        self.report.problem("names", node.name, "stubbed as a class, is not one")
                    continue
                self.check_class(node, runtime)
        return self.report

    def stub_all(self) -> list[str]:
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
            ):
                value = ast.literal_eval(node.value)
                return [str(name) for name in value]
        return [
            node.name
            for node in self.tree.body
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
        ]

    def check_names(self) -> None:
        stub = set(self.stub_all())
        runtime = set(getattr(self.runtime, "__all__", []))
        for name in sorted(stub - runtime):
            self.report.problem("names", name, "in the stub's __all__, not in the runtime's")
        for name in sorted(runtime - stub):
            self.report.problem("names", name, "in the runtime's __all__, not in the stub's")
        self.report.checked.append(f"__all__: {len(stub & runtime)} names in both")

    def check_signature(
        self,
        name: str,
        function: ast.FunctionDef,
        runtime: Any,
        *,
        drop_first: bool,
        runtime_has_first: bool = True,
    ) -> None:
        """Parameters of the stub's ``function`` against ``runtime``'s. ``drop_first``: a
        method, whose ``self``/``cls`` is left out of the comparison (of the runtime's too,
        unless ``runtime_has_first`` is false: a class's signature has no ``cls``)."""
        try:
            signature = inspect.signature(runtime)
        except (TypeError, ValueError):
            self.report.unchecked.append(f"{name}: the runtime has no signature")
            return
        stub = stub_parameters(function)
        if drop_first and stub:
            stub = stub[1:]
        actual = list(signature.parameters.values())
        if (
            drop_first
            and runtime_has_first
            and actual
            and actual[0].kind
            in (
                inspect.Parameter.POSITIONAL_ONLY,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
            )
        ):
            actual = actual[1:]
        stub_text = f"({ast.unparse(function.args)})"
        mismatch = self.signature_mismatch(stub, actual)
        if mismatch is not None:
            self.report.problem(
                "signature", name, f"{mismatch}: stub {stub_text}, runtime {signature}"
            )
        else:
            self.report.checked.append(f"{name}{signature}: signature")

    def signature_mismatch(
        self, stub: list[StubParameter], actual: list[inspect.Parameter]
    ) -> str | None:
        if len(stub) != len(actual):
            return f"{len(stub)} parameter(s) in the stub, {len(actual)} at runtime"
        for ours, theirs in zip(stub, actual, strict=True):
            if ours.kind != theirs.kind:
                stubbed, actual_kind = ours.kind.description, theirs.kind.description
                return f"{ours.name!r} is {stubbed} in the stub, {actual_kind} at runtime"
            positional_only = ours.kind == inspect.Parameter.POSITIONAL_ONLY
            if ours.name != theirs.name and not positional_only:
                return f"parameter {ours.name!r} in the stub is {theirs.name!r} at runtime"
            if (ours.default is None) != (theirs.default is MISSING):
                has = "has" if ours.default is not None else "has no"
                return f"{ours.name!r} {has} a default in the stub, not at runtime"
            if ours.default is not None and not is_ellipsis(ours.default):
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

    def check_class(self, node: ast.ClassDef, cls: type) -> None:
        name = node.name
        bases = self.check_bases(node, cls)
        self.check_final(node, cls)
        if cls.__module__ != self.module_name:
            self.report.problem(
                "module",
                name,
                f"__module__ is {cls.__module__!r}, not {self.module_name!r} (the stub puts it "
                f"in {self.module_name}; a #[pyclass] needs module = {self.module_name!r})",
            )
        else:
            self.report.checked.append(f"{name}.__module__ == {self.module_name!r}")
        members = self.check_members(node, cls, is_enum=any(is_enum_class(b) for b in bases))
        methods = {n.name: n for n in node.body if isinstance(n, ast.FunctionDef)}
        for method_name, method in methods.items():
            if "property" in decorators(method) or "setter" in decorators(method):
                continue
            qualified = f"{name}.{method_name}"
            if method_name == "__new__":
                self.check_signature(
                    qualified, method, cls, drop_first=True, runtime_has_first=False
                )
                continue
            runtime = inspect.getattr_static(cls, method_name, None)
            if runtime is None:
                self.report.problem("names", qualified, "in the stub, not at runtime")
                continue
            static = "staticmethod" in decorators(method)
            bound = getattr(cls, method_name)
            self.check_signature(qualified, method, bound, drop_first=not static)
        instance = self.instance(node, cls, members)
        if instance is None:
            return
        self.check_iterator(name, methods, cls, instance)
        self.check_properties(name, node, instance)

    def check_bases(self, node: ast.ClassDef, cls: type) -> list[type]:
        stub_bases: list[type] = []
        for base in node.bases:
            try:
                value = self.evaluate(base)
            except Exception as error:  # reported, whatever the stub wrote
                self.report.problem("bases", node.name, f"base {ast.unparse(base)}: {error}")
                continue
            if isinstance(value, type):
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
            self.report.problem(
                "bases", node.name, f"stubbed as class {node.name}({stubbed}); runtime MRO ({mro})"
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

    def check_members(self, node: ast.ClassDef, cls: type, *, is_enum: bool) -> list[object]:
        """Enum members (``A = ...``) and ``ClassVar`` attributes; the instances found."""
        found: list[object] = []
        for statement in node.body:
            if isinstance(statement, ast.Assign) and is_enum:
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        found += self.check_enum_member(node.name, cls, target.id)
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                annotation = ast.unparse(statement.annotation)
                if "ClassVar[" not in annotation:
                    continue
                member = statement.target.id
                qualified = f"{node.name}.{member}"
                if not hasattr(cls, member):
                    self.report.problem("attribute", qualified, "in the stub, not at runtime")
                    continue
                value = getattr(cls, member)
                inner = statement.annotation
                if isinstance(inner, ast.Subscript):
                    inner = inner.slice
                expected = self.runtime_type(inner)
                if expected is not None and not isinstance(value, expected):
                    self.report.problem(
                        "attribute",
                        qualified,
                        f"stubbed {annotation}, the runtime's is a {type(value).__name__}",
                    )
                else:
                    self.report.checked.append(f"{qualified}: {annotation}")
                    if isinstance(value, cls):
                        found.append(value)
        return found

    def check_enum_member(self, class_name: str, cls: type, member: str) -> list[object]:
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
                return []
        self.report.checked.append(f"{qualified}: behaves as an enum member")
        return [getattr(cls, member)]

    def instance(self, node: ast.ClassDef, cls: type, members: list[object]) -> object | None:
        """An instance to step and read: the class called with sample arguments, or a member."""
        constructor = next(
            (
                n
                for n in node.body
                if isinstance(n, ast.FunctionDef) and n.name in ("__new__", "__init__")
            ),
            None,
        )
        args: list[object] = []
        kwargs: dict[str, object] = {}
        if constructor is not None:
            for parameter in stub_parameters(constructor)[1:]:
                if parameter.default is not None or parameter.kind in (
                    inspect.Parameter.VAR_POSITIONAL,
                    inspect.Parameter.VAR_KEYWORD,
                ):
                    continue
                annotation = ast.unparse(parameter.annotation) if parameter.annotation else ""
                sample = SAMPLES.get(annotation.rsplit(".", 1)[-1].split(" ")[0])
                if sample is None:
                    args = []
                    break
                if parameter.kind == inspect.Parameter.KEYWORD_ONLY:
                    kwargs[parameter.name] = sample
                else:
                    args.append(sample)
        try:
            made: object = cls(*args, **kwargs)
        except Exception as error:  # no instance that way: try the members
            if members:
                return members[0]
            self.report.unchecked.append(
                f"{node.name}: no instance ({type(error).__name__}: {error}): "
                "its __next__, __iter__ and properties are not compared"
            )
            return None
        return made

    def check_iterator(
        self, name: str, methods: dict[str, ast.FunctionDef], cls: type, instance: Any
    ) -> None:
        next_method = methods.get("__next__")
        if next_method is not None and next_method.returns is not None:
            stubbed = ast.unparse(next_method.returns)
            try:
                value = next(instance)
            except StopIteration:
                self.report.unchecked.append(f"{name}.__next__: the sample instance is empty")
            else:
                expected = self.runtime_type(next_method.returns)
                if expected is None:
                    self.report.unchecked.append(
                        f"{name}.__next__ -> {stubbed}: not a runtime type"
                    )
                elif type(None) in as_tuple(expected) and value is not None:
                    self.report.problem(
                        "iterator",
                        f"{name}.__next__",
                        f"stubbed -> {stubbed}, but None is never an element (pyo3 turns a None "
                        f"return into StopIteration): the element type is "
                        f"{type(value).__qualname__}, and `for x in {name}(...)` would type x "
                        f"as {stubbed}",
                    )
                elif not isinstance(value, expected):
                    self.report.problem(
                        "iterator",
                        f"{name}.__next__",
                        f"stubbed -> {stubbed}, next() gave a {type(value).__qualname__}",
                    )
                else:
                    self.report.checked.append(
                        f"{name}.__next__ -> {stubbed}: next() gave a {type(value).__qualname__}"
                    )
        iter_method = methods.get("__iter__")
        if iter_method is not None and iter_method.returns is not None:
            stubbed = ast.unparse(iter_method.returns)
            expected = cls if stubbed.endswith("Self") else self.runtime_type(iter_method.returns)
            result = iter(instance)
            if expected is None:
                self.report.unchecked.append(f"{name}.__iter__ -> {stubbed}: not a runtime type")
            elif not isinstance(result, expected):
                self.report.problem(
                    "iterator",
                    f"{name}.__iter__",
                    f"stubbed -> {stubbed}, iter() gave a {type(result).__qualname__}",
                )
            else:
                self.report.checked.append(f"{name}.__iter__ -> {stubbed}")

    def check_properties(self, name: str, node: ast.ClassDef, instance: object) -> None:
        methods = [n for n in node.body if isinstance(n, ast.FunctionDef)]
        setters = {n.name for n in methods if "setter" in decorators(n)}
        for method in methods:
            if "property" not in decorators(method):
                continue
            qualified = f"{name}.{method.name}"
            try:
                value = getattr(instance, method.name)
            except Exception as error:  # the finding
                self.report.problem("property", qualified, f"reading it raises {error!r}")
                continue
            expected = self.runtime_type(method.returns) if method.returns else None
            if expected is not None and not isinstance(value, expected):
                stubbed = ast.unparse(method.returns) if method.returns else "?"
                self.report.problem(
                    "property", qualified, f"stubbed {stubbed}, value {value!r} at runtime"
                )
                continue
            # Setting it to the value it has: the state stays as it was either way.
            try:
                setattr(instance, method.name, value)
            except (AttributeError, TypeError):
                writable = False
            else:
                writable = True
            if writable == (method.name in setters):
                self.report.checked.append(
                    f"{qualified}: {'writable' if writable else 'read-only'}"
                )
            elif writable:
                self.report.problem(
                    "property", qualified, "read-only in the stub (no setter), writable at runtime"
                )
            else:
                self.report.problem(
                    "property", qualified, "has a setter in the stub, read-only at runtime"
                )


def is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def is_enum_class(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, enum.Enum)


def as_tuple(value: type | tuple[type, ...]) -> tuple[type, ...]:
    return value if isinstance(value, tuple) else (value,)


def instance_check_of(value: object) -> type | tuple[type, ...] | None:
    """The class(es) an annotation's value stands for at runtime: a class, a union of them
    (``int | None``, ``Optional[int]``), ``None``; None for what isinstance cannot test
    (``Self``, ``Any``, generics with parameters, protocols that are not runtime-checkable)."""
    if value is None:
        return type(None)
    if value is typing.SupportsIndex:
        return object  # any object with __index__: what the runtime accepts, not a value type
    origin = typing.get_origin(value)
    if origin is typing.Union or (isinstance(origin, type) and origin is types.UnionType):
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


def check(stub: str, runtime: types.ModuleType, module_name: str | None = None) -> Report:
    """Compare ``stub`` (its text) with the imported module ``runtime``; ``module_name`` is what
    ``__module__`` must say (default: the runtime's top-level package name)."""
    name = module_name or runtime.__name__.split(".")[0]
    return Checker(stub, runtime, name).run()


def lines(report: Report, verbose: bool = False) -> Iterator[str]:
    for problem in report.problems:
        yield f"FAIL  {problem}"
    for note in report.unchecked:
        yield f"skip  {note}"
    if verbose:
        for done in report.checked:
            yield f"ok    {done}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.stubtruth", description=__doc__)
    parser.add_argument("--root", type=Path, help="another checkout of the kit")
    parser.add_argument("--stub", type=Path, help="this stub file instead of the committed one")
    parser.add_argument("-v", "--verbose", action="store_true", help="list what was compared")
    args = parser.parse_args(argv)
    project = Project(args.root.resolve()) if args.root else Project()
    stub = project.stub if args.stub is None else Path(args.stub)
    runtime = importlib.import_module(project.module)
    report = check(stub.read_text(), runtime, project.module)
    for line in lines(report, args.verbose):
        print(line)
    relative = stub.relative_to(project.root).as_posix() if args.stub is None else str(stub)
    verdict = f"{len(report.problems)} lie(s)" if report.problems else "tells the truth"
    print(
        f"{relative} {verdict}: {len(report.checked)} comparisons, {len(report.unchecked)} skipped"
    )
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
