"""``python -m llm_monitor test-alarms`` and ``history-queries``, as a user runs them (fresh processes)."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from llm_monitor.alarms import build_alarms
from llm_monitor.config import parse_settings
from llm_monitor.simulate import engine, replay
from llm_monitor.simulate.scenario import parse
from llm_monitor.simulate.selectors import Selection
from llm_monitor.simulate.traffic import Readings
from tests.program import fixture_config, fixture_project, run_cli

STORM = {
    "description": "A storm of server errors.",
    "stack": "dev",
    "duration": 60,
    "traffic": {"busy": {"requests": 60}},
    "events": [{"name": "storm", "model": "busy", "from": 20, "to": 40, "serverErrors": "30%"}],
}


def run_on_fixtures(command: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The command with the tests' own stack files (tests/stacks), not the shipped examples."""
    return run_cli(command, "--project-dir", str(fixture_project()), *args)


def write(tmp_path: Path, name: str, scenario: dict[str, object]) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    return path


def test_a_passing_scenario_prints_its_timeline_and_exits_0(tmp_path: Path) -> None:
    path = write(tmp_path, "storm", {**STORM, "expect": [{"page": {"within": 5}}, {"pages": 1}]})
    done = run_on_fixtures("test-alarms", str(path), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "PASS storm on dev" in done.stdout
    assert "claude-haiku-health  PAGE + e-mail" in done.stdout
    assert "[ok] a page about claude-haiku within 5 min of storm" in done.stdout
    assert not (tmp_path / "out").exists()


def test_a_failing_expectation_exits_1_with_a_picture_of_what_happened(tmp_path: Path) -> None:
    path = write(tmp_path, "storm", {**STORM, "expect": [{"pages": 0}]})
    done = run_on_fixtures(
        "test-alarms", str(path), "--stack", "dev", "--stack", "prod", "--out", str(tmp_path / "out")
    )
    assert done.returncode == 1
    assert "FAIL storm on dev" in done.stdout
    assert "[FAILED] pages: exactly 0: 1 sent" in done.stdout
    picture = tmp_path / "out" / "dev-storm.png"
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "out" / "prod-storm.png").exists()
    assert "0 of 2 scenario runs passed." in done.stdout


def test_scenarios_a_stack_cannot_run_are_counted_apart(tmp_path: Path) -> None:
    storm = write(tmp_path, "storm", {**STORM, "expect": [{"pages": 1}]})
    guarded = write(tmp_path, "guarded", {**STORM, "surfaces": ["guardrails"], "expect": [{"pages": 0}]})
    done = run_cli("test-alarms", str(storm), str(guarded), "--stack", "dev", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "N/A  guarded on dev" in done.stdout
    assert "1 of 1 scenario runs passed (1 not applicable" in done.stdout


def test_a_bad_scenario_file_exits_2_naming_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, "bad", {**STORM, "events": [{"from": 5, "serverErrors": 30}]})
    done = run_on_fixtures("test-alarms", str(path))
    assert done.returncode == 2
    assert "events[0].serverErrors" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_selector_the_stack_cannot_meet_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, "bad", {**STORM, "events": [{"from": 5, "model": "gpt-9", "serverErrors": "5%"}]})
    done = run_on_fixtures("test-alarms", str(path))
    assert done.returncode == 2
    assert "events[0].model: 'gpt-9': no such model (this stack has claude-haiku, nova-lite)" in done.stderr


def test_the_report_sums_up_each_scenario(tmp_path: Path) -> None:
    path = write(tmp_path, "storm", {**STORM, "expect": [{"pages": 1}]})
    report = tmp_path / "report.md"
    done = run_on_fixtures("test-alarms", str(path), "--quiet", "--report", str(report))
    assert done.returncode == 0
    assert done.stdout.startswith("PASS storm on dev\n")
    assert "| `storm` | A storm of server errors. | 3 | 3 | 1 | 2 | pass |" in report.read_text()


