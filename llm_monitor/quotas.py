"""Which Bedrock quota a model's calls draw on, and what Service Quotas calls it (pure).

Since 27 May 2026 Bedrock enforces no requests-per-minute quota on ``bedrock-runtime``: throttling
is governed by token quotas only (Bedrock release note; user guide, "Quotas for the
bedrock-runtime endpoint", quotas-runtime.html). Each model has one per-minute quota per way of
calling it, and a daily one:

- a bare model ID draws on the **on-demand** quota, a geographic inference profile (``us.``,
  ``eu.``, ``apac.``, ``jp.``…) on the **cross-Region** one, a ``global.`` profile on the **global
  cross-Region** one (quotas-runtime.html; cross-region-inference.html for global profiles);
- "Model invocation max tokens per day" defaults to the per-minute quota × 24 × 60 and "new AWS
  accounts might receive reduced quotas" (quotas-runtime.html).

The names differ between AWS's own pages and what the Service Quotas console lists, so both are
given (a quota is looked up by its code, never by name):

- the user guide (quotas-runtime.html) says "On-demand InvokeModel tokens per minute for ${model}"
  and "Cross-Region InvokeModel tokens per minute for ${model}";
- the cross-Region inference pages and public Service Quotas listings say "On-demand model
  inference tokens per minute", "Cross-region model inference tokens per minute" and "Global
  cross-Region model inference tokens per minute for ${Model}";
- per day, the user guide lists only "Model invocation max tokens per day for ${model}"; Service
  Quotas listings also show "Global cross-region model inference tokens per day for ${model}"
  (observed not adjustable).
"""

from __future__ import annotations

MINUTE_QUOTA_NAMES: dict[str, tuple[str, ...]] = {
    "onDemand": (
        "On-demand InvokeModel tokens per minute for ${model}",
        "On-demand model inference tokens per minute for ${model}",
    ),
    "crossRegion": (
        "Cross-Region InvokeModel tokens per minute for ${model}",
        "Cross-region model inference tokens per minute for ${model}",
    ),
    "global": ("Global cross-Region model inference tokens per minute for ${model}",),
}
DAILY_QUOTA_NAMES: dict[str, tuple[str, ...]] = {
    "onDemand": ("Model invocation max tokens per day for ${model}",),
    "crossRegion": ("Model invocation max tokens per day for ${model}",),
    "global": (
        "Global cross-region model inference tokens per day for ${model}",
        "Model invocation max tokens per day for ${model}",
    ),
}
_SCOPES = {"onDemand": "on-demand", "crossRegion": "cross-Region", "global": "global cross-Region"}


def scope_name(scope: str | None) -> str:
    """``on-demand``, ``cross-Region``, ``global cross-Region``; ``""`` when not known yet."""
    return _SCOPES.get(scope or "", "")


def minute_label(scope: str | None) -> str:
    """``Cross-Region TPM quota``: the quota line's label."""
    name = scope_name(scope)
    return f"{name[0].upper()}{name[1:]} TPM quota" if name else "TPM quota"


def daily_label(scope: str | None) -> str:
    name = scope_name(scope)
    return f"Daily token quota ({name})" if name else "Daily token quota"


def quota_names(scope: str | None, daily: bool = False) -> str:
    """The Service Quotas name(s) of the quota, quoted and joined with "or"."""
    names = (DAILY_QUOTA_NAMES if daily else MINUTE_QUOTA_NAMES).get(scope or "", ())
    return " or ".join(f'"{n}"' for n in names)
