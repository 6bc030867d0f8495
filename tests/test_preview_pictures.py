"""Dashboard pictures: the drawn layout (read back from the PNG) against the dashboard bodies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from llm_monitor.preview import canvas, pictures
from tests.program import ROOT, Preview

REGENERATE = (
    "venv/bin/python -m llm_monitor preview --stack dev --stack-file tests/stacks/Pulumi.dev.yaml "
    "--out build/preview-dev --picture-dir docs"
)


def expected_kind(widget: dict[str, Any]) -> str:
    props = widget["properties"]
    if widget["type"] == "metric":
        return {"timeSeries": "graph", "singleValue": "single value"}[props.get("view", "timeSeries")]
    if widget["type"] == "log":
        return {"table": "log table"}[props.get("view", "table")]
    return {"text": "text", "alarm": "alarm status"}[widget["type"]]


def expected_legend(props: dict[str, Any]) -> list[str]:
    """Visible series: their label, else an expression's id or the metric's name ("." repeats the previous)."""
    legend, previous_name = [], ""
    if "insightRule" in props:  # a Contributor Insights widget: its rule and how many contributors
        rule = props["insightRule"]
        return [f"{rule['ruleName']} (top {rule['maxContributorCount']} by {rule['orderBy'].lower()})"]
    for entry in props.get("metrics", []):
        if isinstance(entry[0], dict):
            options, fallback = entry[0], entry[0]["id"]
        else:
            options = entry[-1] if isinstance(entry[-1], dict) else {}
            previous_name = fallback = previous_name if entry[1] == "." else entry[1]
        if options.get("visible", True):
            legend.append(options.get("label") or fallback)
    return legend


def check_picture(layout: list[dict[str, Any]], body: dict[str, Any]) -> None:
    widgets = body["widgets"]
    assert len(layout) == len(widgets)
    for drawn, widget in zip(layout, widgets, strict=True):
        where = f"{widget['type']} at ({widget['x']}, {widget['y']})"
        assert [drawn[k] for k in ("x", "y", "width", "height")] == [
            widget[k] for k in ("x", "y", "width", "height")
        ], where
        assert drawn["kind"] == expected_kind(widget), where
        props = widget["properties"]
        if widget["type"] != "text":
            assert drawn["title"] == props["title"], where
        if widget["type"] == "metric":
            assert drawn["legend"] == expected_legend(props), where
        for note in props.get("annotations", {}).get("horizontal", []):
            assert f"{note['label']}: {note['value']:g}" in drawn["thresholds"], where


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_pictures_show_every_widget_of_every_dashboard(stack: str, request: pytest.FixtureRequest) -> None:
    run: Preview = request.getfixturevalue(stack)
    bodies = run.dashboard_bodies()
    assert sorted(p.stem for p in (run.out_dir / "dashboards").glob("*.png")) == sorted(bodies)
    for name, body in bodies.items():
        layout = pictures.read_layout(run.out_dir / "dashboards" / f"{name}.png")
        check_picture(layout, body)
        assert [w for w in layout if w["problems"]] == [], "an empty or untitled widget"
    summary = (run.out_dir / "summary.md").read_text()
    for name in bodies:
        assert f"![{name}](dashboards/{name}.png)" in summary


def test_readme_picture_is_up_to_date(dev: Preview) -> None:
    names = dev.outputs["dashboardNames"]
    committed = sorted((ROOT / "docs").glob("dev-dashboard*.png"))
    expected = [
        ROOT / "docs" / ("dev-dashboard.png" if page == 1 else f"dev-dashboard-{page}.png")
        for page in range(1, len(names) + 1)
    ]
    assert committed == expected, f"regenerate the README picture: {REGENERATE}"
    for path, name in zip(expected, names, strict=True):
        fresh = pictures.read_layout(dev.out_dir / "dashboards" / f"{name}.png")
        assert pictures.read_layout(path) == fresh, f"{path.name} is out of date; regenerate it: {REGENERATE}"
    readme = (ROOT / "README.md").read_text()
    assert "](docs/dev-dashboard.png)" in readme
    assert REGENERATE in readme


# --- pure: a hand-made body with every kind of widget ------------------------------------------------

SEARCH = "SEARCH('{AWS/Bedrock,ModelId} MetricName=\"Invocations\"', 'Sum', 300)"
BODY: dict[str, Any] = {
    "start": "-PT3H",
    "widgets": [
        {
            "type": "text",
            "x": 0,
            "y": 0,
            "width": 24,
            "height": 2,
            "properties": {
                "markdown": "# Costs\nInput costs $0.003 per 1K tokens, see [pricing](https://example.com)."
            },
        },
        {
            "type": "metric",
            "x": 0,
            "y": 2,
            "width": 7,
            "height": 5,
            "properties": {
                "title": "Errors",
                "region": "us-east-1",
                "metrics": [
                    ["AWS/Bedrock", "Invocations", "ModelId", "m", {"label": "Calls", "color": "#123456"}],
                    [".", "InvocationThrottles", ".", "."],
                    ["AWS/Bedrock", "InvocationServerErrors", "ModelId", "m", {"id": "h", "visible": False}],
                    [{"expression": SEARCH, "id": "all", "label": ""}],
                ],
                "annotations": {
                    "horizontal": [
                        {"label": "Server errors alarm", "value": 5},
                        [{"label": "low", "value": 1}, {"value": 9}],
                    ]
                },
            },
        },
        {
            "type": "metric",
            "x": 7,
            "y": 2,
            "width": 17,
            "height": 5,
            "properties": {
                "title": "Totals",
                "view": "singleValue",
                "metrics": [
                    ["AWS/Bedrock", "Invocations", {"label": "Invocations"}],
                    [{"expression": "1+1", "id": "two", "label": "Two"}],
                ],
            },
        },
        {
            "type": "log",
            "x": 0,
            "y": 7,
            "width": 12,
            "height": 6,
            "properties": {"title": "Recent errors", "query": "SOURCE '/a' | SOURCE '/b' | fields x\n| limit 5"},
        },
        {
            "type": "alarm",
            "x": 12,
            "y": 7,
            "width": 12,
            "height": 3,
            "properties": {"title": "Alarms", "alarms": ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:one"]},
        },
        {
            "type": "metric",
            "x": 12,
            "y": 10,
            "width": 6,
            "height": 3,
            "properties": {"metrics": [["AWS/Bedrock", "Invocations", {"visible": False}]]},
        },
        {
            "type": "metric",
            "x": 18,
            "y": 10,
            "width": 6,
            "height": 3,
            "properties": {"title": "Crowded", "metrics": [["N", f"M{i}"] for i in range(40)]},
        },
    ],
}


@pytest.fixture(scope="module")
def drawn() -> pictures.Picture:
    return pictures.render("hand-made", BODY)


def test_every_kind_is_drawn_where_the_body_puts_it(drawn: pictures.Picture) -> None:
    assert [(w.x, w.y, w.width, w.height) for w in drawn.widgets] == [
        (w["x"], w["y"], w["width"], w["height"]) for w in BODY["widgets"]
    ]
    assert [w.kind for w in drawn.widgets] == [
        "text",
        "graph",
        "single value",
        "log table",
        "alarm status",
        "graph",
        "graph",
    ]
    assert drawn.widgets[0].title == "Costs"


def test_legends_thresholds_and_problems(drawn: pictures.Picture) -> None:
    errors, totals, _, _, empty, crowded = drawn.widgets[1:]
    assert errors.legend == ("Calls", "InvocationThrottles", "all")
    assert errors.thresholds == ("Server errors alarm: 5", "low: 1", "9")
    assert totals.legend == ("Invocations", "Two")
    assert empty.problems == ("no visible series", "no title")
    assert crowded.legend[-1].startswith("+")
    shown, hidden = len(crowded.legend) - 1, int(crowded.legend[-1].split()[0][1:])
    assert shown + hidden == 40
    assert crowded.legend[:shown] == tuple(f"M{i}" for i in range(shown))
    assert all(not w.problems for i, w in enumerate(drawn.widgets) if i != 5)


def test_the_png_carries_its_layout(drawn: pictures.Picture, tmp_path: Path) -> None:
    path = tmp_path / "p.png"
    path.write_bytes(drawn.png)
    assert pictures.read_layout(path) == drawn.layout()
    with Image.open(path) as image:
        assert image.size == drawn.pixels
        # 24 columns plus margins across; the 13 grid rows plus header and margin down.
        width, height = (
            (24 * canvas.COLUMN_INCHES + 2 * canvas.MARGIN_INCHES),
            (13 * canvas.ROW_INCHES + canvas.HEADER_INCHES + canvas.MARGIN_INCHES),
        )
        assert image.size == (round(width * canvas.DPI), round(height * canvas.DPI))
    plain = tmp_path / "plain.png"
    Image.new("RGB", (4, 4)).save(plain)
    with pytest.raises(ValueError, match="carries no"):
        pictures.read_layout(plain)


def test_very_tall_dashboards_get_a_lower_resolution() -> None:
    body = {
        "widgets": [{"type": "text", "x": 0, "y": 0, "width": 24, "height": 1000, "properties": {"markdown": "# Tall"}}]
    }
    picture = pictures.render("tall", body)
    assert max(picture.pixels) <= canvas.MAX_PIXELS
    assert (picture.widgets[0].y, picture.widgets[0].height) == (0, 1000)
