"""The stack plan (pure): the parts wired together the way __main__.py hands them to components."""

from __future__ import annotations

import json

from llm_monitor.config import parse_settings
from llm_monitor.plan import build_plan
from tests.program import fixture_config, models


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
