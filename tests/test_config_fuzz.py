"""Property-based: malformed stack configs always end in the config error, never in a traceback.

Mutations are derived from the settings classes themselves (every ``Section`` forbids unknown
keys, every field has a type), so they keep covering sections as they grow:

- an unknown key in any settings object;
- a value of a JSON kind the field does not accept (a string where a number belongs, ...);
- a required key removed.

Each mutated config must raise ``ConfigError`` naming the path of every mutation. Arbitrary JSON
in every section must give either Settings or ConfigError, nothing else. A few whole-program runs
check the same end to end: exit code 2, the paths on stderr, no traceback, nothing registered.
"""

from __future__ import annotations

import json
import re
import tempfile
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from llm_monitor.config import NAMESPACE, ConfigError, Settings, parse_settings
from llm_monitor.config.base import Section
from llm_monitor.config.root import REGION_KEY
from llm_monitor.preview import stackconfig
from tests.program import FIXTURES, ROOT, preview_failure, registered

BASES = {stack: stackconfig.load(ROOT, stack, FIXTURES / f"Pulumi.{stack}.yaml").values for stack in ("dev", "prod")}


# --- what each key accepts ---------------------------------------------------------------------------


def top_level() -> dict[str, Any]:
    """Full config key → annotation, from the Settings dataclass."""
    hints = typing.get_type_hints(Settings)
    return {(REGION_KEY if name == "region" else f"{NAMESPACE}:{to_camel(name)}"): hint for name, hint in hints.items()}


