"""The logs layer, pure: config validation, policies, metric filters, saved queries, dashboard rows.

Rules are checked against botocore's service models and AWS documentation written out here, not
against the module's own constants, and patterns are run against sample records with a small
evaluator of the JSON filter-pattern syntax the module uses.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import botocore.loaders  # type: ignore[import-untyped]
import pytest

from llm_monitor import catalogue as cat
from llm_monitor.config import parse_settings
from llm_monitor.config.logs import MANAGED_DATA_IDENTIFIERS, RETENTION_DAYS, CustomDataIdentifier
from llm_monitor.dashboard import GRID_COLUMNS
from llm_monitor.log_dashboard import dashboard_rows
from llm_monitor.log_filters import MetricFilterSpec
from llm_monitor.log_policies import data_protection_policy, large_data_bucket_policy, large_data_key_statement
from llm_monitor.logs import APPLICATION, INVOCATIONS, LogSpec, build_log_spec
from tests.program import ROOT, config_problems, fixture_config

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
ACCOUNT = "${AWS::AccountId}"

# --- helpers ------------------------------------------------------------------------------


@cache
def service(name: str) -> dict[str, Any]:
    model: dict[str, Any] = botocore.loaders.Loader().load_service_model(name, "service-2")
    return model


def shape(service_name: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = service(service_name)["shapes"][name]
    return found


def config(**logs: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {"aws:region": "us-east-1", "llm-monitor:models": [{"name": "haiku", "id": HAIKU}]}
    if logs:
        raw["llm-monitor:logs"] = logs
    return raw


def spec_of(raw: dict[str, Any], stack: str = "test") -> LogSpec:
    return build_log_spec(parse_settings(raw), project="llm-monitor", stack=stack)


MISSING = object()


def select(event: dict[str, Any], selector: str) -> Any:
    value: Any = event
    for part in selector.removeprefix("$.").split("."):
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


_CLAUSE = re.compile(r'\((\$(?:\.\w+)+) (=|!=|>=|<=|>|<) (\*|-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*")\)')


def pattern_matches(pattern: str, event: dict[str, Any]) -> bool:
    """CloudWatch Logs JSON filter-pattern semantics for ``{ (c) && (c) ... }`` conjunctions.

    Fails the test on any syntax it does not know, so a malformed pattern cannot pass silently.
    """
    assert pattern.startswith("{ "), pattern
    assert pattern.endswith(" }"), pattern
    for clause in pattern[2:-2].split(" && "):
        parsed = _CLAUSE.fullmatch(clause)
        assert parsed, f"not a JSON filter-pattern clause: {clause!r}"
        selector, op, operand = parsed.groups()
        value = select(event, selector)
        if value is MISSING or value is None:
            return False
        if operand == "*":
            ok = op == "="
        elif operand.startswith('"'):
            ok = isinstance(value, str) and (value == json.loads(operand)) == (op == "=")
        else:
            number = float(operand)
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            ok = (
                ok
                and {
                    "=": value == number,
                    "!=": value != number,
                    ">": value > number,
                    ">=": value >= number,
                    "<": value < number,
                    "<=": value <= number,
                }[op]
            )
        if not ok:
            return False
    return True


def metric_value(spec: MetricFilterSpec, event: dict[str, Any]) -> Any:
    return 1 if spec.value == "1" else select(event, spec.value)


#: An invocation record with the documented fields (Bedrock user guide, "Model invocation logging").
BEDROCK_RECORD: dict[str, Any] = {
    "schemaType": "ModelInvocationLog",
    "schemaVersion": "1.0",
    "timestamp": "2026-03-01T12:00:00Z",
    "accountId": "123456789012",
    "identity": {"arn": "arn:aws:sts::123456789012:assumed-role/app-role/session-1"},
    "region": "us-east-1",
    "requestId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
    "operation": "Converse",
    "modelId": "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    "requestMetadata": {"team": "search", "tenant": "acme"},
    "input": {
        "inputContentType": "application/json",
        "inputBodyJson": {"messages": [{"role": "user", "content": [{"text": "hi"}]}]},
        "inputTokenCount": 25,
        "cacheReadInputTokenCount": 0,
        "cacheWriteInputTokenCount": 0,
    },
    "output": {"outputContentType": "application/json", "outputBodyJson": {}, "outputTokenCount": 150},
}


def readme_log_lines() -> list[dict[str, Any]]:
    """The application log lines the README shows as examples."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.startswith('{"schemaVersion": 1')]


