"""The shipped incident library passes on every shipped stack: the alarms page on real incidents,
stay quiet otherwise, and docs/incidents.md reports what they do.

Every scenario also runs under the other readings of what AWS leaves open (Invocations without
errors, zeros published beside errors, FILL on an empty range) and, for the quiet ones, with other
noise: a pass must not depend on one reading or on lucky noise.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_monitor.alarms import AlarmPlan, build_alarms
from llm_monitor.config import Settings, parse_settings
from llm_monitor.simulate import engine
from llm_monitor.simulate.cli import LIBRARY
from llm_monitor.simulate.report import first_delay, markdown
from llm_monitor.simulate.scenario import Scenario, load
from llm_monitor.simulate.traffic import Readings
from llm_monitor.simulate.verdict import Verdict, judge
from tests.program import ROOT, stack_config

# One worker runs this module, so the library's runs are computed once (pyproject: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("incidents")

STACKS = ("dev", "prod")
SCENARIOS = sorted(LIBRARY.glob("*.yaml"))
READINGS = {
    "invocations-without-errors": Readings(invocations_include_errors=False),
    "zeros-published": Readings(zero_counts=True),
    "fill-needs-data": Readings(fill_empty=False),
}
QUIET = ("quiet-day", "idle-model")
#: The scenarios whose alarms read what the readings change (counts, Invocations, empty ranges).
READING_SENSITIVE = (
    *QUIET,
    "server-error-storm",
    "client-error-storm",
    "low-traffic-total-failure",
    "traffic-loss",
    "access-denied-before-bedrock",
    "throttling-storm",
    "second-incident",
)


def stack(name: str) -> tuple[Settings, AlarmPlan]:
    settings = parse_settings(stack_config(name))
    return settings, build_alarms(settings, project="llm-monitor", stack=name)


def run(name: str, scenario: Scenario, readings: Readings | None = None) -> Verdict:
    settings, plan = stack(name)
    return judge(engine.simulate(plan, settings, scenario, name, readings), settings)


@pytest.fixture(scope="module")
def library() -> dict[tuple[str, str], Verdict]:
    return {(s, path.stem): run(s, load(path)) for s in STACKS for path in SCENARIOS}


def failures(verdict: Verdict) -> list[str]:
    return [f"{c.expectation}: {c.detail}" for c in verdict.checks if not c.passed]


def test_the_library_covers_the_incidents_on_call_meets() -> None:
    names = {p.stem for p in SCENARIOS}
    assert names >= {
        "quiet-day",
        "idle-model",
        "nightly-lull",
        "server-error-storm",
        "client-error-storm",
        "low-traffic-total-failure",
        "traffic-loss",
        "throttling-storm",
        "latency-regression",
        "second-incident",
        "flapping-errors",
        "cost-spike",
        "log-delivery-failures",
        "flex-slowdown",
        "standard-slowdown-beside-flex",
        "reserved-overflow",
    }
    for path in SCENARIOS:
        scenario = load(path)
        assert scenario.description, path.name
        assert scenario.expect, path.name


@pytest.mark.parametrize("name", STACKS)
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_incident_gets_the_expected_pages_and_emails(
    library: dict[tuple[str, str], Verdict], name: str, path: Path
) -> None:
    assert failures(library[(name, path.stem)]) == []


@pytest.mark.parametrize("name", STACKS)
def test_quiet_days_page_and_email_nobody(library: dict[tuple[str, str], Verdict], name: str) -> None:
    for scenario in (*QUIET, "nightly-lull"):
        run = library[(name, scenario)].run
        assert (len(run.pages), len(run.emails)) == (0, 0), scenario


@pytest.mark.parametrize("name", STACKS)
def test_a_server_error_storm_on_a_busy_model_pages_within_five_minutes(
    library: dict[tuple[str, str], Verdict], name: str
) -> None:
    delay = first_delay(library[(name, "server-error-storm")].run, page=True)
    assert delay is not None
    assert delay <= 5


@pytest.mark.parametrize("name", STACKS)
def test_the_second_incident_pages_while_the_first_is_still_in_alarm(
    library: dict[tuple[str, str], Verdict], name: str
) -> None:
    run = library[(name, "second-incident")].run
    first, second = (event for event, _ in run.events)
    assert [p.model for p in run.pages] == [run.events[0][1][0], run.events[1][1][0]]
    # The first model's roll-up was still in ALARM when the second model paged.
    health = run.traces[f"{run.prefix}/{run.events[0][1][0]}-health"]
    second_page = run.pages[1].minute
    assert health.states[second_page - 1] == "ALARM"
    assert second.start <= second_page < first.end  # type: ignore[operator]


@pytest.mark.parametrize("name", STACKS)
@pytest.mark.parametrize("label", sorted(READINGS))
@pytest.mark.parametrize("scenario", READING_SENSITIVE)
def test_the_library_holds_under_every_reading_of_what_aws_leaves_open(name: str, label: str, scenario: str) -> None:
    assert failures(run(name, load(LIBRARY / f"{scenario}.yaml"), READINGS[label])) == []


@pytest.mark.parametrize("name", STACKS)
@pytest.mark.parametrize("scenario", QUIET)
@pytest.mark.parametrize("seed", ["other-noise-1", "other-noise-2"])
def test_quiet_scenarios_stay_quiet_with_other_noise(name: str, scenario: str, seed: str) -> None:
    loaded = load(LIBRARY / f"{scenario}.yaml")
    assert failures(run(name, loaded.model_copy(update={"seed": seed}))) == []


@pytest.mark.parametrize("scenario", ["flex-slowdown", "standard-slowdown-beside-flex", "reserved-overflow"])
def test_tier_incidents_apply_where_a_model_declares_the_tier(
    library: dict[tuple[str, str], Verdict], scenario: str
) -> None:
    # dev declares no service tier: the scenario does not apply there (and says why); prod's do.
    assert "service tier" in (library[("dev", scenario)].run.not_applicable or "")
    assert library[("prod", scenario)].run.not_applicable is None
    assert library[("prod", scenario)].checks


def test_flex_slowness_emails_by_its_own_alarm_and_pages_nobody(library: dict[tuple[str, str], Verdict]) -> None:
    run = library[("prod", "flex-slowdown")].run
    assert run.pages == []
    assert f"{run.prefix}/nova-pro-flex-latency" in {n.alarm for n in run.emails if n.state == "ALARM"}
    # The paging latency alarms watched the other tiers and stayed OK throughout.
    for kind in ("latency", "time-to-first-token"):
        assert set(run.traces[f"{run.prefix}/nova-pro-{kind}"].states) == {"OK"}


def test_docs_report_the_librarys_results(library: dict[tuple[str, str], Verdict]) -> None:
    expected = markdown([library[(s, p.stem)] for p in SCENARIOS for s in STACKS])
    report = ROOT / "docs" / "incidents.md"
    # Regenerate with: python -m llm_monitor test-alarms --stack dev --stack prod --report docs/incidents.md
    assert report.read_text(encoding="utf-8") == expected
