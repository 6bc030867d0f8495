"""What the program registers, checked against the input types of the installed pulumi-aws SDK.

The mock runtime accepts any inputs, so a misspelled nested key, ``"yes"`` for a boolean or
``"30"`` for an integer would otherwise surface only at ``pulumi up``. Nothing here is written by
hand; everything is read from the SDK at test time, so an upgrade of pulumi-aws re-checks it all:

- **token → class**: pulumi-aws registers a resource module per token (``pulumi.runtime``'s
  resource-module registry, which the engine uses to rehydrate resources); the class it names
  must carry the same ``@pulumi.type_token``;
- **class → inputs**: the ``args`` overload of the class's ``__init__`` names its ``*Args`` input
  type; each ``@pulumi.input_type`` class lists its properties with ``@pulumi.getter(name=...)``,
  the table the SDK's serializer translates snake_case names with (so registered camelCase names
  map back exactly), and each getter's return hint gives the type: ``Input[...]``/``Output``
  wrappers dropped, ``Optional`` meaning "not required", ``Sequence`` a list, ``Mapping[str, X]``
  a map, nested ``*Args`` an object, ``(str, Enum)`` classes an enum, unions any of their members.

Values are read as the engine receives them (``resources.json``): numbers as floats (``30.0``
is an integer, ``30.5`` is not), secrets wrapped in the SDK's secret signature (checked inside),
unknown values (an output not yet known) as ``None``, ``Unknown`` or the unknown sentinel
(accepted anywhere: the engine fills them in later). JSON documents (policies, dashboard bodies)
are strings to the SDK and are checked as strings.

Not checked: component resources (``custom`` false: not provider types) and provider resources
(``pulumi:providers:*``: the SDK JSON-encodes every non-string provider setting).
"""

from __future__ import annotations

import collections.abc
import difflib
import enum
import functools
import importlib
import inspect
import json
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

import pulumi
import pulumi_aws  # noqa: F401 - importing the SDK registers its resource modules
from pulumi import _types as pulumi_types
from pulumi.runtime import rpc
from pulumi.type_token import get_type_token

# --- the SDK's types as a small type language ------------------------------------------------


@dataclass(frozen=True)
class Scalar:
    type: type  # str, int, float or bool


@dataclass(frozen=True)
class EnumOf:
    enum: type[enum.Enum]


@dataclass(frozen=True)
class ListOf:
    item: Kind


@dataclass(frozen=True)
class MapOf:
    value: Kind


@dataclass(frozen=True)
class ObjectOf:
    """An ``@pulumi.input_type`` class (a resource's ``*Args`` or a nested one)."""

    cls: type


@dataclass(frozen=True)
class OneOf:
    options: tuple[Kind, ...]


@dataclass(frozen=True)
class AssetOf:
    """``pulumi.Asset`` or ``pulumi.Archive``: sent with the SDK's own signature key."""

    cls: type


@dataclass(frozen=True)
class Anything:
    pass


Kind = Scalar | EnumOf | ListOf | MapOf | ObjectOf | OneOf | AssetOf | Anything


@dataclass(frozen=True)
class Field:
    python_name: str
    kind: Kind
    required: bool


class UnsupportedType(TypeError):
    """A type hint this module cannot read: extend ``kind_of`` rather than check nothing."""


# Resolving a getter's hint needs the SDK's globals plus the names pulumi's own resolver adds
# (``Output`` is a forward reference inside ``pulumi.Input``; any ``T`` will do).
_LOCALS = {"Output": pulumi.Output, "T": type(None)}
_SCALARS = (str, int, float, bool)


def _is_wrapper(hint: Any) -> bool:
    """The ``Awaitable[T]`` and ``Output[T]`` members of ``pulumi.Input[T]``: not wire shapes."""
    return typing.get_origin(hint) in (collections.abc.Awaitable, pulumi.Output) or hint is pulumi.Output


def _twin_input_type(cls: type) -> type | None:
    """The ``*Args`` input type that a ``*ArgsDict`` TypedDict or an output type mirrors.

    The generator emits the three side by side (``XArgs``, ``XArgsDict``, ``outputs.X``) for one
    wire shape; the serializer translates names with the input type's table.
    """
    if pulumi_types.is_input_type(cls):
        return cls
    if typing.is_typeddict(cls):
        name = cls.__name__.removesuffix("Dict")
    elif pulumi_types.is_output_type(cls):
        name = f"{cls.__name__}Args"
    else:
        return None
    package = cls.__module__.rsplit(".", 1)[0]
    for module_name in (cls.__module__, f"{package}._inputs"):
        twin = getattr(importlib.import_module(module_name), name, None)
        if isinstance(twin, type) and pulumi_types.is_input_type(twin):
            return twin
    return None


