"""The estate's pure layer: the ``llm-monitor:estate`` config, OAM policy and link filters, the central plan."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_monitor.alarms import build_alarms
from llm_monitor.config import ConfigError, parse_settings
from llm_monitor.config.args import ArgumentProblems
from llm_monitor.estate import oam
from llm_monitor.estate.central import Source, central_plan, in_account, read_sources, source_export
from llm_monitor.plan import build_plan, plan_arguments
from tests.program import PRICED, config_problems, fixture_config, models

SINK = "arn:aws:oam:us-east-1:111111111111:sink/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"
MONITORING: dict[str, Any] = {
    "aws:region": "us-east-1",
    "aws:allowedAccountIds": '["111111111111"]',
    "llm-monitor:models": [],
    "llm-monitor:estate": {
        "role": "monitoring",
        "sourceAccounts": ["222222222222", "333333333333"],
        "sourceStacks": ["team-a", "team-b"],
    },
}


def source_config(**estate: Any) -> dict[str, Any]:
    return {
        "aws:region": "us-east-1",
        "aws:allowedAccountIds": '["222222222222"]',
        "llm-monitor:models": [PRICED],
        "llm-monitor:estate": {"role": "source", **estate},
    }


# --- config --------------------------------------------------------------------------------------


def test_standalone_is_the_default_and_a_stack_without_the_setting_is_unchanged() -> None:
    settings = parse_settings(fixture_config("dev"), project="llm-monitor", stack="dev")
    assert settings.estate.role == "standalone"
    assert build_plan(settings, project="llm-monitor", stack="dev").link is None


def test_a_source_names_exactly_one_sink() -> None:
    assert config_problems(source_config()) == {
        "llm-monitor:estate.sinkArn": "a source stack names exactly one of sinkArn or monitoringStack (the sink to "
        "link to)"
    }
    both = config_problems(source_config(sinkArn=SINK, monitoringStack="monitoring"))
    assert list(both) == ["llm-monitor:estate.sinkArn"]
    assert parse_settings(source_config(sinkArn=SINK)).estate.sink_arn == SINK
    assert parse_settings(source_config(monitoringStack="org/estate/monitoring")).account_id == "222222222222"


def test_a_sink_in_another_region_is_refused() -> None:
    problems = config_problems(source_config(sinkArn=SINK.replace("us-east-1", "eu-west-1")))
    assert problems == {
        "llm-monitor:estate.sinkArn": "the sink is in eu-west-1; an OAM link targets a sink in its own Region us-east-1"
    }


@pytest.mark.parametrize("pinned", [None, "[]", '["111111111111", "222222222222"]', '["12345"]'])
def test_source_and_monitoring_stacks_pin_their_one_account(pinned: str | None) -> None:
    for config in (source_config(sinkArn=SINK), MONITORING):
        raw = {k: v for k, v in config.items() if k != "aws:allowedAccountIds"}
        if pinned is not None:
            raw["aws:allowedAccountIds"] = pinned
        problems = config_problems(raw)
        assert list(problems) == ["aws:allowedAccountIds"]
        assert "names its one account here" in problems["aws:allowedAccountIds"]


def test_a_monitoring_stack_admits_accounts_and_lists_no_model_of_its_own() -> None:
    estate = {"role": "monitoring", "sourceStacks": ["a", "a"], "sinkArn": SINK}
    problems = config_problems({**MONITORING, "llm-monitor:models": models(1), "llm-monitor:estate": estate})
    assert set(problems) == {
        "llm-monitor:estate.sinkArn",
        "llm-monitor:estate.sourceAccounts",
        "llm-monitor:estate.sourceStacks",
        "llm-monitor:models",
    }
    assert "only a source stack uses it" in problems["llm-monitor:estate.sinkArn"]
    assert "list sourceAccounts or set organizationId" in problems["llm-monitor:estate.sourceAccounts"]
    assert "a is listed twice" in problems["llm-monitor:estate.sourceStacks"]


def test_estate_values_are_checked_with_their_key_paths() -> None:
    raw = {
        **MONITORING,
        "llm-monitor:estate": {"role": "monitor", "sourceAccounts": ["2222"], "organizationId": "org-1"},
    }
    problems = config_problems(raw)
    assert set(problems) == {
        "llm-monitor:estate.role",
        "llm-monitor:estate.sourceAccounts[0]",
        "llm-monitor:estate.organizationId",
    }
    assert "'2222' is not an AWS account ID" in problems["llm-monitor:estate.sourceAccounts[0]"]


def test_the_component_reports_estate_problems_with_argument_paths() -> None:
    args = {"region": "us-east-1", "models": models(1), "estate": {"role": "source", "organization_id": "o-a1b2c3d4e5"}}
    with pytest.raises(ArgumentProblems) as caught:
        plan_arguments(args, project="p", stack="s", pinned_accounts='["222222222222"]')
    message = str(caught.value)
    assert "args.estate.organization_id: set, but only a monitoring stack uses it" in message
    assert "args.estate.sink_arn: a source stack names exactly one of sink_arn or monitoring_stack" in message
    settings, plan = plan_arguments(
        {**args, "estate": {"role": "source", "sink_arn": SINK}},
        project="p",
        stack="s",
        pinned_accounts='["222222222222"]',
    )
    assert settings.account_id == "222222222222"
    assert plan.link is not None


# --- OAM -----------------------------------------------------------------------------------------


def test_the_sink_policy_admits_the_listed_accounts_for_metrics_and_log_groups_only() -> None:
    policy = oam.sink_policy(["333333333333", "222222222222"], None)
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"AWS": ["222222222222", "333333333333"]}
    assert statement["Action"] == ["oam:CreateLink", "oam:UpdateLink"]
    assert statement["Condition"] == {
        "ForAllValues:StringEquals": {"oam:ResourceTypes": ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"]}
    }
    assert oam.admits(policy, "222222222222")
    assert not oam.admits(policy, "444444444444")


def test_an_organization_policy_admits_its_members_by_principal_org_id() -> None:
    policy = oam.sink_policy([], "o-a1b2c3d4e5")
    (statement,) = policy["Statement"]
    assert statement["Principal"] == "*"
    assert statement["Condition"]["ForAnyValue:StringEquals"] == {"aws:PrincipalOrgID": ["o-a1b2c3d4e5"]}
    assert oam.admits(policy, "444444444444", "o-a1b2c3d4e5")
    assert not oam.admits(policy, "444444444444", "o-zzzzzzzzzz")


def test_link_filters_share_only_the_stacks_namespaces_and_log_groups() -> None:
    settings = parse_settings(source_config(sinkArn=SINK), project="p", stack="a")
    link = build_plan(settings, project="p", stack="a").link
    assert link is not None
    # No LLM/InvocationLogs: this stack does not own invocation logging, so it has no filters on those logs.
    assert link.metrics == "Namespace IN ('AWS/Bedrock', 'AWS/SNS', 'LLM/Inference')"
    assert link.log_groups == "LogGroupName IN ('/p/a/bedrock/model-invocations', '/p/a/inference')"
    assert link.resource_types == ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"]
    dashboards_only = parse_settings({**source_config(sinkArn=SINK), "llm-monitor:parts": ["dashboards"]})
    metrics_only = build_plan(dashboards_only, project="p", stack="a").link
    assert metrics_only is not None
    assert metrics_only.log_groups is None
    assert metrics_only.resource_types == ["AWS::CloudWatch::Metric"]
    assert "log_group_configuration" not in metrics_only.inputs()


@pytest.mark.parametrize(
    ("text", "conditions"),
    [
        ("Namespace = 'a' OR Namespace = 'b' OR Namespace = 'c' OR Namespace = 'd' OR Namespace = 'e'", 5),
        (
            "Namespace = 'a' OR Namespace = 'b' OR Namespace = 'c' OR Namespace = 'd' OR Namespace LIKE 'e%' OR "
            "Namespace NOT IN ('f')",
            6,
        ),
    ],
)
def test_a_filter_takes_at_most_five_conditions(text: str, conditions: int) -> None:
    if conditions <= oam.MAX_FILTER_OPERANDS:
        oam.check_filter(text)
    else:
        with pytest.raises(ValueError, match=f"has {conditions} conditions; OAM allows 5"):
            oam.check_filter(text)
    oam.check_filter("Namespace IN ('a = b', 'c LIKE d', 'e OR f', 'g', 'h', 'i')")  # words inside names don't count


def test_a_filter_longer_than_oam_takes_is_a_config_problem_on_the_estate_key() -> None:
    raw = {**source_config(sinkArn=SINK), "llm-monitor:logs": {"invocationLogGroupName": "/" + "x" * 1999}}
    problems = config_problems(raw, project="p", stack="a")
    assert list(problems) == ["llm-monitor:estate"] or "llm-monitor:logs.invocationLogGroupName" in problems


# --- central plan --------------------------------------------------------------------------------


def sources() -> tuple[Source, ...]:
    exported = [
        source_export(parse_settings(source_config(sinkArn=SINK)), ["/p/a/inference"], {}),
        {**source_export(parse_settings(source_config(sinkArn=SINK)), [], {}), "accountId": "333333333333"},
    ]
    # Stack outputs carry numbers as doubles: the quota comes back as 400000.0.
    exported = json.loads(json.dumps(exported).replace("400000", "400000.0"))
    found, missing = read_sources(parse_settings(MONITORING), exported)
    assert missing == []
    return found


def metric_entries(body: dict[str, Any]) -> list[list[Any]]:
    return [e for w in body["widgets"] if w["type"] == "metric" for e in w["properties"]["metrics"]]


def test_every_metric_of_the_estate_dashboards_names_its_account_and_region() -> None:
    plan = central_plan(parse_settings(MONITORING), sources(), project="p", stack="mon")
    names = [d.name for d in plan.dashboards]
    assert names == ["p-mon-us-east-1-estate", "p-mon-222222222222-us-east-1", "p-mon-333333333333-us-east-1"]
    for dashboard in plan.dashboards:
        own = dashboard.name.split("-")[2]
        accounts = set()
        for entry in metric_entries(dashboard.body):
            options = entry[-1]
            if "expression" in options and "SEARCH(" not in options["expression"]:
                continue  # math over the page's own ids
            assert options["region"] == "us-east-1", entry
            accounts.add(options["accountId"])
            if "SEARCH(" in options.get("expression", "") and dashboard is plan.dashboards[0]:
                assert f':aws.AccountId="{options["accountId"]}"' in options["expression"]
        expected = {"222222222222", "333333333333"} if dashboard is plan.dashboards[0] else {own}
        assert accounts == expected, dashboard.name
        if dashboard is not plan.dashboards[0]:
            texts = [w["properties"]["markdown"] for w in dashboard.body["widgets"] if w["type"] == "text"]
            assert any(t.startswith(f"# Account {own}, us-east-1") for t in texts)


def test_the_overview_shows_each_accounts_cost_from_its_models_prices() -> None:
    plan = central_plan(parse_settings(MONITORING), sources(), project="p", stack="mon")
    (cost,) = [w for w in plan.dashboards[0].body["widgets"] if w["properties"].get("title", "").startswith("Cost")]
    totals = [e[0] for e in cost["properties"]["metrics"] if isinstance(e[0], dict) and e[0]["id"].startswith("cost")]
    assert [(t["label"], t["expression"]) for t in totals] == [("222222222222", "c0m0"), ("333333333333", "c1m0")]
    (haiku,) = [e[0] for e in cost["properties"]["metrics"] if isinstance(e[0], dict) and e[0]["id"] == "c0m0"]
    # PRICED: input 0.0008, output 0.004, cache read 0.00008, cache write 0.001 per 1,000 tokens.
    assert "(FILL(tin0a0m0,0))*0.0008/1000" in haiku["expression"]
    assert "(FILL(tout0a0m0,0))*0.004/1000" in haiku["expression"]
    assert haiku["expression"].endswith("*3600/PERIOD(tin0a0m0)")


def test_central_alarms_read_each_source_account_with_the_standalone_kinds_and_roll_ups() -> None:
    settings = parse_settings(MONITORING)
    plan = central_plan(settings, sources(), project="p", stack="mon").alarms
    # What the source's own stack alarms on from Bedrock's metrics (the alarms on its log-derived metrics
    # stay in the source account, where the metric filters are).
    without_logs = {**source_config(sinkArn=SINK), "llm-monitor:parts": ["dashboards", "alarms"]}
    own = build_alarms(parse_settings(without_logs), project="p", stack="a")
    per_account = len(own.metric_alarms) - sum(1 for a in own.metric_alarms if a.model is None)
    assert len([a for a in plan.metric_alarms if a.model]) == 2 * per_account
    assert sorted(c.name for c in plan.composites) == [
        "p-mon-us-east-1/222222222222/haiku-health",
        "p-mon-us-east-1/333333333333/haiku-health",
    ]
    assert {a.kind for a in plan.metric_alarms if a.model} == {a.kind for a in own.metric_alarms if a.model}
    for alarm in plan.metric_alarms:
        queries = alarm.inputs()["metric_queries"]
        account = alarm.name.split("/")[1]
        assert all(q["account_id"] == account for q in queries if "metric" in q), alarm.name
        assert "namespace" not in alarm.inputs()  # only a query names an account
    assert plan.source_arn_pattern.endswith(":alarm:p-mon-us-east-1/*")


def test_sources_in_another_region_or_account_are_refused_and_missing_ones_reported() -> None:
    settings = parse_settings(MONITORING)
    good = source_export(parse_settings(source_config(sinkArn=SINK)), [], {})
    with pytest.raises(ConfigError) as caught:
        read_sources(settings, [{**good, "region": "eu-west-1"}, {**good, "accountId": "444444444444"}])
    assert [p.path for p in caught.value.problems] == [
        "llm-monitor:estate.sourceStacks[0]",
        "llm-monitor:estate.sourceStacks[1]",
    ]
    assert "which estate.sourceAccounts omits" in str(caught.value)
    assert read_sources(settings, [good, None])[1] == ["team-b"]


def test_in_account_leaves_math_on_ids_alone() -> None:
    body = {
        "widgets": [
            {
                "type": "metric",
                "properties": {"metrics": [["AWS/Bedrock", "Invocations"], [{"expression": "m1*2", "id": "e"}]]},
            },
            {"type": "text", "properties": {"markdown": "x"}},
        ]
    }
    moved = in_account(body, "222222222222", "eu-west-1")
    first, second = moved["widgets"][0]["properties"]["metrics"]
    assert first == ["AWS/Bedrock", "Invocations", {"accountId": "222222222222", "region": "eu-west-1"}]
    assert second == [{"expression": "m1*2", "id": "e"}]
    assert moved["widgets"][1] == body["widgets"][1]


def test_central_anomaly_alarms_stay_within_the_regions_anomaly_detection_models() -> None:
    """Each latency-anomaly alarm trains a model; 2 sources × 251 models would need 502 in one Region."""
    many = [
        Source(
            f"s{n}",
            f"22222222222{n}",
            "us-east-1",
            tuple(parse_settings({"aws:region": "us-east-1", "llm-monitor:models": models(251)}).models),
        )
        for n in range(2)
    ]
    with pytest.raises(ConfigError) as caught:
        central_plan(parse_settings(MONITORING), many, project="p", stack="mon")
    (problem,) = caught.value.problems
    assert problem.path == "llm-monitor:alarms"
    assert "502 anomaly-detection models in us-east-1 (502 latency-anomaly alarms over 2 sources)" in problem.message
    off = parse_settings({**MONITORING, "llm-monitor:alarms": {"latencyAnomaly": {"enabled": False}}})
    plan = central_plan(off, many, project="p", stack="mon").alarms
    assert not [a for a in plan.metric_alarms if a.threshold_metric_id]


def test_the_mocks_answer_a_stack_reference_with_the_referenced_stacks_outputs() -> None:
    import pulumi

    from llm_monitor.preview.mocks import AwsMocks

    mocks = AwsMocks("us-east-1", "222222222222", {"monitoring": {"sinkArn": SINK}})

    def read(reference: str) -> tuple[str, dict[str, Any]]:
        args = pulumi.runtime.MockResourceArgs("pulumi:pulumi:StackReference", "ref", {"name": reference})
        return mocks.new_resource(args)

    assert read("org/estate/monitoring") == (
        "org/estate/monitoring",
        {"name": "org/estate/monitoring", "outputs": {"sinkArn": SINK}, "secretOutputNames": []},
    )
    assert read("other")[1]["outputs"] == {}
    identity = mocks.call(pulumi.runtime.MockCallArgs("aws:index/getCallerIdentity:getCallerIdentity", {}, ""))
    assert identity[0]["accountId"] == "222222222222"


def test_two_source_stacks_of_one_account_are_refused() -> None:
    good = source_export(parse_settings(source_config(sinkArn=SINK)), [], {})
    with pytest.raises(ConfigError) as caught:
        read_sources(parse_settings(MONITORING), [good, good])
    assert [p.path for p in caught.value.problems] == ["llm-monitor:estate.sourceStacks"]
    assert "stacks team-a, team-b are all in account 222222222222" in str(caught.value)


def test_central_alarm_keys_are_unique_when_two_accounts_run_a_model_of_the_same_name() -> None:
    plan = central_plan(parse_settings(MONITORING), sources(), project="p", stack="mon")
    keys = [a.key for a in plan.alarms.alarms]
    assert len(keys) == len(set(keys))
    assert "222222222222-haiku-health" in keys
    assert "333333333333-haiku-health" in keys
    assert [account for account, _ in plan.pages] == ["222222222222", "333333333333"]


def test_a_monitoring_stack_builds_only_the_parts_it_lists() -> None:
    alarms_only = parse_settings({**MONITORING, "llm-monitor:parts": ["alarms"]})
    plan = central_plan(alarms_only, sources(), project="p", stack="mon")
    assert plan.dashboards == ()
    assert plan.alarms.composites
    assert all(a.dashboard is None for a in plan.alarms.alarms)
    dashboards_only = parse_settings({**MONITORING, "llm-monitor:parts": ["dashboards"]})
    plan = central_plan(dashboards_only, sources(), project="p", stack="mon")
    assert plan.alarms.alarms == ()
    assert len(plan.dashboards) == 3
    assert not [w for d in plan.dashboards for w in d.body["widgets"] if w["type"] == "alarm"]


def test_a_model_served_in_another_region_is_shown_from_there_and_alarmed_on_only_there() -> None:
    elsewhere = {
        **PRICED,
        "name": "eu-haiku",
        "id": "eu.anthropic.claude-3-5-haiku-20241022-v1:0",
        "region": "eu-west-1",
    }
    raw: dict[str, Any] = {"aws:region": "us-east-1", "llm-monitor:models": [PRICED, elsewhere]}
    raw["llm-monitor:logs"] = {"invocationLogging": {"enabled": True}}
    settings = parse_settings(raw, project="p", stack="s")
    assert [m.name for m in settings.local_models] == ["haiku"]
    plan = build_plan(settings, project="p", stack="s")
    widgets = [w for d in plan.dashboards for w in d.body["widgets"] if w["type"] == "metric"]
    eu = [w for w in widgets if w["properties"]["title"].startswith("eu-haiku")]
    assert eu
    assert {w["properties"]["region"] for w in eu} == {"eu-west-1"}
    assert plan.alarms is not None
    assert {a.model for a in plan.alarms.alarms} == {"haiku", None}
    delivery = [a for a in plan.alarms.metric_alarms if a.kind == "invocation-log-delivery-stopped"]
    assert [q.label for q in delivery[0].queries if q.metric and q.metric.name == "Invocations"] == [
        "haiku invocations"
    ]
    problems = config_problems({**raw, "llm-monitor:models": [{**PRICED, "region": "Europe"}]})
    assert list(problems) == ["llm-monitor:models[0].region"]


def test_the_overview_is_split_into_pages_within_cloudwatchs_limits() -> None:
    from llm_monitor.dashboard import Dashboard
    from llm_monitor.estate.overview import overview_dashboards

    priced = parse_settings(
        {"aws:region": "us-east-1", "llm-monitor:models": models(40, inputTokenPrice=0.001, outputTokenPrice=0.002)}
    ).models
    page = Dashboard("p", {"widgets": []}, (), "https://example.com")
    pages = [(Source(f"s{n}", f"{200000000000 + n}", "us-east-1", priced), page) for n in range(30)]
    overview = overview_dashboards(parse_settings(MONITORING), pages, project="p", stack="mon")
    assert len(overview) > 1
    assert [d.name for d in overview][:2] == ["p-mon-us-east-1-estate", "p-mon-us-east-1-estate-2"]
    for dashboard in overview:
        widgets = dashboard.body["widgets"]
        assert len(widgets) <= 500
        assert sum(len(w["properties"].get("metrics", [])) for w in widgets) <= 2500
        assert all(len(w["properties"].get("metrics", [])) <= 500 for w in widgets)
    totals = [
        e[0]["label"]
        for d in overview
        for w in d.body["widgets"]
        for e in w["properties"].get("metrics", [])
        if isinstance(e[0], dict) and e[0]["id"].startswith("cost")
    ]
    assert totals == [f"{200000000000 + n}" for n in range(30)]
