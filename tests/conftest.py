"""Shared fixtures: one program run per stack file, reused by every test that only reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.program import Preview, preview


@pytest.fixture(scope="session")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    return preview(Path(tmp_path_factory.mktemp("dev")), "dev", pictures=True)


@pytest.fixture(scope="session")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    return preview(Path(tmp_path_factory.mktemp("prod")), "prod", pictures=True)
