"""Log components: encrypted, masked log groups; Bedrock invocation logging; metric filters and
saved queries. Each turns part of a ``llm_monitor.logs.LogSpec`` into resources."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from llm_monitor.components._account import with_account
from llm_monitor.components._secrecy import Secrecy
from llm_monitor.logs import INVOCATIONS, InvocationLoggingSpec, LogSpec


@dataclass(frozen=True)
class InvocationLogsArgs:
    spec: LogSpec
    """From ``llm_monitor.logs.build_log_spec``."""
    account_id: pulumi.Input[str]
    """Replaces the account placeholder in the key and role policies."""
    secrecy: Secrecy = field(default_factory=Secrecy)
    """Tags, and whether the large-data bucket is a secret."""


class LogGroups(pulumi.ComponentResource):
    """The customer-managed key and the two log groups it encrypts, each with its data-protection policy."""

    kms_key_arn: pulumi.Output[str]
    log_groups: dict[str, aws.cloudwatch.LogGroup]
    """By spec key (``invocations``, ``application``)."""

    def __init__(self, name: str, args: InvocationLogsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-monitor:index:LogGroups", name, None, opts)
        spec, account = args.spec, pulumi.Output.from_input(args.account_id)
        # Months of prompts and completions live here. retain_on_delete always: `pulumi destroy`
        # and replacements leave the groups (and the key that decrypts them) in the account
        # instead of deleting them. protect (config switch): Pulumi refuses to delete or replace
        # them at all, and CloudWatch Logs deletion protection blocks deletes from outside.
        #
        # Logical names are fixed (component name + group key), never derived from the
        # configured log group names: renaming a group in config then changes only the physical
        # name of the same resource, which Pulumi plans as a replacement, refused while
        # protected. (A name-derived logical name would turn a rename into an unrelated delete
        # plus create.) An unprotected rename keeps the old group, but the key policy then names
        # only the new one, so reading the old group needs its ARN added back to the policy.
        keep = pulumi.ResourceOptions(parent=self, protect=spec.protect, retain_on_delete=True)
        tags = args.secrecy.tags
        self.key = aws.kms.Key(
            f"{name}-key", **spec.key_inputs(), policy=with_account(spec.key_policy, account), tags=tags, opts=keep
        )
        aws.kms.Alias(
            f"{name}-key-alias",
            name=spec.key_alias,
            target_key_id=self.key.key_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.log_groups = {}
        self.data_protection: dict[str, aws.cloudwatch.LogDataProtectionPolicy] = {}
        for group in spec.groups:
            log_group = aws.cloudwatch.LogGroup(
                f"{name}-{group.key}",
                **group.inputs(protect=spec.protect),
                kms_key_id=self.key.arn,
                tags=tags,
                opts=keep,
            )
            # The masking lives exactly as long as its group: a destroy (or `--exclude-protected`)
            # that kept the group but deleted the policy would leave applications writing to it
            # unmasked.
            self.data_protection[group.key] = aws.cloudwatch.LogDataProtectionPolicy(
                f"{name}-{group.key}-data-protection",
                log_group_name=log_group.name,
                policy_document=group.data_protection_policy,
                opts=keep,
            )
            self.log_groups[group.key] = log_group
        self.kms_key_arn = self.key.arn
        self.register_outputs({"kmsKeyArn": self.kms_key_arn})


class BedrockInvocationLogging(pulumi.ComponentResource):
    """The account's and Region's model invocation logging, into the invocation log group.

    Exactly one such configuration exists per account and Region (``PUT /logging/modelinvocations``):
    create this component in one stack per account and Region only.
    """

    def __init__(
        self,
        name: str,
        spec: InvocationLoggingSpec,
        log_group: aws.cloudwatch.LogGroup,
        masking: aws.cloudwatch.LogDataProtectionPolicy,
        account_id: pulumi.Input[str],
        secrecy: Secrecy,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("llm-monitor:index:BedrockInvocationLogging", name, None, opts)
        account = pulumi.Output.from_input(account_id)
        role = aws.iam.Role(
            f"{name}-role",
            description="Lets Amazon Bedrock write model invocation logs to CloudWatch Logs",
            assume_role_policy=with_account(spec.trust_policy, account),
            tags=secrecy.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        # A customer-managed policy attached to the role rather than an inline one: it can be
        # reviewed, versioned and reused on its own (cdk-nag NIST 800-53 rule IAMNoInlinePolicy).
        permissions: pulumi.Input[str] = with_account(spec.permissions_policy, account)
        policy = aws.iam.Policy(
            f"{name}-policy",
            description="Lets Amazon Bedrock write model invocation logs to one log stream",
            # It names the large-data bucket, when there is one.
            policy=secrecy.keep("logs", permissions) if spec.large_data_bucket else permissions,
            tags=secrecy.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        attachment = aws.iam.RolePolicyAttachment(
            f"{name}-policy-attachment",
            role=role.id,
            policy_arn=policy.arn,
            opts=pulumi.ResourceOptions(parent=self),
        )
        # The SDK's typed args at every level: a misspelled or missing key fails when the program
        # runs (tests and preview included), not at `pulumi up`.
        config = spec.logging_config(log_group.name, role.arn)
        cloudwatch = dict(config.pop("cloudwatch_config"))
        if "large_data_delivery_s3_config" in cloudwatch:
            s3 = {k: secrecy.keep("logs", v) for k, v in cloudwatch["large_data_delivery_s3_config"].items()}
            cloudwatch["large_data_delivery_s3_config"] = (
                aws.bedrockmodel.InvocationLoggingConfigurationLoggingConfigCloudwatchConfigLargeDataDeliveryS3ConfigArgs(
                    **s3
                )
            )
        self.configuration = aws.bedrockmodel.InvocationLoggingConfiguration(
            f"{name}-configuration",
            logging_config=aws.bedrockmodel.InvocationLoggingConfigurationLoggingConfigArgs(
                **config,
                cloudwatch_config=aws.bedrockmodel.InvocationLoggingConfigurationLoggingConfigCloudwatchConfigArgs(
                    **cloudwatch
                ),
            ),
            # After the write permission is attached, as in the provider's example: Bedrock validates
            # the destination. After the masking policy too: it applies only to events ingested once
            # it exists.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[attachment, masking]),
        )
        self.register_outputs({"roleArn": role.arn})


class LogInsights(pulumi.ComponentResource):
    """Metric filters and saved Logs Insights queries on the log groups."""

    def __init__(
        self,
        name: str,
        spec: LogSpec,
        log_groups: dict[str, aws.cloudwatch.LogGroup],
        tags: dict[str, pulumi.Input[str]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("llm-monitor:index:LogInsights", name, None, opts)
        for f in spec.filters:
            inputs = f.inputs()
            # Typed args: a misspelled or missing key fails when the program runs, not at `pulumi up`.
            transformation = aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                **inputs.pop("metric_transformation")
            )
            aws.cloudwatch.LogMetricFilter(
                f"{name}-{f.key}",
                **inputs,
                metric_transformation=transformation,
                log_group_name=log_groups[f.group].name,
                opts=pulumi.ResourceOptions(parent=self),
            )
        for rule in spec.contributors:
            group = log_groups[rule.group]
            aws.cloudwatch.ContributorInsightRule(
                f"{name}-contributors-{rule.key}",
                rule_name=rule.name,
                rule_definition=group.name.apply(rule.definition),
                rule_state="ENABLED",
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[group]),
            )
        for q in spec.queries:
            aws.cloudwatch.QueryDefinition(
                f"{name}-query-{q.key}",
                name=q.name,
                query_string=q.query,
                log_group_names=[log_groups[q.group].name],
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({})


class InvocationLogs(pulumi.ComponentResource):
    """``llm-monitor:index:InvocationLogs``: log groups, Bedrock invocation logging (when this stack
    owns it), metric filters and saved queries."""

    log_group_names: pulumi.Output[list[str]]
    """Invocation log group, then application log group."""
    kms_key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: InvocationLogsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("llm-monitor:index:InvocationLogs", name, None, opts)
        spec = args.spec
        groups = LogGroups(f"{name}-groups", args, opts=pulumi.ResourceOptions(parent=self))
        if spec.logging is not None:
            BedrockInvocationLogging(
                f"{name}-bedrock",
                spec.logging,
                groups.log_groups[INVOCATIONS],
                groups.data_protection[INVOCATIONS],
                args.account_id,
                args.secrecy,
                opts=pulumi.ResourceOptions(parent=self),
            )
        LogInsights(
            f"{name}-insights", spec, groups.log_groups, args.secrecy.tags, opts=pulumi.ResourceOptions(parent=self)
        )
        self.log_group_names = pulumi.Output.all(*[groups.log_groups[g.key].name for g in spec.groups])
        self.kms_key_arn = groups.kms_key_arn
        self.register_outputs({"logGroupNames": self.log_group_names, "kmsKeyArn": self.kms_key_arn})
