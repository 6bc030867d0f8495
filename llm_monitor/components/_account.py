"""The Pulumi side of ``ACCOUNT_ID_TOKEN``: the pure layer's placeholder, replaced by the real account ID."""

from __future__ import annotations

import pulumi

from llm_monitor.aws import ACCOUNT_ID_TOKEN


def with_account(text: str, account_id: pulumi.Output[str]) -> pulumi.Output[str]:
    """``text`` with the account placeholder of the pure layer replaced by the real account ID."""
    return account_id.apply(lambda account: text.replace(ACCOUNT_ID_TOKEN, account))
