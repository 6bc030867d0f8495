"""Pulumi mocks that answer like AWS would: realistic ARNs and IDs, deterministic.

Data sources the preview cannot really read answer with stand-ins, the same on every run:

- GetServiceQuota (``aws.servicequotas.get_service_quota``): ``PREVIEW_QUOTA`` tokens for any
  quota code, so a quota read at deploy time shows in the preview as that number;
- GetInferenceProfile (``aws.bedrock.get_inference_profile``): an application profile over the
  model ``PREVIEW_PROFILES`` names for its ID (the shipped stacks' profiles), or over
  ``PREVIEW_PROFILE_MODEL`` in the stack's Region.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import pulumi

from llm_monitor import resource_types as rt
from llm_monitor.aws import arn, partition

MOCK_ACCOUNT = "123456789012"
#: What every quota read from Service Quotas is in the preview.
PREVIEW_QUOTA = 1_000_000.0
#: Application inference profiles of the shipped stacks: the model, and the Regions it routes to.
PREVIEW_PROFILES: dict[str, tuple[str, tuple[str, ...]]] = {
    # prod's search-assistant: a copy of the EU cross-Region Claude 3.7 Sonnet profile.
    "k3x9q2m7v4hz": ("anthropic.claude-3-7-sonnet-20250219-v1:0", ("eu-west-1", "eu-west-3", "eu-central-1")),
}
PREVIEW_PROFILE_MODEL = "amazon.nova-lite-v1:0"


def _uuid(seed: str) -> str:
    h = hashlib.sha256(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _profile_id(seed: str) -> str:
    """12 lower-case letters and digits, like an application inference profile's ID."""
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


class AwsMocks(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes with the attributes the program reads."""

    def __init__(
        self, region: str, account: str = MOCK_ACCOUNT, stack_outputs: Mapping[str, Mapping[str, Any]] | None = None
    ) -> None:
        self.region = region
        self.account = account
        """The stack's account: its ``aws:allowedAccountIds``, else ``MOCK_ACCOUNT``."""
        self.stack_outputs = dict(stack_outputs or {})
        """Outputs of the stacks a ``pulumi.StackReference`` may read, by stack name (the estate preview's)."""

    def _state(self, typ: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        r = self.region
        factories: dict[str, Callable[[], tuple[str, dict[str, Any]]]] = {
            rt.DASHBOARD: lambda: (
                inputs["dashboardName"],
                {
                    "dashboardArn": arn(
                        r, "cloudwatch", self.account, f"dashboard/{inputs['dashboardName']}", regional=False
                    )
                },
            ),
            rt.LOG_GROUP: lambda: (
                inputs.get("name", name),
                {"arn": arn(r, "logs", self.account, f"log-group:{inputs.get('name', name)}")},
            ),
            rt.METRIC_ALARM: lambda: (
                inputs.get("name", name),
                {"arn": arn(r, "cloudwatch", self.account, f"alarm:{inputs.get('name', name)}")},
            ),
            rt.COMPOSITE_ALARM: lambda: (
                inputs.get("alarmName", name),
                {"arn": arn(r, "cloudwatch", self.account, f"alarm:{inputs.get('alarmName', name)}")},
            ),
            rt.KMS_KEY: lambda: (
                _uuid(name),
                {"arn": arn(r, "kms", self.account, f"key/{_uuid(name)}"), "keyId": _uuid(name)},
            ),
            rt.KMS_ALIAS: lambda: (
                inputs.get("name", name),
                {"arn": arn(r, "kms", self.account, inputs.get("name", f"alias/{name}"))},
            ),
            rt.TOPIC: lambda: (
                arn(r, "sns", self.account, inputs.get("name", name)),
                {"arn": arn(r, "sns", self.account, inputs.get("name", name))},
            ),
            rt.ROLE: lambda: (
                inputs.get("name", name),
                {"arn": arn(r, "iam", self.account, f"role/{inputs.get('name', name)}", regional=False)},
            ),
            rt.OAM_SINK: lambda: (
                arn(r, "oam", self.account, f"sink/{_uuid(name)}"),
                {"arn": arn(r, "oam", self.account, f"sink/{_uuid(name)}"), "sinkId": _uuid(name)},
            ),
            rt.OAM_LINK: lambda: (
                arn(r, "oam", self.account, f"link/{_uuid(name)}"),
                {"arn": arn(r, "oam", self.account, f"link/{_uuid(name)}"), "linkId": _uuid(name)},
            ),
            rt.STACK_REFERENCE: lambda: (
                inputs["name"],
                {"outputs": self._outputs_of(inputs["name"]), "secretOutputNames": []},
            ),
            rt.INFERENCE_PROFILE: lambda: (
                _profile_id(name),
                {"arn": arn(r, "bedrock", self.account, f"application-inference-profile/{_profile_id(name)}")},
            ),
        }
        if typ in factories:
            return factories[typ]()
        return f"{name}-id", {"arn": arn(r, typ.split(":")[1].split("/")[0], self.account, name)}

    def _outputs_of(self, reference: str) -> dict[str, Any]:
        """A referenced stack's outputs: by the reference as written, or its last part (``org/project/stack``)."""
        found = self.stack_outputs.get(reference, self.stack_outputs.get(reference.rsplit("/", 1)[-1], {}))
        return dict(found)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        id_, extra = self._state(args.typ, args.name, args.inputs)
        return id_, {**args.inputs, **extra}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        # An empty failure list, not None: the SDK's MockMonitor iterates it (pulumi 3.272).
        return self._invoke(args), []

    def _invoke(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": self.account,
                "arn": f"arn:{partition(self.region)}:iam::{self.account}:user/preview",
                "userId": "AIDAPREVIEW",
                "id": self.account,
            }
        if args.token == "aws:servicequotas/getServiceQuota:getServiceQuota":
            code = args.args.get("quotaCode")
            return {"quotaCode": code, "serviceCode": args.args.get("serviceCode"), "value": PREVIEW_QUOTA, "id": code}
        if args.token == "aws:bedrock/getInferenceProfile:getInferenceProfile":
            return self._inference_profile(str(args.args.get("inferenceProfileId")))
        raise NotImplementedError(f"the preview has no mock for invoke {args.token}")

    def _inference_profile(self, identifier: str) -> dict[str, Any]:
        profile_id = identifier.rsplit("/", 1)[-1]
        model, regions = PREVIEW_PROFILES.get(profile_id, (PREVIEW_PROFILE_MODEL, (self.region,)))
        part = partition(self.region)
        return {
            "inferenceProfileId": profile_id,
            "inferenceProfileArn": arn(
                self.region, "bedrock", self.account, f"application-inference-profile/{profile_id}"
            ),
            "inferenceProfileName": f"preview-{profile_id}",
            "models": [{"modelArn": f"arn:{part}:bedrock:{region}::foundation-model/{model}"} for region in regions],
            "status": "ACTIVE",
            "type": "APPLICATION",
        }
