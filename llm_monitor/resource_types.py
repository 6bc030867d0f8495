"""Pulumi type tokens of the AWS resources this program registers (as ``resources.json`` records them).

For code that reads registered resources: the preview's cost estimate, report and mocks, the
benchmark and the tests. (The policy pack keeps its own copy: it runs in its own virtualenv.)
"""

DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
DATA_PROTECTION = "aws:cloudwatch/logDataProtectionPolicy:LogDataProtectionPolicy"
METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
QUERY_DEFINITION = "aws:cloudwatch/queryDefinition:QueryDefinition"
CONTRIBUTOR_RULE = "aws:cloudwatch/contributorInsightRule:ContributorInsightRule"
KMS_KEY = "aws:kms/key:Key"
KMS_ALIAS = "aws:kms/alias:Alias"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
TOPIC_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
INVOCATION_LOGGING = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
INFERENCE_PROFILE = "aws:bedrock/inferenceProfile:InferenceProfile"
OAM_SINK = "aws:oam/sink:Sink"
OAM_SINK_POLICY = "aws:oam/sinkPolicy:SinkPolicy"
OAM_LINK = "aws:oam/link:Link"
STACK_REFERENCE = "pulumi:pulumi:StackReference"
