"""Component arguments and stack config, one the mirror of the other (pure; no Pulumi imports).

``BedrockMonitoringArgs`` (``llm_monitor.components.monitoring_args``) has one field per config
key, in snake_case: ``args.models[0].input_token_price`` is ``llm-monitor:models[0].inputTokenPrice``.
The component turns its arguments into stack config (``config_from_args``) and validates them with
``parse_settings``, so both get the same checks; problems are then written with argument paths
(``ArgumentProblems``). The program goes the other way (``args_from_settings``).

Every conversion walks the settings models themselves, so a config key added to them needs no
code here; only its argument field (tests/test_monitoring_args.py says which is missing).
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.alias_generators import to_snake

from llm_monitor.config.base import unwrap
from llm_monitor.config.errors import ConfigError, Problem
from llm_monitor.config.estate import ACCOUNTS_KEY
from llm_monitor.config.models import ModelSettings
from llm_monitor.config.root import NAMESPACE, REGION_KEY, SECTIONS, Settings

ARGS = "args"
#: Argument name → config section (``account_wide_only`` → ``accountWideOnly``); ``region`` is ``aws:region``.
SECTION_OF_ARG = {to_snake(section): section for section in SECTIONS}
ARG_OF_SECTION = {section: arg for arg, section in SECTION_OF_ARG.items()}
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_CONFIG_PATH = re.compile(rf"{re.escape(NAMESPACE)}:[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9_-]+|\[\d+\])*")


def config_from_args(
    args: Mapping[str, Any], default_region: str | None = None, pinned_accounts: str | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """The stack config ``args`` stand for (full keys, camelCase), and the problems with argument
    names nothing in the config matches (each with its argument path and the names allowed).
    ``pinned_accounts``: the stack's ``aws:allowedAccountIds`` (JSON text), the account of an estate role."""
    raw: dict[str, Any] = {}
    problems: list[Problem] = []
    if not isinstance(args, Mapping):
        return raw, [Problem(ARGS, f"must be a mapping of argument names to values, not {type(args).__name__}")]
    for key, value in args.items():
        if key == "region":
            raw[REGION_KEY] = _plain(value)
        elif key in SECTION_OF_ARG:
            section = SECTION_OF_ARG[key]
            raw[f"{NAMESPACE}:{section}"] = _to_config(value, SECTIONS[section], f"{ARGS}.{key}", problems)
        else:
            problems.append(_unknown(f"{ARGS}.{key}", str(key), ["region", *SECTION_OF_ARG]))
    if REGION_KEY not in raw and default_region:
        raw[REGION_KEY] = default_region
    if pinned_accounts:
        raw[ACCOUNTS_KEY] = pinned_accounts
    return raw, problems


def args_from_settings(settings: Settings) -> dict[str, Any]:
    """The arguments that stand for ``settings``, with only what was set (defaults stay defaults)."""
    args: dict[str, Any] = {"region": settings.region, "models": [_model(m) for m in settings.models]}
    for arg, value in (
        ("dashboard", settings.dashboard),
        ("alarms", settings.alarms),
        ("notifications", settings.notifications),
        ("logs", settings.logs),
        ("surfaces", settings.surfaces),
        ("estate", settings.estate),
    ):
        if value.model_fields_set:
            args[arg] = _dump(value)
    if settings.tags:
        args["tags"] = dict(settings.tags)
    if settings.account_wide_only:
        args["account_wide_only"] = True
    if settings.parts != Settings.parts:
        args["parts"] = list(settings.parts)
    if settings.prices:
        args["prices"] = [_dump(p) for p in settings.prices]
    return args


def _model(model: ModelSettings) -> dict[str, Any]:
    """A model's arguments; an application inference profile gives the model its ID (a created
    profile's is known only once it exists), so the ID is not repeated."""
    dumped = _dump(model)
    if model.application_inference_profile is not None:
        dumped.pop("id", None)
    return dumped


