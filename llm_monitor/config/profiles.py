"""``applicationInferenceProfile`` of a model: an application inference profile, existing or created.

An application inference profile (AIP) wraps one foundation model, or one system-defined
(cross-Region or global) inference profile, under an ID of its own; callers invoke it by ARN and
Bedrock publishes the profile's 12-character ID as ``ModelId``. Its tags are cost-allocation tags:
activated in the Billing console, they split the model's cost by team or application in Cost
Explorer (Bedrock user guide, "Use application inference profiles to track costs",
cost-mgmt-application-inference-profiles.html).

- ``arn`` or ``id``: an existing profile. The model behind it is read at deploy time with the
  ``GetInferenceProfile`` data source (``aws.bedrock.get_inference_profile``), unless ``model``
  says it; it decides the model's prices (``llm-monitor:prices``), image/text defaults and which
  quota applies.
- ``create``: the stack creates the profile (``aws.bedrock.InferenceProfile``, CreateInferenceProfile)
  from ``copyFrom``; its ID is known only once it exists, so the graphs and alarms get it then.

Shapes from botocore ``bedrock``: ``InferenceProfileIdentifier`` (ID or ARN),
``InferenceProfileModelSourceArn`` (``copyFrom``: a foundation-model or inference-profile ARN),
``InferenceProfileName`` (1-64 of ``([0-9a-zA-Z][ _-]?)+``), ``InferenceProfileDescription``
(1-200 of ``([0-9a-zA-Z:.][ _-]?)+``), ``TagKey``/``TagValue`` (1-128 / 0-256 of
``[a-zA-Z0-9\\s._:/=+@-]``), ``TagList`` (at most 200).
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from llm_monitor.config.base import Section

APPLICATION_PROFILE_ID = re.compile(r"[a-z0-9]{12}")
APPLICATION_PROFILE_ARN = re.compile(
    r"arn:aws[a-z-]*:bedrock:[a-z0-9-]*:[0-9]{12}:application-inference-profile/(?P<id>[a-z0-9]{12})"
)
#: botocore bedrock ``InferenceProfileModelSourceArn``.
MODEL_SOURCE_ARN = re.compile(
    r"arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):"
    r"(?P<kind>inference-profile|foundation-model)/(?P<id>[a-zA-Z0-9-:.]+)"
)
PROFILE_NAME = re.compile(r"([0-9a-zA-Z][ _-]?)+")
PROFILE_DESCRIPTION = re.compile(r"([0-9a-zA-Z:.][ _-]?)+")
_TAG = re.compile(r"[a-zA-Z0-9\s._:/=+@-]*")
#: Bedrock's TagList allows 200; the provider adds up to 50 default tags (``llm-monitor:tags``).
MAX_PROFILE_TAGS = 150


class ProfileCreation(Section):
    """A profile the stack creates (CreateInferenceProfile)."""

    copy_from: str = Field(min_length=1, max_length=2048)
    """The foundation model (``amazon.nova-pro-v1:0``) or system inference profile
    (``eu.amazon.nova-pro-v1:0``, ``global.…``) it wraps, by ID or ARN."""
    name: str | None = Field(default=None, min_length=1, max_length=64)
    """Default: ``<project>-<stack>-<model name>``."""
    description: str | None = Field(default=None, min_length=1, max_length=200)
    tags: dict[str, str] = Field(default_factory=dict)
    """Cost-allocation tags (activate them in the Billing console to see them in Cost Explorer)."""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is not None and not PROFILE_NAME.fullmatch(value):
            raise ValueError("profile names are letters and digits, each optionally followed by one space, _ or -")
        return value

    @field_validator("description")
    @classmethod
    def _description(cls, value: str | None) -> str | None:
        if value is not None and not PROFILE_DESCRIPTION.fullmatch(value):
            raise ValueError(
                "descriptions are letters, digits, ':' and '.', each optionally followed by one space, _ or -"
            )
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: dict[str, str]) -> dict[str, str]:
        if len(tags) > MAX_PROFILE_TAGS:
            raise ValueError(f"{len(tags)} tags; at most {MAX_PROFILE_TAGS} beside the stack's default tags")
        for key, value in tags.items():
            if not 1 <= len(key) <= 128 or not _TAG.fullmatch(key) or key.lower().startswith("aws:"):
                raise ValueError(f"tag key {key!r}: 1-128 of letters, digits, spaces and . _ : / = + @ -, not aws:")
            if len(value) > 256 or not _TAG.fullmatch(value):
                raise ValueError(f"tag value of {key!r}: at most 256 of letters, digits, spaces and . _ : / = + @ -")
        return tags


class ApplicationInferenceProfile(Section):
    """Exactly one of ``arn``, ``id`` (an existing profile) or ``create``."""

    arn: str | None = None
    id: str | None = None
    model: str | None = None
    """The foundation-model ID behind an existing profile; read with GetInferenceProfile when omitted."""
    create: ProfileCreation | None = None

    @model_validator(mode="after")
    def _one(self) -> ApplicationInferenceProfile:
        given = [k for k in ("arn", "id", "create") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of arn, id (an existing profile) or create; got {given or 'none'}")
        if self.arn is not None and not APPLICATION_PROFILE_ARN.fullmatch(self.arn):
            raise ValueError(
                f"{self.arn!r} is not an application-inference-profile ARN "
                "(arn:aws:bedrock:<region>:<account>:application-inference-profile/<12-character id>)"
            )
        if self.id is not None and not APPLICATION_PROFILE_ID.fullmatch(self.id):
            raise ValueError(f"{self.id!r} is not an application-inference-profile ID (12 lower-case letters/digits)")
        if self.create is not None and self.model is not None:
            raise ValueError("a created profile's model is its copyFrom; remove model")
        return self

    @property
    def profile_id(self) -> str | None:
        """The 12-character ID of an existing profile (what Bedrock publishes as ModelId)."""
        if self.arn is not None:
            match = APPLICATION_PROFILE_ARN.fullmatch(self.arn)
            return match.group("id") if match else None
        return self.id

    @property
    def identifier(self) -> str | None:
        """What GetInferenceProfile is asked for: the ARN, or the ID."""
        return self.arn or self.id


def source_id(copy_from: str) -> str:
    """``copyFrom`` as an ID (the part after ``foundation-model/`` or ``inference-profile/`` of an ARN)."""
    match = MODEL_SOURCE_ARN.fullmatch(copy_from)
    return match.group("id") if match else copy_from


FOUNDATION_MODEL_ARN = re.compile(r"arn:aws[a-z-]*:bedrock:(?P<region>[a-z0-9-]*):[0-9]*:foundation-model/(?P<id>.+)")
#: Regions spanning this many geographies (``us``, ``eu``, ``ap``, ``ca``...) mean a global profile.
GLOBAL_GEOGRAPHIES = 3


def profile_model(model_arns: list[str]) -> tuple[str, str]:
    """The foundation-model ID an application inference profile wraps, and the quota its calls draw
    on, from GetInferenceProfile's ``models`` (one foundation-model ARN per Region it routes to).

    One Region: the profile wraps the model itself (``onDemand``). Several: it wraps a cross-Region
    profile (``crossRegion``), or a global one (``global``) when its Regions span three
    geographies or more, or an ARN carries no Region. The response does not name the profile it
    was copied from, so the global case is an inference ("the destination Regions for Global
    cross-Region inference profiles include all commercial Regions", Bedrock user guide,
    inference-profiles-support.html); ``quotaScope`` overrides it. ValueError when ``model_arns``
    holds no foundation-model ARN or several models.
    """
    found = [m for m in (FOUNDATION_MODEL_ARN.fullmatch(a) for a in model_arns) if m]
    models = sorted({m.group("id") for m in found})
    if len(models) != 1:
        raise ValueError(f"expected one foundation model behind the profile, found {models or model_arns}")
    regions = {m.group("region") for m in found}
    if "" in regions or len({r.split("-", 1)[0] for r in regions}) >= GLOBAL_GEOGRAPHIES:
        return models[0], "global"
    return models[0], "crossRegion" if len(regions) > 1 else "onDemand"
