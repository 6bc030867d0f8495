"""Application inference profiles in config: existing ones (by ARN or ID, their model stated or looked
up), created ones, the price list that prices them, and what GetInferenceProfile's answer means."""

from __future__ import annotations

from typing import Any

import pytest

from llm_monitor import resource_types as rt
from llm_monitor.aws import ACCOUNT_ID_TOKEN
from llm_monitor.config import parse_settings
from llm_monitor.config.models import ModelSettings
from llm_monitor.config.profiles import profile_model
from llm_monitor.inference_profiles import build_profiles, default_name, source_arn
from llm_monitor.preview.diffrules import replacing
from tests.program import config_problems

ARN = "arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/k3x9q2m7v4hz"
PRICES = [{"model": "anthropic.claude-3-7-sonnet-20250219-v1:0", "inputTokenPrice": 0.003, "outputTokenPrice": 0.015}]


def settings(*models: dict[str, Any], prices: list[dict[str, Any]] | None = None) -> Any:
    raw: dict[str, Any] = {"aws:region": "eu-west-1", "llm-monitor:models": list(models)}
    if prices is not None:
        raw["llm-monitor:prices"] = prices
    return parse_settings(raw)


def test_an_existing_profile_by_arn_or_id_publishes_its_id() -> None:
    by_arn = ModelSettings.model_validate({"name": "a", "applicationInferenceProfile": {"arn": ARN}})
    by_id = ModelSettings.model_validate({"name": "b", "applicationInferenceProfile": {"id": "k3x9q2m7v4hz"}})
    assert by_arn.id == by_id.id == "k3x9q2m7v4hz"
    assert (by_arn.application_inference_profile.identifier, by_arn.foundation_model) == (ARN, None)  # type: ignore[union-attr]
    same = ModelSettings.model_validate(
        {"name": "c", "id": "k3x9q2m7v4hz", "applicationInferenceProfile": {"arn": ARN}}
    )
    assert same.id == "k3x9q2m7v4hz"


def test_profile_config_is_checked() -> None:
    def problems(entry: dict[str, Any]) -> str:
        found = config_problems({"aws:region": "eu-west-1", "llm-monitor:models": [entry]})
        return " ".join(found.values())

    assert "not the profile's ID" in problems(
        {"name": "a", "id": "zzzzzzzzzzzz", "applicationInferenceProfile": {"arn": ARN}}
    )
    assert "exactly one of arn, id" in problems({"name": "a", "applicationInferenceProfile": {"model": "a.b-v1:0"}})
    bad_arn = ARN.replace("application-inference-profile", "inference-profile")
    assert "not an application-inference-profile ARN" in problems(
        {"name": "a", "applicationInferenceProfile": {"arn": bad_arn}}
    )
    create = {"create": {"copyFrom": "amazon.nova-pro-v1:0"}}
    assert "known only once it exists" in problems(
        {"name": "a", "id": "k3x9q2m7v4hz", "applicationInferenceProfile": create}
    )
    tags = {"create": {"copyFrom": "amazon.nova-pro-v1:0", "tags": {"aws:team": "x"}}}
    assert "not aws:" in problems({"name": "a", "applicationInferenceProfile": tags})
    name = {"create": {"copyFrom": "amazon.nova-pro-v1:0", "name": "two  spaces"}}
    assert "profile names are" in problems({"name": "a", "applicationInferenceProfile": name})


@pytest.mark.parametrize(
    ("arns", "expected"),
    [
        (["arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0"], ("amazon.nova-pro-v1:0", "onDemand")),
        (
            [
                f"arn:aws:bedrock:{r}::foundation-model/amazon.nova-pro-v1:0"
                for r in ("eu-west-1", "eu-west-3", "eu-central-1")
            ],
            ("amazon.nova-pro-v1:0", "crossRegion"),
        ),
        (
            # A US profile may reach Canada: two geographies are still one cross-Region profile.
            [f"arn:aws:bedrock:{r}::foundation-model/m.x-v1:0" for r in ("us-east-1", "us-west-2", "ca-central-1")],
            ("m.x-v1:0", "crossRegion"),
        ),
        (
            [f"arn:aws:bedrock:{r}::foundation-model/m.x-v1:0" for r in ("us-east-1", "eu-west-1", "ap-northeast-1")],
            ("m.x-v1:0", "global"),
        ),
        (["arn:aws:bedrock:::foundation-model/m.x-v1:0"], ("m.x-v1:0", "global")),
    ],
)
def test_get_inference_profiles_models_say_which_model_and_quota(arns: list[str], expected: tuple[str, str]) -> None:
    assert profile_model(arns) == expected


def test_an_answer_without_one_model_is_refused() -> None:
    with pytest.raises(ValueError, match="one foundation model"):
        profile_model([])
    with pytest.raises(ValueError, match="one foundation model"):
        profile_model(
            [
                "arn:aws:bedrock:eu-west-1::foundation-model/a.b-v1:0",
                "arn:aws:bedrock:eu-west-1::foundation-model/a.c-v1:0",
            ]
        )