def kind_of(hint: Any, where: str) -> tuple[Kind, bool]:
    """The wire kind of a resolved type hint, and whether it admits None (is optional)."""
    if hint is Any:
        return Anything(), True
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        members = [m for m in typing.get_args(hint) if not _is_wrapper(m)]
        optional = type(None) in members
        kinds: list[Kind] = []
        for member in members:
            if member is type(None):
                continue
            kind, member_optional = kind_of(member, where)
            optional = optional or member_optional
            if kind not in kinds:
                kinds.append(kind)
        if not kinds:
            raise UnsupportedType(f"{where}: {hint!r} has no wire member")
        return (kinds[0] if len(kinds) == 1 else OneOf(tuple(kinds))), optional
    args = typing.get_args(hint)
    if origin in (collections.abc.Sequence, list):
        return ListOf(kind_of(args[0], where)[0]), False
    if origin in (collections.abc.Mapping, dict):
        if args[0] is not str:
            raise UnsupportedType(f"{where}: map keys of {hint!r} are not strings")
        return MapOf(kind_of(args[1], where)[0]), False
    if hint in _SCALARS:
        return Scalar(hint), False
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        return EnumOf(hint), False
    if inspect.isclass(hint) and issubclass(hint, (pulumi.Asset, pulumi.Archive)):
        return AssetOf(hint), False
    if inspect.isclass(hint) and (twin := _twin_input_type(hint)) is not None:
        return ObjectOf(twin), False
    raise UnsupportedType(f"{where}: cannot read the type hint {hint!r}")


@functools.cache
def fields(input_type: type) -> dict[str, Field]:
    """The properties of an ``@pulumi.input_type`` class, by their engine (camelCase) name."""
    module_globals = vars(importlib.import_module(input_type.__module__))
    result = {}
    for python_name, engine_name in pulumi_types.input_type_py_to_pulumi_names(input_type).items():
        getter = getattr(input_type, python_name).fget
        hint = typing.get_type_hints(getter, globalns=module_globals, localns=_LOCALS)["return"]
        kind, optional = kind_of(hint, f"{input_type.__name__}.{python_name}")
        result[engine_name] = Field(python_name, kind, required=not optional)
    return result


# --- token → resource class → its *Args --------------------------------------------------------


@functools.cache
def resource_class(token: str) -> type | None:
    """The SDK class registered for a resource type token (``aws:cloudwatch/metricAlarm:MetricAlarm``)."""
    parts = token.split(":")
    if len(parts) != 3:
        return None
    module = rpc.get_resource_module(parts[0], parts[1], "")
    info = getattr(module, "mod_info", None)  # pulumi-aws's generated ResourceModule keeps its table here
    if info is None or token not in info["classes"]:
        return None
    cls = getattr(importlib.import_module(info["fqn"]), info["classes"][token])
    return cls if get_type_token(cls) == token else None


@functools.cache
def args_type(resource_cls: type) -> type:
    """The ``*Args`` input type of a resource class: the annotation of its ``args`` overload."""
    for overload in typing.get_overloads(vars(resource_cls)["__init__"]):
        parameter = inspect.signature(overload).parameters.get("args")
        if parameter is not None:
            kind, _ = kind_of(parameter.annotation, f"{resource_cls.__name__}.__init__(args)")
            if isinstance(kind, ObjectOf):
                return kind.cls
    raise UnsupportedType(f"{resource_cls.__name__}.__init__ has no args overload naming its *Args class")


def internal_init_kinds(resource_cls: type) -> dict[str, tuple[Kind, bool]]:
    """The keyword parameters of the class's ``_internal_init`` (where the ``*ArgsDict`` and output
    types appear next to the ``*Args``), by Python name: a second view of the same inputs."""
    hints = typing.get_type_hints(
        resource_cls._internal_init,  # type: ignore[attr-defined]
        globalns=vars(importlib.import_module(resource_cls.__module__)),
        localns=_LOCALS,
    )
    skip = {"resource_name", "opts", "__props__", "return"}
    return {
        name: kind_of(hint, f"{resource_cls.__name__}._internal_init({name})")
        for name, hint in hints.items()
        if name not in skip
    }


# --- checking registered values ----------------------------------------------------------------


def problems(resource: Mapping[str, Any]) -> list[str]:
    """Every way one registered resource (a ``resources.json`` entry) breaks its SDK input types,
    as ``<urn>: <property path>: <what was expected>``."""
    token, label = resource["type"], resource["urn"]
    if not resource["custom"] or token.startswith("pulumi:providers:"):
        return []
    cls = resource_class(token)
    if cls is None:
        return [f"{label}: no installed SDK registers a resource class for {token}; its inputs are unchecked"]
    found: list[tuple[str, str]] = []
    _check(ObjectOf(args_type(cls)), resource["inputs"], "", found)
    return [f"{label}: {path}: {message}" for path, message in found]


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _key_path(path: str, key: str) -> str:
    if not _IDENTIFIER.fullmatch(key):
        return f"{path}[{json.dumps(key)}]"
    return f"{path}.{key}" if path else key


