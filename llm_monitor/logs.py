"""Invocation and application logs as specs: log groups, key and IAM policies, data protection,
metric filters, saved Logs Insights queries and dashboard rows.

Pure: no Pulumi imports. ``build_log_spec`` returns everything ``llm_monitor.components.logs``
turns into resources; ``llm_monitor.log_dashboard.dashboard_rows`` turns it into dashboard rows. Strings that
need the account ID carry ``ACCOUNT_ID_TOKEN``; the Pulumi layer substitutes it.

Limits come from the botocore ``logs`` model (PutMetricFilter, PutQueryDefinition,
PutDataProtectionPolicy) unless a comment says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from llm_monitor.aws import ACCOUNT_ID_TOKEN, safe_name
from llm_monitor.config import NAMESPACE, LimitError, Settings
from llm_monitor.config.logs import APPLICATION, INVOCATIONS
from llm_monitor.iam import KEY_DELETION_WINDOW_DAYS, to_json
from llm_monitor.log_contributors import ContributorRuleSpec, contributor_rules
from llm_monitor.log_filters import MAX_FILTERS_PER_GROUP, MetricFilterSpec, application_filters, invocation_filters
from llm_monitor.log_policies import (
    data_protection_policy,
    key_policy,
    logging_role_permissions_policy,
    logging_role_trust_policy,
)
from llm_monitor.log_queries import QuerySpec, saved_queries

__all__ = ["APPLICATION", "INVOCATIONS", "InvocationLoggingSpec", "LogGroupSpec", "LogSpec", "build_log_spec"]


# --- specs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogGroupSpec:
    """One encrypted, masked log group."""

    key: str
    name: str
    retention_days: int
    data_protection_policy: str
    """PutDataProtectionPolicy document (JSON)."""

    def inputs(self, *, protect: bool) -> dict[str, Any]:
        """Arguments of ``aws.cloudwatch.LogGroup`` other than the key; ``protect``: ``LogSpec.protect``."""
        return {
            "name": self.name,
            "retention_in_days": self.retention_days,
            # STANDARD: the Infrequent Access class has no metric filters.
            "log_group_class": "STANDARD",
            "deletion_protection_enabled": protect,
            # The provider-side twin of retain_on_delete: visible to policy packs, and kept
            # even if the stack's state is moved to a program without this option.
            "skip_destroy": True,
        }


@dataclass(frozen=True)
class InvocationLoggingSpec:
    """Bedrock model invocation logging into the invocation log group, and the role it uses."""

    trust_policy: str
    permissions_policy: str
    data_types: tuple[str, ...]
    large_data_bucket: str | None
    large_data_key_prefix: str

    def delivers(self, data_type: str) -> bool:
        return data_type in self.data_types

    def logging_config(self, log_group_name: Any, role_arn: Any) -> dict[str, Any]:
        """``logging_config`` of ``aws.bedrockmodel.InvocationLoggingConfiguration``; the log group
        name and role ARN are the resources' (Pulumi inputs)."""
        cloudwatch: dict[str, Any] = {"log_group_name": log_group_name, "role_arn": role_arn}
        if self.large_data_bucket:
            cloudwatch["large_data_delivery_s3_config"] = {
                "bucket_name": self.large_data_bucket,
                "key_prefix": self.large_data_key_prefix or None,
            }
        return {
            "cloudwatch_config": cloudwatch,
            # Every flag explicitly: the provider defaults each one to true.
            "text_data_delivery_enabled": self.delivers("text"),
            "image_data_delivery_enabled": self.delivers("image"),
            "embedding_data_delivery_enabled": self.delivers("embedding"),
            "video_data_delivery_enabled": self.delivers("video"),
        }


@dataclass(frozen=True)
class LogSpec:
    """Everything the logs component creates."""

    key_alias: str
    key_policy: str
    groups: tuple[LogGroupSpec, ...]
    protect: bool
    logging: InvocationLoggingSpec | None
    """None when this stack does not own the account's invocation-logging configuration."""
    filters: tuple[MetricFilterSpec, ...]
    contributors: tuple[ContributorRuleSpec, ...]
    """Contributor Insights rules (high-cardinality breakdowns)."""
    queries: tuple[QuerySpec, ...]
    query_folder: str
    """Saved queries are named ``<folder>/<log group>/<title>``: one folder per stack in the console."""

    def group(self, key: str) -> LogGroupSpec:
        (match,) = [g for g in self.groups if g.key == key]
        return match

    def key_inputs(self) -> dict[str, Any]:
        """Arguments of ``aws.kms.Key`` other than the policy."""
        return {
            "description": f"Encrypts the log groups {', '.join(g.name for g in self.groups)}",
            "enable_key_rotation": True,
            "deletion_window_in_days": KEY_DELETION_WINDOW_DAYS,
        }


# --- the whole spec -------------------------------------------------------------------------


def build_log_spec(settings: Settings, *, project: str, stack: str) -> LogSpec:
    """Everything the logs component creates, deterministically from the settings."""
    logs, region = settings.logs, settings.region
    names = logs.group_names(project, stack)
    protection = logs.data_protection
    groups = tuple(
        LogGroupSpec(
            key,
            name,
            logs.retention_days,
            to_json(
                data_protection_policy(
                    region, f"{project}-{stack}-{key}", protection.identifiers, protection.custom_identifiers
                )
            ),
        )
        for key, name in names.items()
    )
    logging = None
    if logs.invocation_logging.enabled:
        bucket = logs.invocation_logging.large_data_s3
        logging = InvocationLoggingSpec(
            trust_policy=to_json(logging_role_trust_policy(region, ACCOUNT_ID_TOKEN)),
            permissions_policy=to_json(logging_role_permissions_policy(region, ACCOUNT_ID_TOKEN, names[INVOCATIONS])),
            data_types=tuple(logs.invocation_logging.data_types),
            large_data_bucket=bucket.bucket_name if bucket else None,
            large_data_key_prefix=bucket.key_prefix if bucket else "",
        )
    prefix, folder = f"{project}-{stack}", f"{project}/{stack}"
    filters = tuple(invocation_filters(logs, prefix) + application_filters(logs, prefix))
    for group in groups:
        count = sum(1 for f in filters if f.group == group.key)
        if count > MAX_FILTERS_PER_GROUP:
            raise LimitError(
                f"{count} metric filters on {group.name}; CloudWatch Logs allows {MAX_FILTERS_PER_GROUP}",
                f"{NAMESPACE}:logs",
            )
    return LogSpec(
        key_alias="alias/" + safe_name(f"{project}-{stack}-logs"),
        key_policy=to_json(key_policy(region, ACCOUNT_ID_TOKEN, list(names.values()))),
        groups=groups,
        protect=logs.protect,
        logging=logging,
        filters=filters,
        contributors=tuple(contributor_rules(logs, prefix)),
        queries=tuple(saved_queries(logs, folder)),
        query_folder=folder,
    )