def unwrap(annotation: Any) -> list[Any]:
    """The alternatives an annotation accepts (Annotated and unions flattened)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [alt for arg in typing.get_args(annotation) for alt in unwrap(arg)]
    return [annotation]


def kinds(annotation: Any) -> set[str]:
    """JSON kinds a strict pydantic field of this annotation may accept."""
    accepted: set[str] = set()
    for alt in unwrap(annotation):
        origin = typing.get_origin(alt) or alt
        if alt is Any:
            return {"object", "array", "string", "number", "boolean", "null"}
        if origin is Literal:
            accepted |= {_kind(v) for v in typing.get_args(alt)}
        elif origin in (list, tuple, set, frozenset):
            accepted.add("array")
        elif origin is dict or (isinstance(origin, type) and issubclass(origin, BaseModel)):
            accepted.add("object")
        elif origin is bool:
            accepted.add("boolean")
        elif origin in (int, float):
            accepted.add("number")
        elif origin is str:
            accepted.add("string")
        elif alt is type(None):
            accepted.add("null")
        else:
            # Enums, str subclasses and other types: assume the most permissive reading.
            accepted |= {"string", "number"}
    return accepted


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


WRONG = {"object": {"zzUnexpected": 1}, "array": [["nested"], 1], "string": "not-a-value", "number": 12345.5}


@dataclass(frozen=True)
class Node:
    """A place in the raw config: a value and what it should be."""

    path: str
    container: Any
    key: Any
    annotation: Any


def nodes(config: dict[str, Any]) -> list[Node]:
    """Every value in the config that a settings field describes, outermost first."""
    found: list[Node] = []
    for key, annotation in top_level().items():
        if key in config:
            _walk(Node(key, config, key, annotation), found)
    return found


def _walk(node: Node, found: list[Node]) -> None:
    found.append(node)
    value = node.container[node.key]
    for alt in unwrap(node.annotation):
        origin = typing.get_origin(alt)
        if isinstance(alt, type) and issubclass(alt, Section) and isinstance(value, dict):
            fields = {f.alias or name: f for name, f in alt.model_fields.items()}
            for key in value:
                if key in fields:
                    _walk(Node(f"{node.path}.{key}", value, key, fields[key].annotation), found)
        elif origin in (list, tuple) and isinstance(value, list):
            (item, *_) = typing.get_args(alt) or (Any,)
            for index in range(len(value)):
                _walk(Node(f"{node.path}[{index}]", value, index, item), found)
        elif origin is dict and isinstance(value, dict):
            item = typing.get_args(alt)[-1]
            for key in value:
                _walk(Node(f"{node.path}.{key}", value, key, item), found)


def section_of(annotation: Any) -> type[Section] | None:
    sections = [alt for alt in unwrap(annotation) if isinstance(alt, type) and issubclass(alt, Section)]
    return sections[0] if sections else None


# --- mutations ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    kind: str
    path: str
    """Key path the error must name (the problem's path starts with it)."""


def mutate(config: dict[str, Any], draw: st.DrawFn) -> list[Mutation]:
    """Apply 1-4 guaranteed-invalid mutations at unrelated places; return what was done where."""
    done: list[Mutation] = []
    for _ in range(draw(st.integers(1, 4))):
        candidates = [n for n in nodes(config) if not any(_related(n.path, m.path) for m in done)]
        if not candidates:
            break
        node = draw(st.sampled_from(candidates))
        section = section_of(node.annotation)
        value = node.container[node.key]
        options = ["wrong kind"]
        if section is not None and isinstance(value, dict):
            options.append("unknown key")
            required = [
                f.alias or n for n, f in section.model_fields.items() if f.is_required() and (f.alias or n) in value
            ]
            if required:
                options.append("remove required")
        choice = draw(st.sampled_from(options))
        if choice == "wrong kind":
            accepted = kinds(node.annotation)
            wrong = [WRONG[k] for k in ("object", "array", "string", "number") if k not in accepted]
            if not wrong:
                continue
            node.container[node.key] = draw(st.sampled_from(wrong))
            done.append(Mutation(choice, node.path))
        elif choice == "unknown key":
            key = draw(st.from_regex(r"zz[A-Za-z]{1,8}", fullmatch=True))
            value[key] = draw(st.sampled_from([1, "x", None, [], {}]))
            done.append(Mutation(choice, f"{node.path}.{key}"))
        else:
            key = draw(st.sampled_from(required))
            del value[key]
            done.append(Mutation(choice, f"{node.path}.{key}"))
    return done


def _related(a: str, b: str) -> bool:
    """One path is inside the other (mutating both could hide one)."""
    return a == b or a.startswith((f"{b}.", f"{b}[")) or b.startswith((f"{a}.", f"{a}["))


@st.composite
def malformed(draw: st.DrawFn) -> tuple[dict[str, Any], list[Mutation]]:
    config = json.loads(json.dumps(BASES[draw(st.sampled_from(sorted(BASES)))]))
    mutations = mutate(config, draw)
    if not mutations:
        # Nothing applicable (cannot happen with the stack files); fall back to an unknown top-level key.
        config[f"{NAMESPACE}:zzUnknown"] = 1
        mutations = [Mutation("unknown key", f"{NAMESPACE}:zzUnknown")]
    return config, mutations


def as_engine_strings(config: dict[str, Any]) -> dict[str, str]:
    """What the language host hands the program, converted as the preview runner converts it."""
    return stackconfig.StackConfig("llm-monitor", "fuzz", config, ()).as_pulumi_strings()


def assert_reported(error: ConfigError, mutations: list[Mutation]) -> None:
    paths = [p.path for p in error.problems]
    for mutation in mutations:
        assert any(_related(p, mutation.path) for p in paths), (mutation, paths)
    assert all(p.message.strip() for p in error.problems)
    assert all(p.path.startswith((f"{NAMESPACE}:", REGION_KEY)) for p in error.problems), paths


# --- pure: parse_settings ---------------------------------------------------------------------------------


def test_the_stack_files_parse() -> None:
    """The bases the mutations start from are valid, so every error below comes from a mutation."""
    for config in BASES.values():
        parse_settings(config)
        parse_settings(as_engine_strings(config))


@settings(max_examples=200, deadline=None)
@given(case=malformed(), encode=st.booleans())
def test_malformed_configs_raise_config_error_naming_each_path(
    case: tuple[dict[str, Any], list[Mutation]], encode: bool
) -> None:
    config, mutations = case
    try:
        parse_settings(as_engine_strings(config) if encode else config)
    except ConfigError as error:
        assert_reported(error, mutations)
    else:
        raise AssertionError(f"accepted a malformed config: {mutations}")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_arbitrary_values_give_settings_or_config_error(data: st.DataObject) -> None:
    """Replace any top-level keys, or values anywhere inside them, with arbitrary JSON."""
    config = json.loads(json.dumps(BASES[data.draw(st.sampled_from(sorted(BASES)))]))
    for node in data.draw(st.lists(st.sampled_from(nodes(config)), max_size=3, unique_by=lambda n: n.path)):
        # A node inside an already replaced value is detached; writing to it is harmless.
        node.container[node.key] = data.draw(JSON)
    problems = None
    try:
        parse_settings(config)
    except ConfigError as error:
        problems = error.problems
    if problems is not None:
        assert problems
        assert all(p.path.startswith((f"{NAMESPACE}:", REGION_KEY)) for p in problems)


def test_a_mutation_that_is_not_reported_fails_the_check() -> None:
    """The path assertion bites: a problem elsewhere does not count for the mutated key."""
    config = json.loads(json.dumps(BASES["dev"]))
    config[REGION_KEY] = "mars-1"
    try:
        parse_settings(config)
    except ConfigError as error:
        try:
            assert_reported(error, [Mutation("wrong kind", f"{NAMESPACE}:models[0].id")])
        except AssertionError:
            return
    raise AssertionError("the check accepted an error that does not name the mutated path")


# --- whole program -----------------------------------------------------------------------------------------


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(case=malformed())
def test_whole_program_stops_before_registering_anything(case: tuple[dict[str, Any], list[Mutation]]) -> None:
    config, mutations = case
    with tempfile.TemporaryDirectory() as tmp:
        # Stack files hold the stack's values (project defaults are merged in by the loader).
        failure = preview_failure(Path(tmp), config, stack="fuzz")
        assert failure.returncode == 2
        assert "invalid stack configuration" in failure.stderr
        assert "Traceback" not in failure.stderr
        assert not failure.out_dir.exists()
        reported = re.findall(r"^  - (\S+?): ", failure.stderr, flags=re.MULTILINE)
        for mutation in mutations:
            assert any(_related(p, mutation.path) for p in reported), (mutation, failure.stderr)
        count, error = registered(Path(tmp) / "Pulumi.fuzz.yaml")  # the file preview_failure wrote
        assert count == 0
        assert error
