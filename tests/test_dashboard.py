"""The dashboard generator (pure): content per model, limits, pagination, sections that stay put."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from llm_monitor import catalogue as cat
from llm_monitor.config import Settings, parse_settings
from llm_monitor.dashboard import Dashboard, Extras, build_dashboards
from tests.bodies import defined_ids, expressions, metric_widgets, model_ids_in, plain_metrics, referenced_ids, titled
from tests.program import PRICED, models

UNPRICED: dict[str, Any] = {"name": "titan", "id": "amazon.titan-text-express-v1"}
IMAGES: dict[str, Any] = {"name": "canvas", "id": "amazon.nova-canvas-v1:0"}


def settings_for(model_list: list[dict[str, Any]], **dashboard: Any) -> Settings:
    raw: dict[str, Any] = {"aws:region": "eu-west-1", "llm-monitor:models": model_list}
    if dashboard:
        raw["llm-monitor:dashboard"] = dashboard
    return parse_settings(raw)


def build(model_list: list[dict[str, Any]], extras: Extras | None = None, **dashboard: Any) -> list[Dashboard]:
    return build_dashboards(settings_for(model_list, **dashboard), project="llm-monitor", stack="test", extras=extras)


def section_widget(model: dict[str, Any], title: str, others: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    (dashboard,) = build([model, *others])
    (widget,) = titled(dashboard.body, f"{model['name']}: {title}")
    return widget


def series(widget: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(metric name, ModelId, stat) of the plain metrics of a widget."""
    default = widget["properties"].get("stat")
    return [(name, dims.get("ModelId", ""), opts.get("stat", default)) for _, name, dims, opts in plain_metrics(widget)]


def test_activity_graph_shows_invocations_errors_and_throttles_of_its_model_per_minute() -> None:
    widget = section_widget(PRICED, "Invocations, errors and throttles (per minute)", (UNPRICED,))
    assert series(widget) == [
        (m, PRICED["id"], "Sum")
        for m in ("Invocations", "InvocationClientErrors", "InvocationServerErrors", "InvocationThrottles")
    ]
    assert {e["label"]: e["expression"] for e in expressions(widget)} == {
        "Invocations": "inv/(PERIOD(inv)/60)",
        "Client errors": "ce/(PERIOD(ce)/60)",
        "Server errors": "se/(PERIOD(se)/60)",
        "Throttles": "th/(PERIOD(th)/60)",
    }
    assert widget["properties"]["region"] == "eu-west-1"


def test_rates_divide_errors_by_requests_and_throttles_by_attempts() -> None:
    widget = section_widget(PRICED, "Error and throttle rate (%)")
    by_label = {e["label"]: e["expression"] for e in expressions(widget)}
    assert by_label == {
        "Errors": "FILL(ce,0)+FILL(se,0)",
        "Requests": "MAX([FILL(inv,0), err])",
        "Attempts": "FILL(inv,0)+FILL(th,0)",
        "Error %": "100*err/req",
        "Client error %": "100*FILL(ce,0)/req",
        "Server error %": "100*FILL(se,0)/req",
        "Throttle %": "100*FILL(th,0)/att",
        "Application-logged failure %": "100*FILL(failed,0)/calls",
    }
    ids = {opts["id"]: name for _, name, _, opts in plain_metrics(widget)}
    assert ids == {
        "inv": "Invocations",
        "ce": "InvocationClientErrors",
        "se": "InvocationServerErrors",
        "th": "InvocationThrottles",
        "calls": "InferenceRequests",
        "failed": "InferenceErrors",
    }


def test_rate_graph_and_rate_alarm_compute_the_same_error_rate() -> None:
    # The alarm's threshold line is drawn on this graph: both must mean the same percentage.
    from llm_monitor.alarms import build_alarms

    widget = section_widget(PRICED, "Error and throttle rate (%)")
    graph_exprs = {e["id"]: e["expression"] for e in expressions(widget)}
    plan = build_alarms(settings_for([PRICED]), project="llm-monitor", stack="test")
    (alarm,) = [a for a in plan.metric_alarms if a.name.endswith("haiku-error-rate")]
    alarm_exprs = {q.id: q.expression for q in alarm.queries if q.expression}
    assert alarm_exprs["err"] == graph_exprs["err"]
    assert alarm_exprs["req"] == graph_exprs["req"]
    assert "100*err/req" in (alarm_exprs["rate"] or "")
    assert graph_exprs["er"] == "100*err/req"


def test_latency_and_time_to_first_token_use_percentiles() -> None:
    latency = section_widget(PRICED, "Invocation latency (ms)")
    assert [s for _, _, s in series(latency)] == ["p50", "p90", "p99", "Average"]
    assert {n for n, _, _ in series(latency)} == {"InvocationLatency"}
    ttft = section_widget(PRICED, "Time to first token (ms, streaming)")
    assert series(ttft) == [("TimeToFirstToken", PRICED["id"], "p50"), ("TimeToFirstToken", PRICED["id"], "p90")]


