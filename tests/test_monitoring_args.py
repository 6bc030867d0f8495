"""BedrockMonitoringArgs mirrors the stack config: every config key has its argument and the other way round.

Someone adding a config key (a field of a settings model in llm_monitor/config/) gets a failure here
naming the argument type to add it to (llm_monitor/components/monitoring_args.py), and the same for
an argument without a config key. Types must match too: a list stays a list, a Literal becomes an
Enum of the same values, a required key stays required.
"""

from __future__ import annotations

import typing
from enum import Enum
from typing import Any

import pytest
from pulumi.provider.experimental.util import camel_case
from pydantic import BaseModel
from pydantic.alias_generators import to_snake

from llm_monitor.components import monitoring_args as ma
from llm_monitor.components.alarm_args import Urgency
from llm_monitor.config import ConfigError, parse_settings
from llm_monitor.config.args import ArgumentProblems, args_from_settings, args_path, config_from_args
from llm_monitor.config.base import unwrap
from llm_monitor.config.root import SECTIONS
from llm_monitor.plan import plan_arguments
from tests.program import fixture_config, models

WHERE = "llm_monitor/components/monitoring_args.py (alarm_args.py for alarms)"


def mismatches(config: Any, argument: Any, where: str, pairs: dict[type, type]) -> list[str]:
    """How the argument type ``argument`` fails to mirror the config type ``config`` at ``where``."""
    config, argument = unwrap(config), unwrap(argument)
    if isinstance(config, type) and issubclass(config, BaseModel):
        if not typing.is_typeddict(argument):
            return [f"{where}: {config.__name__} has no argument type (a TypedDict in {WHERE}), got {argument}"]
        if pairs.setdefault(config, argument) is not argument:
            return [f"{where}: {config.__name__} is mirrored by {pairs[config].__name__} and {argument.__name__}"]
        fields = typing.get_type_hints(argument, include_extras=True)
        found = [
            f"{config.__name__}.{name} (config key {f.alias}) has no argument: "
            f"add `{name}` to {argument.__name__} in {WHERE}"
            for name, f in config.model_fields.items()
            if name not in fields
        ]
        found += [
            f"{argument.__name__}.{name} has no config key: add it to {config.__name__} or remove it"
            for name in fields
            if name not in config.model_fields
        ]
        required = {name for name, f in config.model_fields.items() if f.is_required()}
        keys: frozenset[str] = getattr(argument, "__required_keys__", frozenset())
        if required != set(keys):
            found.append(f"{argument.__name__}: required {sorted(keys)}, config {sorted(required)}")
        for name, f in config.model_fields.items():
            if name in fields:
                if camel_case(name) != f.alias:
                    found.append(
                        f"{argument.__name__}.{name} is {camel_case(name)!r} in the schema, {f.alias!r} in config"
                    )
                found += mismatches(f.annotation, fields[name], f"{where}.{name}", pairs)
        return found
    origin = typing.get_origin(config)
    if origin in (list, tuple, dict):
        if typing.get_origin(argument) is not origin:
            return [f"{where}: {argument} for config type {config}"]
        return mismatches(typing.get_args(config)[-1], typing.get_args(argument)[-1], f"{where}[]", pairs)
    if origin is typing.Literal:
        values = set(typing.get_args(config))
        if not (isinstance(argument, type) and issubclass(argument, Enum)) or {m.value for m in argument} != values:
            return [f"{where}: the Literal {sorted(values)} needs an Enum of the same values, got {argument}"]
        return []
    if config is not argument:
        return [f"{where}: {argument} for config type {config}"]
    return []


def test_every_config_key_has_its_argument_and_every_argument_its_key() -> None:
    fields = typing.get_type_hints(ma.BedrockMonitoringArgs, include_extras=True)
    assert set(fields) == {"region", *(to_snake(section) for section in SECTIONS)}
    pairs: dict[type, type] = {}
    found = [p for s, t in SECTIONS.items() for p in mismatches(t, fields[to_snake(s)], f"args.{to_snake(s)}", pairs)]
    assert found == []
    assert unwrap(fields["region"]) is str
    assert ma.BedrockMonitoringArgs.__required_keys__ == {"models"}
    assert len(pairs) > 25  # every settings model was walked, not just the top


