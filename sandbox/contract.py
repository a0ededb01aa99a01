"""The Bot API's contract, read from api.min.json: what each method takes and what each type holds.

Two uses. Form and multipart bodies carry every value as a string, so `decode_params` gives each
parameter the type its method declares (the way Telegram reads them). And in strict mode the
emulator checks every request (`check_request`) and every object it answers with (`check_result`),
so a parameter the bot invents or a field the emulator invents is caught by any test that runs.
"""

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("api.min.json")

_PRIMITIVES = frozenset({"Integer", "Float", "String", "Boolean", "True", "InputFile"})
# Subtypes say which one they are in a field whose description reads 'always "kicked"' or 'must be chat'.
_DISCRIMINATOR = re.compile(r"""(?:always|must be) ["“]?([a-z_]+)["”]?""")
_DISCRIMINATING_FIELDS = ("type", "status", "source")


class Upload:
    """A file the client uploaded in a multipart body; stands for the API's InputFile."""

    __slots__ = ("content", "content_type", "filename")

    def __init__(self, content: bytes, filename: str | None, content_type: str | None) -> None:
        self.content = content
        self.filename = filename
        self.content_type = content_type

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {len(self.content)} bytes)"


class UndecodableParameter(ValueError):
    """A parameter declared as a JSON object or array whose text is not JSON."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass(frozen=True)
class Field:
    name: str
    types: tuple[str, ...]
    required: bool
    description: str


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: Mapping[str, Field]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class TypeSpec:
    name: str
    fields: Mapping[str, Field]
    subtypes: tuple[str, ...]
    discriminator: tuple[str, str] | None


class Spec:
    """The Bot API as data: methods by case-insensitive name, types by name."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.version: str = raw.get("version", "")
        self.methods: dict[str, MethodSpec] = {}
        for name, method in raw["methods"].items():
            self.methods[name.lower()] = MethodSpec(
                name, _fields(method.get("fields", ())), tuple(method.get("returns", ()))
            )
        self.types: dict[str, TypeSpec] = {}
        for name, type_ in raw["types"].items():
            fields = _fields(type_.get("fields", ()))
            self.types[name] = TypeSpec(name, fields, tuple(type_.get("subtypes", ())), _discriminator(fields))

    def method(self, name: str) -> MethodSpec | None:
        return self.methods.get(name.lower())


def _fields(raw: Iterable[Mapping[str, Any]]) -> dict[str, Field]:
    return {
        f["name"]: Field(f["name"], tuple(f["types"]), bool(f["required"]), f.get("description", ""))
        for f in raw
    }


def _discriminator(fields: Mapping[str, Field]) -> tuple[str, str] | None:
    for name in _DISCRIMINATING_FIELDS:
        field = fields.get(name)
        if field is not None and field.types == ("String",):
            found = _DISCRIMINATOR.search(field.description)
            if found:
                return name, found.group(1)
    return None


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> Spec:
    return Spec(json.loads(path.read_text(encoding="utf-8")))


# --- reading parameters -------------------------------------------------------------------------

_TRUE = frozenset({"true", "True", "1"})
_FALSE = frozenset({"false", "False", "0"})


def decode_params(method: MethodSpec, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Give each parameter the type the method declares; parameters it does not declare pass as they are.

    Raises UndecodableParameter for a JSON-typed parameter whose text is not JSON.
    """
    params: dict[str, Any] = {}
    for name, value in raw.items():
        field = method.fields.get(name)
        params[name] = value if field is None or not isinstance(value, str) else _decode(value, field)
    return params


def _decode(value: str, field: Field) -> Any:
    for type_ in field.types:
        if type_ == "String" or type_ == "InputFile":
            return value
        if type_ == "Integer":
            try:
                return int(value)
            except ValueError:
                continue
        elif type_ == "Float":
            try:
                return float(value)
            except ValueError:
                continue
        elif type_ in ("Boolean", "True"):
            if value in _TRUE:
                return True
            if value in _FALSE:
                return False
        else:
            try:
                return json.loads(value)
            except ValueError:
                raise UndecodableParameter(field.name) from None
    return value


# --- checking values against the contract ---------------------------------------------------------


def check_request(spec: Spec, method: MethodSpec, params: Mapping[str, Any]) -> list[str]:
    """Problems with a request: parameters the method does not take, and values of the wrong type."""
    problems: list[str] = []
    for name, value in params.items():
        field = method.fields.get(name)
        if field is None:
            problems.append(f"{method.name} takes no parameter {name!r}")
            continue
        problems.extend(_check_union(spec, value, field.types, f"{method.name}.{name}"))
    return problems


def check_result(spec: Spec, method: MethodSpec, result: Any) -> list[str]:
    """Problems with what a method answered, checked recursively against the types it returns."""
    return _check_union(spec, result, method.returns, f"{method.name}()")


def check_object(spec: Spec, value: Any, type_expr: str, path: str | None = None) -> list[str]:
    """Problems with one value of a Bot API type, e.g. check_object(spec, update, "Update")."""
    return _check(spec, value, type_expr, path or type_expr)


def _check_union(spec: Spec, value: Any, types: Iterable[str], path: str) -> list[str]:
    best: list[str] | None = None
    for type_expr in types:
        problems = _check(spec, value, type_expr, path)
        if not problems:
            return []
        if best is None or len(problems) < len(best):
            best = problems
    return best or []


def _check(spec: Spec, value: Any, type_expr: str, path: str) -> list[str]:
    if type_expr.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{path}: expected {type_expr}, got {_kind(value)}"]
        inner = type_expr[len("Array of ") :]
        problems: list[str] = []
        for index, item in enumerate(value):
            problems.extend(_check(spec, item, inner, f"{path}[{index}]"))
        return problems
    if type_expr in _PRIMITIVES:
        return [] if _is_primitive(value, type_expr) else [f"{path}: expected {type_expr}, got {_kind(value)}"]
    type_ = spec.types.get(type_expr)
    if type_ is None:
        return [f"{path}: the contract names an unknown type {type_expr}"]
    if type_.subtypes:
        return _check_union(spec, value, type_.subtypes, path)
    return _check_fields(spec, value, type_, path)


def _check_fields(spec: Spec, value: Any, type_: TypeSpec, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected {type_.name} object, got {_kind(value)}"]
    problems: list[str] = []
    if type_.discriminator is not None:
        key, expected = type_.discriminator
        if value.get(key) != expected:
            problems.append(f"{path}: {type_.name} needs {key} {expected!r}, got {value.get(key)!r}")
    for name, field in type_.fields.items():
        if name in value:
            problems.extend(_check_union(spec, value[name], field.types, f"{path}.{name}"))
        elif field.required:
            problems.append(f"{path}: {type_.name} lacks required field {name!r}")
    problems.extend(
        f"{path}: {type_.name} has no field {name!r}" for name in value if name not in type_.fields
    )
    return problems


def _is_primitive(value: Any, type_expr: str) -> bool:
    if type_expr == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_expr == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_expr == "String":
        return isinstance(value, str)
    if type_expr == "Boolean":
        return isinstance(value, bool)
    if type_expr == "True":
        return value is True
    return isinstance(value, Upload)  # InputFile


def _kind(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"[:80]