def test_tokens_graph_adds_both_spellings_of_the_cache_metrics() -> None:
    widget = section_widget(PRICED, "Tokens")
    names = {n for n, _, _ in series(widget)}
    assert names == {
        "InputTokenCount",
        "OutputTokenCount",
        "CacheReadInputTokens",
        "CacheReadInputTokenCount",
        "CacheWriteInputTokens",
        "CacheWriteInputTokenCount",
    }
    by_label = {e["label"]: e["expression"] for e in expressions(widget)}
    assert by_label["Cache read"].count("FILL(") == 2
    assert by_label["Cache write"].count("FILL(") == 2


def test_output_tokens_per_second_is_awss_figure() -> None:
    # Bedrock user guide, "Monitor output tokens per second": OutputTokenCount / (InvocationLatency
    # - TimeToFirstToken) x 1000, all three at p50.
    widget = section_widget(PRICED, "Output tokens per second (p50, streaming)")
    ids = {opts["id"]: (name, opts["stat"]) for _, name, _, opts in plain_metrics(widget)}
    assert ids == {
        "out": ("OutputTokenCount", "p50"),
        "lat": ("InvocationLatency", "p50"),
        "ttft": ("TimeToFirstToken", "p50"),
    }
    assert {e["id"]: e["expression"] for e in expressions(widget)} == {
        "otps": "IF(lat > ttft, 1000*out/(lat-ttft))",
        "tpc": "out",
    }


def test_quota_graph_draws_the_configured_quota() -> None:
    widget = section_widget(PRICED, "Estimated TPM quota usage")
    assert {n for n, _, _ in series(widget)} == {"EstimatedTPMQuotaUsage"}
    lines = widget["properties"]["annotations"]["horizontal"]
    assert [line["value"] for line in lines] == [400000]
    unquoted = section_widget(UNPRICED, "Estimated TPM quota usage")
    assert "annotations" not in unquoted["properties"]


def test_cost_graph_multiplies_tokens_by_configured_prices_per_hour() -> None:
    widget = section_widget(PRICED, "Cost (USD per hour)")
    by_label = {e["label"]: e["expression"] for e in expressions(widget)}
    hourly = "*3600/PERIOD(tin)"
    assert by_label["input USD"] == "tin*0.0008/1000" + hourly
    assert by_label["output USD"] == "tout*0.004/1000" + hourly
    assert by_label["cache read USD"] == "(FILL(cr0,0)+FILL(cr1,0))*0.00008/1000" + hourly
    assert by_label["cache write USD"] == "(FILL(cw0,0)+FILL(cw1,0))*0.001/1000" + hourly
    assert by_label["Total USD/hour"] == "cin+cout+ccr+ccw"
    # Same period as the token graph, so figures line up.
    assert widget["properties"]["period"] == section_widget(PRICED, "Tokens")["properties"]["period"]


def test_unpriced_model_has_no_cost() -> None:
    (dashboard,) = build([UNPRICED])
    text = json.dumps(dashboard.body)
    assert "USD" not in text


def test_totals_tiles_sum_over_the_whole_time_range() -> None:
    widget = section_widget(PRICED, "totals for the time range")
    props = widget["properties"]
    assert props["view"] == "singleValue"
    assert props["setPeriodToTimeRange"] is True
    assert props["stat"] == "Sum"
    visible = [name for name, _, _ in series(widget)][:6]
    assert visible == [
        "Invocations",
        "InvocationClientErrors",
        "InvocationServerErrors",
        "InvocationThrottles",
        "InputTokenCount",
        "OutputTokenCount",
    ]
    assert any(e["label"] == "Cost (USD)" for e in expressions(widget))


def test_images_are_graphed_only_for_image_models_across_their_extra_dimensions() -> None:
    (dashboard,) = build([PRICED, IMAGES])
    text = json.dumps(dashboard.body)
    assert text.count("OutputImageCount") == 1
    (widget,) = titled(dashboard.body, "canvas: Legacy invocations and images")
    (image,) = [e for e in expressions(widget) if e["id"] == "img"]
    assert "{AWS/Bedrock,BucketedStepSize,ImageSize,ModelId}" in image["expression"]
    assert 'ModelId=\\"amazon.nova-canvas-v1:0\\"' in json.dumps(image["expression"])


def test_every_series_is_a_catalogued_metric_with_a_published_dimension_set() -> None:
    for dashboard in build([PRICED, UNPRICED, IMAGES], guardrails=True):
        for widget in metric_widgets(dashboard.body):
            for namespace, name, dims, _ in plain_metrics(widget):
                assert cat.lookup(namespace, name).has_dimensions(tuple(dims)), (name, dims)
            for expr in expressions(widget):
                for schema in re.findall(r"SEARCH\('\{([^}]*)\} MetricName=\\?\"([A-Za-z]+)", expr["expression"]):
                    namespace, *dim_names = schema[0].split(",")
                    assert cat.lookup(namespace, schema[1]).has_dimensions(tuple(dim_names))


def test_expressions_only_reference_ids_defined_in_their_widget() -> None:
    for dashboard in build([PRICED, UNPRICED, IMAGES], guardrails=True):
        for widget in metric_widgets(dashboard.body):
            for expr in expressions(widget):
                assert referenced_ids(expr["expression"]) <= defined_ids(widget), expr