# --- config -------------------------------------------------------------------------------


def test_defaults_keep_logs_for_a_month_and_leave_invocation_logging_off() -> None:
    logs = parse_settings(config()).logs
    assert logs.retention_days == 30
    assert logs.invocation_logging.enabled is False
    assert logs.invocation_logging.data_types == ["text"]
    assert logs.protect is True
    assert "EmailAddress" in logs.data_protection.identifiers


def test_retention_values_are_exactly_the_ones_cloudwatch_documents() -> None:
    doc = shape("logs", "Days")["documentation"]
    documented = [int(d) for d in re.findall(r"\d+", doc.split("Possible values are:")[1].split(".")[0])]
    assert list(RETENTION_DAYS) == documented


@pytest.mark.parametrize("days", [0, 2, 10, 365 * 2, 4000])
def test_other_retention_values_are_rejected_with_the_allowed_list(days: int) -> None:
    found = config_problems(config(retentionDays=days))
    assert "1, 3, 5, 7, 14, 30" in found["llm-monitor:logs.retentionDays"]


def test_every_logs_problem_is_reported_at_once_with_its_path() -> None:
    found = config_problems(
        config(
            retentionDays=31,
            tenantMetadataKey="my team",
            applicationNamespace="AWS/Bedrock",
            invocationLogGroupName="aws/bedrock",
            dataProtection={
                "identifiers": ["EmailAdress"],
                "customIdentifiers": [{"name": "EmailAddress", "regex": "("}],
            },
            invocationLogging={"enabled": True, "dataTypes": ["text", "video"]},
            largePromptTokens=0,
        )
    )
    assert set(found) == {
        "llm-monitor:logs.retentionDays",
        "llm-monitor:logs.tenantMetadataKey",
        "llm-monitor:logs.applicationNamespace",
        "llm-monitor:logs.invocationLogGroupName",
        "llm-monitor:logs.dataProtection.identifiers",
        "llm-monitor:logs.dataProtection.customIdentifiers[0].name",
        "llm-monitor:logs.dataProtection.customIdentifiers[0].regex",
        "llm-monitor:logs.invocationLogging",
        "llm-monitor:logs.largePromptTokens",
    }
    assert "did you mean 'EmailAddress'" in found["llm-monitor:logs.dataProtection.identifiers"]
    assert "managed data identifier" in found["llm-monitor:logs.dataProtection.customIdentifiers[0].name"]
    assert "largeDataS3" in found["llm-monitor:logs.invocationLogging"]
    assert "reserved" in found["llm-monitor:logs.applicationNamespace"]


def test_unknown_logs_keys_get_a_hint() -> None:
    found = config_problems(config(retentionDay=7, invocationLogging={"enable": True}))
    assert "did you mean 'retentionDays'" in found["llm-monitor:logs.retentionDay"]
    assert "did you mean 'enabled'" in found["llm-monitor:logs.invocationLogging.enable"]


def test_image_and_video_logging_need_a_large_data_bucket_only_when_logging_is_on() -> None:
    parse_settings(config(invocationLogging={"enabled": False, "dataTypes": ["image"]}))
    bucket = {"bucketName": "my-bedrock-large-data", "keyPrefix": "p"}
    parse_settings(config(invocationLogging={"enabled": True, "dataTypes": ["image"], "largeDataS3": bucket}))
    found = config_problems(config(invocationLogging={"enabled": True, "largeDataS3": {"bucketName": "Bad_Bucket"}}))
    assert "llm-monitor:logs.invocationLogging.largeDataS3.bucketName" in found


