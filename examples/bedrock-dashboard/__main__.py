"""The AWS CDK construct BedrockCwDashboard's own example: two models with prices, and the all-models section.

CDK: ``new BedrockCwDashboard(...)``, ``addAllModelsMonitoring()`` and one ``addModelMonitoring(label,
id, {inputTokenPrice, outputTokenPrice})`` per model. Here: the models, and the dashboards part
(the account-wide section is on by default). Preview it offline:
``python -m llm_monitor preview --program examples/bedrock-dashboard --stack dev --out build/example``.
"""

import pulumi

from llm_monitor import BedrockMonitoring

models = [
    {
        "label": "Claude 3 Haiku",
        "id": "anthropic.claude-3-haiku-20240307-v1:0",
        "input_token_price": 0.00025,
        "output_token_price": 0.00125,
    },
    {
        "label": "Claude 3 Sonnet",
        "id": "anthropic.claude-3-sonnet-20240229-v1:0",
        "input_token_price": 0.003,
        "output_token_price": 0.015,
    },
]
monitoring = BedrockMonitoring("bedrock", {"models": models, "parts": ["dashboards"]})
pulumi.export("dashboardUrls", monitoring.dashboard_urls)