def test_every_metric_and_log_widget_names_its_region() -> None:
    (dashboard,) = build([PRICED, UNPRICED])
    for widget in dashboard.body["widgets"]:
        if widget["type"] in ("metric", "log"):
            assert widget["properties"]["region"] == "eu-west-1"


def test_account_overview_reveals_models_the_config_does_not_list() -> None:
    (dashboard,) = build([PRICED, UNPRICED])
    (widget,) = titled(dashboard.body, "Invocations of models not in this stack's config")
    (search,) = expressions(widget)
    assert f'NOT ModelId="{PRICED["id"]}" NOT ModelId="{UNPRICED["id"]}"' in search["expression"]
    (everything,) = expressions(titled(dashboard.body, "Invocations by model (every model in the account)")[0])
    assert everything["expression"].startswith("SEARCH('{AWS/Bedrock,ModelId} MetricName=\"Invocations\"'")


def test_guardrails_section_is_optional() -> None:
    (without,) = build([PRICED])
    (with_guardrails,) = build([PRICED], guardrails=True)
    assert "AWS/Bedrock/Guardrails" not in json.dumps(without.body)
    assert "AWS/Bedrock/Guardrails" in json.dumps(with_guardrails.body)


def test_widgets_fit_the_grid_without_overlapping() -> None:
    for dashboard in build([PRICED, UNPRICED, IMAGES], guardrails=True):
        cells: set[tuple[int, int]] = set()
        for w in dashboard.body["widgets"]:
            assert w["x"] >= 0
            assert w["x"] + w["width"] <= 24
            area = {(x, y) for x in range(w["x"], w["x"] + w["width"]) for y in range(w["y"], w["y"] + w["height"])}
            assert not cells & area, w["properties"].get("title")
            cells |= area


@pytest.mark.parametrize("count", [1, 5, 45, 300])
def test_any_number_of_models_fits_cloudwatch_limits_with_each_model_once(count: int) -> None:
    dashboards = build(models(count, inputTokenPrice=0.001, outputTokenPrice=0.002, tokensPerMinuteQuota=1000))
    seen: list[str] = []
    for dashboard in dashboards:
        widgets = dashboard.body["widgets"]
        # CloudWatch's limits, written out (not the module's constants, which a bad edit could raise).
        assert len(widgets) <= 500
        assert sum(len(w["properties"].get("metrics", [])) for w in widgets) <= 2500
        assert all(len(w["properties"].get("metrics", [])) <= 500 for w in widgets)
        seen += dashboard.model_names
        assert model_ids_in(dashboard.body) >= {f"provider{n[-3:]}.model-v1:0" for n in dashboard.model_names}
    assert seen == [f"model-{i:03d}" for i in range(count)]
    names = [d.name for d in dashboards]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,255}", n) for n in names)
    if count == 300:
        assert len(dashboards) > 1


def test_names_are_unique_per_stack_and_region_and_page_one_keeps_its_name() -> None:
    one = build(models(2))
    many = build(models(120))
    assert one[0].name == many[0].name == "llm-monitor-test-eu-west-1"
    assert [d.name for d in many[1:]] == [f"llm-monitor-test-eu-west-1-{n}" for n in range(2, len(many) + 1)]
    prefixed = build(models(2), namePrefix="team-a")
    assert prefixed[0].name == "team-a-test-eu-west-1"


def test_max_models_per_dashboard_is_respected() -> None:
    dashboards = build(models(7), maxModelsPerDashboard=3)
    assert [len(d.model_names) for d in dashboards] == [3, 3, 1]
    assert "Dashboards of this stack" in json.dumps(dashboards[0].body)


def test_adding_a_model_leaves_other_model_sections_unchanged() -> None:
    def sections(dashboard: Dashboard) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for w in dashboard.body["widgets"]:
            ids = model_ids_in({"widgets": [w]}) if w["type"] == "metric" else set()
            if len(ids) == 1:
                widget = {k: v for k, v in w.items() if k != "y"}
                out.setdefault(ids.pop(), []).append(widget)
        return out

    (before,) = build([PRICED, UNPRICED])
    (after,) = build([PRICED, IMAGES, UNPRICED])
    assert sections(after)[PRICED["id"]] == sections(before)[PRICED["id"]]
    assert sections(after)[UNPRICED["id"]] == sections(before)[UNPRICED["id"]]


def test_extras_add_annotations_rows_and_alarm_status() -> None:
    line = {"label": "p90 alarm", "value": 5000, "color": "#d62728"}
    extras = Extras(
        annotations={("haiku", "latency"): [line]},
        alarm_arns=[f"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a{i}" for i in range(150)],
    )
    (dashboard,) = build([PRICED], extras=extras)
    (latency,) = titled(dashboard.body, "haiku: Invocation latency (ms)")
    assert latency["properties"]["annotations"]["horizontal"] == [line]
    alarm_widgets = [w for w in dashboard.body["widgets"] if w["type"] == "alarm"]
    assert [len(w["properties"]["alarms"]) for w in alarm_widgets] == [100, 50]
