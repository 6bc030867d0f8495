"""What a monitoring stack builds from its sources: estate dashboards and central alarms (pure).

Each source stack exports ``estateSource`` (``source_export``): its account, Region and models. The
monitoring stack of that Region reads them (stack references) and builds, per source, exactly what
the source's own stack would show and alarm on, with the same builders (``build_dashboards``,
``build_alarms``), then points every metric at the source's account:

- dashboards: every metric entry, and every SEARCH expression, carries ``accountId`` and ``region``
  in its options (dashboard body reference, metric widget "rendering properties"; a SEARCH
  expression's ``accountId`` is how the AWS CDK renders ``searchAccount``); metric widgets name the
  account too (``properties.accountId``);
- alarms: every metric query names the account (``MetricDataQuery.AccountId``), with the same kinds,
  thresholds, urgency and per-model health roll-ups as the source's own stack. An alarm and a
  composite alarm live in one Region and read that Region's metrics, so each Region's monitoring
  stack alarms on the sources of its Region only.

An overview (``overview``) shows every source account side by side; each account's own pages keep
the account-wide section, whose SEARCH for models no stack lists now reads that account.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import TypeAdapter, ValidationError

from llm_monitor.alarms import AlarmPlan, build_alarms
from llm_monitor.alarms.specs import CompositeAlarmSpec, MetricAlarmSpec, alarm_name
from llm_monitor.config import NAMESPACE, ConfigError, Problem, Settings
from llm_monitor.config.dashboard import WidgetSettings
from llm_monitor.config.estate import EstateSettings
from llm_monitor.config.models import ModelSettings
from llm_monitor.dashboard import Dashboard, Extras, build_dashboards
from llm_monitor.estate.overview import overview_dashboards
from llm_monitor.estate.source import Source

#: CloudWatch quota: anomaly detection models per Region and account (user guide, "CloudWatch service
#: quotas"). Each anomaly-band alarm trains one; a monitoring account trains them for every source.
MAX_ANOMALY_MODELS = 500
#: The stack output a source exports and its monitoring stack reads.
SOURCE_OUTPUT = "estateSource"
#: Quota codes are read from Service Quotas in the account that deploys: the monitoring account's
#: quotas are not the source's, so the central view keeps only quotas given as numbers.
_QUOTA_CODES = ("tokens_per_minute_quota_code", "tokens_per_day_quota_code")


def source_export(settings: Settings, log_groups: Sequence[str], created: Mapping[str, Any]) -> dict[str, Any]:
    """What a source stack exports as ``estateSource``: its account, Region, models (as stack config) and
    log groups. A profile the source creates is its own: the monitoring stack gets the model's ID
    (``created``: model name → the profile's ID, known once it exists) instead of the profile."""
    models = []
    for model in settings.models:
        dumped = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
        profile = model.application_inference_profile
        if profile is not None and profile.create is not None:
            dumped.pop("applicationInferenceProfile")
            dumped["id"] = created[model.name]
        models.append(dumped)
    return {
        "accountId": settings.account_id,
        "region": settings.region,
        "models": models,
        "logGroupNames": list(log_groups),
    }


def read_sources(settings: Settings, exported: Sequence[Any]) -> tuple[tuple[Source, ...], list[str]]:
    """The sources ``settings.estate.source_stacks`` name, from their ``estateSource`` outputs (in the
    same order), and the source stacks that export nothing yet (not deployed: the first ``pulumi up`` of
    a monitoring stack comes before its sources'). ConfigError naming each source stack in another
    Region or an account the sink does not admit, or whose models cannot be read."""
    problems: list[Problem] = []
    sources: list[Source] = []
    missing: list[str] = []
    estate = settings.estate
    for index, (stack, value) in enumerate(zip(estate.source_stacks, exported, strict=True)):
        path = f"{NAMESPACE}:estate.sourceStacks[{index}]"
        if not isinstance(value, dict) or not {"accountId", "region", "models"} <= value.keys():
            missing.append(stack)
            continue
        try:
            models = tuple(TypeAdapter(list[ModelSettings]).validate_python(_whole(value["models"])))
        except ValidationError as exc:
            problems.append(
                Problem(path, f"stack {stack!r} exports models this version cannot read: {exc.errors()[0]['msg']}")
            )
            continue
        account, region = str(value["accountId"]), str(value["region"])
        if region != settings.region:
            problems.append(
                Problem(path, f"stack {stack!r} is in {region}; this monitoring stack alarms on {settings.region} only")
            )
        if estate.organization_id is None and account not in estate.source_accounts:
            problems.append(
                Problem(path, f"stack {stack!r} is in account {account}, which estate.sourceAccounts omits")
            )
        logs = tuple(str(g) for g in value.get("logGroupNames") or ())
        sources.append(Source(stack, account, region, models, logs))
    stacks_of: dict[str, list[str]] = {}
    for source in sources:
        stacks_of.setdefault(source.account, []).append(source.stack)
    problems += [
        Problem(
            f"{NAMESPACE}:estate.sourceStacks",
            f"stacks {', '.join(names)} are all in account {account}: a monitoring stack watches one source "
            "stack per account (its pages and alarms are named by account); list the account's models in one",
        )
        for account, names in stacks_of.items()
        if len(names) > 1
    ]
    if problems:
        raise ConfigError(problems)
    return tuple(sorted(sources, key=lambda s: s.account)), missing


def _whole(value: Any) -> Any:
    """Stack outputs carry every number as a double (protobuf ``Struct``): 400000 arrives as 400000.0,
    which the strict settings refuse where a whole number belongs. Whole doubles become ints again
    (a price stays valid: strict float fields take ints)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole(v) for v in value]
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class CentralPlan:
    """The monitoring stack's estate dashboards and central alarms."""

    overview: tuple[Dashboard, ...]
    pages: tuple[tuple[str, tuple[Dashboard, ...]], ...]
    """Each source account's pages, by account: one group each, so that adding an account renames nothing."""
    alarms: AlarmPlan
    """Keys and names carry the account: ``<account>-<model>-<kind>``, ``<prefix>/<account>/<model>-<kind>``."""

    @property
    def dashboards(self) -> tuple[Dashboard, ...]:
        return (*self.overview, *(d for _, group in self.pages for d in group))


def central_plan(settings: Settings, sources: Sequence[Source], *, project: str, stack: str) -> CentralPlan:
    """Per source, the dashboards and alarms its own stack has, on its account; then the overview
    (the parts ``llm-monitor:parts`` lists: dashboards, alarms; the logs stay in the sources)."""
    prefix = f"{project}-{stack}-{settings.region}"
    groups: list[tuple[str, tuple[Dashboard, ...]]] = []
    metric_alarms: list[MetricAlarmSpec] = []
    composites: list[CompositeAlarmSpec] = []
    pages: list[tuple[Source, Dashboard]] = []
    for source in sources:
        view = _view(settings, source)
        alarms = build_alarms(view, project=project, stack=stack, prefix=alarm_name(prefix, source.account))
        alarms = replace(
            alarms,
            metric_alarms=tuple(
                replace(a.in_account(source.account), key=f"{source.account}-{a.key}") for a in alarms.metric_alarms
            ),
            composites=tuple(replace(c, key=f"{source.account}-{c.key}") for c in alarms.composites),
        )
        if not settings.builds("alarms"):
            alarms = replace(alarms, metric_alarms=(), composites=(), annotations={})
        if settings.builds("dashboards"):
            extras = Extras(annotations=alarms.annotations, alarm_arns=alarms.alarm_arns)
            built = [
                replace(d, body=in_account(d.body, source.account, source.region))
                for d in build_dashboards(view, project=project, stack=f"{stack}-{source.account}", extras=extras)
            ]
            alarms = alarms.linked(built)
            pages.append((source, built[0]))
            groups.append((source.account, tuple(built)))
        metric_alarms += alarms.metric_alarms
        composites += alarms.composites
    plan = AlarmPlan(
        settings.region, prefix, tuple(metric_alarms), tuple(composites), {}, tuple(settings.notifications.topic_arns)
    )
    bands = Counter(a.kind for a in metric_alarms if a.threshold_metric_id)
    if sum(bands.values()) > MAX_ANOMALY_MODELS:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(bands.items()))
        raise ConfigError(
            [
                Problem(
                    f"{NAMESPACE}:alarms",
                    f"the central alarms would train {sum(bands.values())} anomaly-detection models in "
                    f"{settings.region} ({kinds} alarms over {len(sources)} sources); CloudWatch allows "
                    f"{MAX_ANOMALY_MODELS} per Region and account: turn those kinds off in this monitoring stack "
                    "(e.g. alarms.latencyAnomaly.enabled: false), the sources keep theirs",
                )
            ]
        )
    overview = overview_dashboards(settings, pages, project=project, stack=stack)
    return CentralPlan(tuple(overview), tuple(groups), plan)


