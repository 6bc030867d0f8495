"""The preview command's output and failures: short terminal summary, README pictures, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from llm_monitor.preview import pictures
from tests.program import run_cli


def test_terminal_summary_is_short_and_pictures_are_published(tmp_path: Path) -> None:
    out, docs = tmp_path / "o", tmp_path / "docs"
    docs.mkdir()
    (docs / "dev-dashboard-7.png").write_bytes(b"a page that no longer exists")
    (docs / "other.png").write_bytes(b"not ours")
    completed = run_cli("preview", "--stack", "dev", "--out", str(out), "--picture-dir", str(docs))
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert len(lines) <= 6
    assert "summary.md" in lines[-1]
    names = json.loads((out / "outputs.json").read_text())["dashboardNames"]  # in page order
    drawn = [out / "dashboards" / f"{name}.png" for name in names]
    published = [
        docs / ("dev-dashboard.png" if page == 1 else f"dev-dashboard-{page}.png") for page in range(1, len(names) + 1)
    ]
    assert sorted(docs.glob("dev-dashboard*.png")) == published
    assert (docs / "other.png").exists()
    for source, copy in zip(drawn, published, strict=True):
        assert pictures.read_layout(copy) == pictures.read_layout(source)


def test_unwritable_output_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    completed = run_cli("preview", "--stack", "dev", "--out", str(blocker / "preview"), "--no-pictures")
    assert completed.returncode == 2
    assert "cannot write the preview to" in completed.stderr
    assert "Traceback" not in completed.stderr
