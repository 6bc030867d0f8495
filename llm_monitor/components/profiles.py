"""``llm-monitor:index:ApplicationInferenceProfiles``: application inference profiles with cost-allocation tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from llm_monitor.components._account import with_account
from llm_monitor.inference_profiles import ProfileSpec


@dataclass(frozen=True)
class ApplicationInferenceProfilesArgs:
    profiles: Sequence[ProfileSpec]
    """From ``llm_monitor.inference_profiles.build_profiles``."""
    account_id: pulumi.Input[str]
    """Replaces the account placeholder in a system inference profile's ARN (``copyFrom``)."""


class ApplicationInferenceProfiles(pulumi.ComponentResource):
    """One ``aws.bedrock.InferenceProfile`` per spec (CreateInferenceProfile)."""

    ids: dict[str, pulumi.Output[str]]
    """Each profile's ID (the last part of its ARN: what Bedrock publishes as ModelId), by model name."""

    def __init__(
        self, name: str, args: ApplicationInferenceProfilesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llm-monitor:index:ApplicationInferenceProfiles", name, None, opts)
        account = pulumi.Output.from_input(args.account_id)
        self.ids = {}
        for spec in args.profiles:
            profile = aws.bedrock.InferenceProfile(
                f"{name}-{spec.model}",
                name=spec.name,
                model_source={"copy_from": with_account(spec.copy_from, account)},
                description=spec.description,
                tags=spec.tags or None,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.ids[spec.model] = profile.arn.apply(lambda arn: arn.rsplit("/", 1)[-1])
        self.register_outputs({"ids": self.ids})