@pytest.mark.parametrize(
    ("custom", "message"),
    [
        ({"name": "Employee ID", "regex": "EMP-[0-9]{6}"}, "should match pattern"),
        ({"name": "EmployeeId", "regex": "(EMP)-[0-9]{6}"}, "no parentheses"),
        ({"name": "EmployeeId", "regex": "x" * 201}, "1-200 characters"),
        ({"name": "EmployeeId", "regex": "EMP-[0-9"}, "not a valid regular expression"),
        ({"name": "emailaddress", "regex": "x"}, "managed data identifier"),
    ],
)
def test_custom_identifiers_follow_cloudwatch_constraints(custom: dict[str, str], message: str) -> None:
    found = config_problems(config(dataProtection={"customIdentifiers": [custom]}))
    assert any(message in m for m in found.values()), found


def test_data_protection_must_mask_something_and_allows_ten_custom_identifiers() -> None:
    found = config_problems(config(dataProtection={"identifiers": []}))
    assert "at least one" in found["llm-monitor:logs.dataProtection"]
    ten = [{"name": f"Id{i}", "regex": f"ID{i}-[0-9]{{4}}"} for i in range(10)]
    parse_settings(config(dataProtection={"identifiers": [], "customIdentifiers": ten}))
    found = config_problems(config(dataProtection={"customIdentifiers": [*ten, {"name": "Id10", "regex": "x"}]}))
    assert "llm-monitor:logs.dataProtection.customIdentifiers" in found


def test_log_groups_must_have_distinct_names() -> None:
    found = config_problems(config(invocationLogGroupName="/same", applicationLogGroupName="/same"))
    assert set(found) == {"llm-monitor:logs.invocationLogGroupName", "llm-monitor:logs.applicationLogGroupName"}
    assert "need different names" in found["llm-monitor:logs.invocationLogGroupName"]


# The defaults README documents: /<project>/<stack>/bedrock/model-invocations and /<project>/<stack>/inference.
@pytest.mark.parametrize(
    ("key", "name", "other"),
    [
        ("invocationLogGroupName", "/llm-monitor/test/inference", "applicationLogGroupName"),
        ("applicationLogGroupName", "/llm-monitor/test/bedrock/model-invocations", "invocationLogGroupName"),
    ],
)
def test_a_group_named_like_the_other_group_s_default_is_refused(key: str, name: str, other: str) -> None:
    found = config_problems(config(**{key: name}), project="llm-monitor", stack="test")
    assert list(found) == [f"llm-monitor:logs.{key}"]
    message = found[f"llm-monitor:logs.{key}"]
    assert name in message
    assert other in message
    assert "default for project 'llm-monitor' and stack 'test'" in message


def test_the_same_name_is_fine_when_the_default_belongs_to_another_stack() -> None:
    raw = config(invocationLogGroupName="/llm-monitor/test/inference")
    settings = parse_settings(raw, project="llm-monitor", stack="prod")
    spec = build_log_spec(settings, project="llm-monitor", stack="prod")
    assert sorted(g.name for g in spec.groups) == ["/llm-monitor/prod/inference", "/llm-monitor/test/inference"]


# --- policies -----------------------------------------------------------------------------


def statements(document: str) -> list[dict[str, Any]]:
    decoded = json.loads(document)
    assert decoded["Version"] == "2012-10-17"
    result: list[dict[str, Any]] = decoded["Statement"]
    return result


@pytest.mark.parametrize(
    ("region", "partition", "suffix"),
    [("us-east-1", "aws", "amazonaws.com"), ("cn-north-1", "aws-cn", "amazonaws.com.cn")],
)
def test_key_policy_lets_regional_logs_use_the_key_for_these_two_groups_only(
    region: str, partition: str, suffix: str
) -> None:
    spec = spec_of({**config(), "aws:region": region})
    admin, logs = statements(spec.key_policy)
    assert admin["Principal"] == {"AWS": f"arn:{partition}:iam::{ACCOUNT}:root"}
    assert logs["Principal"] == {"Service": f"logs.{region}.{suffix}"}
    assert logs["Effect"] == "Allow"
    assert sorted(logs["Action"]) == sorted(
        ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    )
    (operator,) = logs["Condition"]
    assert operator in ("ArnEquals", "ArnLike")
    (arns,) = logs["Condition"][operator].values()
    assert list(logs["Condition"][operator]) == ["kms:EncryptionContext:aws:logs:arn"]
    expected = {f"arn:{partition}:logs:{region}:{ACCOUNT}:log-group:{g.name}" for g in spec.groups}
    assert set(arns) == expected
    assert len(expected) == 2


