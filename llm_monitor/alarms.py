"""CloudWatch alarms for the stack's Bedrock models, generated from the metric catalogue and settings.

Pure: no Pulumi imports. ``build_alarms`` returns an ``AlarmPlan``: one spec per alarm (the
arguments of ``PutMetricAlarm`` / ``PutCompositeAlarm`` minus the actions, which need the topic),
the threshold lines the dashboards draw, and the alarm ARNs for the dashboards' alarm-status
widget. The Pulumi layer only turns the specs into resources.

Semantics (PutMetricAlarm and MetricDataQuery in the botocore ``cloudwatch`` model):

- Bedrock publishes only while a model has traffic, so every alarm treats missing data as
  ``notBreaching``: an idle model stays OK and never pages anyone.
- Percentiles go in ``ExtendedStatistic`` (``Statistic`` takes only SampleCount, Average, Sum,
  Minimum and Maximum).
- A metric-math alarm retrieves at most 10 metrics and returns exactly one series, except an
  anomaly-band alarm, which returns the metric and its band and names the band in
  ``ThresholdMetricId`` (the documented shape).
- A composite rule names at most 100 alarms in at most 10,240 characters; larger stacks get
  part roll-ups under the top one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from llm_monitor import catalogue as cat
from llm_monitor.aws import ACCOUNT_ID_TOKEN, alarm_arn
from llm_monitor.catalogue import Metric
from llm_monitor.config import Settings
from llm_monitor.config.alarms import (
    AlarmRule,
    AlarmSettings,
    CostAlarm,
    ErrorRateAlarm,
    InvocationAnomalyAlarm,
    PercentileRule,
    QuotaAlarm,
    ServerErrorsAlarm,
    ThrottleRateAlarm,
    ThrottlesAlarm,
    check_percentile,
    max_window,
)
from llm_monitor.config.models import ModelSettings
from llm_monitor.dashboard import Dashboard
from llm_monitor.mathexpr import ATTEMPTS, ERRORS, REQUESTS, TOKEN_KINDS, number

# CloudWatch limits (botocore cloudwatch model: AlarmName, AlarmDescription, AlarmRule, PutMetricAlarm.Metrics).
MAX_ALARM_NAME = 255
MAX_DESCRIPTION = 1024
MAX_RULE = 10_240
MAX_CHILDREN = 100
MAX_METRICS_PER_MATH_ALARM = 10
MAX_EXPRESSIONS_PER_MATH_ALARM = 10
#: Statistics that go in ``Statistic``; anything else must be a percentile in ``ExtendedStatistic``.
PLAIN_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
#: Bedrock sends data only while a model is used: no data means "nothing wrong", never a page.
TREAT_MISSING_DATA = "notBreaching"

ABOVE = "GreaterThanThreshold"
AT_OR_ABOVE = "GreaterThanOrEqualToThreshold"
#: Anomaly-band comparisons by ``direction`` (valid only with ThresholdMetricId).
BAND_COMPARISONS = {
    "above": "GreaterThanUpperThreshold",
    "below": "LessThanLowerThreshold",
    "outside": "LessThanLowerOrGreaterThanUpperThreshold",
}
THRESHOLD_COLOUR = "#d62728"

Dimensions = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Query:
    """One MetricDataQuery of a metric-math alarm: a catalogued metric or an expression."""

    id: str
    label: str
    metric: Metric | None = None
    dimensions: Dimensions = ()
    stat: str | None = None
    period: int | None = None
    expression: str | None = None
    return_data: bool = False

    def inputs(self) -> dict[str, Any]:
        """The ``metric_queries`` item of ``aws.cloudwatch.MetricAlarm``."""
        if self.metric is None:
            return {"id": self.id, "label": self.label, "expression": self.expression, "return_data": self.return_data}
        metric: dict[str, Any] = {
            "namespace": self.metric.namespace,
            "metric_name": self.metric.name,
            "stat": self.stat,
            "period": self.period,
        }
        if self.dimensions:
            metric["dimensions"] = dict(self.dimensions)
        return {"id": self.id, "label": self.label, "metric": metric, "return_data": self.return_data}


@dataclass(frozen=True)
class MetricAlarmSpec:
    """One ``PutMetricAlarm``: a single metric, or metric math over catalogued metrics."""

    key: str
    """Unique in the stack; the component's child resource is named ``<component>-<key>``."""
    name: str
    kind: str
    model: str | None
    """The model's name, or None for stack-wide alarms."""
    meaning: str
    check_first: str
    comparison: str
    evaluation_periods: int
    datapoints_to_alarm: int
    threshold: float | None = None
    metric: Metric | None = None
    dimensions: Dimensions = ()
    period: int | None = None
    statistic: str | None = None
    """A plain statistic (Sum...) or a percentile (p90), which goes in ExtendedStatistic."""
    queries: tuple[Query, ...] = ()
    threshold_metric_id: str | None = None
    """The ANOMALY_DETECTION_BAND query of a band alarm."""
    dashboard: str | None = None
    """Console link to the dashboard that shows the alarm's model."""
    notify: bool = True
    """Send ALARM and OK to the stack's topic."""
    page: bool = False
    """Also send ALARM and OK to the extra topics of ``llm-monitor:notifications.topicArns``."""

    def __post_init__(self) -> None:
        _check_name(self.name)
        if self.metric is not None:
            _check_period(self.name, self.period)
            _check_statistic(self.name, self.metric, self.statistic)
            if not self.metric.has_dimensions(tuple(n for n, _ in self.dimensions)):
                raise ValueError(f"alarm {self.name}: {self.metric.name} is not published with {self.dimensions}")
            periods = [self.period or 0]
        else:
            _check_queries(self.name, self.queries, self.threshold_metric_id)
            periods = [q.period or 0 for q in self.queries if q.metric is not None]
        if (self.threshold is None) != (self.threshold_metric_id is not None):
            raise ValueError(f"alarm {self.name}: a static threshold or an anomaly band, exactly one")
        if not 1 <= self.datapoints_to_alarm <= self.evaluation_periods:
            raise ValueError(f"alarm {self.name}: M of N needs 1 ≤ M ≤ N")
        for period in periods:
            limit = max_window(period)
            if period * self.evaluation_periods > limit:
                raise ValueError(f"alarm {self.name}: evaluation window over {limit} s")
        _check_description(self.name, self.description)

    @property
    def description(self) -> str:
        return _description(self.meaning, self.check_first, self.dashboard)

    def inputs(self) -> dict[str, Any]:
        """Arguments of ``aws.cloudwatch.MetricAlarm`` other than the actions."""
        inputs: dict[str, Any] = {
            "name": self.name,
            "alarm_description": self.description,
            "comparison_operator": self.comparison,
            "evaluation_periods": self.evaluation_periods,
            "datapoints_to_alarm": self.datapoints_to_alarm,
            "treat_missing_data": TREAT_MISSING_DATA,
            "actions_enabled": True,
        }
        if self.threshold is not None:
            inputs["threshold"] = self.threshold
        if self.metric is None:
            inputs["metric_queries"] = [q.inputs() for q in self.queries]
            if self.threshold_metric_id:
                inputs["threshold_metric_id"] = self.threshold_metric_id
            return inputs
        inputs |= {"namespace": self.metric.namespace, "metric_name": self.metric.name, "period": self.period}
        if self.dimensions:
            inputs["dimensions"] = dict(self.dimensions)
        if self.statistic in PLAIN_STATISTICS:
            inputs["statistic"] = self.statistic
        else:
            inputs["extended_statistic"] = self.statistic
            # Said explicitly: a model with a handful of calls a minute still gets its latency
            # judged (M of N keeps one slow call from paging); "ignore" would silence it.
            inputs["evaluate_low_sample_count_percentiles"] = "evaluate"
        return inputs


