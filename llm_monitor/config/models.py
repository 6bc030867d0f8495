"""``llm-monitor:models``: the Bedrock models a stack watches."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from llm_monitor.config.alarms import ModelAlarmOverrides
from llm_monitor.config.base import Section
from llm_monitor.config.profiles import ApplicationInferenceProfile, source_id
from llm_monitor.config.tiers import ServiceTiers
from llm_monitor.config.token_prices import Price, prices_of

# What Bedrock publishes as the ModelId dimension is the identifier the caller passed to the
# runtime API, as long as it is not an ARN of a foundation model or system inference profile:
#   - foundation-model IDs, `provider.model-name[-version][:n[:context]]`
#     (pattern from botocore bedrock `GetFoundationModelIdentifier`, ID branch);
#   - system-defined (cross-Region) inference-profile IDs: the model ID behind a geography prefix
#     such as `us.`, `eu.`, `apac.`, `global.`, `us-gov.` (bedrock `EvaluationBedrockModelIdentifier`
#     writes the prefix as `[a-z-]{2,8}.`);
#   - application inference profiles: they are invoked by ARN, but Bedrock publishes only the
#     profile's 12-character ID (the ARN's last segment) as ModelId. AWS documents no example;
#     cloud-custodian's bedrock metrics filter (PR #10786) and public dashboards query
#     `ModelId=<inferenceProfileId>`, and none query the ARN.
# ARNs (foundation model, system or application profile) are accepted by the runtime APIs, but
# CloudWatch series are keyed by the IDs above, so ARNs are rejected here with a hint at the ID to
# use instead. (One console export seen in public code shows a foundation-model ARN as ModelId,
# from a caller that passed the ARN; watch the ID, which is what current SDK examples pass.)
_SEGMENT = r"[a-z0-9-]{1,63}"
FOUNDATION_MODEL_ID = re.compile(rf"{_SEGMENT}\.{_SEGMENT}(\.?{_SEGMENT})?(:{_SEGMENT}){{0,2}}")
INFERENCE_PROFILE_ID = re.compile(rf"[a-z][a-z-]{{1,7}}\.{FOUNDATION_MODEL_ID.pattern}")
APPLICATION_PROFILE_ID = re.compile(r"[a-z0-9]{12}")
_FOUNDATION_ARN = re.compile(r"arn:aws[a-z-]*:bedrock:[a-z0-9-]*::foundation-model/(?P<id>.+)")
_SYSTEM_PROFILE_ARN = re.compile(r"arn:aws[a-z-]*:bedrock:[a-z0-9-]*:[0-9]{12}:inference-profile/(?P<id>.+)")
_APPLICATION_PROFILE_ARN = re.compile(
    r"arn:aws[a-z-]*:bedrock:[a-z0-9-]*:[0-9]{12}:application-inference-profile/(?P<id>.+)"
)

MODEL_ID_FORMS = (
    "a foundation-model ID (anthropic.claude-3-haiku-20240307-v1:0), an inference-profile ID "
    "(us.amazon.nova-lite-v1:0) or an application-inference-profile ID (a1b2c3d4e5f6)"
)

#: Model names go into alarm names (``<project>-<stack>-<region>-<name>-<kind>``, at most 255
#: characters): the alarm plan checks that every name built from one fits (``llm_monitor.alarms.plan``).
MAX_NAME = 64
NAME_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9_-]{{0,{MAX_NAME - 1}}}$"
#: Labels are shown in dashboard headings and titles and in alarm descriptions (at most 1,024 characters).
MAX_LABEL = 100

#: botocore ``service-quotas`` ``QuotaCode`` (Bedrock's are ``L-`` and 8 hex digits).
QUOTA_CODE = r"^[a-zA-Z][a-zA-Z0-9-]{1,128}$"
#: Which of a model's quotas its calls draw on (Bedrock user guide, quotas-runtime.html): a bare
#: model ID the on-demand quota, a geographic inference profile (``us.``, ``eu.``, ``apac.``...)
#: the cross-Region one, a ``global.`` profile the global cross-Region one.
QuotaScope = Literal["onDemand", "crossRegion", "global"]
GLOBAL_PREFIX = "global"
#: Stands for the ID of an application inference profile the stack creates, until it exists
#: (the Pulumi layer puts the real ID in; ``llm_monitor.deployvalues``).
PROFILE_TOKEN = "${{profile:{name}}}"
_PROFILE_TOKEN = re.compile(r"\$\{profile:[A-Za-z0-9_-]{1,40}\}")


def name_from_label(label: str) -> str:
    """A valid name for ``label``: ASCII letters and digits, lower case, other runs of characters as
    one ``-``, at most ``MAX_NAME`` characters (``'Anthropic Claude 3 Sonnet'`` → ``anthropic-claude-3-sonnet``).
    Empty when the label has no letter or digit to keep."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_NAME].rstrip("-")


