"""Traffic turned into metrics by Bedrock's publishing rules, and scenario files read with key paths."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from llm_monitor import catalogue as cat
from llm_monitor.config import parse_settings
from llm_monitor.simulate.metrics import MetricStore, metric_key
from llm_monitor.simulate.scenario import Profile, Scenario, ScenarioError, hour_range, load, parse
from llm_monitor.simulate.selectors import Selection
from llm_monitor.simulate.traffic import Minute, Publisher, Readings, Target, apportion, draw, effective
from tests.program import PRICED, fixture_config

TARGET = Target("m", "amazon.nova-lite-v1:0")
BY_MODEL = [(cat.MODEL_ID, TARGET.model_id)]


def published(calls: Minute, readings: Readings | None = None, **profile: object) -> MetricStore:
    store = MetricStore(0, 0)
    publisher = Publisher(store, TARGET, readings or Readings(), "LLM/Inference")
    publisher.publish(0, calls, Profile.model_validate(profile), 1, 1)
    return store


def value(
    store: MetricStore, metric: cat.Metric, dims: list[tuple[str, str]] = BY_MODEL, stat: str = "Sum"
) -> float | None:
    return store.statistic(metric_key(metric.namespace, metric.name, dims), 0, 1, stat)


def minute(**counts: int) -> Minute:
    fields = {"attempts": 0, "before_bedrock": 0, "throttled": 0, "client_errors": 0, "server_errors": 0}
    fields |= {"succeeded": 0, "streaming": 0} | counts
    return Minute(**fields)


def test_a_minute_without_requests_publishes_nothing_at_all() -> None:
    assert published(minute()).keys() == []


def test_throttles_are_not_invocations_and_errors_are() -> None:
    store = published(minute(attempts=10, throttled=3, client_errors=1, server_errors=2, succeeded=4, streaming=2))
    assert value(store, cat.INVOCATIONS) == 7
    assert value(store, cat.INVOCATION_THROTTLES) == 3
    assert value(store, cat.INVOCATION_CLIENT_ERRORS) == 1
    assert value(store, cat.INVOCATION_SERVER_ERRORS) == 2
    # The older reading: Invocations counts successful requests only.
    older = published(minute(attempts=10, throttled=3, client_errors=1, server_errors=2, succeeded=4), Readings(False))
    assert value(older, cat.INVOCATIONS) == 4


def test_time_to_first_token_comes_from_successful_streaming_calls_only() -> None:
    store = published(minute(attempts=10, succeeded=10, streaming=4))
    assert value(store, cat.TIME_TO_FIRST_TOKEN, stat="SampleCount") == 4
    assert value(store, cat.INVOCATION_LATENCY, stat="SampleCount") == 10
    assert value(published(minute(attempts=5, succeeded=5)), cat.TIME_TO_FIRST_TOKEN) is None


def test_counts_are_published_only_when_they_count_something_unless_zeros_are_read() -> None:
    quiet = published(minute(attempts=5, succeeded=5))
    assert value(quiet, cat.INVOCATION_SERVER_ERRORS) is None
    zeros = published(minute(attempts=5, succeeded=5), Readings(zero_counts=True))
    assert value(zeros, cat.INVOCATION_SERVER_ERRORS) == 0


def test_the_quota_estimate_burns_output_tokens_by_the_models_factor() -> None:
    fields: dict[str, object] = {"inputTokens": 100.0, "outputTokens": {"p50": 50, "p90": 50}}
    plain = published(minute(attempts=2, succeeded=2), None, **fields)
    burning = published(minute(attempts=2, succeeded=2), None, **fields, quotaBurndown=5)
    assert value(plain, cat.ESTIMATED_TPM_QUOTA_USAGE) == 2 * (100 + 50)
    assert value(burning, cat.ESTIMATED_TPM_QUOTA_USAGE) == 2 * (100 + 5 * 50)


def test_applications_see_calls_that_never_reached_bedrock() -> None:
    calls = minute(attempts=10, before_bedrock=10)
    store = published(calls, applications={"search": 0.7, "chat": 0.3})
    assert value(store, cat.INVOCATIONS) is None  # Bedrock saw nothing
    requests = cat.INFERENCE_REQUESTS
    assert value(store, requests) == 10
    assert value(store, cat.INFERENCE_ERRORS) == 10
    assert value(store, requests, [(cat.APPLICATION, "search")]) == 7
    assert value(store, cat.INFERENCE_ERRORS, [(cat.APPLICATION, "chat")]) == 3
    silent = published(calls, applicationLogs=False)
    assert silent.keys() == []


def test_apportion_gives_whole_numbers_that_add_up() -> None:
    assert apportion(10, {"a": 0.5, "b": 0.25, "c": 0.25}) == {"a": 5, "b": 3, "c": 2}
    assert sum(apportion(7, {"a": 1, "b": 1, "c": 1}).values()) == 7


def test_draws_follow_the_profile_and_the_expected_minute_has_no_noise() -> None:
    profile = Profile.model_validate({"requests": 100, "serverErrors": "10%", "throttles": "20%"})
    expected = draw(None, profile)
    assert (expected.attempts, expected.throttled, expected.server_errors) == (100, 20, 8)
    rng = random.Random("t")
    minutes = [draw(rng, profile) for _ in range(300)]
    mean = sum(m.attempts for m in minutes) / len(minutes)
    assert 90 < mean < 110
    assert sum(m.throttled for m in minutes) / sum(m.attempts for m in minutes) == pytest.approx(0.2, abs=0.02)


def test_events_change_the_profile_only_while_they_last_and_pulses_come_and_go() -> None:
    base = Profile()
    (event,) = parse(
        {"name": "s", "events": [{"from": 10, "to": 20, "serverErrors": "50%", "latency": "x3"}]}, "t"
    ).events
    assert effective(base, [event], 9, 10)[0].server_errors == base.server_errors
    profile, slow, _ = effective(base, [event], 10, 10)
    assert (profile.server_errors, slow) == (0.5, 3)
    (pulse,) = parse(
        {"name": "p", "events": [{"from": 0, "requests": "x0", "pulse": {"minutes": 2, "every": 5}}]}, "t"
    ).events
    assert [pulse.active(m) for m in range(7)] == [True, True, False, False, False, True, True]


def test_the_daily_shape_scales_the_call_rate_by_utc_hour() -> None:
    profile = Profile.model_validate({"requests": 50, "hourly": {"20-7": 0.1}})
    assert effective(profile, [], 0, 21)[0].requests == pytest.approx(5)
    assert effective(profile, [], 0, 12)[0].requests == 50
    assert hour_range("22-2") == {22, 23, 0, 1}


# --- scenario files -------------------------------------------------------------------------------


def test_scenario_problems_name_their_key_paths_all_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "duration: 5\n"
        "traffic:\n  default: {clientErrors: 30, latencyMs: 5}\n"
        "events:\n  - {from: 10, to: 5}\n  - {from: 1, requests: five}\n"
        "expect:\n  - page: {}\n  - pages: 0\n    emails: 1\n  - sometimes: true\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as caught:
        load(path)
    found = {p.path: p.message for p in caught.value.problems}
    assert "greater than or equal to 10" in found["duration"]
    assert "percentage ('30%')" in found["traffic.default.clientErrors"]
    assert found["traffic.default.latencyMs"] == "unknown key"
    assert "after 'from'" in found["events[0]"]
    assert "multiplier" in found["events[1].requests"]
    assert "required" in found["expect[0].page.within"].lower()
    assert "exactly one" in found["expect[1]"]
    assert found["expect[2].sometimes"] == "unknown key"
    assert str(path) in str(caught.value)


def test_a_file_that_is_not_yaml_or_not_a_mapping_is_one_clear_problem(tmp_path: Path) -> None:
    for text, message in (("a: [", "not valid YAML"), ("- 1\n", "YAML mapping")):
        path = tmp_path / "x.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ScenarioError, match=message):
            load(path)


def test_a_replay_brings_its_own_traffic() -> None:
    with pytest.raises(ScenarioError, match="replay brings its own traffic"):
        parse({"name": "r", "replay": "h.json", "events": [{"from": 1}]}, "t")


def test_selectors_name_models_by_name_position_and_role() -> None:
    current = parse_settings(fixture_config("prod"))
    selection = Selection(current)
    names = [m.name for m in current.models]
    assert [m.name for m in selection.models("first", "x")] == names[:1]
    assert [m.name for m in selection.models(-1, "x")] == names[-1:]
    assert [m.name for m in selection.models(2, "x")] == names[1:2]
    assert [m.name for m in selection.models("busy", "x")] == ["claude-sonnet"]  # its trafficLoss floor
    assert [m.name for m in selection.models("idle", "x")] == ["nova-canvas"]
    assert len(selection.models(None, "x")) == len(names)
    with pytest.raises(ScenarioError) as caught:
        selection.models("nope", "events[3].model")
    assert caught.value.problems[0].path == "events[3].model"


def test_busy_needs_a_model_that_expects_traffic() -> None:
    current = parse_settings({"aws:region": "us-east-1", "llm-monitor:models": [PRICED]})
    with pytest.raises(ScenarioError, match="expected to carry traffic"):
        Selection(current).models("busy", "events[0].model")


def test_traffic_profiles_layer_defaults_then_selectors() -> None:
    current = parse_settings(fixture_config("dev"))
    scenario: Scenario = parse({"name": "t", "traffic": {"default": {"requests": 5}, "last": {"noise": 0}}}, "t")
    profiles = Selection(current).profiles(scenario.traffic)
    first, last = (m.name for m in (current.models[0], current.models[-1]))
    assert (profiles[first].requests, profiles[first].noise) == (5, 0.1)
    assert (profiles[last].requests, profiles[last].noise) == (5, 0)
