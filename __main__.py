"""llm-monitor: CloudWatch monitoring for Amazon Bedrock models, one stack per environment."""

import pulumi
import pulumi_aws as aws

from llm_monitor.components import BedrockDashboards, BedrockDashboardsArgs
from llm_monitor.dashboard import build_dashboards
from llm_monitor.stack import aws_provider, read_settings

settings = read_settings()
provider = aws_provider(settings)
account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider)).account_id

dashboards = BedrockDashboards(
    "dashboards",
    BedrockDashboardsArgs(
        dashboards=build_dashboards(settings, project=pulumi.get_project(), stack=pulumi.get_stack()),
        account_id=account_id,
        region=settings.region,
    ),
    opts=pulumi.ResourceOptions(providers=[provider]),
)

pulumi.export("dashboardNames", dashboards.dashboard_names)
pulumi.export("dashboardUrls", dashboards.dashboard_urls)