def test_history_queries_ask_for_every_metric_the_alarms_read(tmp_path: Path) -> None:
    done = run_on_fixtures(
        "history-queries", "--stack", "dev", "--start", "2026-11-23T00:00:00Z", "--end", "2026-11-24T00:00:00Z"
    )
    assert done.returncode == 0, done.stderr
    queries = json.loads(done.stdout)
    assert (queries["StartTime"], queries["EndTime"]) == ("2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z")
    labels = [json.loads(q["Label"]) for q in queries["MetricDataQueries"]]
    assert all(q["MetricStat"]["Period"] == 60 for q in queries["MetricDataQueries"])
    assert len({q["Id"] for q in queries["MetricDataQueries"]}) == len(labels) <= 500
    wanted = {(label["metric"], label["stat"]) for label in labels}
    assert {("InvocationLatency", "p90"), ("InvocationLatency", "SampleCount"), ("Invocations", "Sum")} <= wanted
    assert ("InferenceErrors", "Sum") in wanted
    bad = run_on_fixtures(
        "history-queries", "--stack", "dev", "--start", "2026-11-24T00:00:00Z", "--end", "2026-11-23T00:00:00Z"
    )
    assert bad.returncode == 2
    assert "--end must be after --start" in bad.stderr


def test_a_replay_of_recorded_metrics_pages_as_the_live_alarms_would(tmp_path: Path) -> None:
    """Record a storm as get-metric-data would return it, replay it, and get the same pages."""
    settings = parse_settings(fixture_config("dev"))
    plan = build_alarms(settings, project="llm-monitor", stack="dev")
    scenario = parse({**STORM, "name": "storm"}, "storm")
    warm = engine.warm_up(plan)
    events = [(scenario.events[0], ("claude-haiku",))]
    profiles = Selection(settings).profiles(scenario.traffic)
    store = engine.generate(
        settings, profiles, events, -warm, scenario.duration, "recorded", Readings(), scenario.start
    )
    origin = scenario.start - timedelta(minutes=warm)
    results = []
    for index, ((namespace, name, dims), stat) in enumerate(replay.needed(plan)):
        key = (namespace, name, dims)
        minutes = [m for m in range(-warm, scenario.duration) if store.statistic(key, m, m + 1, stat) is not None]
        label = json.dumps({"namespace": namespace, "metric": name, "dimensions": dict(dims), "stat": stat})
        stamps = [
            (origin + timedelta(minutes=m + warm)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for m in minutes
        ]
        values = [store.statistic(key, m, m + 1, stat) for m in minutes]
        results.append(
            {"Id": f"q{index}", "Label": label, "Timestamps": stamps, "Values": values, "StatusCode": "Complete"}
        )
    # Bedrock's delivery metrics and a quiet first minute keep the recording's first timestamp at the origin.
    results.append(
        {
            "Id": "first",
            "Label": json.dumps({"namespace": "AWS/Bedrock", "metric": "Invocations", "dimensions": {}, "stat": "Sum"}),
            "Timestamps": [origin.strftime("%Y-%m-%dT%H:%M:%SZ")],
            "Values": [0],
        }
    )
    (tmp_path / "history.json").write_text(json.dumps({"MetricDataResults": results, "Messages": []}))
    replayed = write(tmp_path, "replayed", {"stack": "dev", "replay": "history.json", "expect": [{"pages": 1}]})
    done = run_on_fixtures("test-alarms", str(replayed))
    assert done.returncode == 0, done.stdout + done.stderr
    live = engine.simulate(plan, settings, scenario.model_copy(update={"seed": "recorded"}), "dev")
    (page,) = live.pages
    assert f"{page.minute:>5} (" in done.stdout
    assert "claude-haiku-health  PAGE + e-mail" in done.stdout
    first = results[-1]["Timestamps"]
    assert isinstance(first, list)
    assert datetime.fromisoformat(str(first[0]).replace("Z", "+00:00")) == origin


def test_a_replay_file_that_is_not_get_metric_data_output_exits_2(tmp_path: Path) -> None:
    (tmp_path / "history.json").write_text(json.dumps({"MetricDataResults": [{"Id": "m1", "Values": [1]}]}))
    replayed = write(tmp_path, "replayed", {"stack": "dev", "replay": "history.json"})
    done = run_on_fixtures("test-alarms", str(replayed))
    assert done.returncode == 2
    assert "MetricDataResults[0]: has no llm-monitor Label" in done.stderr
