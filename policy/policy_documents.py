"""Reading IAM-style policy documents (identity, key, topic policies) the way AWS evaluates them.

Values are Mappings and Sequences (CrossGuard wraps them in proxies), never assumed to be dict or
list. Element semantics follow the IAM JSON policy element reference: most elements take one
value or a list; condition keys are case-insensitive, action names too; an operator ending in
``IfExists`` also matches requests that lack the key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

#: A 12-digit AWS account ID.
ACCOUNT_ID = re.compile(r"[0-9]{12}")
#: Operators under which a condition value restricts the request to that value (no negation, and
#: not ``...IfExists``, which lets requests without the key through).
RESTRICTING_OPERATORS = frozenset({"stringequals", "stringlike", "arnequals", "arnlike"})


def document(value: Any) -> Mapping[str, Any]:
    """A policy document given as JSON text or as an object; empty when there is none."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        parsed = json.loads(value)
        return parsed if isinstance(parsed, Mapping) else {}
    return value if isinstance(value, Mapping) else {}


def many(value: Any) -> list[Any]:
    """IAM lets most elements be one value or a list of them."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        return [value]
    return list(value)


def statements(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [s for s in many(doc.get("Statement")) if isinstance(s, Mapping)]


def allows(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [s for s in statements(doc) if s.get("Effect") == "Allow"]


def principals(statement: Mapping[str, Any], kind: str) -> list[str]:
    """The ``kind`` (``AWS``, ``Service``...) principals of a statement; ``["*"]`` for ``"Principal": "*"``."""
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, Mapping):
        return [str(p) for p in many(principal.get(kind))]
    return []


def everyone(statement: Mapping[str, Any]) -> bool:
    """``"Principal": "*"`` or ``{"AWS": "*"}``: any principal of any account (and anonymous ones)."""
    return statement.get("Principal") == "*" or "*" in principals(statement, "AWS")


def conditions(statement: Mapping[str, Any]) -> Iterator[tuple[str, str, list[str]]]:
    """(operator, condition key, values) of a statement, operator and key lower-cased."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return
    for operator, block in condition.items():
        if isinstance(block, Mapping):
            for key, values in block.items():
                yield str(operator).lower(), str(key).lower(), [str(v) for v in many(values)]


def condition_keys(statement: Mapping[str, Any]) -> set[str]:
    return {key for _, key, _ in conditions(statement)}


def restricting_values(statement: Mapping[str, Any], key: str) -> list[list[str]]:
    """For each restricting block on ``key`` (see ``RESTRICTING_OPERATORS``), its values."""
    return [
        values
        for operator, k, values in conditions(statement)
        if k == key.lower() and operator in RESTRICTING_OPERATORS
    ]


def arn_account(arn: str) -> str:
    """The account field of an ARN (``arn:partition:service:region:account:resource``); "" if none."""
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else ""


def principal_account(principal: str) -> str | None:
    """The account an ``AWS`` principal belongs to: a bare account ID or an ARN's account field."""
    if ACCOUNT_ID.fullmatch(principal):
        return principal
    account = arn_account(principal)
    return account if ACCOUNT_ID.fullmatch(account) else None


def is_account_root(principal: str) -> bool:
    """The account itself: ``arn:<partition>:iam::<account>:root`` or the bare account ID."""
    if ACCOUNT_ID.fullmatch(principal):
        return True
    return principal.startswith("arn:aws") and principal.endswith(":root") and ":iam::" in principal


def actions(statement: Mapping[str, Any]) -> list[str]:
    return [str(a) for a in many(statement.get("Action"))]


def covers(patterns: Sequence[str], action: str) -> bool:
    """Some action pattern of a statement (``kms:*``, ``kms:GenerateDataKey*``...) matches ``action``."""
    return any(fnmatchcase(action.lower(), p.lower()) for p in patterns)
