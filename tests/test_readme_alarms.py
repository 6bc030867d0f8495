"""The README's alarm reference against the code: every kind documented, with its real defaults,
and the worked scenario runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic.alias_generators import to_camel

from llm_monitor.config.alarm_kinds import AlarmRule
from llm_monitor.config.alarms import MODEL_KINDS, AlarmSettings
from llm_monitor.simulate.scenario import parse
from tests.test_incidents import failures, run

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
_WINDOW = re.compile(r"(\d+) of (\d+) × (\d+) (min|hour|day)")
_UNIT = {"min": 60, "hour": 3600, "day": 86_400}


def section(heading: str) -> str:
    start = README.index(heading)
    end = README.find("\n#", start + len(heading))
    return README[start:end]


def table_rows(text: str, header: str) -> dict[str, str]:
    """First cell (without backticks) → last cell, for the table whose header row starts with ``header``."""
    lines = text[text.index(header) :].splitlines()
    rows = {}
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].strip("`")] = cells[-1]
    return rows


ALARMS = section("### `llm-monitor:alarms`")
MODEL_ROWS = table_rows(ALARMS, "| kind | watches | default |")
STACK_ROWS = table_rows(ALARMS, "| block | alarm | default |")
DEFAULTS = AlarmSettings()


def test_every_alarm_kind_has_a_row() -> None:
    assert set(MODEL_ROWS) == {to_camel(k) for k in MODEL_KINDS}
    stack_blocks = set(AlarmSettings.model_fields) - set(MODEL_KINDS)
    assert set(STACK_ROWS) == {to_camel(k) for k in stack_blocks}


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_documented_defaults_are_the_code_defaults(kind: str) -> None:
    rule: AlarmRule = getattr(DEFAULTS, kind)
    cell = MODEL_ROWS[to_camel(kind)]
    assert cell.startswith("on" if rule.enabled else "off"), cell
    assert rule.urgency in cell, cell
    match = _WINDOW.search(cell)
    assert match, cell
    m, n, length, unit = match.groups()
    period = int(length) * _UNIT[unit]
    assert (int(m), int(n), period) == (rule.datapoints_to_alarm, rule.evaluation_periods, rule.period_seconds)
    threshold = getattr(rule, "threshold", None)
    if threshold is not None:
        assert f"{threshold:,g}" in cell or f"{int(threshold):,}" in cell, cell


def test_worked_scenario_runs_and_passes_on_prod() -> None:
    text = section("### Writing a scenario")
    block = text[text.index("```yaml") + len("```yaml") : text.index("```", text.index("```yaml") + 7)]
    scenario = parse({"name": "readme", **yaml.safe_load(block)}, "README")
    assert scenario.stack == "prod"
    verdict = run("prod", scenario)
    assert verdict.passed, failures(verdict)