def _is_unknown(value: Any) -> bool:
    # None: what an unknown output deserializes to outside preview (and an absent value);
    # Unknown: the same during preview; the sentinel string: the raw wire form.
    return value is None or isinstance(value, pulumi.output.Unknown) or value == rpc.UNKNOWN


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    return "object" if isinstance(value, Mapping) else type(value).__name__


def _wire_kind(kind: Kind) -> str:
    """The JSON kind a value of ``kind`` has on the wire (to pick the union member a value meant)."""
    if isinstance(kind, Scalar):
        return {str: "string", int: "number", float: "number", bool: "boolean"}[kind.type]
    if isinstance(kind, EnumOf):
        return "string"
    if isinstance(kind, ListOf):
        return "list"
    return "object"


def noun(kind: Kind) -> str:
    """How a problem message names what was expected."""
    if isinstance(kind, Scalar):
        return {str: "string", int: "integer", float: "number", bool: "boolean"}[kind.type]
    if isinstance(kind, EnumOf):
        return f"{kind.enum.__name__} ({', '.join(repr(m.value) for m in kind.enum)})"
    if isinstance(kind, ListOf):
        return f"list of {noun(kind.item)}"
    if isinstance(kind, MapOf):
        return f"map of {noun(kind.value)}"
    if isinstance(kind, ObjectOf):
        return f"{kind.cls.__name__} object"
    if isinstance(kind, OneOf):
        return " or ".join(noun(option) for option in kind.options)
    return kind.cls.__name__ if isinstance(kind, AssetOf) else "anything"


def _scalar_ok(expected: type, value: Any) -> bool:
    if expected is bool or isinstance(value, bool):
        return expected is bool and isinstance(value, bool)
    if expected is int:
        # The engine hands every number over as a float: 30.0 is an integer, 30.5 is not.
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if expected is float:
        return isinstance(value, int | float)
    return isinstance(value, str)


def _mismatch(kind: Kind, value: Any) -> str:
    shown = json.dumps(value, default=repr)
    shown = shown if len(shown) <= 80 else f"{shown[:77]}..."
    return f"expected {noun(kind)}, got {_json_kind(value)} {shown}"


def _check(kind: Kind, value: Any, path: str, found: list[tuple[str, str]]) -> None:
    """Append ``(path, message)`` for everything in ``value`` that ``kind`` does not allow."""
    if rpc.is_rpc_secret(value):
        value = rpc.unwrap_rpc_secret(value)  # a secret of the right type is fine anywhere
    if _is_unknown(value) or isinstance(kind, Anything):
        return
    if isinstance(kind, Scalar):
        if not _scalar_ok(kind.type, value):
            found.append((path, _mismatch(kind, value)))
    elif isinstance(kind, EnumOf):
        if not isinstance(value, str) or value not in {m.value for m in kind.enum}:
            found.append((path, _mismatch(kind, value)))
    elif isinstance(kind, ListOf):
        if not isinstance(value, list | tuple):
            found.append((path, _mismatch(kind, value)))
            return
        for index, item in enumerate(value):
            _check(kind.item, item, f"{path}[{index}]", found)
    elif isinstance(kind, MapOf):
        if not isinstance(value, Mapping):
            found.append((path, _mismatch(kind, value)))
            return
        for key, item in value.items():
            _check(kind.value, item, _key_path(path, key), found)
    elif isinstance(kind, ObjectOf):
        if not isinstance(value, Mapping):
            found.append((path, _mismatch(kind, value)))
            return
        _check_object(kind.cls, value, path, found)
    elif isinstance(kind, OneOf):
        _check_union(kind, value, path, found)
    elif not isinstance(value, kind.cls) and not (isinstance(value, Mapping) and rpc._special_sig_key in value):
        found.append((path, _mismatch(kind, value)))


def _check_object(input_type: type, value: Mapping[str, Any], path: str, found: list[tuple[str, str]]) -> None:
    expected = fields(input_type)
    for key in value:
        if key not in expected:
            close = difflib.get_close_matches(key, list(expected), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            found.append((_key_path(path, key), f"no such property in {input_type.__name__}{hint}"))
    for name, field in expected.items():
        if name in value:
            _check(field.kind, value[name], _key_path(path, name), found)
        elif field.required:
            found.append((_key_path(path, name), f"missing: {input_type.__name__} requires it ({noun(field.kind)})"))


def _check_union(kind: OneOf, value: Any, path: str, found: list[tuple[str, str]]) -> None:
    """Fine if any member allows ``value``; otherwise report against the member of the value's own
    JSON kind (an object meant as the ``*Args`` member), or the whole union if that is ambiguous."""
    attempts = []
    for option in kind.options:
        option_found: list[tuple[str, str]] = []
        _check(option, value, path, option_found)
        if not option_found:
            return
        if _wire_kind(option) == _json_kind(value):
            attempts.append(option_found)
    if len(attempts) == 1:
        found.extend(attempts[0])
    else:
        found.append((path, _mismatch(kind, value)))