def test_the_looked_up_model_brings_its_prices_quota_and_image_defaults() -> None:
    stack = settings(
        {"name": "search", "applicationInferenceProfile": {"arn": ARN}},
        {"name": "art", "applicationInferenceProfile": {"id": "a1b2c3d4e5f6"}},
        prices=PRICES,
    )
    search, art = stack.models
    assert (search.priced, search.scope, art.generates_images) == (False, None, False)
    resolved = stack.with_profiles(
        {
            "search": ("anthropic.claude-3-7-sonnet-20250219-v1:0", "crossRegion"),
            "art": ("amazon.nova-canvas-v1:0", "onDemand"),
        }
    )
    search, art = resolved.models
    assert search.prices == {"input": 0.003, "output": 0.015, "cacheRead": None, "cacheWrite": None}
    assert (search.scope, search.id) == ("crossRegion", "k3x9q2m7v4hz")
    assert art.generates_images  # Nova Canvas behind the profile: the image graphs
    assert art.prices["input"] is None


def test_a_model_with_its_own_prices_or_scope_keeps_them() -> None:
    own = {"name": "s", "applicationInferenceProfile": {"arn": ARN}, "inputTokenPrice": 0.1, "quotaScope": "global"}
    (model,) = (
        settings(own, prices=PRICES)
        .with_profiles({"s": ("anthropic.claude-3-7-sonnet-20250219-v1:0", "onDemand")})
        .models
    )
    assert (model.input_token_price, model.output_token_price, model.scope) == (0.1, None, "global")


def test_the_price_list_prices_bare_and_cross_region_ids_alike() -> None:
    stack = settings(
        {"name": "a", "id": "eu.anthropic.claude-3-7-sonnet-20250219-v1:0"},
        {"name": "b", "id": "anthropic.claude-3-7-sonnet-20250219-v1:0"},
        prices=PRICES,
    )
    assert [m.input_token_price for m in stack.models] == [0.003, 0.003]

    def problems(prices: list[dict[str, Any]]) -> dict[str, str]:
        models = [{"name": "a", "id": "a.b-v1:0"}]
        return config_problems({"aws:region": "eu-west-1", "llm-monitor:models": models, "llm-monitor:prices": prices})

    assert "repeats prices[0]" in problems([*PRICES, *PRICES])["llm-monitor:prices[1].model"]
    assert "no geography prefix" in problems([{"model": "eu.a.b-v1:0"}])["llm-monitor:prices[0].model"]


def test_created_profiles_copy_a_model_or_a_system_profile_by_arn() -> None:
    stack = settings(
        {
            "name": "support",
            "applicationInferenceProfile": {"create": {"copyFrom": "eu.amazon.nova-pro-v1:0", "tags": {"Team": "s"}}},
        },
        {
            "name": "batch",
            "applicationInferenceProfile": {"create": {"copyFrom": "amazon.nova-micro-v1:0", "name": "nightly batch"}},
        },
    )
    support, batch = stack.models
    assert (support.id, support.scope, support.foundation_model) == (
        "${profile:support}",
        "crossRegion",
        "amazon.nova-pro-v1:0",
    )
    assert batch.scope == "onDemand"
    specs = build_profiles(stack, project="llm-monitor", stack="prod.eu")
    assert [(s.name, s.copy_from, s.tags) for s in specs] == [
        (
            "llm-monitor-prod-eu-support",
            f"arn:aws:bedrock:eu-west-1:{ACCOUNT_ID_TOKEN}:inference-profile/eu.amazon.nova-pro-v1:0",
            {"Team": "s"},
        ),
        ("nightly batch", "arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-micro-v1:0", {}),
    ]
    assert source_arn("arn:aws:bedrock:eu-west-1::foundation-model/x.y-v1:0", "eu-west-1").endswith("x.y-v1:0")
    assert default_name("p", "s.t", "m_1") == "p-s-t-m-1"


def test_a_diff_marks_a_created_profile_replaced_when_anything_but_its_tags_changes() -> None:
    # Bedrock has no UpdateInferenceProfile: the provider replaces the profile (a new ID).
    assert replacing(rt.INFERENCE_PROFILE, ["inputs.name", "inputs.tags.Team"]) == ("name",)
    assert replacing(rt.INFERENCE_PROFILE, ["inputs.modelSource.copyFrom"]) == ("modelSource",)
    assert replacing(rt.INFERENCE_PROFILE, ["inputs.tags.Team"]) == ()


def test_two_models_on_one_profile_are_a_duplicate_id() -> None:
    problems = config_problems(
        {
            "aws:region": "eu-west-1",
            "llm-monitor:models": [
                {"name": "a", "applicationInferenceProfile": {"arn": ARN}},
                {"name": "b", "applicationInferenceProfile": {"id": "k3x9q2m7v4hz"}},
            ],
        }
    )
    assert "duplicate id 'k3x9q2m7v4hz'" in problems["llm-monitor:models[1].id"]