@dataclass(frozen=True)
class CompositeAlarmSpec:
    """One ``PutCompositeAlarm``: ALARM when any child is in ALARM."""

    key: str
    name: str
    children: tuple[str, ...]
    meaning: str
    check_first: str
    dashboard: str | None = None
    notify: bool = True
    page: bool = False

    def __post_init__(self) -> None:
        _check_name(self.name)
        if not 1 <= len(self.children) <= MAX_CHILDREN:
            raise ValueError(
                f"composite {self.name}: {len(self.children)} children; CloudWatch allows 1-{MAX_CHILDREN}"
            )
        if len(self.rule) > MAX_RULE:
            raise ValueError(
                f"composite {self.name}: rule of {len(self.rule)} characters; CloudWatch allows {MAX_RULE}"
            )
        _check_description(self.name, self.description)

    @property
    def rule(self) -> str:
        return _rule(self.children)

    @property
    def description(self) -> str:
        return _description(self.meaning, self.check_first, self.dashboard)

    def inputs(self) -> dict[str, Any]:
        """Arguments of ``aws.cloudwatch.CompositeAlarm`` other than the actions."""
        return {
            "alarm_name": self.name,
            "alarm_rule": self.rule,
            "alarm_description": self.description,
            "actions_enabled": True,
        }


