"""Pulumi mocks that answer like AWS would: realistic ARNs and IDs, deterministic."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pulumi

from llm_monitor import resource_types as rt
from llm_monitor.aws import arn, partition

MOCK_ACCOUNT = "123456789012"


def _uuid(seed: str) -> str:
    h = hashlib.sha256(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class AwsMocks(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes with the attributes the program reads."""

    def __init__(self, region: str) -> None:
        self.region = region

    def _state(self, typ: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        r = self.region
        factories: dict[str, Callable[[], tuple[str, dict[str, Any]]]] = {
            rt.DASHBOARD: lambda: (
                inputs["dashboardName"],
                {
                    "dashboardArn": arn(
                        r, "cloudwatch", MOCK_ACCOUNT, f"dashboard/{inputs['dashboardName']}", regional=False
                    )
                },
            ),
            rt.LOG_GROUP: lambda: (
                inputs.get("name", name),
                {"arn": arn(r, "logs", MOCK_ACCOUNT, f"log-group:{inputs.get('name', name)}")},
            ),
            rt.METRIC_ALARM: lambda: (
                inputs.get("name", name),
                {"arn": arn(r, "cloudwatch", MOCK_ACCOUNT, f"alarm:{inputs.get('name', name)}")},
            ),
            rt.COMPOSITE_ALARM: lambda: (
                inputs.get("alarmName", name),
                {"arn": arn(r, "cloudwatch", MOCK_ACCOUNT, f"alarm:{inputs.get('alarmName', name)}")},
            ),
            rt.KMS_KEY: lambda: (
                _uuid(name),
                {"arn": arn(r, "kms", MOCK_ACCOUNT, f"key/{_uuid(name)}"), "keyId": _uuid(name)},
            ),
            rt.KMS_ALIAS: lambda: (
                inputs.get("name", name),
                {"arn": arn(r, "kms", MOCK_ACCOUNT, inputs.get("name", f"alias/{name}"))},
            ),
            rt.TOPIC: lambda: (
                arn(r, "sns", MOCK_ACCOUNT, inputs.get("name", name)),
                {"arn": arn(r, "sns", MOCK_ACCOUNT, inputs.get("name", name))},
            ),
            rt.ROLE: lambda: (
                inputs.get("name", name),
                {"arn": arn(r, "iam", MOCK_ACCOUNT, f"role/{inputs.get('name', name)}", regional=False)},
            ),
        }
        if typ in factories:
            return factories[typ]()
        return f"{name}-id", {"arn": arn(r, typ.split(":")[1].split("/")[0], MOCK_ACCOUNT, name)}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        id_, extra = self._state(args.typ, args.name, args.inputs)
        return id_, {**args.inputs, **extra}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        # An empty failure list, not None: the SDK's MockMonitor iterates it (pulumi 3.272).
        return self._invoke(args), []

    def _invoke(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": MOCK_ACCOUNT,
                "arn": f"arn:{partition(self.region)}:iam::{MOCK_ACCOUNT}:user/preview",
                "userId": "AIDAPREVIEW",
                "id": MOCK_ACCOUNT,
            }
        raise NotImplementedError(f"the preview has no mock for invoke {args.token}")
