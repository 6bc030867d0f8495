"""``llm-monitor:tags``: what AWS accepts as a resource tag, checked before anything is registered.

Every taggable resource gets the provider's default tags: the program's own (``program_tags``)
plus these. The strictest services this program tags are CloudWatch Logs (log groups) and IAM
(the invocation-logging role and its policy); their rules apply to every tag:

- keys 1-128 and values 0-256 characters of ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]`` (botocore ``logs``
  shapes ``TagKey`` / ``TagValue``, ``iam`` shapes ``tagKeyType`` / ``tagValueType``);
- at most 50 tags per resource (``logs`` ``Tags`` max 50, ``iam`` ``tagListType`` max 50);
- keys starting with ``aws:`` (any case) are reserved for AWS (AWS Billing user guide,
  "User-defined tag restrictions"; awsdocs/amazon-ecs-developer-guide#72 on the case);
- IAM compares keys ignoring case: a request with ``Team`` and ``team`` fails with "Duplicate tag
  keys found. Please note that Tag keys are case insensitive." (IAM user guide, "Tagging IAM
  resources", case sensitivity; aws/aws-cdk#26253 shows the error).

KMS, SNS and CloudWatch only bound the lengths (botocore ``kms`` ``TagKeyType``, ``sns``
``TagKey``, ``cloudwatch`` ``TagKey``), so passing the rules above passes theirs too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from llm_monitor.config.errors import Problem

#: Tags the provider adds to every resource before the configured ones (``llm_monitor.stack``).
PROGRAM_TAG_KEYS = ("Project", "Stack", "ManagedBy")
MAX_TAGS_PER_RESOURCE = 50
MAX_USER_TAGS = MAX_TAGS_PER_RESOURCE - len(PROGRAM_TAG_KEYS)
MAX_KEY = 128
MAX_VALUE = 256
#: The punctuation the Java pattern ``[\p{L}\p{Z}\p{N}_.:/=+\-@]`` lists besides its three classes.
TAG_PUNCTUATION = "_.:/=+-@"
ALLOWED = "letters, digits, spaces and _ . : / = + - @"


def program_tags(project: str, stack: str) -> dict[str, str]:
    """The tags the program puts on every resource (keys: ``PROGRAM_TAG_KEYS``)."""
    return dict(zip(PROGRAM_TAG_KEYS, (project, stack, "pulumi"), strict=True))


def tag_character_allowed(char: str) -> bool:
    """One character of ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]``.

    ``\\p{L}``, ``\\p{Z}`` and ``\\p{N}`` are the Unicode general categories L* (letters), Z*
    (separators: spaces, line and paragraph separators) and N* (numbers, including Nl and No),
    which is exactly what ``unicodedata.category`` reports. Marks (M*), symbols (S*), other
    punctuation (P*) and controls (C*) are not allowed.
    """
    return unicodedata.category(char)[0] in "LZN" or char in TAG_PUNCTUATION


def refused_characters(text: str) -> list[str]:
    """The distinct characters of ``text`` that AWS refuses in tags, in order of appearance."""
    return list(dict.fromkeys(c for c in text if not tag_character_allowed(c)))


def _show(chars: list[str]) -> str:
    return ", ".join(repr(c) if c.isprintable() else f"U+{ord(c):04X}" for c in chars)


def tag_problems(tags: Mapping[str, object], namespace: str) -> list[Problem]:
    """Every way ``tags`` (already a map of strings to strings) would fail CreateLogGroup or CreateRole."""
    problems: list[Problem] = []
    prefix = f"{namespace}:tags"
    if len(tags) > MAX_USER_TAGS:
        problems.append(
            Problem(
                prefix,
                f"{len(tags)} tags; AWS allows {MAX_TAGS_PER_RESOURCE} per resource and the program adds "
                f"{len(PROGRAM_TAG_KEYS)} ({', '.join(PROGRAM_TAG_KEYS)}), so at most {MAX_USER_TAGS} may be set here",
            )
        )
    program = {k.lower(): k for k in PROGRAM_TAG_KEYS}
    first_seen: dict[str, str] = {}
    for key, value in tags.items():
        path = f"{prefix}.{key}"
        refused = refused_characters(key)
        if not 1 <= len(key) <= MAX_KEY or refused:
            found = f" (found {_show(refused)})" if refused else ""
            problems.append(Problem(path, f"tag keys are 1-{MAX_KEY} {ALLOWED}{found}"))
        if key.lower().startswith("aws:"):
            problems.append(Problem(path, "tag keys starting with 'aws:' (in any case) are reserved for AWS"))
        if key.lower() in program:
            problems.append(
                Problem(
                    path,
                    f"the program sets the tag {program[key.lower()]!r} itself ({', '.join(PROGRAM_TAG_KEYS)}); "
                    "IAM treats tag keys as case-insensitive, so choose another key",
                )
            )
        elif key.lower() in first_seen:
            problems.append(
                Problem(
                    path,
                    f"same key as {first_seen[key.lower()]!r} ignoring case; IAM treats tag keys as "
                    "case-insensitive (CreateRole fails with 'Duplicate tag keys found'); keep one",
                )
            )
        else:
            first_seen[key.lower()] = key
        if isinstance(value, str):
            refused = refused_characters(value)
            if len(value) > MAX_VALUE or refused:
                found = f" (found {_show(refused)})" if refused else ""
                problems.append(
                    Problem(
                        path,
                        f"tag values are at most {MAX_VALUE} {ALLOWED}{found}; CloudWatch Logs and IAM refuse others",
                    )
                )
    return problems