@dataclass(frozen=True)
class AlarmPlan:
    """Every alarm of a stack, and what the dashboards need to show them."""

    region: str
    prefix: str
    """Start of every alarm name: ``<project>-<stack>-<region>``."""
    metric_alarms: tuple[MetricAlarmSpec, ...]
    composites: tuple[CompositeAlarmSpec, ...]
    """Part roll-ups first, the top "LLM health" alarm last."""
    annotations: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    """Threshold lines for the dashboards, keyed like ``dashboard.Extras.annotations``."""
    page_topics: tuple[str, ...] = ()
    """Existing topics that get the alarms marked ``page``."""

    @property
    def names(self) -> list[str]:
        """Every alarm name: the top roll-up first, then the metric alarms and the part roll-ups."""
        metric = [a.name for a in self.metric_alarms]
        if not self.composites:
            return metric
        *parts, top = self.composites
        return [top.name, *metric, *(p.name for p in parts)]

    @property
    def source_arn_pattern(self) -> str:
        """``aws:SourceArn`` pattern matching exactly this stack's alarms (for topic and key policies)."""
        return alarm_arn(self.region, ACCOUNT_ID_TOKEN, f"{self.prefix}-*")

    @property
    def alarm_arns(self) -> list[str]:
        """For the dashboards' alarm-status widget, in ``names`` order (with the account placeholder)."""
        return [alarm_arn(self.region, ACCOUNT_ID_TOKEN, n) for n in self.names]

    def linked(self, dashboards: Sequence[Dashboard]) -> AlarmPlan:
        """The plan with every description linking the dashboard that shows its model (page 1 otherwise)."""
        home = dashboards[0].url
        pages = {m: d.url for d in dashboards for m in d.model_names}
        return replace(
            self,
            metric_alarms=tuple(replace(a, dashboard=pages.get(a.model or "", home)) for a in self.metric_alarms),
            composites=tuple(replace(c, dashboard=home) for c in self.composites),
        )


