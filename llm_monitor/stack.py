"""The bridge between Pulumi's runtime and the pure layer: read config, tag, name."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import config as runtime_config

from llm_monitor.config import NAMESPACE, ConfigError, Settings, parse_settings
from llm_monitor.config.root import REGION_KEY
from llm_monitor.config.tags import program_tags
from llm_monitor.plan import StackPlan, build_plan


def raw_config() -> dict[str, Any]:
    """Every config value the engine passed for this project's namespace, plus ``aws:region``.

    ``pulumi.Config`` can only fetch keys by name; listing them all is what lets a misspelt
    top-level key be reported instead of silently ignored.
    """
    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    keys = [k for k in merged if k.startswith(f"{NAMESPACE}:") or k == REGION_KEY]
    return {k: runtime_config.get_config(k) for k in keys}


def read_settings() -> Settings:
    """Validated settings, or a RunError (reported without a traceback) listing every problem."""
    try:
        return parse_settings(raw_config(), project=pulumi.get_project(), stack=pulumi.get_stack())
    except ConfigError as exc:
        raise pulumi.RunError(str(exc)) from None


def plan_stack(settings: Settings) -> StackPlan:
    """The stack's plan, or a RunError (reported without a traceback) when it exceeds an AWS limit."""
    try:
        return build_plan(settings, project=pulumi.get_project(), stack=pulumi.get_stack())
    except ConfigError as exc:
        raise pulumi.RunError(str(exc)) from None


def default_tags(settings: Settings) -> dict[str, str]:
    # Configured keys never repeat the program's, not even in another case (config validation).
    return {**program_tags(pulumi.get_project(), pulumi.get_stack()), **settings.tags}


def aws_provider(settings: Settings) -> aws.Provider:
    """One explicit provider: every resource gets the stack's Region and default tags from it."""
    return aws.Provider(
        "aws",
        region=settings.region,
        default_tags=aws.ProviderDefaultTagsArgs(tags=default_tags(settings)),
    )
