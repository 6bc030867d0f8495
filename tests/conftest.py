"""Shared fixtures: one program run per stack file, reused by every test that only reads it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.program import ROOT, Preview, preview

# The policy pack's modules import each other by bare name, as the pack runs them (from policy/).
sys.path.insert(0, str(ROOT / "policy"))


@pytest.fixture(scope="session")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    return preview(Path(tmp_path_factory.mktemp("dev")), "dev", pictures=True)


@pytest.fixture(scope="session")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    return preview(Path(tmp_path_factory.mktemp("prod")), "prod", pictures=True)