def build_alarms(settings: Settings, *, project: str, stack: str) -> AlarmPlan:
    """Every alarm the stack needs, deterministically, in model order then kind order."""
    prefix = f"{project}-{stack}-{settings.region}"
    specs: list[MetricAlarmSpec] = []
    annotations: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for model in settings.models:
        builder = _ModelAlarms(settings, model, prefix, settings.alarms.for_model(model.alarms))
        specs += builder.specs()
        annotations |= builder.annotations  # keyed by model name: no two models share a key
    # Sorted: reordering the model list must not change the roll-up rule.
    per_model = sorted(s.name for s in specs)
    rules = settings.alarms
    if settings.logs.invocation_logging.enabled and rules.log_delivery_failures.enabled:
        specs.append(_delivery_failures(prefix, rules))
    composites = (
        _roll_up(per_model, f"{prefix}-llm-health", prefix, stack, settings.region) if rules.health.enabled else []
    )
    if composites:
        # One page per incident: the extra (paging) topics get only the top roll-up.
        composites[-1] = replace(composites[-1], page=True)
    else:
        specs = [replace(s, page=True) for s in specs]
    names = Counter([s.name for s in specs] + [c.name for c in composites])
    duplicates = sorted(n for n, count in names.items() if count > 1)
    if duplicates:
        raise ValueError(f"alarm names are not unique: {', '.join(duplicates)}")
    return AlarmPlan(
        settings.region,
        prefix,
        tuple(specs),
        tuple(composites),
        annotations,
        tuple(settings.notifications.topic_arns),
    )


# --- per-model alarms ---------------------------------------------------------------------


