"""Spend by service tier: what the cost graph and the cost alarm add for tokens not billed at Standard prices (pure).

The model's ModelId series count every tier's tokens; priced at the Standard prices they give the
spend if every token were Standard. Each declared tier then adds the difference its own prices
make, on the tokens it served (the ``ModelId`` + ``ServiceTier`` + ``ResolvedServiceTier`` series):

    spend = Σ_kind tokens(kind) × standard(kind)
          + Σ_tier Σ_kind tokens(kind, tier) × (price(kind, tier) − standard(kind))

so Priority tokens cost their premium, Flex tokens their discount, and tokens served from a
reservation nothing (unless the reservation is given a per-token price). Requests that overflow a
reservation are served by Standard (``ResolvedServiceTier=default``) and billed at Standard prices,
which the first sum already does. Only kinds whose tier price differs add series, which keeps the
alarm within CloudWatch's 10 metrics per metric-math alarm where it can be kept (``alarm_metrics``).

The price applies to the tier that *served* the tokens (``ResolvedServiceTier``); for Priority,
Flex and Reserved that is the tier requested (the documented fallback is Reserved to Standard).
"""

from __future__ import annotations

from dataclasses import dataclass

from llm_monitor import catalogue as cat
from llm_monitor.catalogue import Metric
from llm_monitor.config.models import ModelSettings
from llm_monitor.mathexpr import TOKEN_KINDS, TokenKind, fill_sum, number

Dimensions = tuple[tuple[str, str], ...]
_TIER_LABELS = {"reserved": "Reserved", "priority": "Priority", "flex": "Flex", "default": "Standard"}


def tier_label(tier: str) -> str:
    """``Priority``; ``default`` is the Standard tier."""
    return _TIER_LABELS[tier]


def tier_dimensions(model: ModelSettings, requested: str, served: str) -> Dimensions:
    """The service-tier series of ``model``: requested tier ``requested``, served by ``served``."""
    return ((cat.MODEL_ID, model.id), (cat.SERVICE_TIER, requested), (cat.RESOLVED_SERVICE_TIER, served))


@dataclass(frozen=True)
class TierSeries:
    id: str
    metric: Metric
    dimensions: Dimensions


@dataclass(frozen=True)
class TierAdjustment:
    """What one tier's own prices change in the spend of a period, in token × USD-per-1,000 units."""

    tier: str
    id: str
    """Metric-math id of the adjustment (``tpriority``)."""
    series: tuple[TierSeries, ...]
    expression: str
    """A signed sum: ``+(FILL(ptin0,0))*0.00175-(…)*0.0004``; divide by 1,000 for USD."""

    @property
    def label(self) -> str:
        return f"{tier_label(self.tier)} tier vs Standard prices"


def _kind_ids(tier: str, kind: TokenKind) -> list[str]:
    return [f"{tier[0]}{kind.id_prefix}{i}" for i in range(len(kind.metrics))]


def tier_adjustments(model: ModelSettings) -> list[TierAdjustment]:
    """One adjustment per declared tier whose prices differ from Standard for some priced kind."""
    tiers = model.service_tiers
    if tiers is None:
        return []
    adjustments = []
    for tier in tiers.declared_extra:
        series: list[TierSeries] = []
        terms: list[str] = []
        for kind in TOKEN_KINDS:
            standard = model.prices[kind.price]
            price = tiers.price(tier, kind.price, standard)
            if price is None or standard is None or price == standard:
                continue
            ids = _kind_ids(tier, kind)
            dims = tier_dimensions(model, tier, tier)
            series += [TierSeries(i, m, dims) for i, m in zip(ids, kind.metrics, strict=True)]
            difference = price - standard
            sign = "+" if difference > 0 else "-"
            terms.append(f"{sign}({fill_sum(ids)})*{number(abs(difference))}")
        if terms:
            adjustments.append(TierAdjustment(tier, f"t{tier}", tuple(series), "".join(terms)))
    return adjustments


def signed_sum(base: list[str], adjustments: list[TierAdjustment]) -> str:
    """Standard terms joined with ``+``, then each adjustment with its own signs."""
    return "+".join(base) + "".join(a.expression for a in adjustments)


def alarm_metrics(model: ModelSettings) -> int:
    """Metrics the cost alarm reads: every priced kind's series, then each tier adjustment's."""
    base = sum(len(k.metrics) for k in TOKEN_KINDS if model.prices[k.price] is not None)
    return base + sum(len(a.series) for a in tier_adjustments(model))


def tier_price_summary(model: ModelSettings) -> str:
    """``Priority: input $0.00105, output $0.0042; Flex: …`` for the section header."""
    tiers = model.service_tiers
    if tiers is None:
        return ""
    parts = []
    for tier in tiers.declared_extra:
        prices = [
            f"{kind.label} ${number(p)}"
            for kind in TOKEN_KINDS
            if (p := tiers.price(tier, kind.price, model.prices[kind.price])) is not None
        ]
        parts.append(f"{tier_label(tier)}: {', '.join(prices) or 'no token prices'}")
    return "; ".join(parts)


def served_pairs(model: ModelSettings, *, flex: bool = True) -> list[tuple[str, str]]:
    """(requested, served) tier pairs the model's calls can publish: each declared tier served by
    itself, and Reserved overflowing to Standard; ``flex=False`` leaves Flex out."""
    pairs = []
    for tier in model.tiers:
        if tier == "flex" and not flex:
            continue
        pairs.append((tier, tier))
        if tier == "reserved":
            pairs.append(("reserved", "default"))
    return pairs
