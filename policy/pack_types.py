"""Pulumi type tokens of the AWS resources the policies look at (a copy of the program's
``llm_monitor/resource_types.py`` subset: the pack runs in its own virtualenv, without the program)."""

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
DATA_PROTECTION = "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy"
ACCOUNT_POLICY = "aws:cloudwatch/logAccountPolicy:LogAccountPolicy"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
IAM_POLICY = "aws:iam/policy:Policy"
KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
KEY_ALIAS = "aws:kms/alias:Alias"
INVOCATION_LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"

#: Inline identity policies: embedded in one principal, never reviewed or reused on their own.
INLINE_POLICIES = (ROLE_POLICY, USER_POLICY, GROUP_POLICY)
#: Identity-based policies (their ``Resource`` names what the principal may act on).
IDENTITY_POLICIES = (IAM_POLICY, *INLINE_POLICIES)
#: Resource-based policies whose ``Principal`` says who may use a key or topic.
KEY_POLICIES = (KEY, KEY_POLICY)
TOPIC_POLICIES = (TOPIC, TOPIC_POLICY)