def args_path(config_path: str) -> str:
    """``llm-monitor:models[2].inputTokenPrice`` → ``args.models[2].input_token_price``."""
    if config_path == REGION_KEY:
        return f"{ARGS}.region"
    if config_path == NAMESPACE:
        return ARGS
    if not config_path.startswith(f"{NAMESPACE}:"):
        return config_path
    text = config_path.removeprefix(f"{NAMESPACE}:")
    section = re.match(r"[^.\[]*", text).group(0)  # type: ignore[union-attr]
    rest = text[len(section) :]
    if section not in SECTIONS:
        return f"{ARGS}.{to_snake(section)}{rest}"
    path = f"{ARGS}.{ARG_OF_SECTION[section]}"
    annotation: Any = SECTIONS[section]
    for match in _STEP.finditer(rest):
        name, index = match.groups()
        annotation = unwrap(annotation)
        if index is not None:
            path += f"[{index}]"
            annotation = _item(annotation)
        elif _is_model(annotation):
            fields = {f.alias or n: (n, f.annotation) for n, f in annotation.model_fields.items()}
            python, annotation = fields.get(name, (to_snake(name), Any))
            path += f".{python}"
        else:
            path += f".{name}"
            annotation = _item(annotation)
    return path


class ArgumentProblems(ConfigError):
    """The arguments are invalid: the config problems they stand for, written with argument paths.

    ``problems`` keep their config key paths; ``in_config()`` writes the message as a stack's
    configuration error does.
    """

    def __init__(self, error: ConfigError) -> None:
        self.config_error = error
        super().__init__(list(error.problems))
        count = len(self.problems)
        lines = [f"invalid BedrockMonitoring arguments ({count} problem{'s' if count != 1 else ''}):"]
        # Unknown arguments are reported with argument paths already (``config_from_args``).
        lines += [
            f"  - {p}" if p.path.startswith(ARGS) else f"  - {args_path(p.path)}: {in_arguments(p.message)}"
            for p in self.problems
        ]
        self.args = ("\n".join(lines),)

    def __str__(self) -> str:
        return str(self.args[0])

    def in_config(self) -> str:
        return str(self.config_error)


def in_arguments(message: str) -> str:
    """A config problem's message with the config keys it names written as arguments."""
    message = message.removesuffix("; add it to Pulumi.<stack>.yaml")
    message = _CONFIG_PATH.sub(lambda m: args_path(m.group(0)), message)
    return _ALIAS.sub(lambda m: _SNAKE[m.group(0)], message) if _SNAKE else message


# --- walking the settings models ----------------------------------------------------------------------


def _to_config(value: Any, annotation: Any, path: str, problems: list[Problem]) -> Any:
    value = _plain(value)
    annotation = unwrap(annotation)
    if _is_model(annotation) and isinstance(value, Mapping):
        fields = annotation.model_fields
        converted = {}
        for key, item in value.items():
            if key in fields:
                field = fields[key]
                converted[field.alias or key] = _to_config(item, field.annotation, f"{path}.{key}", problems)
            else:
                problems.append(_unknown(f"{path}.{key}", str(key), list(fields)))
        return converted
    if typing.get_origin(annotation) in (list, tuple) and isinstance(value, list | tuple):
        return [_to_config(item, _item(annotation), f"{path}[{i}]", problems) for i, item in enumerate(value)]
    if typing.get_origin(annotation) is dict and isinstance(value, Mapping):
        return {key: _to_config(item, _item(annotation), f"{path}.{key}", problems) for key, item in value.items()}
    return value


def _plain(value: Any) -> Any:
    """Enum members as their values (the config holds strings)."""
    return value.value if isinstance(value, Enum) else value


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(exclude_unset=True, by_alias=False)


def _unknown(path: str, name: str, allowed: list[str]) -> Problem:
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return Problem(path, f"unknown argument {name!r}; {hint}allowed: {', '.join(allowed)}")


def _item(annotation: Any) -> Any:
    """The element type of a list, or the value type of a dict."""
    args = typing.get_args(unwrap(annotation))
    return args[-1] if args else Any


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def models_under(annotation: Any) -> Iterator[type[BaseModel]]:
    """Every settings model reachable from ``annotation`` (once each)."""
    seen: set[type[BaseModel]] = set()
    stack = [annotation]
    while stack:
        current = unwrap(stack.pop())
        if _is_model(current):
            if current in seen:
                continue
            seen.add(current)
            yield current
            stack += [f.annotation for f in current.model_fields.values()]
        else:
            stack += list(typing.get_args(current))


#: camelCase key → snake_case argument, for every key whose two spellings differ.
_SNAKE = {
    field.alias: name
    for section in SECTIONS.values()
    for model in models_under(section)
    for name, field in model.model_fields.items()
    if field.alias and field.alias != name
} | {section: arg for section, arg in ARG_OF_SECTION.items() if section != arg}
_ALIAS = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _SNAKE), key=len, reverse=True)) + r")\b")