def check_model_id(value: str) -> str:
    """The value, if Bedrock publishes it as a ModelId; otherwise ValueError saying what would be."""
    for pattern in (FOUNDATION_MODEL_ID, INFERENCE_PROFILE_ID, APPLICATION_PROFILE_ID, _PROFILE_TOKEN):
        if pattern.fullmatch(value):
            return value
    arns = (
        (_FOUNDATION_ARN, "foundation-model"),
        (_SYSTEM_PROFILE_ARN, "inference-profile"),
        (_APPLICATION_PROFILE_ARN, "application-inference-profile"),
    )
    for arn, kind in arns:
        match = arn.fullmatch(value)
        if match:
            raise ValueError(
                f"Bedrock never publishes a {kind} ARN as ModelId; use the ID {match.group('id')!r} instead"
            )
    raise ValueError(f"{value!r} is not a value Bedrock publishes as ModelId; expected {MODEL_ID_FORMS}")


def scope_of(model_id: str) -> QuotaScope | None:
    """The quota a call with this ID draws on, or None for an application inference profile's ID
    (its model decides: ``quotaScope`` or the deploy-time lookup)."""
    if APPLICATION_PROFILE_ID.fullmatch(model_id) or _PROFILE_TOKEN.fullmatch(model_id):
        return None
    if INFERENCE_PROFILE_ID.fullmatch(model_id) and model_id.count(".") >= 2:
        return "global" if model_id.split(".", 1)[0] == GLOBAL_PREFIX else "crossRegion"
    return "onDemand"


def base_model(model_id: str) -> str:
    """The foundation-model ID in a model or system inference-profile ID (the geography prefix removed)."""
    if INFERENCE_PROFILE_ID.fullmatch(model_id) and model_id.count(".") >= 2:
        return model_id.split(".", 1)[1]
    return model_id


