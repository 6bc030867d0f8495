"""``BedrockMonitoringArgs``: the component's arguments, one field per stack-config key.

Each type mirrors a settings model of ``llm_monitor.config`` field for field (snake_case here,
camelCase in other languages, exactly the stack-config keys); tests/test_monitoring_args.py fails
when a config key has no argument or an argument no config key. Defaults, limits and meanings are
the config's: README, "Configuration reference".

The types follow what Pulumi's schema analyzer accepts for a component package (TypedDicts,
``X | None`` but no other unions, Enums for fixed sets of strings), and every value is plain
(``plain: true`` in the schema): it decides which resources exist and what they are named, and
is validated before anything is registered. No ``from __future__ import annotations`` here: the
analyzer reads the annotations as objects.
"""

from enum import StrEnum
from typing import Any, Required, TypedDict

from llm_monitor.components.alarm_args import AlarmsArgs, ModelAlarmsArgs
from llm_monitor.components.surface_args import SurfacesArgs


class Part(StrEnum):
    """A part of the monitoring that can be built alone."""

    DASHBOARDS = "dashboards"
    """The CloudWatch dashboards."""
    ALARMS = "alarms"
    """The alarms, each model's health roll-up, and the alarm topic with its subscriptions."""
    LOGS = "logs"
    """The encrypted, masked log groups, invocation logging, metric filters and saved queries."""


class DataType(StrEnum):
    """A kind of body Bedrock delivers with each invocation-log record."""

    TEXT = "text"
    IMAGE = "image"
    EMBEDDING = "embedding"
    VIDEO = "video"


class WidgetType(StrEnum):
    """A dashboard widget type."""

    METRIC = "metric"
    TEXT = "text"
    LOG = "log"
    ALARM = "alarm"


class QuotaScope(StrEnum):
    """Which of a model's quotas its calls draw on."""

    ON_DEMAND = "onDemand"
    CROSS_REGION = "crossRegion"
    GLOBAL = "global"


# --- models, dashboard, notifications ------------------------------------------------------------------


class TierPricesArgs(TypedDict, total=False):
    """USD per 1,000 tokens served in one tier; a kind left out costs the Standard price."""

    input_token_price: float
    output_token_price: float
    cache_read_token_price: float
    cache_write_token_price: float


class ServiceTiersArgs(TypedDict, total=False):
    """The non-Standard tiers a model's callers request, each with its prices ({} for none)."""

    priority: TierPricesArgs
    flex: TierPricesArgs
    reserved: TierPricesArgs


class ProfileCreationArgs(TypedDict, total=False):
    """An application inference profile the stack creates (CreateInferenceProfile)."""

    copy_from: Required[str]
    """The foundation model or system inference profile it wraps, by ID or ARN."""
    name: str
    """The profile's name; default: <project>-<stack>-<model name>."""
    description: str
    """Its description."""
    tags: dict[str, str]
    """Cost-allocation tags."""


class ApplicationInferenceProfileArgs(TypedDict, total=False):
    """Exactly one of ``arn``, ``id`` (an existing profile) or ``create``."""

    arn: str
    """An existing profile's ARN."""
    id: str
    """An existing profile's 12-character ID."""
    model: str
    """The foundation model behind it; default: looked up at deploy time."""
    create: ProfileCreationArgs
    """Create the profile."""


class ModelPricesArgs(TypedDict, total=False):
    """One foundation model's Standard prices, USD per 1,000 tokens."""

    model: Required[str]
    """The foundation-model ID."""
    input_token_price: float
    output_token_price: float
    cache_read_token_price: float
    cache_write_token_price: float


