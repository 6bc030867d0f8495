"""The stack plan (pure): the parts wired together the way __main__.py hands them to components."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_monitor.alarms.context import LONGEST_KIND
from llm_monitor.config import ConfigError, parse_settings
from llm_monitor.plan import build_plan
from tests.program import config_problems, fixture_config, models


def test_alarms_link_the_dashboard_page_that_shows_their_model() -> None:
    config = {"aws:region": "us-east-1", "llm-monitor:models": models(60, inputTokenPrice=0.001)}
    plan = build_plan(parse_settings(config), project="llm-monitor", stack="test")
    assert len(plan.dashboards) > 1
    page_of = {model: d for d in plan.dashboards for model in d.model_names}
    assert plan.alarms is not None
    for alarm in plan.alarms.metric_alarms:
        if alarm.model:
            assert alarm.dashboard == page_of[alarm.model].url
            assert page_of[alarm.model].url in alarm.inputs()["alarm_description"]


def test_dashboards_show_the_plans_alarms_and_log_widgets() -> None:
    plan = build_plan(parse_settings(fixture_config("prod")), project="llm-monitor", stack="prod")
    first = json.dumps(plan.dashboards[0].body)
    assert plan.alarms is not None
    assert plan.logs is not None
    (status,) = [w for w in plan.dashboards[0].body["widgets"] if w["type"] == "alarm"]
    assert sorted(status["properties"]["alarms"]) == sorted(plan.alarms.alarm_arns)
    for group in plan.logs.groups:
        assert group.name in first  # the log widgets query the plan's own log groups


def test_topic_policy_admits_every_alarm_of_the_stack() -> None:
    plan = build_plan(parse_settings(fixture_config("dev")), project="llm-monitor", stack="dev")
    # The topic policy admits this stack's alarms by name prefix: every alarm name must match it.
    assert plan.notifications is not None
    assert plan.alarms is not None
    topic_policy = json.loads(plan.notifications.topic_policy)
    (allow,) = [s for s in topic_policy["Statement"] if s["Effect"] == "Allow"]
    prefix = allow["Condition"]["ArnLike"]["aws:SourceArn"].rsplit(":", 1)[-1].rstrip("*")
    assert all(a.name.startswith(prefix) for a in plan.alarms.metric_alarms)
    assert all(c.name.startswith(prefix) for c in plan.alarms.composites)


# --- labels, names, parts, layout -------------------------------------------------------------------


def plan_of(config: dict[str, Any], stack: str = "test", project: str = "llm-monitor") -> Any:
    return build_plan(parse_settings({"aws:region": "us-east-1", **config}), project=project, stack=stack)


def test_a_label_is_what_people_read_and_the_name_what_aws_names() -> None:
    sonnet = {"label": "Anthropic Claude 3 Sonnet", "id": "anthropic.claude-3-sonnet-20240229-v1:0"}
    plan = plan_of({"llm-monitor:models": [sonnet]})
    assert plan.alarms is not None
    body = json.dumps(plan.dashboards[0].body)
    assert "## Anthropic Claude 3 Sonnet" in body
    assert "Anthropic Claude 3 Sonnet: Invocation latency (ms)" in body
    model_alarms = [a for a in plan.alarms.alarms if a.model]
    assert model_alarms
    for alarm in model_alarms:
        assert alarm.name.startswith("llm-monitor-test-us-east-1/anthropic-claude-3-sonnet-")
        assert alarm.inputs()["alarm_description"].startswith("Anthropic Claude 3 Sonnet: ")


def test_a_name_whose_alarm_names_do_not_fit_is_an_error_naming_it() -> None:
    long = {"name": "m" * 64, "id": "amazon.nova-lite-v1:0"}
    derived = {"label": "L" * 100, "id": "amazon.nova-pro-v1:0"}
    fits = plan_of({"llm-monitor:models": [long, derived]})  # a short stack name leaves room
    assert fits.alarms is not None
    project, stack = "p" * 80, "s" * 100  # alarm names start with 191 characters
    with pytest.raises(ConfigError) as caught:
        plan_of({"llm-monitor:models": [long, derived]}, stack=stack, project=project)
    paths = {p.path: p.message for p in caught.value.problems}
    assert set(paths) == {"llm-monitor:models[0].name", "llm-monitor:models[1].label"}  # both at once
    room = 255 - len(f"{project}-{stack}-us-east-1") - LONGEST_KIND - 2
    assert f"a model's name can have at most {room} characters" in paths["llm-monitor:models[0].name"]
    assert "derived from the label" in paths["llm-monitor:models[1].label"]


def test_no_alarm_kind_is_longer_than_the_room_left_for_it() -> None:
    everything = {
        **models(1, inputTokenPrice=0.001, tokensPerMinuteQuota=1000)[0],
        "serviceTiers": {"flex": {}, "reserved": {}},
        "alarms": {
            kind: {"enabled": True}
            for kind in ("serverErrors", "throttles", "invocationAnomaly", "latencyAnomaly", "dailyQuota")
        }
        | {
            "trafficLoss": {"enabled": True, "threshold": 1},
            "outputTokensPerSecond": {"enabled": True, "baseline": 50},
        },
    }
    plan = plan_of({"llm-monitor:models": [everything]})
    assert plan.alarms is not None
    prefix = "llm-monitor-test-us-east-1/model-000-"
    kinds = [a.name.removeprefix(prefix) for a in plan.alarms.alarms if a.name.startswith(prefix)]
    assert len(kinds) >= 17
    assert max(len(k) for k in kinds) == LONGEST_KIND


def test_parts_build_alone() -> None:
    config = {"llm-monitor:models": models(2, inputTokenPrice=0.001)}
    dashboards = plan_of({**config, "llm-monitor:parts": ["dashboards"]})
    assert (dashboards.logs, dashboards.alarms, dashboards.notifications) == (None, None, None)
    body = json.dumps(dashboards.dashboards[0].body)
    assert '"type": "alarm"' not in body
    assert "Application-logged failure %" not in body  # no metric filters to read
    alarms = plan_of({**config, "llm-monitor:parts": ["alarms"]})
    assert alarms.dashboards == ()
    assert alarms.alarms is not None
    assert alarms.notifications is not None
    assert not [a for a in alarms.alarms.metric_alarms if a.kind == "application-error-rate"]


def test_parts_refuse_settings_for_what_they_do_not_build() -> None:
    problems = config_problems(
        {
            "aws:region": "us-east-1",
            "llm-monitor:models": [{**models(1, inputTokenPrice=0.001)[0], "alarms": {"cost": {"threshold": 1}}}],
            "llm-monitor:parts": ["dashboards"],
            "llm-monitor:notifications": {"emails": ["a@example.com"]},
            "llm-monitor:logs": {"invocationLogging": {"enabled": True}},
        }
    )
    assert set(problems) == {
        "llm-monitor:models[0].alarms",
        "llm-monitor:notifications",
        "llm-monitor:logs.invocationLogging.enabled",
    }
    assert config_problems({"aws:region": "us-east-1", "llm-monitor:models": models(1), "llm-monitor:parts": []})


def test_models_first_puts_the_stack_wide_sections_after_the_models() -> None:
    config = {"llm-monitor:models": models(2)}
    default = plan_of(config).dashboards[0].body["widgets"]
    first = plan_of({**config, "llm-monitor:dashboard": {"modelsFirst": True}}).dashboards[0].body["widgets"]
    assert default[0]["type"] == "alarm"
    assert first[0]["properties"]["markdown"].startswith("## model-000")
    assert sorted(json.dumps(w["properties"], sort_keys=True) for w in default) == sorted(
        json.dumps(w["properties"], sort_keys=True) for w in first
    )
