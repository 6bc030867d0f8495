"""The Bedrock spend the cost widgets and alarms watch, from ``--traffic`` and the config's token
prices: each service tier's share of the requests at that tier's prices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from llm_monitor.config.models import ModelSettings
from llm_monitor.preview.assumptions import Assumptions, Traffic
from llm_monitor.preview.prices import PriceTable


@dataclass(frozen=True)
class BedrockSpend:
    model: str
    traffic: Traffic
    monthly: float | None
    """None: the model has no input or output token price in the config."""


def bedrock_spend(models: Sequence[ModelSettings], a: Assumptions, prices: PriceTable) -> list[BedrockSpend]:
    spend = []
    for m in models:
        traffic = a.traffic_of(m.name)
        if traffic is None:
            continue
        monthly = None
        if m.input_token_price is not None and m.output_token_price is not None:
            per_request = sum(
                share
                * (
                    traffic.input_tokens * _tier_price(m, tier, "input")
                    + traffic.output_tokens * _tier_price(m, tier, "output")
                )
                for tier, share in _tier_shares(m, traffic).items()
            )
            monthly = traffic.requests_per_day * prices.days_per_month * per_request / 1000
        spend.append(BedrockSpend(m.name, traffic, monthly))
    return spend


def _tier_shares(model: ModelSettings, traffic: Traffic) -> dict[str, float]:
    """Shares of the requests by serving tier: the traffic's, for tiers the model declares; Standard the rest."""
    shares = {t: v for t, v in traffic.tiers.items() if t in model.tiers and t != "default"}
    return {**shares, "default": max(0.0, 1 - sum(shares.values()))}


def _tier_price(model: ModelSettings, tier: str, kind: str) -> float:
    """USD per 1,000 tokens of ``kind`` served by ``tier`` (the Standard price without serviceTiers)."""
    standard = model.prices[kind]
    if model.service_tiers is None or tier == "default":
        return standard or 0.0
    return model.service_tiers.price(tier, kind, standard) or 0.0
