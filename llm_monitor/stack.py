"""The llm-monitor program's bridge to Pulumi's runtime: stack config in, ``BedrockMonitoring``'s arguments out."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import config as runtime_config

from llm_monitor.components.monitoring import TYPE as MONITORING_TYPE
from llm_monitor.config import NAMESPACE, ConfigError, parse_settings
from llm_monitor.config.args import args_from_settings
from llm_monitor.config.estate import ACCOUNTS_KEY, pinned_accounts
from llm_monitor.config.root import REGION_KEY, SECTIONS
from llm_monitor.config.tags import program_tags
from llm_monitor.plan import build_plan


def raw_config() -> dict[str, Any]:
    """Every config value the engine passed for this project's namespace, plus ``aws:region`` and
    ``aws:allowedAccountIds`` (the account of an estate's stacks).

    ``pulumi.Config`` can only fetch keys by name; listing them all is what lets a misspelt
    top-level key be reported instead of silently ignored.
    """
    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    keys = [k for k in merged if k.startswith(f"{NAMESPACE}:") or k in (REGION_KEY, ACCOUNTS_KEY)]
    return {k: runtime_config.get_config(k) for k in keys}


def read_args() -> dict[str, Any]:
    """The stack config as ``BedrockMonitoring``'s arguments, or a RunError (reported without a
    traceback) listing every problem with its config key path, limits AWS would refuse included."""
    project, stack = pulumi.get_project(), pulumi.get_stack()
    try:
        settings = parse_settings(raw_config(), project=project, stack=stack)
        build_plan(settings, project=project, stack=stack)
    except ConfigError as exc:
        raise pulumi.RunError(str(exc)) from None
    return args_from_settings(settings)


def secret_sections() -> list[str]:
    """The config sections Pulumi marks secret (a top-level key holding a secret anywhere is secret)."""
    return [section for section in SECTIONS if runtime_config.is_config_secret(f"{NAMESPACE}:{section}")]


def aws_provider(region: str) -> aws.Provider:
    """One explicit provider: every resource gets the stack's Region and the program's tags from it
    (``llm-monitor:tags`` are the component's, on each taggable resource). An explicit provider reads
    no ``aws:`` stack config, so the account ``aws:allowedAccountIds`` pins is handed to it here: the
    provider then refuses credentials of any other account (set only when the stack pins one)."""
    pinned = pinned_accounts(runtime_config.get_config(ACCOUNTS_KEY))
    return aws.Provider(
        "aws",
        region=region,
        allowed_account_ids=pinned or None,
        default_tags=aws.ProviderDefaultTagsArgs(tags=program_tags(pulumi.get_project(), pulumi.get_stack())),
    )


def moved_from_0_1(component: str) -> pulumi.ResourceTransformation:
    """Aliases that keep the resources of stacks deployed with version 0.1.

    0.1 registered the four child components (``logs``, ``dashboards``, ``notifications``,
    ``alarms``) at the top of the stack; they are now children of the ``BedrockMonitoring`` named
    ``component``, named ``<component>-logs``... Without an alias, Pulumi would see new resources
    and delete the old ones (refused for the protected log groups and key). Every descendant gets
    the URN it had in 0.1: its name without the ``<component>-`` prefix, under its 0.1 parent.
    Remove once every stack has been updated with 0.2.
    """
    stack, project, prefix = pulumi.get_stack(), pulumi.get_project(), f"{component}-"
    old: dict[pulumi.Resource, str] = {}

    def transform(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        parent = args.opts.parent
        if args.type_ == MONITORING_TYPE or parent is None:
            return None
        if getattr(parent, "_type", None) == MONITORING_TYPE:
            chain = ""
        elif parent in old:
            chain = old[parent].split("::")[2] + "$"
        else:
            return None
        if not args.name.startswith(prefix):
            raise ValueError(f"{args.name!r} does not start with {prefix!r}: its 0.1 name cannot be derived")
        old[args.resource] = f"urn:pulumi:{stack}::{project}::{chain}{args.type_}::{args.name.removeprefix(prefix)}"
        aliases = pulumi.ResourceOptions(aliases=[old[args.resource]])
        return pulumi.ResourceTransformationResult(args.props, pulumi.ResourceOptions.merge(args.opts, aliases))

    return transform