def test_logging_role_trusts_only_bedrock_for_this_account_and_region() -> None:
    spec = spec_of(config(invocationLogging={"enabled": True}))
    assert spec.logging is not None
    (trust,) = statements(spec.logging.trust_policy)
    assert trust["Principal"] == {"Service": "bedrock.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:*"},
    }


def test_logging_role_may_only_write_the_bedrock_stream_of_the_invocation_group() -> None:
    spec = spec_of(config(invocationLogging={"enabled": True}, invocationLogGroupName="/team/bedrock"))
    assert spec.logging is not None
    (allow,) = statements(spec.logging.permissions_policy)
    assert allow["Effect"] == "Allow"
    assert sorted(allow["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert allow["Resource"] == (
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/team/bedrock:log-stream:aws/bedrock/modelinvocations"
    )


def test_invocation_logging_is_only_specified_when_this_stack_owns_it() -> None:
    assert spec_of(config()).logging is None
    owned = spec_of(config(invocationLogging={"enabled": True, "dataTypes": ["text", "embedding"]}))
    assert owned.logging is not None
    assert [owned.logging.delivers(t) for t in ("text", "image", "embedding", "video")] == [True, False, True, False]


def test_data_protection_statements_audit_and_mask_identical_identifiers() -> None:
    custom = [{"name": "CustomerId", "regex": "CUST-[0-9]{8}"}]
    spec = spec_of({**config(dataProtection={"customIdentifiers": custom}), "aws:region": "cn-north-1"})
    for group in spec.groups:
        policy = json.loads(group.data_protection_policy)
        audit, deidentify = policy["Statement"]
        assert audit["DataIdentifier"] == deidentify["DataIdentifier"]
        assert audit["Operation"] == {"Audit": {"FindingsDestination": {}}}
        assert deidentify["Operation"] == {"Deidentify": {"MaskConfig": {}}}
        assert "arn:aws-cn:dataprotection::aws:data-identifier/EmailAddress" in audit["DataIdentifier"]
        assert "CustomerId" in audit["DataIdentifier"]
        assert policy["Configuration"] == {"CustomDataIdentifier": [{"Name": "CustomerId", "Regex": "CUST-[0-9]{8}"}]}
        assert len(group.data_protection_policy) <= 30_720


def test_the_largest_allowed_data_protection_policy_fits_and_a_larger_one_is_refused() -> None:
    custom = [CustomDataIdentifier(name=f"Id{i:03d}" + "x" * 122, regex="[0-9]" * 40) for i in range(10)]
    largest = data_protection_policy("us-east-1", "p" * 100, sorted(MANAGED_DATA_IDENTIFIERS), custom)
    assert len(json.dumps(largest, separators=(",", ":"))) <= 30_720
    with pytest.raises(ValueError, match="30720"):
        data_protection_policy("us-east-1", "p", [f"Identifier{i}" for i in range(1000)], [])


def readme_json_after(heading: str) -> list[Any]:
    """The JSON code blocks of the README section that starts with ``heading``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", section, flags=re.DOTALL)]


BEDROCK_SOURCE = {
    "StringEquals": {"aws:SourceAccount": "111122223333"},
    "ArnLike": {"aws:SourceArn": "arn:aws-cn:bedrock:cn-north-1:111122223333:*"},
}


@pytest.mark.parametrize(
    ("prefix", "objects"),
    [
        ("team/llm", "arn:aws-cn:s3:::big-bodies/team/llm/AWSLogs/111122223333/BedrockModelInvocationLogs/*"),
        ("", "arn:aws-cn:s3:::big-bodies/AWSLogs/111122223333/BedrockModelInvocationLogs/*"),
    ],
)
def test_large_data_bucket_policy_lets_only_bedrock_put_objects_under_its_prefix(prefix: str, objects: str) -> None:
    policy = large_data_bucket_policy("cn-north-1", "111122223333", "big-bodies", prefix)
    (allow,) = statements(json.dumps(policy))
    assert allow["Effect"] == "Allow"
    assert allow["Principal"] == {"Service": "bedrock.amazonaws.com"}
    assert allow["Action"] == ["s3:PutObject"]
    assert allow["Resource"] == [objects]
    assert allow["Condition"] == BEDROCK_SOURCE


def test_an_sse_kms_bucket_s_key_lets_bedrock_generate_data_keys_for_this_account_only() -> None:
    statement = large_data_key_statement("cn-north-1", "111122223333")
    assert statement["Principal"] == {"Service": "bedrock.amazonaws.com"}
    assert statement["Action"] == "kms:GenerateDataKey"
    assert statement["Resource"] == "*"
    assert statement["Condition"] == BEDROCK_SOURCE


def test_the_readme_shows_the_bucket_and_key_policies_the_code_builds() -> None:
    bucket_policy, key_statement = readme_json_after("#### Large bodies")
    assert bucket_policy == large_data_bucket_policy("<region>", "<account>", "<bucket>", "<keyPrefix>")
    assert key_statement == large_data_key_statement("<region>", "<account>")


def logs_header(raw: dict[str, Any]) -> str:
    (header, *_) = widgets_of(raw)
    assert header["type"] == "text"
    markdown: str = header["properties"]["markdown"]
    return markdown


def test_the_logs_header_says_large_bodies_go_unmasked_to_the_bucket() -> None:
    bucket = {"bucketName": "big-bodies", "keyPrefix": "llm"}
    header = logs_header(config(invocationLogging={"enabled": True, "largeDataS3": bucket}))
    assert "Bodies over 100 KB and all binary data go to `s3://big-bodies/llm/AWSLogs/`" in header
    assert "**not masked**" in header
    assert "not with this stack's key" in header
    assert "Bodies over 100 KB are not delivered" in logs_header(config(invocationLogging={"enabled": True}))
    assert "100 KB" not in logs_header(config())


# --- metric filters -----------------------------------------------------------------------


def all_specs() -> list[tuple[str, LogSpec]]:
    return [
        ("dev", build_log_spec(parse_settings(fixture_config("dev")), project="llm-monitor", stack="dev")),
        ("prod", build_log_spec(parse_settings(fixture_config("prod")), project="llm-monitor", stack="prod")),
        ("defaults", spec_of(config())),
        ("custom-namespace", spec_of(config(tenantMetadataKey="org_id", applicationNamespace="Team/LLM"))),
    ]


def filter_cases() -> list[Any]:
    return [pytest.param(f, id=f"{name}:{f.key}") for name, spec in all_specs() for f in spec.filters]


def rule_problems(f: MetricFilterSpec) -> list[str]:
    """PutMetricFilter's constraints (botocore) and the project's rules, checked independently."""
    problems = []
    for shape_name, value in (
        ("FilterName", f.name),
        ("FilterPattern", f.pattern),
        ("MetricName", f.metric.name),
        ("MetricNamespace", f.metric.namespace),
        ("MetricValue", f.value),
    ):
        s = shape("logs", shape_name)
        if not s.get("min", 0) <= len(value) <= s["max"]:
            problems.append(f"{shape_name} length")
        if "pattern" in s and not re.fullmatch(s["pattern"], value):
            problems.append(f"{shape_name} pattern")
    if f.metric.unit not in shape("logs", "StandardUnit")["enum"]:
        problems.append("unit")
    if not (f.pattern.startswith("{") and f.pattern.endswith("}")):
        problems.append("not a JSON pattern")
    if len(f.dimensions) > 3:
        problems.append("more than three dimensions")
    if f.dimensions and f.default_value is not None:
        problems.append("default value with dimensions")
    if f.value != "1" and f"({f.value} " not in f.pattern:
        problems.append("value field not in the pattern")
    for name, selector in f.dimensions:
        if f"({selector} " not in f.pattern:
            problems.append(f"dimension {name} not in the pattern")
        if re.search(r"requestId|identity|inputBody|outputBody|traceId", selector):
            problems.append(f"dimension {name} is per call or free text")
        for limit_shape, text in (("DimensionsKey", name), ("DimensionsValue", selector)):
            if len(text) > shape("logs", limit_shape)["max"]:
                problems.append(f"{limit_shape} length")
    return problems


@pytest.mark.parametrize("f", filter_cases())
def test_every_filter_follows_the_metric_filter_rules(f: MetricFilterSpec) -> None:
    assert rule_problems(f) == []
    catalogued = {(m.name, m.dimension_sets) for m in cat.LOG_METRICS}
    assert (f.metric.name, f.metric.dimension_sets) in catalogued
    assert f.metric.has_dimensions([name for name, _ in f.dimensions])
    expected_group = INVOCATIONS if f.metric.namespace == cat.INVOCATION_LOGS_NAMESPACE else APPLICATION
    assert f.group == expected_group


@pytest.mark.parametrize(("name", "spec"), all_specs(), ids=lambda x: x if isinstance(x, str) else "")
def test_filters_fit_the_per_group_limits(name: str, spec: LogSpec) -> None:
    for group in spec.groups:
        assert sum(f.group == group.key for f in spec.filters) <= 100
        # Regex patterns: at most 5 per log group (PutMetricFilter documentation); none used.
    assert not any("%" in f.pattern for f in spec.filters)
    assert len({(f.group, f.name) for f in spec.filters}) == len(spec.filters)


def test_invocation_records_publish_no_metric_per_model_or_tenant() -> None:
    """Calls and tokens by model are AWS/Bedrock's own metrics; by tenant, Contributor Insights rules."""
    spec = spec_of(config(tenantMetadataKey="tenant"))
    invocation_filters = [f for f in spec.filters if f.group == INVOCATIONS]
    assert [(f.metric.name, f.dimensions) for f in invocation_filters] == [("LargePrompts", ())]


def test_tenant_rules_count_calls_and_sum_input_tokens_by_the_tenant_key_of_a_bedrock_record() -> None:
    spec = spec_of(config(tenantMetadataKey="tenant"))
    group = spec.group(INVOCATIONS).name
    rules = {r.key: json.loads(r.definition(group)) for r in spec.contributors}
    assert set(rules) == {"tenant-input-tokens"}
    for rule in rules.values():
        assert rule["Schema"] == {"Name": "CloudWatchLogRule", "Version": 1}
        assert (rule["LogGroupNames"], rule["LogFormat"]) == ([group], "JSON")
        (key,) = rule["Contribution"]["Keys"]
        assert select(BEDROCK_RECORD, key) == "acme"
        for condition in rule["Contribution"]["Filters"]:
            assert select(BEDROCK_RECORD, condition["Match"]) in condition["In"]
    tokens = rules["tenant-input-tokens"]
    assert (tokens["AggregateOn"], select(BEDROCK_RECORD, tokens["Contribution"]["ValueOf"])) == ("Sum", 25)
    assert spec_of(config()).contributors == ()


def test_large_prompt_counter_counts_only_prompts_over_the_threshold() -> None:
    spec = spec_of(config(largePromptTokens=1000))
    (large,) = [f for f in spec.filters if f.metric is cat.LARGE_PROMPTS]
    assert large.dimensions == ()
    assert large.default_value == 0
    big = {**BEDROCK_RECORD, "input": {**BEDROCK_RECORD["input"], "inputTokenCount": 1001}}
    exact = {**BEDROCK_RECORD, "input": {**BEDROCK_RECORD["input"], "inputTokenCount": 1000}}
    assert pattern_matches(large.pattern, big)
    assert not pattern_matches(large.pattern, exact)


@pytest.mark.parametrize("pairs", [False, True])
def test_the_readme_example_lines_produce_the_application_metrics(pairs: bool) -> None:
    success, error = readme_log_lines()
    spec = spec_of(config(applicationPairMetrics=pairs))
    app_filters = [f for f in spec.filters if f.group == APPLICATION]
    app, model = {"Application": success["app"]}, {"ModelId": success["modelId"]}
    published = {
        (f.metric.name, tuple(name for name, _ in f.dimensions)): metric_value(f, success)
        for f in app_filters
        if pattern_matches(f.pattern, success)
    }
    pair = ("Application", "ModelId")
    bought_back: dict[tuple[str, tuple[str, ...]], Any] = {
        ("InferenceLatency", pair): success["latencyMs"],
        ("InferenceTimeToFirstToken", pair): success["timeToFirstTokenMs"],
        ("InputTokens", pair): success["inputTokens"],
        ("OutputTokens", pair): success["outputTokens"],
    }
    assert published == {
        # Per model and per application, adding up; per (application, model) pair only when bought back.
        ("InferenceRequests", ("ModelId",)): 1,
        ("InferenceRequests", ("Application",)): 1,
        ("InferenceLatency", ("ModelId",)): success["latencyMs"],
        **(bought_back if pairs else {}),
    }
    failed = {(f.metric.name, f.dimensions) for f in app_filters if pattern_matches(f.pattern, error)}
    by_model, by_app = (("ModelId", "$.modelId"),), (("Application", "$.app"),)
    assert {("InferenceErrors", by_model), ("InferenceErrors", by_app), ("InferenceLatency", by_model)} <= failed
    for f in app_filters:
        dims = {name: select(success, selector) for name, selector in f.dimensions}
        assert dims in (app, model, app | model)


def test_each_log_group_s_filters_ignore_the_other_group_s_records() -> None:
    success, _ = readme_log_lines()
    for f in spec_of(config(tenantMetadataKey="team")).filters:
        other = success if f.group == INVOCATIONS else BEDROCK_RECORD
        assert not pattern_matches(f.pattern, other), f.key


def test_application_metrics_go_to_the_configured_namespace() -> None:
    spec = spec_of(config(applicationNamespace="Team/LLM"))
    assert {f.metric.namespace for f in spec.filters if f.group == APPLICATION} == {"Team/LLM"}
    assert {f.metric.namespace for f in spec.filters if f.group == INVOCATIONS} == {"LLM/InvocationLogs"}


def good_filter(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "key": "k",
        "group": INVOCATIONS,
        "name": "n",
        "pattern": "{ ($.modelId = *) && ($.input.inputTokenCount >= 0) }",
        "metric": cat.in_namespace(cat.INFERENCE_LATENCY, cat.APPLICATION_NAMESPACE),
        "value": "$.input.inputTokenCount",
        "dimensions": (("ModelId", "$.modelId"),),
    }
    return {**fields, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pattern": "ERROR"}, "not a JSON pattern"),
        ({"value": "$.output.outputTokenCount"}, "does not appear in the pattern"),
        ({"default_value": 0.0}, "cannot be combined with dimensions"),
        ({"dimensions": (("ModelId", "$.modelId"), ("A", "$.a"), ("B", "$.b"), ("C", "$.c"))}, "max 3"),
        ({"dimensions": (("Tenant", "$.requestId"),), "pattern": "{ ($.requestId = *) }"}, "per-call"),
        ({"dimensions": (("Caller", "$.modelId"),)}, "not catalogued"),
        ({"name": "a:b"}, "without ':'"),
    ],
)
def test_invalid_filters_are_refused(changes: dict[str, Any], message: str) -> None:
    MetricFilterSpec(**good_filter())
    with pytest.raises(ValueError, match=message):
        MetricFilterSpec(**good_filter(**changes))


