"""The alarm topic as data: key and topic policies, subscriptions, and the notifications config."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest

from llm_monitor.alarms import build_alarms
from llm_monitor.aws import ACCOUNT_ID_TOKEN
from llm_monitor.config import parse_settings
from llm_monitor.notifications import NotificationPlan, build_notifications
from tests.program import config_problems

ACCOUNT = "111122223333"
MODEL = {"name": "m", "id": "amazon.nova-lite-v1:0"}


def raw_config(region: str, **endpoints: Any) -> dict[str, Any]:
    return {"aws:region": region, "llm-monitor:models": [MODEL], "llm-monitor:notifications": endpoints}


def notifications(region: str = "us-east-1", project: str = "llm-monitor", **endpoints: Any) -> NotificationPlan:
    settings = parse_settings(raw_config(region, **endpoints))
    return build_notifications(settings, build_alarms(settings, project=project, stack="prod"))


def policy(text: str) -> dict[str, Any]:
    """A policy as the account would see it: the placeholder replaced, as the component does."""
    document: dict[str, Any] = json.loads(text.replace(ACCOUNT_ID_TOKEN, ACCOUNT))
    return document


def statement(document: dict[str, Any], sid: str) -> dict[str, Any]:
    (match,) = [s for s in document["Statement"] if s["Sid"] == sid]
    return match


OWN_ALARM = f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:llm-monitor-prod-us-east-1/m-latency"
OTHER_STACKS_ALARM = f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:llm-monitor-dev-us-east-1/m-latency"
OTHER_REGIONS_ALARM = f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:llm-monitor-prod-us-east-1/m-latency"
#: A stack named ``prod-us-east-1-x`` (stack names may hold "-" but not "/").
LOOKALIKE_STACKS_ALARM = (
    f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:llm-monitor-prod-us-east-1-x-us-east-1/m-latency"
)


def test_key_policy_lets_only_this_stacks_alarms_use_the_key() -> None:
    document = policy(notifications().key_policy)
    assert [s["Sid"] for s in document["Statement"]] == [
        "EnableAccountAdministration",
        "AllowCloudWatchAlarmsToPublishEncrypted",
    ]
    admin = statement(document, "EnableAccountAdministration")
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    cloudwatch = statement(document, "AllowCloudWatchAlarmsToPublishEncrypted")
    assert cloudwatch["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert sorted(cloudwatch["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert cloudwatch["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    pattern = cloudwatch["Condition"]["ArnLike"]["aws:SourceArn"]
    assert fnmatch.fnmatchcase(OWN_ALARM, pattern)
    assert not fnmatch.fnmatchcase(OTHER_STACKS_ALARM, pattern)
    assert not fnmatch.fnmatchcase(OTHER_REGIONS_ALARM, pattern)
    assert not fnmatch.fnmatchcase(LOOKALIKE_STACKS_ALARM, pattern)


def test_topic_policy_lets_only_this_stacks_alarms_publish_and_requires_tls() -> None:
    plan = notifications()
    document = policy(plan.topic_policy)
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:{plan.topic_name}"
    assert {s["Resource"] for s in document["Statement"]} == {topic}
    (allow,) = [s for s in document["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert allow["Action"] == "sns:Publish"
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert fnmatch.fnmatchcase(OWN_ALARM, allow["Condition"]["ArnLike"]["aws:SourceArn"])
    assert not fnmatch.fnmatchcase(OTHER_STACKS_ALARM, allow["Condition"]["ArnLike"]["aws:SourceArn"])
    assert not fnmatch.fnmatchcase(LOOKALIKE_STACKS_ALARM, allow["Condition"]["ArnLike"]["aws:SourceArn"])
    others = statement(document, "DenyPublishExceptThisAccountsServices")
    assert (others["Effect"], others["Principal"], others["Action"]) == ("Deny", "*", "sns:Publish")
    assert others["Condition"] == {"StringNotEquals": {"aws:SourceAccount": ACCOUNT}}
    tls = statement(document, "DenyInsecureTransport")
    assert (tls["Effect"], tls["Principal"], tls["Action"]) == ("Deny", "*", "sns:*")
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_policies_are_stable_text() -> None:
    first, second = notifications(), notifications()
    assert first.topic_policy == second.topic_policy
    assert first.key_policy == second.key_policy
    assert first.topic_policy == json.dumps(json.loads(first.topic_policy), sort_keys=True, separators=(",", ":"))


def test_policies_use_the_regions_partition() -> None:
    plan = notifications(region="cn-north-1")
    document = policy(plan.topic_policy)
    assert document["Statement"][0]["Resource"].startswith("arn:aws-cn:sns:cn-north-1:")
    key = policy(plan.key_policy)
    assert statement(key, "EnableAccountAdministration")["Principal"] == {"AWS": f"arn:aws-cn:iam::{ACCOUNT}:root"}


def test_key_rotates_and_topic_is_named_for_the_stack() -> None:
    plan = notifications()
    assert plan.key_inputs()["enable_key_rotation"] is True
    assert plan.topic_name == "llm-monitor-prod-us-east-1-alarms"
    assert plan.key_alias == "alias/llm-monitor-prod-us-east-1-alarms"
    assert plan.topic_inputs()["name"] == plan.topic_name


def test_topic_name_keeps_to_the_characters_sns_accepts() -> None:
    plan = notifications(project="team.llm-monitor")
    assert plan.topic_name == "team-llm-monitor-prod-us-east-1-alarms"


def test_subscriptions_come_from_config_without_addresses_in_resource_names() -> None:
    plan = notifications(
        emails=["oncall@example.com", "lead@example.com"], httpsEndpoints=["https://hooks.example.com/T/abc"]
    )
    assert [(s.protocol, s.endpoint, s.secret) for s in plan.subscriptions] == [
        ("email", "oncall@example.com", False),
        ("email", "lead@example.com", False),
        ("https", "https://hooks.example.com/T/abc", True),
    ]
    keys = [s.key for s in plan.subscriptions]
    assert len(set(keys)) == 3
    assert not any("example" in k for k in keys)
    # Reordering the list keeps each subscription's resource (no re-confirmation).
    reordered = notifications(emails=["lead@example.com", "oncall@example.com"])
    assert {s.key for s in reordered.subscriptions} == set(keys[:2])


def test_no_endpoints_means_no_subscriptions() -> None:
    assert notifications().subscriptions == ()


@pytest.mark.parametrize(
    ("endpoints", "path", "message"),
    [
        ({"emails": ["not-an-address"]}, "llm-monitor:notifications.emails[0]", "not an e-mail address"),
        ({"emails": ["a@example.com", "A@example.com"]}, "llm-monitor:notifications.emails", "listed twice"),
        ({"httpsEndpoints": ["http://hooks.example.com/x"]}, "llm-monitor:notifications.httpsEndpoints[0]", "https://"),
        ({"topicArns": ["pager"]}, "llm-monitor:notifications.topicArns[0]", "not an SNS topic ARN"),
        (
            {"topicArns": ["arn:aws:sns:us-east-1:123456789012:pager"]},
            "llm-monitor:notifications.topicArns[0]",
            "must be in the stack's Region eu-west-1",
        ),
        (
            {"topicArns": [f"arn:aws:sns:eu-west-1:123456789012:t{i}" for i in range(5)]},
            "llm-monitor:notifications.topicArns",
            "at most 4",
        ),
        ({"email": ["a@example.com"]}, "llm-monitor:notifications.email", "did you mean 'emails'"),
    ],
)
def test_invalid_endpoints_name_their_key(endpoints: dict[str, Any], path: str, message: str) -> None:
    found = config_problems(raw_config("eu-west-1", **endpoints))
    assert message in found[path]


def test_existing_topics_in_the_stacks_region_are_accepted() -> None:
    raw = raw_config("eu-west-1", topicArns=["arn:aws:sns:eu-west-1:123456789012:pager"])
    assert parse_settings(raw).notifications.topic_arns == ["arn:aws:sns:eu-west-1:123456789012:pager"]