def test_a_config_key_without_an_argument_is_reported_with_where_to_add_it() -> None:
    """The check itself fails when it should: a model with a key the arguments lack, and the reverse."""

    class Settings(BaseModel):
        known: int = 0
        added_later: str = ""

    class Args(typing.TypedDict, total=False):
        known: int
        stale: bool

    found = mismatches(Settings, Args, "args.x", {})
    assert any("Settings.added_later" in p and "add `added_later` to Args" in p for p in found)
    assert any("Args.stale has no config key" in p for p in found)


def test_arguments_stand_for_the_config_they_were_read_from() -> None:
    for stack in ("dev", "prod"):
        settings = parse_settings(fixture_config(stack), project="llm-monitor", stack=stack)
        raw, unknown = config_from_args(args_from_settings(settings))
        assert unknown == []
        assert parse_settings(raw, project="llm-monitor", stack=stack) == settings


def test_enum_members_and_plain_strings_are_the_same_argument() -> None:
    base = {"region": "us-east-1", "models": models(1)}
    with_enums = {**base, "parts": [ma.Part.DASHBOARDS], "alarms": {"latency": {"urgency": Urgency.NOTIFY}}}
    with_strings = {**base, "parts": ["dashboards"], "alarms": {"latency": {"urgency": "notify"}}}
    assert config_from_args(with_enums) == config_from_args(with_strings)


def test_invalid_arguments_are_all_reported_with_their_argument_paths() -> None:
    args = {
        "region": "us-east-1",
        "models": [
            {"id": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"},
            {"name": "b", "id": "amazon.nova-pro-v1:0", "input_token_price": -1, "input_token_pric": 1},
        ],
        "dashboard": {"start": "yesterday", "modelsFirst": True},
        "tags": {"aws:team": "x"},
        "alarms": {"latency": {"datapoints_to_alarm": 40}},
    }
    with pytest.raises(ArgumentProblems) as caught:
        plan_arguments(args, project="p", stack="s")
    message = str(caught.value)
    assert message.startswith("invalid BedrockMonitoring arguments (8 problems):")
    paths = [line.split(": ", 1)[0].removeprefix("  - ") for line in message.splitlines()[1:]]
    assert sorted(paths) == [
        "args.alarms.latency",
        "args.dashboard.modelsFirst",
        "args.dashboard.start",
        "args.models[0].id",
        "args.models[0].name",
        "args.models[1].input_token_pric",
        "args.models[1].input_token_price",
        "args.tags.aws:team",
    ]
    assert "did you mean 'input_token_price'?" in message
    assert "unknown argument 'modelsFirst'; did you mean 'models_first'?" in message
    assert "datapoints_to_alarm (40) is more than evaluation_periods (30)" in message  # keys as arguments
    assert "Traceback" not in message


@pytest.mark.parametrize(
    ("config_path", "argument_path"),
    [
        ("aws:region", "args.region"),
        ("llm-monitor:models[2].inputTokenPrice", "args.models[2].input_token_price"),
        ("llm-monitor:tags.CostCenter", "args.tags.CostCenter"),
        (
            "llm-monitor:models[0].alarms.trafficLoss.schedule.startHour",
            "args.models[0].alarms.traffic_loss.schedule.start_hour",
        ),
        (
            "llm-monitor:logs.invocationLogging.largeDataS3.bucketName",
            "args.logs.invocation_logging.large_data_s3.bucket_name",
        ),
        ("llm-monitor:accountWideOnly", "args.account_wide_only"),
        ("llm-monitor", "args"),
    ],
)
def test_config_paths_become_argument_paths(config_path: str, argument_path: str) -> None:
    assert args_path(config_path) == argument_path


def test_the_program_still_reports_config_key_paths() -> None:
    """The same problem, for the program: the stack config's key paths."""
    with pytest.raises(ConfigError) as caught:
        parse_settings({"aws:region": "us-east-1", "llm-monitor:models": [{"name": "a", "id": "x"}]})
    assert [p.path for p in caught.value.problems] == ["llm-monitor:models[0].id"]
