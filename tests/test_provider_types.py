"""Every registered resource matches the input types of the installed pulumi-aws SDK.

The checker (``tests/provider_types.py``) runs over everything the program registers for each
stack file and for a wide config, and over copies of real registered resources that each carry
one seeded mistake, so that it is shown to catch what the mock runtime lets through.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.runtime import rpc

from llm_monitor import resource_types as rt
from tests import provider_types as pt
from tests.program import Preview, feature_config, fixture_config, models, preview

#: Every AWS resource type the program may register.
AWS_TYPES = sorted(v for k, v in vars(rt).items() if k.isupper() and isinstance(v, str) and v.startswith("aws:"))

# --- the program's resources ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    """The prod config (every feature on) with 40 more models (several dashboards, a roll-up per
    model) and an HTTPS subscription, whose endpoint is registered as a secret."""
    # With every runtime feature on: service tiers, quotas read by code, daily quotas, profiles looked up and created.
    config = feature_config(fixture_config("prod"))
    config["llm-monitor:models"] = config["llm-monitor:models"] + models(40, inputTokenPrice=0.001)
    config["llm-monitor:notifications"]["httpsEndpoints"] = ["https://hooks.example.com/T0/B0/secret-token"]
    run = preview(Path(tmp_path_factory.mktemp("wide")), "wide", config)
    assert len(run.of_type(rt.DASHBOARD)) > 1
    assert len(run.of_type(rt.COMPOSITE_ALARM)) > 40
    assert run.of_type(rt.INFERENCE_PROFILE)
    return run


@pytest.mark.parametrize("stack", ["dev", "prod", "wide"])
def test_every_registered_resource_matches_the_sdk_input_types(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    problems = [p for r in run.resources for p in pt.problems(r)]
    assert problems == [], "\n".join(problems)
    # Not vacuous: every AWS resource was resolved to its SDK class and checked.
    checked = {r["type"] for r in run.resources if r["type"].startswith("aws:")}
    assert {rt.METRIC_ALARM, rt.COMPOSITE_ALARM, rt.DASHBOARD, rt.METRIC_FILTER, rt.ROLE} <= checked
    assert all(pt.resource_class(t) is not None for t in checked)


def test_the_wide_run_checks_a_secret_input(wide: Preview) -> None:
    # The preview records secret inputs redacted; the check reads them as the string they stand for.
    (https,) = [s for s in wide.of_type(rt.TOPIC_SUBSCRIPTION) if s["inputs"]["protocol"] == "https"]
    assert https["inputs"]["endpoint"] == "[secret]"
    assert pt.problems(https) == []


# --- reading the SDK --------------------------------------------------------------------------------


def test_the_types_are_read_from_the_sdk() -> None:
    alarm = pt.resource_class(rt.METRIC_ALARM)
    assert alarm is aws.cloudwatch.MetricAlarm
    fields = pt.fields(pt.args_type(alarm))
    assert pt.args_type(alarm) is aws.cloudwatch.MetricAlarmArgs
    assert fields["metricQueries"] == pt.Field(
        "metric_queries", pt.ListOf(pt.ObjectOf(aws.cloudwatch.MetricAlarmMetricQueryArgs)), required=False
    )
    assert (fields["evaluationPeriods"].kind, fields["threshold"].kind, fields["actionsEnabled"].kind) == (
        pt.Scalar(int),
        pt.Scalar(float),
        pt.Scalar(bool),
    )
    metric = pt.fields(aws.cloudwatch.MetricAlarmMetricQueryMetricArgs)
    assert metric["metricName"] == pt.Field("metric_name", pt.Scalar(str), required=True)
    assert metric["dimensions"].kind == pt.MapOf(pt.Scalar(str))
    assert pt.fields(aws.cloudwatch.DashboardArgs)["dashboardBody"].required
    # A JSON document or the SDK's typed one; the latter declares enums.
    policy = pt.fields(pt.args_type(aws.iam.Role))["assumeRolePolicy"].kind
    assert policy == pt.OneOf((pt.Scalar(str), pt.ObjectOf(aws.iam.PolicyDocumentArgs)))
    assert pt.fields(aws.iam.PolicyStatementArgs)["Effect"].kind == pt.EnumOf(aws.iam.PolicyStatementEffect)


@pytest.mark.parametrize("token", AWS_TYPES)
def test_the_internal_init_view_agrees_with_the_args_class(token: str) -> None:
    """``_internal_init`` types nested inputs as ``Union[XArgs, XArgsDict, outputs.X]``: read as the same kinds."""
    cls = pt.resource_class(token)
    assert cls is not None
    from_args = {f.python_name: f.kind for f in pt.fields(pt.args_type(cls)).values()}
    assert {name: kind for name, (kind, _) in pt.internal_init_kinds(cls).items()} == from_args


def test_components_and_providers_are_not_checked(prod: Preview) -> None:
    others = [r for r in prod.resources if not r["type"].startswith("aws:")]
    assert {r["type"] for r in others} >= {"pulumi:providers:aws", "llm-monitor:index:BedrockAlarms"}
    # Provider settings arrive JSON-encoded ("false"); they are not checked, and nothing crashes.
    assert [p for r in others for p in pt.problems(r)] == []


def test_a_type_no_sdk_registers_is_reported() -> None:
    for token in ("random:index/randomId:RandomId", "aws:cloudwatch/metricAlarm:MetricAlrm", "not-a-token"):
        resource: dict[str, Any] = {"urn": f"urn:x::{token}", "type": token, "custom": True, "inputs": {}}
        assert pt.problems(resource) == [
            f"urn:x::{token}: no installed SDK registers a resource class for {token}; its inputs are unchecked"
        ]


# --- seeded mistakes --------------------------------------------------------------------------------


def real(run: Preview, type_: str, where: Callable[[dict[str, Any]], bool] = lambda r: True) -> dict[str, Any]:
    """A copy of the first registered resource of ``type_`` (matching ``where``), to break."""
    resource = next(r for r in run.resources if r["type"] == type_ and where(r))
    assert pt.problems(resource) == []
    return copy.deepcopy(resource)


def math_alarm(run: Preview) -> dict[str, Any]:
    return real(run, rt.METRIC_ALARM, lambda r: "metric" in r["inputs"].get("metricQueries", [{}])[0])


def found(resource: dict[str, Any]) -> list[str]:
    """The problems, without the urn that starts each message."""
    problems = pt.problems(resource)
    assert all(p.startswith(resource["urn"] + ": ") for p in problems)
    return [p.removeprefix(resource["urn"] + ": ") for p in problems]


def test_a_misspelled_nested_key(prod: Preview) -> None:
    alarm = math_alarm(prod)
    metric = alarm["inputs"]["metricQueries"][0]["metric"]
    metric["metricNmae"] = metric.pop("metricName")
    assert pt.problems(alarm) == [
        f"{alarm['urn']}: metricQueries[0].metric.metricNmae: "
        "no such property in MetricAlarmMetricQueryMetricArgs (did you mean metricName?)",
        f"{alarm['urn']}: metricQueries[0].metric.metricName: "
        "missing: MetricAlarmMetricQueryMetricArgs requires it (string)",
    ]


def test_a_python_name_that_was_not_translated(prod: Preview) -> None:
    metric_filter = real(prod, rt.METRIC_FILTER)
    metric_filter["inputs"]["metricTransformation"]["default_value"] = "0"
    assert found(metric_filter) == [
        "metricTransformation.default_value: "
        "no such property in LogMetricFilterMetricTransformationArgs (did you mean defaultValue?)"
    ]


def test_yes_for_a_boolean(prod: Preview) -> None:
    alarm = math_alarm(prod)
    alarm["inputs"]["actionsEnabled"] = "yes"
    alarm["inputs"]["metricQueries"][0]["returnData"] = "yes"
    assert found(alarm) == [
        'actionsEnabled: expected boolean, got string "yes"',
        'metricQueries[0].returnData: expected boolean, got string "yes"',
    ]
    group = real(prod, rt.LOG_GROUP)
    group["inputs"]["deletionProtectionEnabled"] = 1
    assert found(group) == ["deletionProtectionEnabled: expected boolean, got number 1"]


def test_a_string_or_a_fraction_for_an_integer(prod: Preview) -> None:
    group = real(prod, rt.LOG_GROUP)
    group["inputs"]["retentionInDays"] = "30"
    assert found(group) == ['retentionInDays: expected integer, got string "30"']
    alarm = math_alarm(prod)
    alarm["inputs"]["evaluationPeriods"] = 2.5
    alarm["inputs"]["metricQueries"][0]["metric"]["period"] = True
    assert found(alarm) == [
        "evaluationPeriods: expected integer, got number 2.5",
        "metricQueries[0].metric.period: expected integer, got boolean true",
    ]
    # The engine's 30.0 is an integer.
    group["inputs"]["retentionInDays"] = 30.0
    assert found(group) == []


def test_a_missing_required_property(prod: Preview) -> None:
    dashboard = real(prod, rt.DASHBOARD)
    del dashboard["inputs"]["dashboardBody"]
    assert found(dashboard) == ["dashboardBody: missing: DashboardArgs requires it (string)"]
    alarm = math_alarm(prod)
    del alarm["inputs"]["metricQueries"][1]["id"]
    assert found(alarm) == ["metricQueries[1].id: missing: MetricAlarmMetricQueryArgs requires it (string)"]
    logging = real(prod, rt.INVOCATION_LOGGING)
    del logging["inputs"]["loggingConfig"]["cloudwatchConfig"]["largeDataDeliveryS3Config"]["bucketName"]
    assert found(logging) == [
        "loggingConfig.cloudwatchConfig.largeDataDeliveryS3Config.bucketName: missing: "
        "InvocationLoggingConfigurationLoggingConfigCloudwatchConfigLargeDataDeliveryS3ConfigArgs requires it (string)"
    ]


def test_an_invalid_enum_value(prod: Preview) -> None:
    """The SDK declares enums in its typed policy documents (the other member of a policy's union)."""
    role = real(prod, rt.ROLE)
    document = json.loads(role["inputs"]["assumeRolePolicy"])
    role["inputs"]["assumeRolePolicy"] = document
    assert found(role) == []  # the program's JSON, given as the SDK's typed document, is valid
    document["Statement"][0]["Effect"] = "Alow"
    document["Version"] = "2012-10-18"
    assert found(role) == [
        "assumeRolePolicy.Statement[0].Effect: expected PolicyStatementEffect ('Allow', 'Deny'), got string \"Alow\"",
        "assumeRolePolicy.Version: "
        "expected PolicyDocumentVersion ('2012-10-17', '2008-10-17'), got string \"2012-10-18\"",
    ]


def test_a_list_for_a_map_and_other_wrong_shapes(prod: Preview) -> None:
    alarm = math_alarm(prod)
    metric = alarm["inputs"]["metricQueries"][0]["metric"]
    metric["dimensions"] = [{"Name": "ModelId", "Value": "m"}]
    alarm["inputs"]["okActions"] = alarm["inputs"]["okActions"][0]
    assert found(alarm) == [
        'metricQueries[0].metric.dimensions: expected map of string, got list [{"Name": "ModelId", "Value": "m"}]',
        f'okActions: expected list of string, got string "{alarm["inputs"]["okActions"]}"',
    ]
    metric["dimensions"] = {"Model Id": 7}
    del alarm["inputs"]["okActions"]
    assert found(alarm) == ['metricQueries[0].metric.dimensions["Model Id"]: expected string, got number 7']
    role = real(prod, rt.ROLE)
    role["inputs"]["assumeRolePolicy"] = ["sts:AssumeRole"]
    assert found(role) == [
        'assumeRolePolicy: expected string or PolicyDocumentArgs object, got list ["sts:AssumeRole"]'
    ]


# --- how the engine hands values over ---------------------------------------------------------------


def test_secrets_are_checked_inside(prod: Preview) -> None:
    group = real(prod, rt.LOG_GROUP)
    # As the engine hands a secret over (and resources.json records it).
    group["inputs"]["retentionInDays"] = rpc.wrap_rpc_secret(90.0)
    assert found(group) == []
    group["inputs"]["retentionInDays"] = rpc.wrap_rpc_secret("90")
    assert found(group) == ['retentionInDays: expected integer, got string "90"']


def test_unknown_values_are_accepted_anywhere(prod: Preview) -> None:
    alarm = math_alarm(prod)
    alarm["inputs"]["okActions"] = [None, rpc.UNKNOWN]
    alarm["inputs"]["evaluationPeriods"] = rpc.UNKNOWN
    alarm["inputs"]["metricQueries"][0]["metric"] = pulumi.output.Unknown()
    assert found(alarm) == []
