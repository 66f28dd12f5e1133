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


# A page (a.md) and a page in a folder (guide/c.md) that link, in every form a page link
# takes, to b.md, which de-DE leaves untranslated; d.md links to none of them.
LINKED_PAGES = {
    "a.md": "---\ntitle: Page A\n---\n# Page A\n\n"
            "See [page B](b.md), [its section](b.md#section), [B again](b) and [the reference][r].\n\n"
            'Also <a href="b.md#section">there</a> and [the guide](guide/c.md).\n\n'
            "[r]: b.md\n",
    "b.md": "---\ntitle: Page B\n---\n# Page B\n\nFirst paragraph.\n\n## Section\n\nSecond paragraph.\n",
    "guide/c.md": "---\ntitle: Page C\n---\n# Page C\n\nBack to [the section](../b.md#section) of B, "
                  "or to [page A](../a.md).\n",
    "d.md": "---\ntitle: Page D\n---\n# Page D\n\nNothing but [page A](a.md).\n",
}


def linked_pages_project(root: Path) -> Path:
    """``LINKED_PAGES`` in an en-US project with de-DE, its catalogs made (``pipeline all``)
    and de-DE's translated but for b.md's, which has none (0%)."""
    from pipeline.cli import main

    project = root / "linked"
    for page, text in LINKED_PAGES.items():
        (project / "source" / page).parent.mkdir(parents=True, exist_ok=True)
        (project / "source" / page).write_text(text, encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["de-DE"]\n', encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    for page in LINKED_PAGES:
        if page != "b.md":
            translate_page(project, "de-DE", page, True)
    return project


def translate_page(project: Path, locale: str, page: str, translated: bool) -> None:
    """Give every message of ``page``'s catalog in ``locale`` a translation ("DE " and the
    source text: links kept, as QA wants), or take them all away."""
    from pipeline import catalog

    po = project / "locales" / locale / (page[:-3] + ".po")
    entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
    for entry in entries:
        if entry.msgid and not entry.obsolete:
            entry.msgstr = f"DE {entry.msgid}" if translated else ""
    po.write_text(catalog.format_catalog(entries), encoding="utf-8")


def one_page_project(tmp_path: Path, text: str, name: str = "p.md") -> Path:
    """A project of one source page ``name`` holding ``text``, English to French, after
    ``pipeline all`` (its template and its fr-FR catalog made, its outputs built)."""
    from pipeline.cli import main

    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "source" / name).write_text(text, encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    return project