class _ModelAlarms:
    """The alarms of one model, from its effective (override-merged) settings."""

    def __init__(self, settings: Settings, model: ModelSettings, prefix: str, rules: AlarmSettings) -> None:
        self.model = model
        self.prefix = prefix
        self.rules = rules
        self.region = settings.region
        self.graph_period = settings.dashboard.period_seconds
        self.dims: Dimensions = ((cat.MODEL_ID, model.id),)
        self.annotations: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def specs(self) -> list[MetricAlarmSpec]:
        r = self.rules
        candidates = [
            self.percentile("latency", r.latency, cat.INVOCATION_LATENCY, self.latency_text),
            self.percentile("time-to-first-token", r.time_to_first_token, cat.TIME_TO_FIRST_TOKEN, self.ttft_text),
            self.count("server-errors", r.server_errors, cat.INVOCATION_SERVER_ERRORS, self.server_errors_text),
            self.error_rate(r.error_rate),
            self.count("throttles", r.throttles, cat.INVOCATION_THROTTLES, self.throttle_text),
            self.throttle_rate(r.throttle_rate),
            self.quota(r.quota),
            self.cost(r.cost),
            self.anomaly(r.invocation_anomaly),
        ]
        return [c for c in candidates if c is not None]

    # -- helpers

    def _spec(self, kind: str, rule: AlarmRule, text: tuple[str, str, str], **fields: Any) -> MetricAlarmSpec:
        """``text``: the condition, what it means, what to check first."""
        condition, consequence, check_first = text
        return MetricAlarmSpec(
            key=f"{self.model.name}-{kind}",
            name=f"{self.prefix}-{self.model.name}-{kind}",
            kind=kind,
            model=self.model.name,
            meaning=f"{self.model.name}: {condition}, {_window(rule)}. {consequence}.",
            check_first=check_first,
            evaluation_periods=rule.evaluation_periods,
            datapoints_to_alarm=rule.datapoints_to_alarm,
            **fields,
        )

    def _line(self, metric: Metric, label: str, value: float) -> None:
        line = {"label": label, "value": value, "color": THRESHOLD_COLOUR}
        self.annotations.setdefault((self.model.name, metric.name), []).append(line)

    def _metric(self, id: str, metric: Metric, period: int, label: str) -> Query:
        """A Sum of one of the model's metrics: counts and tokens add up over a period."""
        return Query(id, label, metric=metric, dimensions=self.dims, stat="Sum", period=period)

    # -- kinds

    def percentile(
        self, kind: str, rule: PercentileRule, metric: Metric, text: tuple[str, str]
    ) -> MetricAlarmSpec | None:
        if not rule.enabled:
            return None
        self._line(metric, f"{rule.statistic} alarm: {rule.threshold:g} ms", rule.threshold)
        return self._spec(
            kind,
            rule,
            (f"{rule.statistic} {metric.name} above {rule.threshold:g} ms", *text),
            comparison=ABOVE,
            threshold=rule.threshold,
            metric=metric,
            dimensions=self.dims,
            period=rule.period_seconds,
            statistic=rule.statistic,
        )

    def count(
        self, kind: str, rule: ServerErrorsAlarm | ThrottlesAlarm, metric: Metric, text: tuple[str, str]
    ) -> MetricAlarmSpec | None:
        if not rule.enabled:
            return None
        per = _duration(rule.period_seconds)
        # Counts add up over time, so the line is scaled to the graph's period (a guide, not exact).
        scaled = rule.threshold * self.graph_period / rule.period_seconds
        self._line(metric, f"{metric.name} alarm: {rule.threshold} per {per}", scaled)
        return self._spec(
            kind,
            rule,
            (f"{rule.threshold} or more {metric.name}", *text),
            comparison=AT_OR_ABOVE,
            threshold=rule.threshold,
            metric=metric,
            dimensions=self.dims,
            period=rule.period_seconds,
            statistic="Sum",
        )

    def error_rate(self, rule: ErrorRateAlarm) -> MetricAlarmSpec | None:
        if not rule.enabled:
            return None
        p = rule.period_seconds
        self._line(cat.INVOCATIONS, f"Error-rate alarm: {rule.threshold:g}%", rule.threshold)
        # Denominators: see llm_monitor.mathexpr (shared with the dashboard's rate graph).
        queries = (
            self._metric("inv", cat.INVOCATIONS, p, "Invocations"),
            self._metric("ce", cat.INVOCATION_CLIENT_ERRORS, p, "Client errors"),
            self._metric("se", cat.INVOCATION_SERVER_ERRORS, p, "Server errors"),
            Query("err", "Errors", expression=ERRORS),
            Query("req", "Requests", expression=REQUESTS),
            Query(
                "rate",
                "Error rate (%)",
                expression=f"IF(req >= {rule.min_invocations}, 100*err/req, 0)",
                return_data=True,
            ),
        )
        return self._spec(
            "error-rate",
            rule,
            (
                f"client plus server errors above {rule.threshold:g}% of invocations (periods with fewer than "
                f"{rule.min_invocations} invocations count as 0%)",
                "Requests are failing",
                "Which of the two it is, on the model's rate graph. Client errors point at callers: a recent "
                "deploy, IAM permissions, request validation (prompt too long, bad parameters). Server errors "
                f"point at Bedrock: the AWS Health Dashboard for Bedrock in {self.region}.",
            ),
            comparison=ABOVE,
            threshold=rule.threshold,
            queries=queries,
        )

    def throttle_rate(self, rule: ThrottleRateAlarm) -> MetricAlarmSpec | None:
        if not rule.enabled:
            return None
        p = rule.period_seconds
        self._line(cat.INVOCATIONS, f"Throttle-rate alarm: {rule.threshold:g}%", rule.threshold)
        # Denominator: attempts (see llm_monitor.mathexpr).
        queries = (
            self._metric("inv", cat.INVOCATIONS, p, "Invocations"),
            self._metric("th", cat.INVOCATION_THROTTLES, p, "Throttles"),
            Query("att", "Attempts", expression=ATTEMPTS),
            Query(
                "rate",
                "Throttle rate (%)",
                expression=f"IF(att >= {rule.min_invocations}, 100*FILL(th,0)/att, 0)",
                return_data=True,
            ),
        )
        return self._spec(
            "throttle-rate",
            rule,
            (
                f"throttles above {rule.threshold:g}% of attempts (periods with fewer than {rule.min_invocations} "
                "attempts count as 0%)",
                *self.throttle_text,
            ),
            comparison=ABOVE,
            threshold=rule.threshold,
            queries=queries,
        )

    def quota(self, rule: QuotaAlarm) -> MetricAlarmSpec | None:
        quota = self.model.tokens_per_minute_quota
        if not rule.enabled or not quota:
            return None
        metric = cat.ESTIMATED_TPM_QUOTA_USAGE
        self._line(metric, f"Quota alarm: {rule.threshold:g}% of TPM quota", quota * rule.threshold / 100)
        queries = (
            self._metric("q", metric, rule.period_seconds, "Estimated quota usage"),
            # Tokens per minute whatever the period, as a share of the per-minute quota.
            Query("pct", "TPM quota used (%)", expression=f"100*(q/(PERIOD(q)/60))/{quota}", return_data=True),
        )
        return self._spec(
            "quota",
            rule,
            (
                f"{metric.name} above {rule.threshold:g}% of the tokens-per-minute quota of {quota:,}",
                "Throttling is near (the metric is an estimate that leaves out the up-front reservation of max_tokens)",
                "Which callers drive the token volume (invocation logs) and their max_tokens settings (Bedrock "
                "reserves input plus max_tokens up front); then request a quota increase in Service Quotas or "
                "spread load with a cross-Region inference profile.",
            ),
            comparison=ABOVE,
            threshold=rule.threshold,
            queries=queries,
        )

    def cost(self, rule: CostAlarm) -> MetricAlarmSpec | None:
        if not rule.enabled or not self.model.priced:
            return None
        p = rule.period_seconds
        queries: list[Query] = []
        terms: list[str] = []
        for kind in TOKEN_KINDS:
            price = self.model.prices[kind.price]
            if price is None:
                continue
            queries += [self._metric(i, m, p, m.name) for i, m in zip(kind.ids, kind.metrics, strict=True)]
            terms.append(f"({kind.total})*{number(price)}")
        # Prices are per 1,000 tokens; the period's spend is scaled to one hour.
        queries.append(
            Query("usd", "Estimated USD per hour", expression=f"({'+'.join(terms)})/1000*3600/{p}", return_data=True)
        )
        graph_value = rule.threshold * self.graph_period / 3600
        self._line(cat.INPUT_TOKEN_COUNT, f"Cost alarm: ${rule.threshold:g}/hour", graph_value)
        return self._spec(
            "cost",
            rule,
            (
                f"estimated spend above ${rule.threshold:g} per hour",
                "Token use costs more than budgeted (token metrics × the prices in the stack config; an "
                "estimate, not the bill)",
                "The model's token graphs (which kind of token grew) and the invocation logs for the callers "
                "behind it; check that the configured prices are current.",
            ),
            comparison=ABOVE,
            threshold=rule.threshold,
            queries=tuple(queries),
        )

    def anomaly(self, rule: InvocationAnomalyAlarm) -> MetricAlarmSpec | None:
        if not rule.enabled:
            return None
        # The band alarm returns both the watched series and its band (the documented shape). The
        # series is FILL(inv, 0): Bedrock publishes nothing for a minute without calls, so without it
        # traffic dropping to zero would be missing data, never "below the band".
        inv = self._metric("inv", cat.INVOCATIONS, rule.period_seconds, "Invocations")
        filled = Query("calls", "Invocations (0 when none)", expression="FILL(inv,0)", return_data=True)
        band = Query(
            "band",
            "Expected invocations",
            expression=f"ANOMALY_DETECTION_BAND(calls, {number(rule.band_width)})",
            return_data=True,
        )
        return self._spec(
            "invocation-anomaly",
            rule,
            (
                f"Invocations {rule.direction} the expected band ({rule.band_width:g} standard deviations)",
                "Traffic is unusual for this time of day and week",
                "Recent releases or new callers (identity.arn in the invocation logs); a drop can mean callers "
                "fail before they reach Bedrock.",
            ),
            comparison=BAND_COMPARISONS[rule.direction],
            queries=(inv, filled, band),
            threshold_metric_id=band.id,
        )

    @property
    def latency_text(self) -> tuple[str, str]:
        return (
            "Callers wait too long for complete answers",
            "Output tokens per second and per invocation in the model's section (longer answers take longer; "
            "falling tokens/s means the model itself slowed), then throttles (SDK retries add latency) and the "
            f"AWS Health Dashboard for Bedrock in {self.region}.",
        )

    @property
    def ttft_text(self) -> tuple[str, str]:
        return (
            "Streaming callers wait too long for the first token (successful streaming calls only)",
            "Input tokens per call (long prompts delay the first token) and throttles, then the AWS Health "
            f"Dashboard for Bedrock in {self.region}.",
        )

    @property
    def server_errors_text(self) -> tuple[str, str]:
        return (
            "Bedrock failed requests on its side (5xx)",
            f"The AWS Health Dashboard for Bedrock in {self.region}, and whether other models fail too (the "
            "account-wide section); a cross-Region inference profile spreads the risk.",
        )

    @property
    def throttle_text(self) -> tuple[str, str]:
        return (
            "Bedrock refused requests for quota (ThrottlingException)",
            "Estimated TPM quota usage in the model's section and the Bedrock quotas in Service Quotas "
            f"({self.region}); then spread load with a cross-Region inference profile or request an increase.",
        )


