"""Shared fixtures: the real data in ../shared/ and a copy of the sample project."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "intune-2016"
SEED_NAME = "you-see-errors-while-trying-to-enroll-your-device-in-intune-ios.md"


def require_shared() -> Path:
    """../shared/, or a failure under CI (CI=true) and a skip elsewhere when it is missing."""
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED} is missing; CI must provide ../shared/")
        pytest.skip("../shared/ is not available")
    return SHARED


@pytest.fixture
def shared() -> Path:
    return require_shared()


@pytest.fixture
def corpus() -> Path:
    require_shared()
    return CORPUS


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A copy of the shipped project (pyproject, source/, locales/, templates/) in tmp_path."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "pyproject.toml", project / "pyproject.toml")
    for folder in ("source", "locales", "templates"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, project / folder)
    return project
