"""The whole stack configuration, and the loader that reports every problem at once."""

from __future__ import annotations

import difflib
import json
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel, StrictBool, TypeAdapter, ValidationError
from pydantic.alias_generators import to_snake

from llm_monitor.config.alarms import AlarmSettings, alarm_problems
from llm_monitor.config.base import Section, unwrap
from llm_monitor.config.dashboard import DashboardSettings
from llm_monitor.config.errors import ConfigError, Problem
from llm_monitor.config.estate import ACCOUNTS_KEY, EstateSettings, estate_problems, pinned_accounts
from llm_monitor.config.logs import LogSettings, log_group_name_problems
from llm_monitor.config.models import ModelSettings, name_from_label
from llm_monitor.config.notifications import NotificationSettings, notification_problems
from llm_monitor.config.parts import PARTS, Part, part_problems
from llm_monitor.config.prices import ModelPrices, price_problems, with_prices
from llm_monitor.config.surfaces import SurfaceSettings
from llm_monitor.config.tags import tag_problems

NAMESPACE = "llm-monitor"
REGION_KEY = "aws:region"
REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]")

# Top-level keys under `llm-monitor:`, each validated on its own so that one bad block does not
# hide the problems of another.
SECTIONS: dict[str, Any] = {
    "models": list[ModelSettings],
    "dashboard": DashboardSettings,
    "alarms": AlarmSettings,
    "notifications": NotificationSettings,
    "logs": LogSettings,
    "tags": dict[str, str],
    "accountWideOnly": StrictBool,
    "surfaces": SurfaceSettings,
    "prices": list[ModelPrices],
    "parts": list[Part],
    "estate": EstateSettings,
}
_REQUIRED = ("models",)


@dataclass(frozen=True)
class Settings:
    """Everything the program needs to know, validated."""

    region: str
    models: tuple[ModelSettings, ...]
    dashboard: DashboardSettings = field(default_factory=DashboardSettings)
    alarms: AlarmSettings = field(default_factory=AlarmSettings)
    notifications: NotificationSettings = field(default_factory=NotificationSettings)
    logs: LogSettings = field(default_factory=LogSettings)
    tags: dict[str, str] = field(default_factory=dict)
    account_wide_only: bool = False
    """The stack watches the account as a whole (the account overview and the logs) and lists no
    model: an empty ``models`` list is then intended rather than a mistake."""
    parts: tuple[Part, ...] = PARTS
    """What the stack builds (``llm_monitor.config.parts``)."""

    def builds(self, part: Part) -> bool:
        return part in self.parts

    @property
    def local_models(self) -> tuple[ModelSettings, ...]:
        """The models whose metrics are in the stack's Region: the ones it alarms on (``region`` per model)."""
        return tuple(m for m in self.models if m.region in (None, self.region))

    surfaces: SurfaceSettings = field(default_factory=SurfaceSettings)
    """Bedrock's surfaces beyond the models (agents, AgentCore, knowledge bases, batch, bedrock-mantle,
    guardrails in depth), each opt-in."""
    prices: tuple[ModelPrices, ...] = ()
    """Standard prices by foundation model, for models without their own (already applied to ``models``)."""
    estate: EstateSettings = field(default_factory=EstateSettings)
    """The stack's role in an estate of accounts and Regions (``llm_monitor.config.estate``)."""
    account_id: str | None = None
    """The one account ``aws:allowedAccountIds`` pins (required for the source and monitoring roles)."""

    def with_profiles(self, resolved: Mapping[str, tuple[str, str]]) -> Settings:
        """These settings once application inference profiles are looked up: ``resolved`` maps a
        model's name to the foundation model behind its profile and the quota its calls draw on
        (``config.profiles.profile_model``). A typed ``quotaScope`` wins; prices follow the model."""
        models = []
        for model in self.models:
            profile = model.application_inference_profile
            if model.name in resolved and profile is not None:
                foundation, scope = resolved[model.name]
                update: dict[str, Any] = {
                    "application_inference_profile": profile.model_copy(update={"model": foundation})
                }
                if model.quota_scope is None:
                    update["quota_scope"] = scope
                model = model.model_copy(update=update)
            models.append(model)
        return replace(self, models=with_prices(models, self.prices))


