"""``serviceTiers`` of a model: the Bedrock service tiers its callers request, and their prices.

Bedrock serves each request in one of four tiers (``serviceTier`` in the runtime APIs; botocore
``bedrock-runtime`` ``ServiceTierType``: ``reserved``, ``priority``, ``default``, ``flex``) and
publishes the runtime metrics by ``ModelId``, ``ServiceTier`` (requested) and
``ResolvedServiceTier`` (served). Sources: the Bedrock user guide, "Service tiers for optimizing
performance and cost" (service-tiers-inference.html):

- Standard (``default``) serves every request that names no tier, at the model's on-demand prices
  (the model's ``inputTokenPrice``...);
- Priority costs "a price premium over standard on-demand pricing", Flex gets "a pricing
  discount" and has "longer processing times";
- Reserved is capacity paid "a fixed price per 1K tokens-per-minute ... billed monthly"; requests
  beyond it overflow to Standard and are billed on demand.

Declaring a tier here turns on the per-tier graphs, prices that tier's tokens at its own prices in
the cost graph and the cost alarm, keeps Flex out of the latency alarms (``flex``), and alarms on
Reserved overflow (``reserved``). Standard is always there.
"""

from __future__ import annotations

from pydantic import model_validator

from llm_monitor.config.base import Section
from llm_monitor.config.token_prices import TokenPrices


class TierPrices(TokenPrices):
    """USD per 1,000 tokens served in one tier. A kind left out costs the Standard price (Priority,
    Flex), or nothing (Reserved: the reservation is paid monthly, whatever it serves)."""


class ServiceTiers(Section):
    """The non-Standard tiers a model's callers request (each with its prices; ``{}`` for none)."""

    priority: TierPrices | None = None
    flex: TierPrices | None = None
    reserved: TierPrices | None = None

    @model_validator(mode="after")
    def _one(self) -> ServiceTiers:
        if not self.declared_extra:
            raise ValueError(
                "declare at least one of priority, flex, reserved (Standard is always there); "
                "remove serviceTiers if callers use Standard only"
            )
        return self

    @property
    def declared_extra(self) -> tuple[str, ...]:
        """The declared tiers other than Standard, in ServiceTierType order."""
        return tuple(t for t in ("reserved", "priority", "flex") if getattr(self, t) is not None)

    def price(self, tier: str, kind: str, standard: float | None) -> float | None:
        """USD per 1,000 tokens of ``kind`` served in ``tier`` (None: the kind is not priced at all)."""
        block: TierPrices | None = getattr(self, tier, None) if tier != "default" else None
        if block is None:
            return standard
        own = block.prices[kind]
        if own is not None:
            return own
        if tier == "reserved":
            return 0.0 if standard is not None else None
        return standard