# --- saved queries ------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "spec"), all_specs(), ids=lambda x: x if isinstance(x, str) else "")
def test_each_saved_query_targets_the_log_group_whose_fields_it_reads(name: str, spec: LogSpec) -> None:
    for q in spec.queries:
        reads_invocations = "schemaType" in q.query or "identity.arn" in q.query
        reads_application = "schemaVersion" in q.query
        assert reads_invocations != reads_application, q.key
        assert q.group == (INVOCATIONS if reads_invocations else APPLICATION), q.key
        assert 1 <= len(q.name) <= shape("logs", "QueryDefinitionName")["max"]
        assert 1 <= len(q.query) <= shape("logs", "QueryDefinitionString")["max"]
        assert q.name.startswith(spec.query_folder + "/")
    assert len({q.name for q in spec.queries}) == len(spec.queries)


def test_the_issue_s_questions_each_have_a_saved_query() -> None:
    keys = {q.key: q for q in spec_of(config(tenantMetadataKey="team")).queries}
    assert {"calls-by-model-and-caller", "largest-calls", "slowest-calls", "invocation-errors"} <= set(keys)
    assert {"application-errors", "usage-by-tenant", "prompt-search"} <= set(keys)
    assert "requestMetadata.team" in keys["usage-by-tenant"].query
    assert keys["prompt-search"].group == INVOCATIONS
    assert "usage-by-tenant" not in {q.key for q in spec_of(config()).queries}


