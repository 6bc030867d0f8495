"""``llm-monitor:tags``: tags that CreateLogGroup or CreateRole would refuse are config errors.

The character rules are read from botocore's ``logs`` and ``iam`` models at test time, so a change
of AWS's pattern fails here rather than at ``pulumi up``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.loaders import Loader  # type: ignore[import-untyped]

from llm_monitor.config import parse_settings
from llm_monitor.config.tags import PROGRAM_TAG_KEYS, TAG_PUNCTUATION, refused_characters, tag_character_allowed
from tests.program import config_problems

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
# The shapes of the tags this program's strictest resources carry: log groups and IAM roles/policies.
TAG_SHAPES = [("logs", "TagKey"), ("logs", "TagValue"), ("iam", "tagKeyType"), ("iam", "tagValueType")]


def raw(tags: Any) -> dict[str, Any]:
    return {"aws:region": "us-east-1", "llm-monitor:models": [{"name": "a", "id": HAIKU}], "llm-monitor:tags": tags}


def shape(service: str, name: str) -> dict[str, Any]:
    model: dict[str, Any] = Loader().load_service_model(service, "service-2")
    return dict(model["shapes"][name])


@pytest.mark.parametrize(("service", "name"), TAG_SHAPES)
def test_the_character_class_is_the_one_in_the_aws_models(service: str, name: str) -> None:
    pattern = shape(service, name)["pattern"]
    (body,) = re.findall(r"\[([^\]]+)\]", pattern)
    classes = re.findall(r"\\p\{(\w)\}", body)
    assert sorted(classes) == ["L", "N", "Z"]
    literal = re.sub(r"\\p\{\w\}", "", body).replace("\\-", "-")
    assert sorted(literal) == sorted(TAG_PUNCTUATION)


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("a,b", [","]),
        ('say "hi"', ['"']),
        ("R&D", ["&"]),
        ("team#1", ["#"]),
        ("a;b|c", [";", "|"]),
        ("tab\there", ["\t"]),  # a control character (Cc), not a \p{Z} separator
        ("cafe\u0301", ["\u0301"]),  # a combining accent is a mark (Mn): AWS wants the precomposed letter
        ("deploy 🚀", ["🚀"]),  # a symbol (So)
    ],
)
def test_characters_aws_refuses_in_tag_values_are_named(value: str, refused: list[str]) -> None:
    assert refused_characters(value) == refused
    found = config_problems(raw({"Team": value}))
    assert list(found) == ["llm-monitor:tags.Team"]
    assert "letters, digits, spaces and _ . : / = + - @" in found["llm-monitor:tags.Team"]


@pytest.mark.parametrize(
    "value",
    [
        "ml-platform",
        "Müller Söhne",
        "東京",  # Lo
        "١٢٣",  # Arabic-Indic digits: Nd
        "Ⅻ½",  # a Roman numeral (Nl) and a vulgar fraction (No)
        "a\u00a0b\u2028c",  # no-break space (Zs) and line separator (Zl)
        "key=value:path/to+x@y_z.",
        "",
    ],
)
def test_unicode_letters_numbers_and_separators_are_accepted(value: str) -> None:
    assert all(tag_character_allowed(c) for c in value)
    assert parse_settings(raw({"Team": value})).tags == {"Team": value}


def test_tag_keys_follow_the_same_class_and_length() -> None:
    found = config_problems(raw({"Cost,Center": "x", "k" * 129: "x"}))
    assert "found ','" in found["llm-monitor:tags.Cost,Center"]
    assert "1-128" in found[f"llm-monitor:tags.{'k' * 129}"]
    assert parse_settings(raw({"k" * 128: "x", "Kostenstelle Ä": "x"})).tags


def test_values_longer_than_256_characters_are_refused() -> None:
    assert parse_settings(raw({"Note": "x" * 256})).tags
    assert "at most 256" in config_problems(raw({"Note": "x" * 257}))["llm-monitor:tags.Note"]


def test_at_most_47_tags_because_the_program_adds_3_of_aws_s_50() -> None:
    assert len(PROGRAM_TAG_KEYS) == 3
    assert len(parse_settings(raw({f"Tag{i}": "x" for i in range(47)})).tags) == 47
    found = config_problems(raw({f"Tag{i}": "x" for i in range(48)}))
    assert list(found) == ["llm-monitor:tags"]
    assert "48 tags" in found["llm-monitor:tags"]
    assert "at most 47" in found["llm-monitor:tags"]


def test_keys_that_differ_only_in_case_are_refused() -> None:
    found = config_problems(raw({"Team": "a", "team": "b", "TEAM": "c"}))
    assert set(found) == {"llm-monitor:tags.team", "llm-monitor:tags.TEAM"}
    assert "same key as 'Team' ignoring case" in found["llm-monitor:tags.team"]


@pytest.mark.parametrize("key", ["project", "Project", "STACK", "managedby"])
def test_keys_the_program_sets_are_refused_in_any_case(key: str) -> None:
    found = config_problems(raw({key: "x"}))
    assert list(found) == [f"llm-monitor:tags.{key}"]
    assert "the program sets the tag" in found[f"llm-monitor:tags.{key}"]


def test_reserved_prefix_in_any_case() -> None:
    found = config_problems(raw({"aws:owner": "x", "AWS:team": "y"}))
    assert all("reserved for AWS" in message for message in found.values())
    assert set(found) == {"llm-monitor:tags.aws:owner", "llm-monitor:tags.AWS:team"}


def test_every_tag_problem_is_listed_at_once() -> None:
    found = config_problems(raw({"Owner": "a,b", "owner": "c", "Cost&Center": "d#e"}))
    assert set(found) == {"llm-monitor:tags.Owner", "llm-monitor:tags.owner", "llm-monitor:tags.Cost&Center"}
