"""llm-monitor: CloudWatch monitoring for Amazon Bedrock models, one stack per environment.

The stack config (``llm-monitor:*``) is ``BedrockMonitoring``'s arguments, key for key.
"""

import pulumi

from llm_monitor import BedrockMonitoring
from llm_monitor.stack import aws_provider, moved_from_0_1, read_args, secret_sections

args = read_args()
provider = aws_provider(args["region"])
monitoring = BedrockMonitoring(
    "monitoring",
    args,  # type: ignore[arg-type]  # the config as plain values; the component validates them
    pulumi.ResourceOptions(providers=[provider], transformations=[moved_from_0_1("monitoring")]),
    secret_sections=secret_sections(),
)
for output, value in monitoring.output_values().items():
    pulumi.export(output, value)
