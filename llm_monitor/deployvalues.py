"""Values known only at deploy time, as placeholders in the pure layer's text (pure; no Pulumi).

Like ``ACCOUNT_ID_TOKEN``, each placeholder stands in dashboard bodies and alarm arguments for a
value the Pulumi layer reads or creates, and replaces there (``llm_monitor.components._values``):

- ``${quota:<model>:tpm}`` / ``${quota:<model>:tpd}``: the model's tokens-per-minute or per-day
  quota, read with the Service Quotas data source from its quota code (``aws.servicequotas.
  get_service_quota``, GetServiceQuota), the typed number being the fallback. ``*<factor>`` after
  the kind multiplies it (an alarm's threshold line at 80 % of the quota). In dashboard JSON the
  placeholder is a string where a number belongs: the quotes go with it.
- ``${profile:<model>}``: the ID of an application inference profile the stack creates.

``substitute`` puts known values in (the Pulumi layer with the real ones; the alarm simulator with
the typed fallbacks).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from llm_monitor.config import Settings
from llm_monitor.config.models import PROFILE_TOKEN, ModelSettings
from llm_monitor.mathexpr import number

QUOTA_KINDS = ("tpm", "tpd")
#: A placeholder, with the quotes around it when it is a whole JSON string (``(?(q)")``: the closing
#: quote only with the opening one, so a placeholder ending a longer string keeps that string's quote).
TOKEN = re.compile(
    r'(?P<q>")?\$\{(?:quota:(?P<model>[A-Za-z0-9_-]+):(?P<kind>tpm|tpd)(?:\*(?P<factor>[0-9.]+))?'
    r'|profile:(?P<profile>[A-Za-z0-9_-]+))\}(?(q)")'
)
#: Bedrock's service code in Service Quotas: AWS's own Bedrock quota audit runs
#: ``aws service-quotas list-service-quotas --service-code bedrock`` (aws/agent-toolkit-for-aws,
#: ``skills/core-skills/amazon-bedrock/references/quota-health.md``); botocore ``service-quotas``
#: ``ServiceCode``/``QuotaCode`` give the shapes.
SERVICE_CODE = "bedrock"


def quota_token(model: str, kind: str, factor: float = 1.0) -> str:
    """The placeholder of a model's quota (``kind``: ``tpm`` or ``tpd``), times ``factor``."""
    suffix = "" if factor == 1 else f"*{number(factor)}"
    return f"${{quota:{model}:{kind}{suffix}}}"


def profile_token(model: str) -> str:
    return PROFILE_TOKEN.format(name=model)


def line_value(operand: str | None) -> float | str:
    """A graph line's value: the number, or the placeholder (a string in the body, replaced with the number)."""
    if operand is None:
        raise ValueError("a quota line needs a quota")
    return operand if operand.startswith("${") else float(operand)


@dataclass(frozen=True)
class QuotaLookup:
    """One quota value to read at deploy time, or to take as typed."""

    model: str
    kind: str
    """``tpm`` or ``tpd``."""
    code: str | None
    """Service Quotas code; None: the typed number is the value."""
    fallback: float | None
    """The typed number (for ``tpd``: the typed daily quota, or the per-minute one × 1440)."""
    scale: int = 1
    """What the looked-up value is multiplied by: 1440 for a daily quota that is AWS's default
    (the per-minute quota × 24 × 60), read from the per-minute quota's code."""


def minute_operand(model: ModelSettings, factor: float = 1.0) -> str | None:
    """What an expression divides by (or a line is drawn at): the per-minute quota × ``factor``."""
    if model.tokens_per_minute_quota_code is not None:
        return quota_token(model.name, "tpm", factor)
    if model.tokens_per_minute_quota is None:
        return None
    return number(model.tokens_per_minute_quota * factor)


def daily_operand(model: ModelSettings, factor: float = 1.0) -> str | None:
    """The same for the daily quota (typed, else AWS's default of the per-minute quota × 1440)."""
    if model.tokens_per_day_quota_code is not None or (
        model.tokens_per_day_quota is None and model.tokens_per_minute_quota_code is not None
    ):
        return quota_token(model.name, "tpd", factor)
    daily = model.daily_quota
    return None if daily is None else number(daily * factor)


def quota_lookups(settings: Settings) -> tuple[QuotaLookup, ...]:
    """Every quota placeholder the stack's text may hold, with what resolves it."""
    lookups = []
    for m in settings.models:
        if m.tokens_per_minute_quota_code is not None:
            lookups.append(
                QuotaLookup(m.name, "tpm", m.tokens_per_minute_quota_code, _float(m.tokens_per_minute_quota))
            )
        if m.tokens_per_day_quota_code is not None:
            lookups.append(QuotaLookup(m.name, "tpd", m.tokens_per_day_quota_code, _float(m.daily_quota)))
        elif m.tokens_per_day_quota is None and m.tokens_per_minute_quota_code is not None:
            # AWS's default daily quota follows the live per-minute one: the lookup's code, × 1440.
            lookups.append(QuotaLookup(m.name, "tpd", m.tokens_per_minute_quota_code, _float(m.daily_quota), 1440))
    return tuple(lookups)


def _float(value: int | None) -> float | None:
    return None if value is None else float(value)


def substitute(
    text: str,
    quota: Callable[[str, str], float | None],
    profile: Callable[[str], str | None] = lambda name: None,
) -> str:
    """``text`` with every placeholder whose value is known replaced (a JSON string placeholder by the
    bare number); unknown ones stay."""

    def value(match: re.Match[str]) -> str:
        whole = match.group(0)
        quoted = match.group("q") is not None
        if match.group("profile"):
            known = profile(match.group("profile"))
            if known is None:
                return whole
            return f'"{known}"' if quoted else known
        base = quota(match.group("model"), match.group("kind"))
        if base is None:
            return whole
        factor = float(match.group("factor") or 1)
        # A daily quota in the tens of billions stays a plain integer (no exponent); 0.8 × 400000
        # is 320000, not 320000.00000000006.
        return number(round(base * factor, 6))

    return TOKEN.sub(value, text)


def placeholders(text: str) -> list[str]:
    """The placeholders in ``text`` (bare, without JSON quotes)."""
    return [m.group(0).strip('"') for m in TOKEN.finditer(text)]


def typed_quotas(settings: Settings) -> Callable[[str, str], float | None]:
    """The typed quota numbers, for ``substitute`` where no deploy-time value can be read (the alarm
    simulator): a quota known only by its code stays a placeholder."""
    fallbacks: Mapping[tuple[str, str], float | None] = {
        (lookup.model, lookup.kind): lookup.fallback for lookup in quota_lookups(settings)
    }
    return lambda model, kind: fallbacks.get((model, kind))
