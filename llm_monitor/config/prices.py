"""``llm-monitor:prices``: Standard token prices by foundation model, for models that give none.

A model with no price of its own takes the entry of the foundation model its calls reach: its ID
without the geography prefix (``eu.amazon.nova-pro-v1:0`` → ``amazon.nova-pro-v1:0``; cross-Region
profiles bill at the source Region's price, per the Bedrock pricing page), or, for an application
inference profile, the model behind it, typed or read at deploy time. So one price list serves the
model called directly, through a cross-Region profile and through each team's profile.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field, field_validator

from llm_monitor.config.errors import Problem
from llm_monitor.config.models import FOUNDATION_MODEL_ID, ModelSettings
from llm_monitor.config.token_prices import PRICE_FIELDS, TokenPrices


class ModelPrices(TokenPrices):
    """One foundation model's Standard prices, USD per 1,000 tokens."""

    model: str = Field(min_length=1, max_length=2048)
    """A foundation-model ID (``anthropic.claude-3-7-sonnet-20250219-v1:0``), without a geography prefix."""

    @field_validator("model")
    @classmethod
    def _foundation(cls, value: str) -> str:
        if not FOUNDATION_MODEL_ID.fullmatch(value) or value.count(".") != 1:
            raise ValueError(f"{value!r} is not a foundation-model ID (provider.model-name-v1:0, no geography prefix)")
        return value


def price_problems(table: Sequence[ModelPrices], namespace: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, entry in enumerate(table):
        if entry.model in seen:
            problems.append(
                Problem(f"{namespace}:prices[{index}].model", f"repeats prices[{seen[entry.model]}]; keep one")
            )
        seen.setdefault(entry.model, index)
    return problems


def with_prices(models: Sequence[ModelSettings], table: Sequence[ModelPrices]) -> tuple[ModelSettings, ...]:
    """The models, each without a price of its own given its foundation model's entry of ``table``."""
    by_model = {entry.model: entry for entry in table}
    priced = []
    for model in models:
        entry = by_model.get(model.foundation_model or "")
        if entry is not None and not model.priced:
            model = model.model_copy(update={f: getattr(entry, f) for f in PRICE_FIELDS.values()})
        priced.append(model)
    return tuple(priced)
