"""The Makefile sets the environment up once: a settings edit does not reinstall it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _planned(folder: Path) -> str:
    return subprocess.run(["make", "-n", "build"], cwd=folder, capture_output=True, text=True, check=True).stdout


def test_editing_the_settings_does_not_reinstall_but_editing_the_dependencies_does(tmp_path: Path) -> None:
    """The stamp depended on all of pyproject.toml: adding a locale to [tool.pipeline], as the
    README's "New locale" says, made `make build` reinstall (and fail offline)."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    plan = _planned(tmp_path)
    assert "-m venv" in plan  # no environment yet
    stamp = re.search(r"touch (\S+)", plan).group(1)
    (tmp_path / stamp).parent.mkdir(parents=True)
    (tmp_path / stamp).touch()
    assert "-m venv" not in _planned(tmp_path)
    settings = tmp_path / "pyproject.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('target_locales = [', 'target_locales = ["it-IT", ', 1), encoding="utf-8")
    assert "-m venv" not in _planned(tmp_path)
    settings.write_text(text.replace("[project.optional-dependencies]", '[project.urls]\nHome = "x"\n\n'
                                     "[project.optional-dependencies]", 1), encoding="utf-8")
    assert "-m venv" in _planned(tmp_path)
