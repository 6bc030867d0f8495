"""Saved Logs Insights queries on the two log groups, as specs (pure; botocore ``logs`` PutQueryDefinition)."""

from __future__ import annotations

from dataclasses import dataclass

from llm_monitor.config.logs import APPLICATION, INVOCATIONS, LogSettings
from llm_monitor.log_filters import APPLICATION_SCHEMA_VERSION

MAX_QUERY_NAME = 255
MAX_QUERY_STRING = 10_000
INSIGHTS_INVOCATION = 'filter schemaType = "ModelInvocationLog"'
INSIGHTS_APPLICATION = f"filter schemaVersion = {APPLICATION_SCHEMA_VERSION}"


@dataclass(frozen=True)
class QuerySpec:
    """One saved Logs Insights query (CloudWatch Logs Insights QL) on one log group."""

    key: str
    group: str
    name: str
    query: str

    def __post_init__(self) -> None:
        if not 1 <= len(self.name) <= MAX_QUERY_NAME:
            raise ValueError(f"query name {self.name!r} must be 1-{MAX_QUERY_NAME} characters")
        if not 1 <= len(self.query) <= MAX_QUERY_STRING:
            raise ValueError(f"query {self.key!r} must be 1-{MAX_QUERY_STRING} characters")


def saved_queries(logs: LogSettings, folder: str) -> list[QuerySpec]:
    """Saved queries, in the console's query folder ``<project>/<stack>/...``.

    Invocation records are documented by AWS except ``errorCode``, which no AWS page lists but
    Elastic's Bedrock integration parses from real records (``aws_bedrock.invocation.error_code``);
    the error query filters on its presence, so it simply finds nothing if the field never comes.
    """
    inv, app = f"{folder}/Bedrock invocations", f"{folder}/Application"
    tokens = "sum(input.inputTokenCount) as inputTokens, sum(output.outputTokenCount) as outputTokens"
    queries = [
        QuerySpec(
            "calls-by-model-and-caller",
            INVOCATIONS,
            f"{inv}/Calls and tokens by model and caller",
            f"{INSIGHTS_INVOCATION}\n| stats count(*) as calls, {tokens} by modelId, identity.arn\n"
            "| sort inputTokens desc\n| limit 100",
        ),
        QuerySpec(
            "largest-calls",
            INVOCATIONS,
            f"{inv}/Largest calls",
            f"{INSIGHTS_INVOCATION}\n| fields input.inputTokenCount + output.outputTokenCount as totalTokens\n"
            "| sort totalTokens desc\n"
            "| display @timestamp, modelId, identity.arn, requestId, input.inputTokenCount, "
            "output.outputTokenCount, totalTokens\n| limit 50",
        ),
        QuerySpec(
            "invocation-errors",
            INVOCATIONS,
            f"{inv}/Errors by code",
            f"{INSIGHTS_INVOCATION} and ispresent(errorCode)\n"
            "| stats count(*) as errors, latest(@timestamp) as lastSeen by errorCode, modelId, identity.arn\n"
            "| sort errors desc",
        ),
        # Masked values are stored masked: searching for them needs `unmask(@message)` and the
        # logs:Unmask permission. Replace the placeholder with the text to look for.
        QuerySpec(
            "prompt-search",
            INVOCATIONS,
            f"{inv}/Prompt and response search",
            f"{INSIGHTS_INVOCATION}\n| filter @message like /(?i)REPLACE WITH SEARCH TEXT/\n"
            "| fields @timestamp, modelId, identity.arn, requestId, @message\n| sort @timestamp desc\n| limit 50",
        ),
        QuerySpec(
            "calls-by-app-and-model",
            APPLICATION,
            f"{app}/Calls, tokens and latency by app and model",
            f"{INSIGHTS_APPLICATION}\n| stats count(*) as calls, sum(inputTokens) as inTokens, "
            "sum(outputTokens) as outTokens, avg(latencyMs) as avgLatencyMs, pct(latencyMs, 90) as p90LatencyMs "
            "by app, modelId\n| sort calls desc",
        ),
        QuerySpec(
            "slowest-calls",
            APPLICATION,
            f"{app}/Slowest calls",
            f"{INSIGHTS_APPLICATION} and ispresent(latencyMs)\n| sort latencyMs desc\n"
            "| display @timestamp, app, modelId, operation, status, latencyMs, timeToFirstTokenMs, inputTokens, "
            "outputTokens, requestId\n| limit 50",
        ),
        QuerySpec(
            "application-errors",
            APPLICATION,
            f"{app}/Errors by code",
            f'{INSIGHTS_APPLICATION} and status = "error"\n'
            "| stats count(*) as errors, latest(@timestamp) as lastSeen by errorCode, app, modelId\n"
            "| sort errors desc",
        ),
        QuerySpec(
            "application-usage-by-tenant",
            APPLICATION,
            f"{app}/Usage by tenant",
            f"{INSIGHTS_APPLICATION} and ispresent(tenant)\n| stats count(*) as calls, sum(inputTokens) as inTokens, "
            "sum(outputTokens) as outTokens by tenant, app\n| sort inTokens desc",
        ),
    ]
    if logs.tenant_metadata_key:
        tenant = f"requestMetadata.{logs.tenant_metadata_key}"
        queries.append(
            QuerySpec(
                "usage-by-tenant",
                INVOCATIONS,
                f"{inv}/Usage by tenant",
                f"{INSIGHTS_INVOCATION} and ispresent({tenant})\n"
                f"| stats count(*) as calls, {tokens} by {tenant}, modelId\n| sort inputTokens desc",
            )
        )
    return queries
