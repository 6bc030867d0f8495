"""Application inference profiles the stack creates, as specs (pure; no Pulumi imports).

``aws.bedrock.InferenceProfile`` (CreateInferenceProfile): a name, the model or system inference
profile it copies (``modelSource.copyFrom``, an ARN: botocore bedrock ``InferenceProfileModelSourceArn``),
a description and tags. The tags are what splits the model's cost by team in Cost Explorer, once
activated as cost-allocation tags. The profile's ID is known only once it exists: the graphs and
alarms hold ``${profile:<model>}`` (``llm_monitor.deployvalues``) until then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llm_monitor.aws import ACCOUNT_ID_TOKEN, partition
from llm_monitor.config import NAMESPACE, LimitError, Settings
from llm_monitor.config.models import scope_of
from llm_monitor.config.profiles import MODEL_SOURCE_ARN, PROFILE_NAME


@dataclass(frozen=True)
class ProfileSpec:
    """One ``aws.bedrock.InferenceProfile``."""

    model: str
    """The model's name in the stack (the ``${profile:<model>}`` placeholder's)."""
    name: str
    copy_from: str
    """An ARN, with ``ACCOUNT_ID_TOKEN`` for a system inference profile's account."""
    description: str | None
    tags: dict[str, str]


def source_arn(copy_from: str, region: str) -> str:
    """``copyFrom`` as the ARN CreateInferenceProfile wants: a foundation model's has no account, a
    system inference profile's is in the deploying account (``ACCOUNT_ID_TOKEN``)."""
    if MODEL_SOURCE_ARN.fullmatch(copy_from):
        return copy_from
    part = partition(region)
    if scope_of(copy_from) in ("crossRegion", "global"):
        return f"arn:{part}:bedrock:{region}:{ACCOUNT_ID_TOKEN}:inference-profile/{copy_from}"
    return f"arn:{part}:bedrock:{region}::foundation-model/{copy_from}"


def default_name(project: str, stack: str, model: str) -> str:
    """``<project>-<stack>-<model>`` with what profile names refuse turned into single dashes."""
    return re.sub(r"[^0-9A-Za-z]+", "-", f"{project}-{stack}-{model}").strip("-")


def build_profiles(settings: Settings, *, project: str, stack: str) -> tuple[ProfileSpec, ...]:
    specs = []
    for index, model in enumerate(settings.models):
        profile = model.application_inference_profile
        if profile is None or profile.create is None:
            continue
        create = profile.create
        name = create.name or default_name(project, stack, model.name)
        if len(name) > 64 or not PROFILE_NAME.fullmatch(name):
            raise LimitError(
                f"the profile name {name!r} has {len(name)} characters; Bedrock allows 64 letters and digits, "
                "each optionally followed by one space, _ or -: set a shorter name",
                f"{NAMESPACE}:models[{index}].applicationInferenceProfile.create.name",
            )
        specs.append(
            ProfileSpec(
                model.name, name, source_arn(create.copy_from, settings.region), create.description, create.tags
            )
        )
    return tuple(specs)
