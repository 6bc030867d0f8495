"""``llm-monitor:logs``: invocation and application log groups, logging and metric filters."""

from __future__ import annotations

import difflib
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from llm_monitor.catalogue import APPLICATION_NAMESPACE
from llm_monitor.config.base import Section, repeated
from llm_monitor.config.errors import Problem

#: The only values PutRetentionPolicy accepts (botocore ``logs`` model, shape ``Days``). "Never
#: expire" is the absence of a policy; this program does not offer it.
# fmt: off
RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)
# fmt: on

#: Log group names (botocore ``LogGroupName``: 1-512 of ``[.\-_/#A-Za-z0-9]``); ``aws/`` is reserved.
LOG_GROUP_NAME = r"^[.\-_/#A-Za-z0-9]{1,512}$"

#: What Bedrock delivers besides each call's metadata (LoggingConfig ``<type>DataDeliveryEnabled``).
#: ``audio`` exists in the current API but not in pulumi-aws 7.51, so it cannot be offered here.
DataType = Literal["text", "image", "embedding", "video"]
#: Text only by default: see ``InvocationLoggingSettings.data_types``.
DEFAULT_DATA_TYPES: tuple[DataType, ...] = ("text",)
#: Bedrock writes these bodies to S3 only (binary data); without a large-data bucket they are lost.
S3_ONLY_DATA_TYPES = ("image", "video")

# fmt: off
_DRIVERS_LICENSE_COUNTRIES = (
    "AT", "AU", "BE", "BG", "CA", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR",
    "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "US",
)
# fmt: on
# CloudWatch Logs managed data identifiers ("Types of data that you can protect", CloudWatch Logs
# user guide; the same list as the aws-cdk ``DataIdentifier`` enum). Country-specific ones end in
# an ISO 3166-1 alpha-2 code.
MANAGED_DATA_IDENTIFIERS = frozenset(
    {
        "Address",
        "AwsSecretKey",
        "CreditCardExpiration",
        "CreditCardNumber",
        "CreditCardSecurityCode",
        "EmailAddress",
        "IpAddress",
        "LatLong",
        "Name",
        "OpenSshPrivateKey",
        "PgpPrivateKey",
        "PkcsPrivateKey",
        "PuttyPrivateKey",
        "VehicleIdentificationNumber",
        "PhoneNumber",
        *(f"BankAccountNumber-{c}" for c in ("DE", "ES", "FR", "GB", "IT", "US")),
        "CepCode-BR",
        "Cnpj-BR",
        "CpfCode-BR",
        *(f"DriversLicense-{c}" for c in _DRIVERS_LICENSE_COUNTRIES),
        "DrugEnforcementAgencyNumber-US",
        "ElectoralRollNumber-GB",
        "HealthInsuranceCardNumber-EU",
        "HealthInsuranceClaimNumber-US",
        "HealthInsuranceNumber-FR",
        "HealthcareProcedureCode-US",
        "IndividualTaxIdentificationNumber-US",
        "InseeCode-FR",
        "MedicareBeneficiaryNumber-US",
        "NationalDrugCode-US",
        *(f"NationalIdentificationNumber-{c}" for c in ("DE", "ES", "IT")),
        "NationalInsuranceNumber-GB",
        "NationalProviderId-US",
        "NhsNumber-GB",
        "NieNumber-ES",
        "NifNumber-ES",
        *(f"PassportNumber-{c}" for c in ("CA", "DE", "ES", "FR", "GB", "IT", "US")),
        "PermanentResidenceNumber-CA",
        "PersonalHealthNumber-CA",
        *(f"PhoneNumber-{c}" for c in ("BR", "DE", "ES", "FR", "GB", "IT", "US")),
        "PostalCode-CA",
        "RgNumber-BR",
        "SocialInsuranceNumber-CA",
        "Ssn-ES",
        "Ssn-US",
        *(f"TaxId-{c}" for c in ("DE", "ES", "FR", "GB")),
        "ZipCode-US",
    }
)
#: Masked by default: contact data and credentials, which turn up in prompts pasted from tickets,
#: e-mails and config files, and are never needed to read a conversation.
DEFAULT_DATA_IDENTIFIERS = (
    "AwsSecretKey",
    "CreditCardNumber",
    "EmailAddress",
    "OpenSshPrivateKey",
    "PgpPrivateKey",
    "PkcsPrivateKey",
    "PuttyPrivateKey",
)
# Custom data identifiers ("Custom data identifier constraints", CloudWatch Logs user guide): at
# most 10 per policy; names 1-128 of [A-Za-z0-9_-]; regexes 1-200 characters from a fixed set
# (no parentheses: groups are not supported).
MAX_CUSTOM_IDENTIFIERS = 10
CUSTOM_IDENTIFIER_NAME = r"^[A-Za-z0-9_-]{1,128}$"
_CUSTOM_REGEX_CHARS = re.compile(r"[A-Za-z0-9_#=@/;,\- ^$?\[\]{}|\\*+.]{1,200}")

