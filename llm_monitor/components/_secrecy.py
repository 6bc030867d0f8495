"""Which resource inputs stay Pulumi secrets, and the tags every taggable resource gets."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import pulumi

from llm_monitor.config.root import SECTIONS

T = TypeVar("T")


@dataclass(frozen=True)
class Secrecy:
    """The config sections whose values are secret (Pulumi marks a whole top-level key secret), and the tags.

    A section's sensitive values stay secret in every resource input that carries them
    (``llm_monitor.config.sensitive``): subscription endpoints and pager topic ARNs
    (``notifications``), tag values (``tags``), the large-data bucket and key prefix (``logs``).
    """

    sections: frozenset[str] = frozenset()
    tag_values: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(self.sections - set(SECTIONS))
        if unknown:
            raise ValueError(f"secret_sections names {', '.join(unknown)}; sections are {', '.join(SECTIONS)}")

    @classmethod
    def of(cls, sections: Collection[str], tags: Mapping[str, str]) -> Secrecy:
        return cls(frozenset(sections), dict(tags))

    def keep(self, section: str, value: pulumi.Input[T]) -> pulumi.Input[T]:
        """``value`` as a Pulumi secret when ``section`` is secret."""
        return pulumi.Output.secret(value) if section in self.sections else value

    @property
    def tags(self) -> dict[str, pulumi.Input[str]] | None:
        """The ``tags`` input of a taggable resource (None without tags: no empty map in the state)."""
        if not self.tag_values:
            return None
        return {key: self.keep("tags", value) for key, value in sorted(self.tag_values.items())}
