"""Shared base for every settings object: strict, immutable, camelCase keys as in the stack files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class Section(BaseModel):
    """A block of stack configuration.

    Unknown keys are errors (the loader turns them into "did you mean" hints); values are not
    coerced from strings, so ``"5"`` where a number belongs is reported rather than guessed at.
    """

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=False,
        frozen=True,
        strict=True,
    )


def repeated(values: Iterable[str]) -> list[str]:
    """The values that occur more than once, sorted."""
    return sorted(value for value, count in Counter(values).items() if count > 1)
