"""Building blocks for IAM, KMS key and resource policies (pure; JSON-ready dicts)."""

from __future__ import annotations

import json
from typing import Any

from llm_monitor.aws import partition

POLICY_VERSION = "2012-10-17"
#: KMS waits this long before deleting a key scheduled for deletion (7-30 days; the longest).
KEY_DELETION_WINDOW_DAYS = 30

Statement = dict[str, Any]


def policy_document(*statements: Statement) -> dict[str, Any]:
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


def to_json(document: dict[str, Any]) -> str:
    """Stable text: the same document always gives the same bytes (no spurious diffs)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def account_root_principal(region: str, account: str) -> dict[str, str]:
    return {"AWS": f"arn:{partition(region)}:iam::{account}:root"}


def key_admin_statement(region: str, account: str) -> Statement:
    """The account keeps full control of its key (IAM policies decide who may use it).

    Without this statement a key can become unmanageable (KMS key-policy default).
    """
    return {
        "Sid": "EnableAccountAdministration",
        "Effect": "Allow",
        "Principal": account_root_principal(region, account),
        "Action": "kms:*",
        "Resource": "*",
    }


def deny_insecure_transport(action: str | list[str], resource: str, sid: str = "DenyInsecureTransport") -> Statement:
    return {
        "Sid": sid,
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": resource,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
