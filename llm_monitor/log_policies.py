"""Policies of the logs layer as data (pure): the key policy of the log groups' key, the Bedrock
logging role's trust and permissions policies, the data-protection policy of each group, and the
bucket and key policies a large-data bucket needs (the bucket is not this stack's: see README).

Limits come from the botocore ``logs`` model (PutDataProtectionPolicy) unless a comment says otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llm_monitor.aws import arn, dns_suffix, log_group_arn, partition
from llm_monitor.config import NAMESPACE, LimitError
from llm_monitor.config.logs import CustomDataIdentifier
from llm_monitor.iam import Statement, key_admin_statement, policy_document, to_json

#: The stream Bedrock writes every invocation record to (Bedrock user guide, CloudWatch Logs destination).
BEDROCK_LOG_STREAM = "aws/bedrock/modelinvocations"
BEDROCK_PRINCIPAL = "bedrock.amazonaws.com"
#: Bedrock puts request and response bodies up to this size into each record; larger ones, and all
#: binary data (images, video), go to the large-data bucket only (Bedrock user guide, "Monitor model
#: invocation using CloudWatch Logs and Amazon S3").
MAX_INLINE_BODY_KB = 100
MAX_DATA_PROTECTION_POLICY = 30_720
DATA_PROTECTION_VERSION = "2021-06-01"


def key_policy(region: str, account: str, log_group_names: Sequence[str]) -> dict[str, Any]:
    """The logs key: the account administers it; CloudWatch Logs in this Region may use it for
    these log groups only (encryption-context condition), as the CloudWatch Logs guide
    ("Encrypt log data in CloudWatch Logs using AWS KMS") prescribes."""
    return policy_document(
        key_admin_statement(region, account),
        {
            "Sid": "AllowCloudWatchLogsForTheseLogGroups",
            "Effect": "Allow",
            "Principal": {"Service": f"logs.{region}.{dns_suffix(region)}"},
            "Action": ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
            "Resource": "*",
            "Condition": {
                "ArnEquals": {
                    "kms:EncryptionContext:aws:logs:arn": sorted(
                        log_group_arn(region, account, name) for name in log_group_names
                    )
                }
            },
        },
    )


def from_bedrock(region: str, account: str) -> dict[str, Any]:
    """The confused-deputy conditions of every Bedrock grant: requests Bedrock makes for this account
    in this Region (``aws:SourceAccount``, ``aws:SourceArn``), as the Bedrock user guide writes them."""
    return {
        "StringEquals": {"aws:SourceAccount": account},
        "ArnLike": {"aws:SourceArn": arn(region, "bedrock", account, "*")},
    }


def logging_role_trust_policy(region: str, account: str) -> dict[str, Any]:
    """Only Bedrock, acting for this account in this Region, may assume the logging role."""
    return policy_document(
        {
            "Sid": "BedrockModelInvocationLogging",
            "Effect": "Allow",
            "Principal": {"Service": BEDROCK_PRINCIPAL},
            "Action": "sts:AssumeRole",
            "Condition": from_bedrock(region, account),
        }
    )


def large_data_objects(region: str, account: str, bucket: str, key_prefix: str) -> str:
    """ARN pattern of the objects Bedrock writes: ``<keyPrefix>/AWSLogs/<account>/BedrockModelInvocationLogs/``."""
    prefix = f"{key_prefix}/" if key_prefix else ""
    return f"arn:{partition(region)}:s3:::{bucket}/{prefix}AWSLogs/{account}/BedrockModelInvocationLogs/*"


def large_data_bucket_policy(region: str, account: str, bucket: str, key_prefix: str) -> dict[str, Any]:
    """The bucket policy Bedrock needs to write large bodies and binary data: ``s3:PutObject`` under
    its prefix only, for this account and Region (Bedrock user guide, "Set up an Amazon S3
    destination", step 2; the statement is AWS's, with this stack's values)."""
    return policy_document(
        {
            "Sid": "AmazonBedrockLogsWrite",
            "Effect": "Allow",
            "Principal": {"Service": BEDROCK_PRINCIPAL},
            "Action": ["s3:PutObject"],
            "Resource": [large_data_objects(region, account, bucket, key_prefix)],
            "Condition": from_bedrock(region, account),
        }
    )


def large_data_key_statement(region: str, account: str) -> Statement:
    """For a bucket encrypted with SSE-KMS: the statement its key policy needs so that Bedrock can
    write (``kms:GenerateDataKey``, same conditions; "Set up an Amazon S3 destination", step 3)."""
    return {
        "Sid": "AllowBedrockInvocationLogsToS3",
        "Effect": "Allow",
        "Principal": {"Service": BEDROCK_PRINCIPAL},
        "Action": "kms:GenerateDataKey",
        "Resource": "*",
        "Condition": from_bedrock(region, account),
    }


def logging_role_permissions_policy(region: str, account: str, log_group_name: str) -> dict[str, Any]:
    """Create and write the one stream Bedrock uses. Built from the group's *name*: a log-group
    ARN as returned by the API ends in ``:*`` and would give an invalid stream ARN."""
    statement: Statement = {
        "Sid": "WriteModelInvocationLogStream",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": f"{log_group_arn(region, account, log_group_name)}:log-stream:{BEDROCK_LOG_STREAM}",
    }
    return policy_document(statement)


def data_identifier_arn(region: str, identifier: str) -> str:
    """``arn:<partition>:dataprotection::aws:data-identifier/<Id>`` (managed identifiers)."""
    return f"arn:{partition(region)}:dataprotection::aws:data-identifier/{identifier}"


def data_protection_policy(
    region: str, name: str, managed: Sequence[str], custom: Sequence[CustomDataIdentifier]
) -> dict[str, Any]:
    """Audit and mask: the two statements PutDataProtectionPolicy requires, with identical
    identifier lists. The audit statement is required; its empty ``FindingsDestination`` writes
    no findings reports (no further destination to create and secure). Custom identifiers are
    referred to by name."""
    identifiers = [data_identifier_arn(region, i) for i in managed] + [c.name for c in custom]
    document: dict[str, Any] = {
        "Name": name,
        "Description": "Audit and mask sensitive data in LLM prompts, completions and application logs",
        "Version": DATA_PROTECTION_VERSION,
        "Statement": [
            {
                "Sid": "audit",
                "DataIdentifier": identifiers,
                "Operation": {"Audit": {"FindingsDestination": {}}},
            },
            {
                "Sid": "redact",
                "DataIdentifier": list(identifiers),
                "Operation": {"Deidentify": {"MaskConfig": {}}},
            },
        ],
    }
    if custom:
        document["Configuration"] = {"CustomDataIdentifier": [{"Name": c.name, "Regex": c.regex} for c in custom]}
    size = len(to_json(document))
    if size > MAX_DATA_PROTECTION_POLICY:
        raise LimitError(
            f"data-protection policy {name!r}: {size} characters (max {MAX_DATA_PROTECTION_POLICY})",
            f"{NAMESPACE}:logs.dataProtection",
        )
    return document