def parse_settings(raw: dict[str, Any], *, project: str | None = None, stack: str | None = None) -> Settings:
    """Validate raw stack config (full keys such as ``llm-monitor:models``) into Settings.

    Values may be JSON text (as Pulumi hands them to a program) or already-decoded objects.
    ``project`` and ``stack`` (the program always passes them) enable the checks that depend on
    them: default log group names are per project and stack. Raises ConfigError listing every
    problem, each with its key path.
    """
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    prefix = f"{NAMESPACE}:"
    for key in sorted(raw):
        if key.startswith(prefix) and key[len(prefix) :] not in SECTIONS:
            problems.append(_unknown(key, key[len(prefix) :], list(SECTIONS)))
    for name, annotation in SECTIONS.items():
        key = prefix + name
        if key not in raw:
            if name in _REQUIRED:
                problems.append(Problem(key, "required; add it to Pulumi.<stack>.yaml"))
            continue
        try:
            values[to_snake(name)] = TypeAdapter(annotation).validate_python(_decode(raw[key]))
        except ValidationError as exc:
            problems += [_problem(key, annotation, e) for e in exc.errors()]
    problems += _duplicates(_decode(raw.get(prefix + "models")))
    problems += price_problems(values.get("prices", []), NAMESPACE)
    problems += tag_problems(values.get("tags", {}), NAMESPACE)
    problems += _scope_problems(
        values, switch_given=prefix + "accountWideOnly" in raw, estate_given=prefix + "estate" in raw
    )
    problems += part_problems(values, NAMESPACE)
    if "logs" in values:
        problems += log_group_name_problems(values["logs"], project, stack, NAMESPACE)
    problems += _alarm_problems(values, parsed_alarms=prefix + "alarms" not in raw or "alarms" in values)
    region = _decode(raw.get(REGION_KEY))
    if "estate" in values:
        problems += estate_problems(
            values["estate"],
            raw.get(ACCOUNTS_KEY),
            region if isinstance(region, str) else None,
            _decode(raw.get(prefix + "models")),
            NAMESPACE,
        )
    if not isinstance(region, str) or not REGION_PATTERN.fullmatch(region):
        problems.append(
            Problem(
                REGION_KEY, f"{region!r} is not an AWS Region; set it, e.g. `pulumi config set aws:region us-east-1`"
            )
        )
    elif "notifications" in values:
        problems += notification_problems(values["notifications"], region, NAMESPACE)
    if problems:
        raise ConfigError(problems)
    if "parts" in values:
        values["parts"] = tuple(values["parts"])
    prices = tuple(values.pop("prices", ()))
    pinned = pinned_accounts(raw.get(ACCOUNTS_KEY)) or []
    return Settings(
        region=region,
        models=with_prices(values.pop("models"), prices),
        prices=prices,
        account_id=pinned[0] if len(pinned) == 1 else None,
        **values,
    )