# S3 bucket names: 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a
# letter or digit (S3 user guide, "General purpose bucket naming rules").
S3_BUCKET_NAME = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"

# requestMetadata keys Bedrock accepts are `[a-zA-Z0-9\s:_@$#=/+,-.]{1,256}` (bedrock-runtime
# RequestMetadataKeyString). A key used in a metric-filter selector (`$.requestMetadata.<key>`)
# and a Logs Insights field name must be a plain identifier, so only that subset is allowed.
TENANT_KEY = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"

# Custom metric namespaces: 1-255 characters without `:`, `*` or `$` (botocore logs
# MetricNamespace), not under the reserved `AWS/` prefix (CloudWatch PutMetricData); kept to
# characters a dashboard SEARCH schema `{Namespace,Dim}` accepts unquoted.
METRIC_NAMESPACE = r"^[A-Za-z0-9][A-Za-z0-9._/#-]{0,254}$"


class LargeDataS3(Section):
    """Where Bedrock writes request and response bodies over 100 KB and binary data (images, video)."""

    bucket_name: str = Field(pattern=S3_BUCKET_NAME)
    """An existing bucket in the same account and Region whose policy lets ``bedrock.amazonaws.com``
    put objects under ``<keyPrefix>/AWSLogs/<account>/BedrockModelInvocationLogs/`` (see README)."""
    key_prefix: str = Field(default="", max_length=1024)


class InvocationLoggingSettings(Section):
    """Bedrock model invocation logging into this stack's invocation log group."""

    enabled: bool = False
    """Own the account's and Region's model invocation logging configuration. There is exactly one
    per account and Region: enable it in exactly one stack per account and Region."""
    data_types: list[DataType] = Field(default_factory=lambda: list(DEFAULT_DATA_TYPES))
    """Bodies delivered with each record. Every record carries the call's metadata (caller, model,
    token counts, requestMetadata); text is the smallest body and the one masking applies to."""
    large_data_s3: LargeDataS3 | None = None
    """Required for image and video data; without it, bodies over 100 KB have nowhere to go."""

    @field_validator("data_types")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        duplicates = repeated(value)
        if duplicates:
            raise ValueError(f"lists {', '.join(duplicates)} more than once")
        return value

    @model_validator(mode="after")
    def _binary_needs_bucket(self) -> InvocationLoggingSettings:
        binary = [t for t in self.data_types if t in S3_ONLY_DATA_TYPES]
        if self.enabled and binary and self.large_data_s3 is None:
            raise ValueError(
                f"dataTypes includes {', '.join(binary)}, which Bedrock delivers only to S3; "
                "set largeDataS3.bucketName or remove them"
            )
        return self


class CustomDataIdentifier(Section):
    """A data-protection identifier of your own: a name and the regex it masks."""

    name: str = Field(pattern=CUSTOM_IDENTIFIER_NAME)
    regex: str

    @field_validator("name")
    @classmethod
    def _not_managed(cls, value: str) -> str:
        if value.lower() in {m.lower() for m in MANAGED_DATA_IDENTIFIERS}:
            raise ValueError(f"{value!r} is the name of a managed data identifier; custom names must differ")
        return value

    @field_validator("regex")
    @classmethod
    def _supported_regex(cls, value: str) -> str:
        if not _CUSTOM_REGEX_CHARS.fullmatch(value):
            raise ValueError(
                "must be 1-200 characters of letters, digits, space, _ # = @ / ; , - and the regex "
                "characters ^ $ ? [ ] { } | \\ * + . (no parentheses)"
            )
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"is not a valid regular expression: {exc}") from None
        return value


