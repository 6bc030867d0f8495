"""``llm-monitor:notifications``: where alarm notifications go."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, field_validator

from llm_monitor.config.base import Section, matching
from llm_monitor.config.errors import Problem

#: A plausible mailbox (SNS itself only checks for an ``@``; the confirmation mail is the real test).
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
#: SNS topic ARN; topic names are 1-256 letters, digits, ``-`` or ``_`` (``.fifo`` for FIFO topics).
_TOPIC_ARN = re.compile(
    r"arn:aws[a-z-]*:sns:(?P<region>[a-z]{2}(-[a-z]+)+-[0-9]):[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?"
)
#: CloudWatch runs at most 5 actions per alarm state; one is the stack's own topic.
MAX_EXTRA_TOPICS = 4

_HTTPS = re.compile(r"https://[^\s/?#]+[^\s]*")


Email = Annotated[str, Field(max_length=254), matching(_EMAIL, "an e-mail address")]
HttpsUrl = Annotated[
    str, Field(max_length=2048), matching(_HTTPS, "an https:// URL (plain HTTP would carry alarms unencrypted)")
]
TopicArn = Annotated[str, matching(_TOPIC_ARN, "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)")]


class NotificationSettings(Section):
    """Notification endpoints of the stack's alarm topic.

    E-mail and HTTPS subscriptions stay pending until someone confirms them (the link in the
    first message; HTTPS endpoints must answer the SubscriptionConfirmation request).
    """

    emails: list[Email] = Field(default_factory=list)
    """Addresses subscribed to the alarm topic; every alarm's ALARM and OK messages reach them."""
    https_endpoints: list[HttpsUrl] = Field(default_factory=list)
    """HTTPS URLs (chat or incident webhooks) subscribed to the alarm topic. Plain HTTP is refused."""
    topic_arns: list[TopicArn] = Field(default_factory=list, max_length=MAX_EXTRA_TOPICS)
    """Existing SNS topics (a pager's, say) that get the pages: each model's health roll-up, one page
    per incident (the paging alarms themselves when the roll-ups are off). Same Region as the stack;
    their own policy must let CloudWatch publish."""

    @field_validator("emails", "https_endpoints", "topic_arns")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        seen: set[str] = set()
        for value in values:
            if value.lower() in seen:
                raise ValueError(f"{value!r} is listed twice")
            seen.add(value.lower())
        return values


def notification_problems(notifications: NotificationSettings, region: str, prefix: str) -> list[Problem]:
    """Alarm actions must be in the alarm's Region: every extra topic must be in the stack's."""
    problems = []
    for index, topic in enumerate(notifications.topic_arns):
        match = _TOPIC_ARN.fullmatch(topic)
        if match and match.group("region") != region:
            problems.append(
                Problem(
                    f"{prefix}:notifications.topicArns[{index}]",
                    f"the topic is in {match.group('region')}; alarm actions must be in the stack's Region {region}",
                )
            )
    return problems
