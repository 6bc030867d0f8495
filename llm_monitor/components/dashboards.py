"""``llm-monitor:index:BedrockDashboards``: the CloudWatch dashboards of one stack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from llm_monitor.components._account import with_account
from llm_monitor.components._values import DeployValues, resolve_text
from llm_monitor.dashboard import Dashboard


@dataclass(frozen=True)
class BedrockDashboardsArgs:
    dashboards: Sequence[Dashboard]
    """Dashboard specs from ``llm_monitor.dashboard.build_dashboards``."""
    account_id: pulumi.Input[str]
    """Replaces the account placeholder in the bodies (alarm ARNs)."""
    values: DeployValues = field(default_factory=DeployValues)
    """Replace the deploy-time placeholders (quotas read from Service Quotas, created profiles' IDs)."""


class BedrockDashboards(pulumi.ComponentResource):
    """One ``aws.cloudwatch.Dashboard`` per page of the stack's dashboards."""

    dashboard_names: pulumi.Output[list[str]]
    """Dashboard names, in page order."""
    dashboard_urls: pulumi.Output[list[str]]
    """CloudWatch console links, in page order."""

    def __init__(self, name: str, args: BedrockDashboardsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-monitor:index:BedrockDashboards", name, None, opts)
        account = pulumi.Output.from_input(args.account_id)
        self.dashboards = [
            aws.cloudwatch.Dashboard(
                f"{name}-{page}",
                dashboard_name=spec.name,
                dashboard_body=with_account(spec.body_json(), account).apply(
                    lambda body: resolve_text(body, args.values)
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            for page, spec in enumerate(args.dashboards, start=1)
        ]
        self.dashboard_names = pulumi.Output.all(*[d.dashboard_name for d in self.dashboards])
        # Known from the specs: a link needs only the name and Region, not the created dashboard.
        self.dashboard_urls = pulumi.Output.from_input([spec.url for spec in args.dashboards])
        # Registering outputs marks the component complete and records them in the state.
        self.register_outputs({"dashboardNames": self.dashboard_names, "dashboardUrls": self.dashboard_urls})