# --- stack-wide alarms --------------------------------------------------------------------


def _delivery_failures(prefix: str, rules: AlarmSettings) -> MetricAlarmSpec:
    rule = rules.log_delivery_failures
    metric = cat.LOGS_CLOUDWATCH_DELIVERY_FAILURE
    return MetricAlarmSpec(
        key="invocation-log-delivery-failures",
        name=f"{prefix}-invocation-log-delivery-failures",
        kind="invocation-log-delivery-failures",
        model=None,
        meaning=f"{rule.threshold} or more {metric.name}, {_window(rule)}. Bedrock could not "
        "write invocation-log records to CloudWatch Logs; those records are lost.",
        check_first="The logging role's permissions, the log group's KMS key policy and whether the log "
        "group still exists.",
        comparison=AT_OR_ABOVE,
        evaluation_periods=rule.evaluation_periods,
        datapoints_to_alarm=rule.datapoints_to_alarm,
        threshold=rule.threshold,
        metric=metric,
        period=rule.period_seconds,
        statistic="Sum",
    )


def _roll_up(children: Sequence[str], name: str, prefix: str, stack: str, region: str) -> list[CompositeAlarmSpec]:
    """The roll-up over ``children``, nested when they exceed one rule; top alarm last.

    Children are packed in order, so adding a model changes only the last part and the top.
    """
    if not children:
        return []
    groups = _groups(children)
    if len(groups) == 1:
        return [
            CompositeAlarmSpec(
                key=name.removeprefix(f"{prefix}-"),
                name=name,
                children=tuple(groups[0]),
                meaning=f"LLM health of stack {stack} in {region}: at least one Bedrock model alarm is in ALARM.",
                check_first="The alarm-status widget at the top of the dashboard shows which; each alarm's "
                "description says what to check.",
            )
        ]
    parts = []
    for part_number, group in enumerate(groups, start=1):
        part = f"{name}-part-{part_number}"
        parts.append(
            CompositeAlarmSpec(
                key=part.removeprefix(f"{prefix}-"),
                name=part,
                children=tuple(group),
                meaning=f"Part {part_number} of the LLM health roll-up of stack {stack} in {region} (CloudWatch "
                f"allows {MAX_CHILDREN} alarms per rule); it notifies through the top alarm {name}.",
                check_first="The alarm-status widget at the top of the dashboard.",
                # Only the top alarm notifies: one incident, one message.
                notify=False,
            )
        )
    top = _roll_up([p.name for p in parts], name, prefix, stack, region)
    if len(top) > 1:
        # Part names of a deeper level would collide with these; 10,000 alarms is far beyond one stack.
        raise ValueError(f"{len(children)} alarms are more than two levels of roll-up hold")
    return parts + top


