"""Configuration errors that name the stack-config key path of every problem."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the stack configuration."""

    path: str
    """Key path as written in the stack file, e.g. ``llm-monitor:models[2].id``."""
    message: str
    """What is wrong and what is allowed."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ConfigError(Exception):
    """The stack configuration is invalid; nothing has been registered."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        count = len(self.problems)
        lines = [f"invalid stack configuration ({count} problem{'s' if count != 1 else ''}):"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class LimitError(ValueError):
    """The settings ask for more than an AWS limit allows: a derived name too long, too many alarms...

    Raised by the pure layer; ``llm_monitor.plan.build_plan`` turns it (and any other ValueError
    the pure layer raises) into a ConfigError, whose problem names ``path``.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        """The key path to change, e.g. ``llm-monitor:models[3].name``; None when only the project
        or stack name is involved."""