class ModelArgs(TypedDict, total=False):
    """One Bedrock model to watch: ``id`` and a ``name`` or ``label``."""

    label: str
    """Free text shown on the dashboards and in alarm descriptions, e.g. 'Anthropic Claude 3 Sonnet'."""
    name: str
    """Short key in resource and alarm names (letters, digits, '-', '_'); default: derived from the label."""
    id: str
    """The value Bedrock publishes as the ModelId dimension (a model or inference-profile ID, not an ARN);
    required unless an application_inference_profile gives it."""
    input_token_price: float
    """USD per 1,000 input tokens."""
    output_token_price: float
    """USD per 1,000 output tokens."""
    cache_read_token_price: float
    """USD per 1,000 input tokens read from the prompt cache."""
    cache_write_token_price: float
    """USD per 1,000 input tokens written to the prompt cache."""
    tokens_per_minute_quota: int
    """The account's tokens-per-minute quota for this model."""
    tokens_per_minute_quota_code: str
    """Service Quotas code to read the per-minute quota from at deploy time."""
    tokens_per_day_quota: int
    """The daily token quota; default: the per-minute quota × 1,440."""
    tokens_per_day_quota_code: str
    """Service Quotas code to read the daily quota from at deploy time."""
    quota_scope: QuotaScope
    """The quota the calls draw on; default: from the ID."""
    service_tiers: ServiceTiersArgs
    """The Priority, Flex and Reserved tiers the callers use, with their prices."""
    application_inference_profile: ApplicationInferenceProfileArgs
    """An application inference profile to look up or create."""
    output_images: bool
    """Whether the model generates images; default: from known image-model families."""
    alarms: ModelAlarmsArgs
    """Per-model alarm overrides."""
    region: str
    """The Region the model's metrics are in, when not the stack's: shown on the dashboards, not alarmed on."""


class WidgetArgs(TypedDict, total=False):
    """A dashboard widget of your own, as the dashboard body reference writes one, without x and y."""

    type: Required[WidgetType]
    """metric, text, log or alarm."""
    width: int
    """Columns of the 24-column grid."""
    height: int
    """Rows of the grid."""
    properties: Required[dict[str, Any]]
    """The widget's properties (metrics, view, title, markdown...); metric and log widgets get the stack's
    region unless they name one."""


class DashboardArgs(TypedDict, total=False):
    """How the dashboards are laid out and named."""

    name_prefix: str
    """Start of every dashboard name; default: the Pulumi project name."""
    period_seconds: int
    """Period of the graphs, a multiple of 60."""
    start: str
    """Default time range, an ISO 8601 duration before now (-PT12H)."""
    account_overview: bool
    """The account-wide section: every model in the account and Region."""
    guardrails: bool
    """The AWS/Bedrock/Guardrails section."""
    max_models_per_dashboard: int
    """Cap on model sections per dashboard."""
    models_first: bool
    """Model sections first, the stack-wide sections after them."""
    widgets: list[WidgetArgs]
    """Widgets of your own, on the first dashboard."""


class NotificationsArgs(TypedDict, total=False):
    """Endpoints of the alarm topic."""

    emails: list[str]
    """Addresses subscribed to the alarm topic (each must confirm)."""
    https_endpoints: list[str]
    """HTTPS URLs subscribed to the alarm topic (stored as secrets)."""
    topic_arns: list[str]
    """Existing SNS topics (a pager's) that get the health roll-ups; same Region."""


# --- logs (llm_monitor/config/logs.py) ----------------------------------------------------------------


class LargeDataS3Args(TypedDict, total=False):
    """Where Bedrock writes bodies over 100 KB and binary data."""

    bucket_name: Required[str]
    """An existing bucket in the same account and Region that lets Bedrock put objects."""
    key_prefix: str
    """Prefix of the objects."""


class InvocationLoggingArgs(TypedDict, total=False):
    """Bedrock model invocation logging into the invocation log group (one owner per account and Region)."""

    enabled: bool
    """Own the account's and Region's invocation logging configuration."""
    data_types: list[DataType]
    """Bodies delivered with each record."""
    large_data_s3: LargeDataS3Args
    """Required for image and video data."""


