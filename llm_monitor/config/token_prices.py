"""Token prices, USD per 1,000 tokens of each kind: a model's own, a service tier's, the price list's."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from llm_monitor.config.base import Section

Price = Annotated[float, Field(ge=0, allow_inf_nan=False)]
#: Token kind (as the cost expressions name them) → price field.
PRICE_FIELDS = {
    "input": "input_token_price",
    "output": "output_token_price",
    "cacheRead": "cache_read_token_price",
    "cacheWrite": "cache_write_token_price",
}


def prices_of(section: Section) -> dict[str, float | None]:
    """Price per 1,000 tokens by token kind: input, output, cacheRead, cacheWrite."""
    return {kind: getattr(section, field) for kind, field in PRICE_FIELDS.items()}


class TokenPrices(Section):
    """USD per 1,000 tokens of each kind; a kind without a price is None."""

    input_token_price: Price | None = None
    """USD per 1,000 input tokens."""
    output_token_price: Price | None = None
    """USD per 1,000 output tokens."""
    cache_read_token_price: Price | None = None
    """USD per 1,000 input tokens read from the prompt cache."""
    cache_write_token_price: Price | None = None
    """USD per 1,000 input tokens written to the prompt cache."""

    @property
    def prices(self) -> dict[str, float | None]:
        return prices_of(self)
