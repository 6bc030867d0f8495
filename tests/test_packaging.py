"""The package as users install it: a wheel with the package, its data files and runtime dependencies only."""

from __future__ import annotations

import email.parser
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import llm_monitor
from tests.program import ROOT, run_cli

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources (a build writes build/ and *.egg-info beside them)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "llm_monitor", source / "llm_monitor", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    (built,) = out.glob("llm_monitor-*.whl")
    return built


def test_the_wheel_holds_the_package_and_every_file_it_reads(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"llm_monitor", f"llm_monitor-{llm_monitor.__version__}.dist-info"}
    shipped = {
        *(f"llm_monitor/incidents/{p.name}" for p in (ROOT / "llm_monitor" / "incidents").glob("*.yaml")),
        *(f"llm_monitor/preview/{p.name}" for p in (ROOT / "llm_monitor" / "preview").glob("*.json")),
        "llm_monitor/py.typed",
    }
    assert len(shipped) > 10
    assert shipped <= set(names)
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "llm_monitor").rglob("*.py")}
    assert modules <= set(names), "a module is missing (a folder without __init__.py?)"


def test_the_wheel_requires_the_runtime_dependencies_only(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        message = email.parser.Parser().parsestr(archive.read(metadata).decode())
    assert message["Version"] == llm_monitor.__version__
    requires = message.get_all("Requires-Dist") or []
    runtime = [r for r in requires if "extra ==" not in r]
    names = {r.split("<")[0].split(">")[0].split("=")[0].strip().lower() for r in runtime}
    assert names == {"pulumi", "pulumi-aws", "pydantic", "pyyaml", "matplotlib", "pillow"}
    tooling = {"pytest", "ruff", "mypy", "pulumi-policy", "hypothesis"}
    assert not tooling & names
    assert all(any(op in r for op in ("<", ">")) for r in runtime), "runtime dependencies are ranges"


def test_the_installed_package_reads_its_data_files(wheel: Path, tmp_path: Path) -> None:
    """Installed from the wheel (not the source tree): the incident library and the price table load."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    script = (
        "import llm_monitor, pathlib; from llm_monitor.simulate.cli import LIBRARY; "
        "from llm_monitor.preview import prices; "
        "print(pathlib.Path(llm_monitor.__file__).parent); print(len(list(LIBRARY.glob('*.yaml')))); "
        "print(prices.load(prices.DEFAULT_FILE).region)"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    where, incidents, region = done.stdout.split()
    assert Path(where) == target / "llm_monitor"
    assert int(incidents) == len(list((ROOT / "llm_monitor" / "incidents").glob("*.yaml")))
    assert region == "us-east-1"


def test_version_has_one_source_and_the_cli_prints_it() -> None:
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "llm_monitor.__version__"}
    completed = run_cli("--version")
    assert completed.returncode == 0
    assert completed.stdout.strip() == f"llm-monitor {llm_monitor.__version__}"


def test_requirements_install_this_project_with_its_tooling() -> None:
    """The README's set-up command: the editable project with the dev extra, nothing pinned twice."""
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert [line for line in lines if line and not line.startswith("#")] == ["-e .[dev]"]
    assert "dev" in PYPROJECT["project"]["optional-dependencies"]