def _view(settings: Settings, source: Source) -> Settings:
    """The monitoring stack's settings (thresholds, layout, notifications) over one source's models."""
    models = tuple(m.model_copy(update=dict.fromkeys(_QUOTA_CODES)) for m in source.models)
    # Each account's first page says whose it is (the monitoring stack's own widgets are not repeated there).
    header = WidgetSettings(
        type="text",
        width=24,
        height=2,
        properties={
            "markdown": f"# Account {source.account}, {source.region}\nAs its stack `{source.stack}` lists them."
        },
    )
    return replace(
        settings,
        models=models,
        dashboard=settings.dashboard.model_copy(update={"widgets": [header]}),
        region=source.region,
        parts=("dashboards", "alarms"),  # the alarms are built to link the pages; dropped when not wanted
        estate=EstateSettings(),
        account_wide_only=not models,
    )


def in_account(body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    """A dashboard body whose metric widgets read ``account``'s metrics in ``region``."""
    widgets = []
    for widget in body["widgets"]:
        if widget["type"] == "metric":
            properties = dict(widget["properties"], accountId=account, region=region)
            properties["metrics"] = [_entry_in(e, account, region) for e in properties.get("metrics", [])]
            widget = {**widget, "properties": properties}
        widgets.append(widget)
    return {**body, "widgets": widgets}


def _entry_in(entry: list[Any], account: str, region: str) -> list[Any]:
    where = {"accountId": account, "region": region}
    if entry and isinstance(entry[0], dict):  # an expression: only SEARCH reads metrics itself
        return [{**entry[0], **where}] if "SEARCH(" in entry[0].get("expression", "") else entry
    if entry and isinstance(entry[-1], dict):
        return [*entry[:-1], {**entry[-1], **where}]
    return [*entry, where]