class DataProtectionSettings(Section):
    """What the log groups' data-protection policy audits and masks."""

    identifiers: list[str] = Field(default_factory=lambda: list(DEFAULT_DATA_IDENTIFIERS))
    """Managed data identifiers, e.g. ``EmailAddress``, ``PhoneNumber-US``."""
    custom_identifiers: list[CustomDataIdentifier] = Field(default_factory=list, max_length=MAX_CUSTOM_IDENTIFIERS)

    @field_validator("identifiers")
    @classmethod
    def _managed(cls, value: list[str]) -> list[str]:
        problems = []
        for item in value:
            if item not in MANAGED_DATA_IDENTIFIERS:
                close = difflib.get_close_matches(item, sorted(MANAGED_DATA_IDENTIFIERS), n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(f"{item!r}{hint}")
        if problems:
            raise ValueError(
                f"not a CloudWatch Logs managed data identifier: {', '.join(problems)}; see "
                "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/protect-sensitive-log-data-types.html"
            )
        duplicates = repeated(value)
        if duplicates:
            raise ValueError(f"lists {', '.join(duplicates)} more than once")
        return value

    @model_validator(mode="after")
    def _something_to_mask(self) -> DataProtectionSettings:
        if not self.identifiers and not self.custom_identifiers:
            raise ValueError("masks nothing; list at least one entry in identifiers or customIdentifiers")
        duplicates = repeated(c.name for c in self.custom_identifiers)
        if duplicates:
            raise ValueError(f"customIdentifiers names {', '.join(duplicates)} more than once")
        return self


class LogSettings(Section):
    """Log groups, invocation logging, metric filters and saved queries."""

    retention_days: int = 30
    """Days CloudWatch Logs keeps events in both log groups."""
    protect: bool = True
    """Refuse to delete or replace the log groups and their key (Pulumi ``protect`` and CloudWatch
    Logs deletion protection). Either way they are retained, never deleted, when the stack is
    destroyed or a log group is renamed."""
    invocation_log_group_name: str | None = Field(default=None, pattern=LOG_GROUP_NAME)
    """Default: ``/<project>/<stack>/bedrock/model-invocations``."""
    application_log_group_name: str | None = Field(default=None, pattern=LOG_GROUP_NAME)
    """Default: ``/<project>/<stack>/inference``."""
    data_protection: DataProtectionSettings = Field(default_factory=DataProtectionSettings)
    invocation_logging: InvocationLoggingSettings = Field(default_factory=InvocationLoggingSettings)
    tenant_metadata_key: str | None = Field(default=None, pattern=TENANT_KEY)
    """The ``requestMetadata`` key that names the tenant; enables per-tenant metrics and queries."""
    large_prompt_tokens: int = Field(default=50_000, gt=0)
    """Input token count above which an invocation counts as a large prompt."""
    application_namespace: str = Field(default=APPLICATION_NAMESPACE, pattern=METRIC_NAMESPACE)
    """CloudWatch namespace of the metrics taken from application inference logs."""
    application_pair_metrics: bool = False
    """Also publish latency, time to first token and tokens per (application, model) pair: a custom
    metric per pair (applications × models of them) instead of the log widget and saved query."""

    @field_validator("invocation_log_group_name", "application_log_group_name")
    @classmethod
    def _not_reserved(cls, value: str | None) -> str | None:
        if value is not None and value.startswith("aws/"):
            raise ValueError("log group names starting with 'aws/' are reserved for AWS")
        return value

    @field_validator("application_namespace")
    @classmethod
    def _custom_namespace(cls, value: str) -> str:
        if value.upper().startswith("AWS/"):
            raise ValueError("namespaces starting with 'AWS/' are reserved for AWS services")
        return value

    @field_validator("retention_days")
    @classmethod
    def _accepted_retention(cls, value: int) -> int:
        if value not in RETENTION_DAYS:
            allowed = ", ".join(str(d) for d in RETENTION_DAYS)
            raise ValueError(f"{value} is not a retention CloudWatch Logs accepts; use one of {allowed}")
        return value

    def group_names(self, project: str, stack: str) -> dict[str, str]:
        """The names the two groups get: configured, or the defaults of this project and stack."""
        defaults = default_group_names(project, stack)
        return {
            INVOCATIONS: self.invocation_log_group_name or defaults[INVOCATIONS],
            APPLICATION: self.application_log_group_name or defaults[APPLICATION],
        }


#: Keys of the two log groups (also the last part of their resources' logical names).
INVOCATIONS = "invocations"
APPLICATION = "application"
#: The config key that names each group.
GROUP_NAME_KEYS = {INVOCATIONS: "invocationLogGroupName", APPLICATION: "applicationLogGroupName"}


def default_group_names(project: str, stack: str) -> dict[str, str]:
    """Per stack, so that two stacks in one account and Region never share a group."""
    return {
        INVOCATIONS: f"/{project}/{stack}/bedrock/model-invocations",
        APPLICATION: f"/{project}/{stack}/inference",
    }


def log_group_name_problems(logs: LogSettings, project: str | None, stack: str | None, namespace: str) -> list[Problem]:
    """The two groups must get different names once the defaults are filled in.

    A group set to the other group's *default* name collides as surely as two equal settings
    (CreateLogGroup fails with ResourceAlreadyExistsException for the second). The defaults depend
    on the project and stack; without them only the configured names can be compared.
    """
    configured = {INVOCATIONS: logs.invocation_log_group_name, APPLICATION: logs.application_log_group_name}
    if project is not None and stack is not None:
        effective = logs.group_names(project, stack)
    elif all(configured.values()):
        effective = {k: v for k, v in configured.items() if v}
    else:
        return []
    if effective[INVOCATIONS] != effective[APPLICATION]:
        return []
    name = effective[INVOCATIONS]
    problems = []
    for key, other in ((INVOCATIONS, APPLICATION), (APPLICATION, INVOCATIONS)):
        if configured[key] is None:
            continue
        where = "its setting" if configured[other] else f"its default for project {project!r} and stack {stack!r}"
        problems.append(
            Problem(
                f"{namespace}:logs.{GROUP_NAME_KEYS[key]}",
                f"{name!r} is also the name of the {other} log group ({GROUP_NAME_KEYS[other]}, {where}); "
                "the two groups need different names",
            )
        )
    return problems