# --- dashboard rows -----------------------------------------------------------------------


def widgets_of(raw: dict[str, Any]) -> list[dict[str, Any]]:
    settings = parse_settings(raw)
    spec = build_log_spec(settings, project="llm-monitor", stack="test")
    rows = dashboard_rows(settings, spec)
    for row in rows:
        assert sum(w.width for w in row) <= GRID_COLUMNS
    return [{"type": w.type, "properties": w.properties} for row in rows for w in row]


def metric_names(widgets: list[dict[str, Any]]) -> set[tuple[str, str]]:
    found = set()
    for w in widgets:
        for entry in w["properties"].get("metrics", []):
            if isinstance(entry[0], str):
                found.add((entry[0], entry[1]))
            else:
                found |= set(re.findall(r"\{([^,}]+)[^}]*\} MetricName=\"(\w+)\"", entry[0]["expression"]))
    return found


def test_delivery_failures_are_on_the_dashboard_when_this_stack_owns_logging() -> None:
    failure = (cat.RUNTIME_NAMESPACE, cat.LOGS_CLOUDWATCH_DELIVERY_FAILURE.name)
    assert failure in metric_names(widgets_of(config(invocationLogging={"enabled": True})))
    assert failure not in metric_names(widgets_of(config()))


def test_log_widgets_are_built_from_catalogued_metrics() -> None:
    widgets = widgets_of(config(invocationLogging={"enabled": True}, tenantMetadataKey="team"))
    known = {(m.namespace, m.name) for m in (*cat.ALL_METRICS, *cat.LOG_METRICS)}
    names = metric_names(widgets)
    assert names <= known
    assert (cat.INVOCATION_LOGS_NAMESPACE, "LargePrompts") in names
    assert (cat.APPLICATION_NAMESPACE, "InferenceLatency") in names


