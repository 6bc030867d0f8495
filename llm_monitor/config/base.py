"""Shared base for every settings object: strict, immutable, camelCase keys as in the stack files."""

from __future__ import annotations

import re
import types
import typing
from collections import Counter
from collections.abc import Iterable
from typing import Any

from pydantic import AfterValidator, BaseModel, ConfigDict
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


def matching(pattern: re.Pattern[str], allowed: str) -> AfterValidator:
    """A validator refusing a string ``pattern`` does not match in full: "'x' is not <allowed>"."""

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"{value!r} is not {allowed}")
        return value

    return AfterValidator(check)


def repeated(values: Iterable[str]) -> list[str]:
    """The values that occur more than once, sorted."""
    return sorted(value for value, count in Counter(values).items() if count > 1)


def unwrap(annotation: Any) -> Any:
    """``X | None`` → ``X``; ``Annotated[X, ...]``, ``Required[X]``, ``NotRequired[X]`` → ``X``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Annotated, typing.Required, typing.NotRequired):
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation
