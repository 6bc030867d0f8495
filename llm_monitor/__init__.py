"""llm-monitor: production CloudWatch monitoring for Amazon Bedrock, as a Pulumi program."""