def _decode(value: Any) -> Any:
    """Pulumi passes structured config as JSON text; plain strings stay strings."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _problem(key: str, annotation: Any, error: Any) -> Problem:
    loc = tuple(error["loc"])
    path = key + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
    if error["type"] == "extra_forbidden":
        allowed = _allowed_keys(annotation, loc[:-1])
        return _unknown(path, str(loc[-1]), allowed)
    if error["type"] == "missing":
        return Problem(path, "required key is missing")
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] not in ("value_error",) and "input" in error and not isinstance(error["input"], dict | list):
        message += f" (got {error['input']!r})"
    return Problem(path, message)


def _unknown(path: str, name: str, allowed: list[str]) -> Problem:
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return Problem(path, f"unknown key {name!r}; {hint}allowed: {', '.join(allowed)}")


def _allowed_keys(annotation: Any, loc: tuple[Any, ...]) -> list[str]:
    """The camelCase keys accepted at ``loc`` inside ``annotation`` (walking lists, dicts, Optionals)."""
    current = annotation
    for step in loc:
        current = unwrap(current)
        if isinstance(step, int) or typing.get_origin(current) in (list, tuple, dict):
            args = typing.get_args(current)
            current = args[-1] if args else Any
        elif isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or n: f for n, f in current.model_fields.items()}
            current = fields[step].annotation if step in fields else Any
    current = unwrap(current)
    if isinstance(current, type) and issubclass(current, Section):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _duplicates(models: Any) -> list[Problem]:
    """Names and ids must each be unique; checked on the raw list so other errors don't hide it."""
    if not isinstance(models, list):
        return []
    problems = []
    for attribute in ("name", "id"):
        first_seen: dict[str, int] = {}
        for index, model in enumerate(models):
            value, key, derived = _identifier(model, attribute)
            if value is None:
                continue
            if value in first_seen:
                also = f"models[{first_seen[value]}]"
                message = (
                    f"derives the name {value!r}, the name of {also} too; set a name of its own"
                    if derived
                    else f"duplicate {attribute} {value!r} (also {also}); each model's {attribute} must be unique "
                    "in the stack"
                )
                problems.append(Problem(f"{NAMESPACE}:models[{index}].{key}", message))
            else:
                first_seen[value] = index
    return problems


def _profile_id(profile: Any) -> str | None:
    """The ModelId an ``applicationInferenceProfile`` block gives its model (the ARN's last part, or the ID)."""
    if not isinstance(profile, dict):
        return None
    arn, given = profile.get("arn"), profile.get("id")
    if isinstance(arn, str):
        return arn.rsplit("/", 1)[-1]
    return given if isinstance(given, str) else None


def _identifier(model: Any, attribute: str) -> tuple[str | None, str, bool]:
    """(value, key it comes from, derived?) of a raw model's name or id; a name may come from its label."""
    if not isinstance(model, dict):
        return None, attribute, False
    value = model.get(attribute)
    if value is None and attribute == "id":
        value = _profile_id(model.get("applicationInferenceProfile"))
    if isinstance(value, str):
        return value, attribute, False
    label = model.get("label")
    if attribute == "name" and value is None and isinstance(label, str) and name_from_label(label):
        return name_from_label(label), "label", True
    return None, attribute, False


def _alarm_problems(values: dict[str, Any], *, parsed_alarms: bool) -> list[Problem]:
    """Alarm windows after per-model overrides, and alarm kinds a model lacks the data for.

    Skipped while ``llm-monitor:alarms`` is itself invalid: the values overrides fall back on are unknown.
    """
    if "models" not in values or not parsed_alarms:
        return []
    return alarm_problems(values.get("alarms", AlarmSettings()), values["models"], NAMESPACE)


def _scope_problems(values: dict[str, Any], *, switch_given: bool, estate_given: bool = False) -> list[Problem]:
    """An empty model list is a mistake unless the stack says it is account-wide only (or is a
    monitoring stack, whose models are its sources').

    Not judged while ``models``, the switch or the estate role is invalid (that is reported already).
    """
    if "models" not in values or (switch_given and "account_wide_only" not in values):
        return []
    if estate_given and "estate" not in values:
        return []
    models, wide = values["models"], values.get("account_wide_only", False)
    if "estate" in values and values["estate"].role == "monitoring":
        return []  # its models come from its sources (llm_monitor.config.estate)
    dashboard = values.get("dashboard", DashboardSettings())
    switch = f"{NAMESPACE}:accountWideOnly"
    if not models and not wide:
        return [
            Problem(
                f"{NAMESPACE}:models",
                "empty: the stack would watch no model; list the models to watch, or set "
                f"`{switch}: true` for a stack that shows only the account-wide section and the logs",
            )
        ]
    if wide and models:
        return [
            Problem(
                switch,
                f"true, but models lists {len(models)}; an account-wide-only stack lists none "
                "(remove the models or this setting)",
            )
        ]
    if wide and not dashboard.account_overview:
        return [
            Problem(
                switch,
                f"true, but {NAMESPACE}:dashboard.accountOverview is false: the stack would show only its logs; "
                "turn the account overview on",
            )
        ]
    return []