def test_log_tables_query_the_stack_s_groups_and_show_no_message_bodies() -> None:
    raw = config(invocationLogging={"enabled": True}, tenantMetadataKey="team")
    spec = spec_of(raw)
    tables = [w for w in widgets_of(raw) if w["type"] == "log"]
    titles = {w["properties"]["title"] for w in tables}
    pair_view = "App calls, tokens and p90 latency by application and model"
    assert {"Top callers by input tokens", "Recent application errors", pair_view} <= titles
    tenants = [w for w in widgets_of(raw) if "insightRule" in w["properties"]]
    assert [w["properties"]["insightRule"]["ruleName"] for w in tenants] == [r.name for r in spec.contributors]
    for w in tables:
        (source,) = re.findall(r"^SOURCE '([^']+)' \| ", w["properties"]["query"])
        assert source in {g.name for g in spec.groups}
        assert not re.search(r"@message|BodyJson|inputBody|outputBody", w["properties"]["query"])


def test_models_do_not_change_the_logs_spec() -> None:
    raw = fixture_config("prod")
    more = {**raw, "llm-monitor:models": [*raw["llm-monitor:models"], {"name": "extra", "id": HAIKU}]}
    assert spec_of(more) == spec_of(raw)


def test_readme_example_lines_are_valid_json_with_the_required_fields() -> None:
    lines = readme_log_lines()
    assert len(lines) == 2
    for line in lines:
        assert {"schemaVersion", "timestamp", "app", "modelId", "operation", "status", "latencyMs"} <= set(line)
    assert [line["status"] for line in lines] == ["success", "error"]


def test_contributor_rule_names_fit_put_insight_rule_and_stay_apart() -> None:
    from llm_monitor.log_contributors import MAX_RULE_NAME, rule_name

    assert rule_name("llm-monitor-dev", "tenant-input-tokens") == "llm-monitor-dev-tenant-input-tokens"
    long_a, long_b = rule_name("p" * 100 + "-" + "a" * 100, "k"), rule_name("p" * 100 + "-" + "b" * 100, "k")
    assert len(long_a) == len(long_b) == MAX_RULE_NAME
    assert long_a != long_b
    assert long_a.endswith("-k")