class CustomDataIdentifierArgs(TypedDict, total=False):
    """A data-protection identifier of your own."""

    name: Required[str]
    """Its name."""
    regex: Required[str]
    """The regular expression it masks."""


class DataProtectionArgs(TypedDict, total=False):
    """What the log groups' data-protection policy audits and masks."""

    identifiers: list[str]
    """Managed data identifiers, e.g. EmailAddress, PhoneNumber-US."""
    custom_identifiers: list[CustomDataIdentifierArgs]
    """Identifiers of your own."""


class LogsArgs(TypedDict, total=False):
    """Log groups, invocation logging, metric filters and saved queries."""

    retention_days: int
    """Days CloudWatch Logs keeps events (a value PutRetentionPolicy accepts)."""
    protect: bool
    """Refuse to delete or replace the log groups and their key."""
    invocation_log_group_name: str
    """Default: /<project>/<stack>/bedrock/model-invocations."""
    application_log_group_name: str
    """Default: /<project>/<stack>/inference."""
    data_protection: DataProtectionArgs
    """Masking."""
    invocation_logging: InvocationLoggingArgs
    """Bedrock model invocation logging."""
    tenant_metadata_key: str
    """The requestMetadata key that names the tenant."""
    large_prompt_tokens: int
    """Input tokens above which an invocation counts as a large prompt."""
    application_namespace: str
    """CloudWatch namespace of the metrics taken from application logs."""
    application_pair_metrics: bool
    """Also publish latency, time to first token and tokens per (application, model) pair (billed per pair)."""


# --- the estate (llm_monitor/config/estate.py) ------------------------------------------------------


class EstateRole(StrEnum):
    """The stack's role in an estate of accounts and Regions."""

    STANDALONE = "standalone"
    SOURCE = "source"
    MONITORING = "monitoring"


class EstateArgs(TypedDict, total=False):
    """The stack's role in an estate watched from one monitoring account (CloudWatch cross-account
    observability); source and monitoring need the stack's aws:allowedAccountIds to name its one account."""

    role: EstateRole
    """standalone (default), source or monitoring."""
    source_accounts: list[str]
    """Monitoring: the accounts the sink admits (or organization_id)."""
    organization_id: str
    """Monitoring: admit every account of this organization (aws:PrincipalOrgID)."""
    source_stacks: list[str]
    """Monitoring: the source stacks it watches, as stack references."""
    monitoring_stack: str
    """Source: the monitoring stack of this Region, whose sinkArn output the link targets."""
    sink_arn: str
    """Source: the sink's ARN, instead of monitoring_stack."""


# --- the component ------------------------------------------------------------------------------------


class BedrockMonitoringArgs(TypedDict, total=False):
    """Everything ``BedrockMonitoring`` builds, as a stack's ``llm-monitor:*`` config describes it."""

    region: str
    """The Region of the AWS provider the component uses; default: the stack's aws:region."""
    models: Required[list[ModelArgs]]
    """The Bedrock models to watch (empty only with accountWideOnly)."""
    dashboard: DashboardArgs
    """Dashboard layout and names."""
    alarms: AlarmsArgs
    """Alarm thresholds: stack-wide defaults of every alarm kind."""
    notifications: NotificationsArgs
    """Where alarm notifications go."""
    logs: LogsArgs
    """Log groups, invocation logging, metric filters and queries."""
    tags: dict[str, str]
    """Extra tags on every taggable resource."""
    account_wide_only: bool
    """Watch the account as a whole and list no model."""
    parts: list[Part]
    """What to build (default: dashboards, alarms and logs)."""
    surfaces: SurfacesArgs
    """Bedrock's surfaces beyond the models (agents, AgentCore, knowledge bases, batch, mantle, guardrails)."""
    prices: list[ModelPricesArgs]
    """Standard prices by foundation model, for models without their own."""
    estate: EstateArgs
    """The stack's role in an estate of accounts and Regions (standalone, source or monitoring)."""
