"""AWS naming facts: partition, console host and ARNs (which depend only on the Region), safe names.

Pure functions; no Pulumi imports.
"""

from __future__ import annotations

import re
from urllib.parse import quote


def partition(region: str) -> str:
    """The ARN partition of a Region (``aws``, ``aws-cn``, ``aws-us-gov``, ``aws-iso``...)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("eu-isoe-"):
        return "aws-iso-e"
    return "aws"


def dns_suffix(region: str) -> str:
    """Service endpoint suffix (used in service principals such as ``logs.<region>.<suffix>``)."""
    return {"aws-cn": "amazonaws.com.cn", "aws-iso": "c2s.ic.gov", "aws-iso-b": "sc2s.sgov.gov"}.get(
        partition(region), "amazonaws.com"
    )


def _console_host(region: str) -> str:
    part = partition(region)
    if part == "aws-cn":
        return f"{region}.console.amazonaws.cn"
    if part == "aws-us-gov":
        # GovCloud has one console host for both Regions.
        return "console.amazonaws-us-gov.com"
    return f"{region}.console.aws.amazon.com"


def dashboard_url(region: str, dashboard_name: str) -> str:
    """CloudWatch console link to a dashboard.

    ``#dashboards:name=`` is the form the console has always redirected from (the newer
    ``#dashboards/dashboard/<name>`` form is not recognised in every partition).
    """
    return (
        f"https://{_console_host(region)}/cloudwatch/home?region={region}"
        f"#dashboards:name={quote(dashboard_name, safe='')}"
    )


def safe_name(text: str) -> str:
    """``text`` with every character but letters, digits, ``-`` and ``_`` replaced by ``-``.

    What SNS topic names and KMS alias names (after ``alias/``) accept; Pulumi project and stack
    names may also contain dots.
    """
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def arn(region: str, service: str, account: str, resource: str, *, regional: bool = True) -> str:
    """``arn:<partition>:<service>:<region>:<account>:<resource>``."""
    return f"arn:{partition(region)}:{service}:{region if regional else ''}:{account}:{resource}"


def alarm_arn(region: str, account: str, alarm_name: str) -> str:
    return arn(region, "cloudwatch", account, f"alarm:{alarm_name}")


def log_group_arn(region: str, account: str, log_group_name: str) -> str:
    return arn(region, "logs", account, f"log-group:{log_group_name}")


#: Stands for the deploying account's ID in strings built by the pure layer (alarm ARNs in
#: dashboard bodies); the Pulumi layer replaces it once the caller identity is known.
ACCOUNT_ID_TOKEN = "${AWS::AccountId}"
