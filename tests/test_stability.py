"""Stable plans: the same config gives the same bytes; model-list edits touch only what they must.

Both stack files are run twice. Every model-list scenario is the prod stack file (every feature
on) run as a whole program and compared with the ``prod`` fixture by URN. A resource is
*per-model* when its Pulumi name carries a model's name as a segment
(``alarms-claude-haiku-latency``); *aggregate* resources (dashboards, composite or roll-up
alarms, query definitions over all models) may change when the model list does.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from llm_monitor.preview.cost import model_of
from llm_monitor.preview.diff import compare
from tests.program import DASHBOARD, Preview, fixture_config, preview

COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
QUERY = "aws:cloudwatch/queryDefinition:QueryDefinition"
AGGREGATE_TYPES = {DASHBOARD, COMPOSITE, QUERY}
NEW_MODEL: dict[str, Any] = {"name": "llama-70b", "id": "meta.llama3-1-70b-instruct-v1:0", "inputTokenPrice": 0.00072}
REMOVED = "nova-micro"


def prod_models() -> list[dict[str, Any]]:
    return list(fixture_config("prod")["llm-monitor:models"])


def run_prod_with(tmp_path: Path, models: list[dict[str, Any]]) -> Preview:
    config = fixture_config("prod")
    config["llm-monitor:models"] = models
    return preview(tmp_path, "prod", config)


def is_aggregate(type_: str, name: str, model_names: list[str]) -> bool:
    return type_ in AGGREGATE_TYPES or (type_ == METRIC_ALARM and model_of(name, model_names) is None)


def model_widgets(run: Preview, model: str) -> list[dict[str, Any]]:
    """One model's section (its header and every widget titled ``<model>: ...``), y relative to its top.

    Relative, because widgets above it may legitimately grow (the alarm-status widget lists every alarm).
    """
    widgets = [
        w
        for body in run.dashboard_bodies().values()
        for w in body["widgets"]
        if str(w["properties"].get("title", "")).startswith(f"{model}: ")
        or str(w["properties"].get("markdown", "")).startswith(f"## {model}\n")
    ]
    top = min((w["y"] for w in widgets), default=0)
    return [{**w, "y": w["y"] - top} for w in widgets]


def without_order(run: Preview) -> Counter[tuple[str, ...]]:
    """Each widget as the multiset of its tokens, positions dropped: equal iff only order differs."""
    return Counter(
        tuple(sorted(re.findall(r"[\w.:/-]+", json.dumps({k: v for k, v in w.items() if k != "y"}, sort_keys=True))))
        for body in run.dashboard_bodies().values()
        for w in body["widgets"]
    )


# --- the same config twice --------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_same_config_twice_gives_identical_resources_and_bytes(
    stack: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    first: Preview = request.getfixturevalue(stack)
    again = preview(tmp_path, stack)
    assert again.resources == first.resources
    assert again.outputs == first.outputs
    for name in ("resources.json", "outputs.json"):
        assert (again.out_dir / name).read_bytes() == (first.out_dir / name).read_bytes()
    bodies = sorted((first.out_dir / "dashboards").glob("*.json"))
    assert bodies
    for body in bodies:
        assert (again.out_dir / "dashboards" / body.name).read_bytes() == body.read_bytes()


# --- adding and removing a model --------------------------------------------------------------------


@pytest.fixture(scope="module")
def added(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    return run_prod_with(Path(tmp_path_factory.mktemp("added")), [*prod_models(), NEW_MODEL])


@pytest.fixture(scope="module")
def removed(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    return run_prod_with(Path(tmp_path_factory.mktemp("removed")), [m for m in prod_models() if m["name"] != REMOVED])


def test_adding_a_model_adds_only_its_resources_and_changes_only_aggregates(prod: Preview, added: Preview) -> None:
    names = [m["name"] for m in prod_models()] + [NEW_MODEL["name"]]
    change = compare(prod.resources, added.resources)
    assert change.removed == ()
    assert change.added, "the new model got no resources of its own"
    assert {r["name"]: model_of(r["name"], names) for r in change.added} == {
        r["name"]: NEW_MODEL["name"] for r in change.added
    }
    assert [c.name for c in change.changed if not is_aggregate(c.type, c.name, names)] == []
    assert DASHBOARD in {c.type for c in change.changed}


def test_removing_a_model_removes_only_its_resources_and_changes_only_aggregates(
    prod: Preview, removed: Preview
) -> None:
    names = [m["name"] for m in prod_models()]
    change = compare(prod.resources, removed.resources)
    assert change.added == ()
    assert change.removed, "the removed model had no resources of its own"
    assert {r["name"]: model_of(r["name"], names) for r in change.removed} == {
        r["name"]: REMOVED for r in change.removed
    }
    assert [c.name for c in change.changed if not is_aggregate(c.type, c.name, names)] == []


@pytest.mark.parametrize("scenario", ["added", "removed"])
def test_other_models_keep_their_dashboard_sections(
    scenario: str, prod: Preview, request: pytest.FixtureRequest
) -> None:
    """Sections of the models that stay are unchanged, annotations and layout included."""
    run: Preview = request.getfixturevalue(scenario)
    names = [m["name"] for m in prod_models()]
    kept = [n for n in names if n != REMOVED]
    for model in kept:
        assert model_widgets(prod, model), model
        assert model_widgets(run, model) == model_widgets(prod, model), model
    if scenario == "added":
        assert model_widgets(run, NEW_MODEL["name"])
    else:
        assert model_widgets(run, REMOVED) == []


# --- reordering the model list ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reordered(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    return run_prod_with(Path(tmp_path_factory.mktemp("reordered")), prod_models()[::-1])


def test_reordering_models_changes_no_resource_but_dashboards(prod: Preview, reordered: Preview) -> None:
    change = compare(prod.resources, reordered.resources)
    assert (change.added, change.removed) == ((), ())
    assert [c.name for c in change.changed if c.type != DASHBOARD] == []


def test_reordering_models_only_reorders_dashboard_content(prod: Preview, reordered: Preview) -> None:
    assert reordered.outputs["dashboardNames"] == prod.outputs["dashboardNames"]
    assert without_order(reordered) == without_order(prod)
    for model in [m["name"] for m in prod_models()]:
        assert model_widgets(reordered, model) == model_widgets(prod, model), model