def _groups(children: Sequence[str]) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for child in children:
        group = groups[-1]
        if group and (len(group) == MAX_CHILDREN or len(_rule([*group, child])) > MAX_RULE):
            groups.append([])
        groups[-1].append(child)
    return groups


def _rule(children: Sequence[str]) -> str:
    return " OR ".join(f'ALARM("{c}")' for c in children)


# --- checks and text ----------------------------------------------------------------------


def _check_name(name: str) -> None:
    if not 1 <= len(name) <= MAX_ALARM_NAME:
        raise ValueError(f"alarm name {name!r} has {len(name)} characters; CloudWatch allows {MAX_ALARM_NAME}")


def _check_period(name: str, period: int | None) -> None:
    # 10/20/30 s are for high-resolution metrics only; Bedrock's are 1-minute.
    if period is None or period < 60 or period % 60:
        raise ValueError(f"alarm {name}: period {period} is not a multiple of 60 s")


def _check_statistic(name: str, metric: Metric, statistic: str | None) -> None:
    if statistic in PLAIN_STATISTICS:
        if statistic not in metric.statistics:
            raise ValueError(
                f"alarm {name}: {statistic} of {metric.name} means nothing (catalogue: {metric.statistics})"
            )
    else:
        check_percentile(statistic or "")


def _check_queries(name: str, queries: Sequence[Query], band: str | None) -> None:
    metrics = [q for q in queries if q.metric is not None]
    expressions = [q for q in queries if q.expression is not None]
    if len(metrics) > MAX_METRICS_PER_MATH_ALARM or len(expressions) > MAX_EXPRESSIONS_PER_MATH_ALARM:
        raise ValueError(
            f"alarm {name}: {len(metrics)} metrics and {len(expressions)} expressions; CloudWatch allows "
            f"{MAX_METRICS_PER_MATH_ALARM} and {MAX_EXPRESSIONS_PER_MATH_ALARM}"
        )
    ids = [q.id for q in queries]
    if len(set(ids)) != len(ids):
        raise ValueError(f"alarm {name}: query ids repeat: {ids}")
    for query in metrics:
        _check_period(name, query.period)
        _check_statistic(name, query.metric, query.stat)  # type: ignore[arg-type]
    if len({q.period for q in metrics}) != 1:
        raise ValueError(f"alarm {name}: every metric of a math alarm needs the same period")
    returned = [q.id for q in queries if q.return_data]
    if band is None and (len(returned) != 1 or returned[0] not in {q.id for q in expressions}):
        raise ValueError(f"alarm {name}: exactly one expression must return data, not {returned}")
    if band is not None:
        (band_query,) = [q for q in expressions if q.id == band]
        # The watched series may be a metric or an expression (a band on math is documented).
        watched = [q for q in returned if q != band]
        expected = f"ANOMALY_DETECTION_BAND({watched[0]}," if len(watched) == 1 else None
        if expected is None or not (band_query.expression or "").startswith(expected):
            raise ValueError(f"alarm {name}: a band alarm returns one series and its ANOMALY_DETECTION_BAND")


def _check_description(name: str, description: str) -> None:
    if len(description) > MAX_DESCRIPTION:
        raise ValueError(
            f"alarm {name}: description of {len(description)} characters; CloudWatch allows {MAX_DESCRIPTION}"
        )


def _description(meaning: str, check_first: str, dashboard: str | None) -> str:
    text = f"{meaning} Check first: {check_first}"
    return f"{text} Dashboard: {dashboard}" if dashboard else text


def _duration(seconds: int) -> str:
    """``5 minutes``, ``1 hour``."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "1 hour" if hours == 1 else f"{hours} hours"
    minutes = seconds // 60
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _window(rule: AlarmRule) -> str:
    """``in 3 of the last 5 periods of 1 minute``, or ``in one period of 5 minutes``."""
    duration = _duration(rule.period_seconds)
    if rule.evaluation_periods == 1:
        return f"in one period of {duration}"
    return f"in {rule.datapoints_to_alarm} of the last {rule.evaluation_periods} periods of {duration}"
