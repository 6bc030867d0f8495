"""Stack-wide alarms (notify by default): invocation-log delivery failing or stopping, the alarm
topic failing to deliver, and an error rate per named application."""

from __future__ import annotations

from llm_monitor import catalogue as cat
from llm_monitor.alarms import errors
from llm_monitor.alarms.specs import ABOVE, AT_OR_ABOVE, MetricAlarmSpec, Query, alarm_name, window
from llm_monitor.aws import safe_name
from llm_monitor.config import Settings
from llm_monitor.config.alarm_kinds import AlarmRule
from llm_monitor.mathexpr import fill_sum

#: Metric queries a math alarm may hold, less the delivered-records one.
MAX_MODELS_WATCHED_FOR_DELIVERY = 9


def alarm_topic_name(prefix: str) -> str:
    """The stack's alarm topic (SNS names take letters, digits, ``-`` and ``_``)."""
    return safe_name(f"{prefix}-alarms")


def stack_alarms(settings: Settings, prefix: str) -> list[MetricAlarmSpec]:
    rules = settings.alarms
    specs = []
    # Invocation logging and the application metric filters are the logs part's: without it there
    # is nothing for these alarms to watch.
    logs = settings.builds("logs")
    if logs and settings.logs.invocation_logging.enabled:
        if rules.log_delivery_failures.enabled:
            specs.append(_delivery_failures(prefix, settings))
        if rules.log_delivery_stopped.enabled and settings.local_models:
            specs.append(_delivery_stopped(prefix, settings))
    if rules.notification_failures.enabled:
        specs.append(_notification_failures(prefix, settings))
    rule = rules.applications
    if logs and rule.enabled:
        for app in rule.names:
            specs.append(
                stack_spec(
                    f"app-{app}-error-rate",
                    "application-error-rate",
                    prefix,
                    rule,
                    errors.application_text(rule, "application"),
                    f"Application {app}",
                    comparison=ABOVE,
                    threshold=rule.threshold,
                    queries=errors.application_queries(
                        rule, settings.logs.application_namespace, (cat.APPLICATION, app)
                    ),
                )
            )
    return specs


def stack_spec(
    key: str, kind: str, prefix: str, rule: AlarmRule, text: tuple[str, str, str], subject: str, **fields: object
) -> MetricAlarmSpec:
    condition, consequence, check_first = text
    when = window(rule.period_seconds, rule.evaluation_periods, rule.datapoints_to_alarm)
    return MetricAlarmSpec(
        key=key,
        name=alarm_name(prefix, key),
        kind=kind,
        model=None,
        urgency=rule.urgency,
        meaning=f"{subject}: {condition}, {when}. {consequence}.",
        check_first=check_first,
        evaluation_periods=rule.evaluation_periods,
        datapoints_to_alarm=rule.datapoints_to_alarm,
        **fields,  # type: ignore[arg-type]
    )


def _delivery_failures(prefix: str, settings: Settings) -> MetricAlarmSpec:
    rule = settings.alarms.log_delivery_failures
    metric = cat.LOGS_CLOUDWATCH_DELIVERY_FAILURE
    return stack_spec(
        "invocation-log-delivery-failures",
        "invocation-log-delivery-failures",
        prefix,
        rule,
        (
            f"{rule.threshold} or more {metric.name}",
            "Bedrock could not write invocation-log records to CloudWatch Logs; those records are lost",
            "The logging role's permissions, the log group's KMS key policy and whether the log group still exists.",
        ),
        "Invocation logging",
        comparison=AT_OR_ABOVE,
        threshold=rule.threshold,
        metric=metric,
        period=rule.period_seconds,
        statistic="Sum",
    )


def _delivery_stopped(prefix: str, settings: Settings) -> MetricAlarmSpec:
    """Invocations without records: Bedrock's delivery metrics go quiet rather than fail when the
    account's logging configuration is deleted or points at another stack's log group."""
    rule = settings.alarms.log_delivery_stopped
    p = rule.period_seconds
    # By name, so that reordering the model list changes nothing.
    # Only models of the stack's Region: another Region's invocations are logged there.
    watched = sorted(settings.local_models, key=lambda m: m.name)[:MAX_MODELS_WATCHED_FOR_DELIVERY]
    queries = [Query("ok", "Records delivered", cat.LOGS_CLOUDWATCH_DELIVERY_SUCCESS, (), "Sum", p)]
    # Ids from the models' names, so that adding a model adds one query and changes no other.
    ids = [f"inv_{m.name.replace('-', '_')}" for m in watched]
    queries += [
        Query(id, f"{m.name} invocations", cat.INVOCATIONS, ((cat.MODEL_ID, m.id),), "Sum", p)
        for id, m in zip(ids, watched, strict=True)
    ]
    traffic = fill_sum(ids)
    queries += [
        Query("traffic", "Invocations of the stack's models", expression=traffic),
        Query(
            "stopped",
            "Invocations without a delivered record (1)",
            expression=f"IF(traffic >= {rule.min_invocations} AND FILL(ok,0) == 0, 1, 0)",
            return_data=True,
        ),
    ]
    shown = ", ".join(m.name for m in watched) + (
        " (the first 9 models)" if len(settings.local_models) > len(watched) else ""
    )
    return stack_spec(
        "invocation-log-delivery-stopped",
        "invocation-log-delivery-stopped",
        prefix,
        rule,
        (
            f"at least {rule.min_invocations} invocations of {shown} and no invocation-log record delivered",
            "Bedrock no longer writes invocation logs here: logging was switched off, or another stack "
            "configured the account's invocation logging for this Region",
            "`aws bedrock get-model-invocation-logging-configuration` in this Region: which log group it names, "
            "and which stack manages it (one stack per account and Region owns it).",
        ),
        "Invocation logging",
        comparison=AT_OR_ABOVE,
        threshold=1,
        queries=tuple(queries),
    )


def _notification_failures(prefix: str, settings: Settings) -> MetricAlarmSpec:
    rule = settings.alarms.notification_failures
    metric = cat.NOTIFICATIONS_FAILED
    topic = alarm_topic_name(prefix)
    return stack_spec(
        "notification-failures",
        "notification-failures",
        prefix,
        rule,
        (
            f"{rule.threshold} or more {metric.name} on the alarm topic {topic}",
            "Some subscribers are not receiving alarm notifications",
            "The topic's subscriptions in the SNS console (an HTTPS endpoint that rejects or times out, a "
            "subscription pending confirmation) and the topic's delivery-status logging, if enabled.",
        ),
        "Alarm notifications",
        comparison=AT_OR_ABOVE,
        threshold=rule.threshold,
        metric=metric,
        dimensions=((cat.TOPIC_NAME, topic),),
        period=rule.period_seconds,
        statistic="Sum",
    )
