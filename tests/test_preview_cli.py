"""The preview command's output and failures: short terminal summary, README pictures, clear errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from llm_monitor.preview import pictures
from llm_monitor.preview.progress import Progress
from tests.program import ROOT, run_preview


def test_terminal_summary_is_short_and_pictures_are_published(tmp_path: Path) -> None:
    out, docs = tmp_path / "o", tmp_path / "docs"
    docs.mkdir()
    (docs / "dev-dashboard-7.png").write_bytes(b"a page that no longer exists")
    (docs / "other.png").write_bytes(b"not ours")
    completed = run_preview("--stack", "dev", "--out", str(out), "--picture-dir", str(docs))
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
    completed = run_preview("--stack", "dev", "--out", str(blocker / "preview"), "--no-pictures")
    assert completed.returncode == 2
    assert "cannot write the preview to" in completed.stderr
    assert "Traceback" not in completed.stderr


# --- the output directory: all at once ----------------------------------------------------------------

#: Runs the CLI in a fresh process with a fault injected after the program ran and part of the preview
#: was written (resources.json, the dashboards), while the summary is being made.
_FAILS_WHILE_WRITING = """
import sys
from llm_monitor.preview import cli, report
def boom(*args, **kwargs):
    raise OSError(28, "No space left on device", "summary.md")
report.markdown = boom
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_run_that_fails_while_writing_leaves_the_previous_preview_intact(tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert run_preview("--stack", "dev", "--out", str(out), "--no-pictures").returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert Path("resources.json") in before
    failed = subprocess.run(
        [sys.executable, "-c", _FAILS_WHILE_WRITING, "preview", "--stack", "prod", "--out", str(out), "--no-pictures"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 2
    assert "No space left on device" in failed.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # dev's preview, not a mix of dev's and prod's files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]  # no temporary folder left behind


def test_a_run_that_fails_on_a_new_directory_leaves_nothing(tmp_path: Path) -> None:
    failed = subprocess.run(
        [sys.executable, "-c", _FAILS_WHILE_WRITING, "preview", "--stack", "dev", "--out", str(tmp_path / "o")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_a_directory_that_is_not_a_preview_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    completed = run_preview("--stack", "dev", "--out", str(tmp_path), "--no-pictures")
    assert completed.returncode == 2
    assert "notes.txt, which a preview did not write" in completed.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_second_run_replaces_the_first_whole(tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert run_preview("--stack", "dev", "--out", str(out), "--no-pictures", "--diff", "dev").returncode == 0
    assert (out / "diff.json").exists()
    assert run_preview("--stack", "dev", "--out", str(out), "--no-pictures").returncode == 0
    assert not (out / "diff.json").exists()  # not left over from the first run


# --- progress -----------------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_once_a_run_is_slow_and_clears_its_line() -> None:
    terminal = Terminal()
    with Progress(terminal, delay=0) as progress:
        progress.step("drawing dashboard 1 of 2")
    text = terminal.getvalue()
    assert "… drawing dashboard 1 of 2 (" in text
    assert text.endswith("\r\033[K")


def test_progress_stays_silent_for_quick_runs_and_off_a_terminal() -> None:
    quick, pipe = Terminal(), io.StringIO()
    with Progress(quick, delay=60) as progress:
        progress.step("running the program")
    with Progress(pipe, delay=0) as progress:
        progress.step("running the program")
    assert quick.getvalue() == ""
    assert pipe.getvalue() == ""


def test_the_cli_prints_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    completed = run_preview("--stack", "dev", "--out", str(tmp_path / "o"), "--no-pictures")
    assert completed.returncode == 0
    assert completed.stderr == ""