class ModelSettings(Section):
    """One Bedrock model to watch."""

    label: str | None = Field(default=None, min_length=1, max_length=MAX_LABEL)
    """Free text shown on the dashboards and in alarm descriptions, e.g. ``Anthropic Claude 3 Sonnet``;
    default: the name."""
    name: str = Field(default="", pattern=NAME_PATTERN, validate_default=True)
    """Short key in resource and alarm names (letters, digits, ``-``, ``_``); unique in the stack.
    Default: derived from the label (``name_from_label``)."""
    id: str = Field(default="", max_length=2048, validate_default=True)
    """The value Bedrock publishes as the ModelId dimension (from ``applicationInferenceProfile`` when omitted)."""
    input_token_price: Price | None = None
    """USD per 1,000 input tokens."""
    output_token_price: Price | None = None
    """USD per 1,000 output tokens."""
    cache_read_token_price: Price | None = None
    """USD per 1,000 input tokens read from the prompt cache."""
    cache_write_token_price: Price | None = None
    """USD per 1,000 input tokens written to the prompt cache."""
    service_tiers: ServiceTiers | None = None
    """The Priority, Flex and Reserved tiers callers request, with their prices (``config/tiers.py``)."""
    tokens_per_minute_quota: int | None = Field(default=None, gt=0)
    """The tokens-per-minute quota the model's calls draw on (``quotaScope``); the fallback when
    ``tokensPerMinuteQuotaCode`` is given."""
    tokens_per_minute_quota_code: str | None = Field(default=None, pattern=QUOTA_CODE)
    """Service Quotas code of that quota: its live value is read at deploy time."""
    tokens_per_day_quota: int | None = Field(default=None, gt=0)
    """"Model invocation max tokens per day" (default: tokensPerMinuteQuota × 1440, as AWS's default is)."""
    tokens_per_day_quota_code: str | None = Field(default=None, pattern=QUOTA_CODE)
    quota_scope: QuotaScope | None = None
    """Which quota the calls draw on; from the ID when omitted (bare: onDemand; us./eu./apac.…:
    crossRegion; global.: global)."""
    output_images: bool | None = None
    """Whether the model generates images; defaults from known image-model families."""
    application_inference_profile: ApplicationInferenceProfile | None = None
    """An application inference profile, existing (looked up) or created (``config/profiles.py``)."""
    alarms: ModelAlarmOverrides = ModelAlarmOverrides()
    """Per-model alarm overrides (see ``llm-monitor:alarms``)."""
    region: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[a-z]+)+-[0-9]$")
    """The Region whose metrics the model's dashboard section shows, when it is served (and publishes
    its metrics) in another Region than the stack's. Alarms stay in the Region of their metrics: the
    stack does not alarm on it; the stack of that Region does."""

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not value:
            raise ValueError(
                "required: the ModelId Bedrock publishes, or an applicationInferenceProfile to take it from"
            )
        return check_model_id(value)

    @model_validator(mode="before")
    @classmethod
    def _id_from_profile(cls, data: Any) -> Any:
        """An application inference profile's model takes its ModelId from the profile."""
        if not isinstance(data, dict) or not isinstance(data.get("applicationInferenceProfile"), dict):
            return data
        profile = data["applicationInferenceProfile"]
        if "create" in profile:
            if "id" in data:
                raise ValueError("a created profile's ID is known only once it exists; remove id")
            name = data.get("name") or name_from_label(str(data.get("label") or ""))
            return {**data, "id": PROFILE_TOKEN.format(name=name)}
        given = profile.get("id")
        arn = profile.get("arn")
        if isinstance(arn, str):
            given = arn.rsplit("/", 1)[-1]
        if isinstance(given, str):
            if "id" in data and data["id"] != given:
                raise ValueError(f"id {data['id']!r} is not the profile's ID {given!r}; remove id")
            return {**data, "id": given}
        return data

    @model_validator(mode="after")
    def _tiers_priced(self) -> ModelSettings:
        tiers = self.service_tiers
        if tiers is not None:
            for tier in tiers.declared_extra:
                block = getattr(tiers, tier)
                orphans = [k for k, p in block.prices.items() if p is not None and self.prices[k] is None]
                if orphans:
                    raise ValueError(
                        f"serviceTiers.{tier} prices {', '.join(orphans)} tokens, which have no Standard price on "
                        "this model; give the Standard price too"
                    )
        return self

    @property
    def scope(self) -> QuotaScope | None:
        """The quota the model's calls draw on (None: an application inference profile not yet looked up)."""
        if self.quota_scope is not None:
            return self.quota_scope
        profile = self.application_inference_profile
        if profile is not None and profile.create is not None:
            return scope_of(source_id(profile.create.copy_from))
        return scope_of(self.id)

    @property
    def foundation_model(self) -> str | None:
        """The foundation-model ID the calls reach (None: a profile's, until it is looked up)."""
        profile = self.application_inference_profile
        if profile is not None:
            if profile.create is not None:
                return base_model(source_id(profile.create.copy_from))
            return profile.model
        if APPLICATION_PROFILE_ID.fullmatch(self.id):
            return None
        return base_model(self.id)

    @property
    def daily_quota(self) -> int | None:
        """The typed daily quota, or AWS's default for it: the per-minute quota × 24 × 60."""
        if self.tokens_per_day_quota is not None:
            return self.tokens_per_day_quota
        return self.tokens_per_minute_quota * 1440 if self.tokens_per_minute_quota else None

    @property
    def has_minute_quota(self) -> bool:
        return self.tokens_per_minute_quota is not None or self.tokens_per_minute_quota_code is not None

    @property
    def has_daily_quota(self) -> bool:
        return self.daily_quota is not None or self.tokens_per_day_quota_code is not None

    @property
    def tiers(self) -> tuple[str, ...]:
        """Every tier the callers use, Standard included, in ServiceTierType order."""
        extra = self.service_tiers.declared_extra if self.service_tiers else ()
        return tuple(t for t in ("reserved", "priority", "default", "flex") if t == "default" or t in extra)

    @field_validator("label")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and (value != value.strip() or any(unicodedata.category(c)[0] == "C" for c in value)):
            raise ValueError("labels are one line of text without leading or trailing spaces or control characters")
        return value

    @field_validator("name", mode="before")
    @classmethod
    def _name_or_label(cls, value: Any, info: ValidationInfo) -> Any:
        if value != "":
            return value
        label = info.data.get("label")
        if not isinstance(label, str):
            raise ValueError("required: a short name for resource and alarm names, or a label to derive it from")
        derived = name_from_label(label)
        if not derived:
            raise ValueError(f"the label {label!r} has no letter or digit to make a name of; set name")
        return derived

    @property
    def display(self) -> str:
        """What people read: the label, or the name."""
        return self.label or self.name

    @property
    def name_derived(self) -> bool:
        """The name was derived from the label (the preview says which name it got)."""
        return "name" not in self.model_fields_set

    @property
    def priced(self) -> bool:
        return any(p is not None for p in self.prices.values())

    @property
    def prices(self) -> dict[str, float | None]:
        """Price per 1,000 tokens by token kind: input, output, cacheRead, cacheWrite."""
        return prices_of(self)

    @property
    def generates_images(self) -> bool:
        if self.output_images is not None:
            return self.output_images
        return any(family in (self.foundation_model or self.id) for family in IMAGE_MODEL_FAMILIES)


#: Image-generation model families; OutputImageCount is only ever published for these.
IMAGE_MODEL_FAMILIES = ("amazon.titan-image-generator", "amazon.nova-canvas", "stability.")
