"""Stable plans: the same config gives the same bytes; model-list edits touch only what they must.

Every scenario is the prod stack file (every feature on) run as a whole program and compared with
the ``prod`` fixture by URN. A resource is *per-model* when its Pulumi name carries a model's name
as a segment (``alarms-claude-haiku-latency``); *aggregate* resources (dashboards, composite or
roll-up alarms, query definitions over all models) may change when the model list does.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.program import DASHBOARD, Preview, preview, stack_config

COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
QUERY = "aws:cloudwatch/queryDefinition:QueryDefinition"
AGGREGATE_TYPES = {DASHBOARD, COMPOSITE, QUERY}
NEW_MODEL: dict[str, Any] = {"name": "llama-70b", "id": "meta.llama3-1-70b-instruct-v1:0", "inputTokenPrice": 0.00072}
REMOVED = "nova-micro"

Resource = dict[str, Any]


def prod_models() -> list[dict[str, Any]]:
    return list(stack_config("prod")["llm-monitor:models"])


def run_prod_with(tmp_path: Path, models: list[dict[str, Any]]) -> Preview:
    config = stack_config("prod")
    config["llm-monitor:models"] = models
    return preview(tmp_path, "prod", config)


def owner(resource: Resource, model_names: list[str]) -> str | None:
    """The model a resource belongs to (its name carries the model name as a segment), if any."""
    for name in sorted(model_names, key=len, reverse=True):
        if re.search(rf"(^|-){re.escape(name)}(-|$)", resource["name"]):
            return name
    return None


def is_aggregate(resource: Resource, model_names: list[str]) -> bool:
    return resource["type"] in AGGREGATE_TYPES or (
        resource["type"] == METRIC_ALARM and owner(resource, model_names) is None
    )


@dataclass
class Diff:
    added: list[Resource]
    removed: list[Resource]
    changed: list[Resource]
    """Present in both runs with different inputs (as the later run has them)."""


def diff(before: Preview, after: Preview) -> Diff:
    old = {r["urn"]: r for r in before.resources}
    new = {r["urn"]: r for r in after.resources}
    return Diff(
        added=[new[u] for u in sorted(new.keys() - old.keys())],
        removed=[old[u] for u in sorted(old.keys() - new.keys())],
        changed=[new[u] for u in sorted(old.keys() & new.keys()) if old[u]["inputs"] != new[u]["inputs"]],
    )


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


def test_same_config_twice_gives_identical_resources_and_bytes(tmp_path: Path, prod: Preview) -> None:
    again = preview(tmp_path, "prod")
    assert again.resources == prod.resources
    assert again.outputs == prod.outputs
    for name in ("resources.json", "outputs.json"):
        assert (again.out_dir / name).read_bytes() == (prod.out_dir / name).read_bytes()
    bodies = sorted((prod.out_dir / "dashboards").glob("*.json"))
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
    change = diff(prod, added)
    assert change.removed == []
    assert change.added, "the new model got no resources of its own"
    assert {r["name"]: owner(r, names) for r in change.added} == {r["name"]: NEW_MODEL["name"] for r in change.added}
    assert [r["name"] for r in change.changed if not is_aggregate(r, names)] == []
    assert DASHBOARD in {r["type"] for r in change.changed}


def test_removing_a_model_removes_only_its_resources_and_changes_only_aggregates(
    prod: Preview, removed: Preview
) -> None:
    names = [m["name"] for m in prod_models()]
    change = diff(prod, removed)
    assert change.added == []
    assert change.removed, "the removed model had no resources of its own"
    assert {r["name"]: owner(r, names) for r in change.removed} == {r["name"]: REMOVED for r in change.removed}
    assert [r["name"] for r in change.changed if not is_aggregate(r, names)] == []


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
    change = diff(prod, reordered)
    assert (change.added, change.removed) == ([], [])
    assert [r["name"] for r in change.changed if r["type"] != DASHBOARD] == []


def test_reordering_models_only_reorders_dashboard_content(prod: Preview, reordered: Preview) -> None:
    assert reordered.outputs["dashboardNames"] == prod.outputs["dashboardNames"]
    assert without_order(reordered) == without_order(prod)
    for model in [m["name"] for m in prod_models()]:
        assert model_widgets(reordered, model) == model_widgets(prod, model), model
