"""Incremental builds give what a clean build gives: same files, same bytes, same diagnostics.

Each test builds a small project made of real corpus pages, edits it, builds again and
compares ``out/`` (and stderr, exit status) with a clean build of a copy of the project.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline import catalog
from pipeline.cli import main

from .conftest import require_shared


def _corpus() -> Path:
    return require_shared() / "corpus" / "intune-2016" / "en-us" / "InTuneDocs"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file() and ".cache" not in p.parts}


def _folders(root: Path) -> set[str]:
    """The folders of an output tree: an incremental build leaves none a clean build lacks."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir() and ".cache" not in p.parts}


def _corpus_project(tmp_path: Path, pages: list[str], includes: list[str]) -> Path:
    """en-US pages of the real corpus (``GetStarted/x.md``; its InTuneDocs folder is the
    source folder) and some of their included pages."""
    project = tmp_path / "site"
    for page in pages + [f"includes/{name}" for name in includes]:
        _add(project, page)
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["qps-ploc"]\n', encoding="utf-8")
    return project


def _add(project: Path, page: str) -> None:
    target = project / "source" / page
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(_corpus() / page, target)


def _build(project: Path, capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["-C", str(project), *args])
    return status, capsys.readouterr().err


def assert_same_as_clean(project: Path, tmp_path: Path, capsys, *args: str) -> None:
    """``pipeline all`` on ``project`` (incremental) and on a copy without ``out/`` (clean)."""
    clean = tmp_path / "clean" / project.name  # same name: the project's default .mo domain
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("out"))
    incremental = _build(project, capsys, "all", *args)
    assert incremental == _build(clean, capsys, "all", *args)
    assert _tree(project / "out") == _tree(clean / "out")
    assert _folders(project / "out") == _folders(clean / "out")


def test_an_include_that_appears_later_rebuilds_the_page(tmp_path, capsys):
    page = "GetStarted/choose-how-to-manage-devices.md"  # includes mdm-supported-devices.md
    project = _corpus_project(tmp_path, [page], ["wit_nextref_md.md"])
    assert main(["-C", str(project), "all"]) == 0
    _add(project, "includes/mdm-supported-devices.md")
    assert_same_as_clean(project, tmp_path, capsys)
    built = (project / "out/markdown/qps-ploc" / page).read_text(encoding="utf-8")
    assert "[!INCLUDE[mdm-supported-devices]" not in built


def test_pages_added_later_change_the_links_and_home_link_of_the_others(tmp_path, capsys):
    # enterprise-rollout.md links /intune/enduser/enroll-your-device-in-intune-android: the
    # built link takes the letter case of the page when it exists (enroll-your-device-in-Intune-...)
    project = _corpus_project(tmp_path, ["GetStarted/enterprise-rollout.md"], [])
    with open(project / "pipeline.toml", "a", encoding="utf-8") as settings:
        settings.write('[site_map]\n"/intune/enduser" = "EndUser"\n')
    assert main(["-C", str(project), "all"]) == 0
    _add(project, "EndUser/enroll-your-device-in-Intune-android.md")
    assert_same_as_clean(project, tmp_path, capsys)
    built = project / "out/html/en-US/GetStarted/enterprise-rollout.html"
    assert 'href="../EndUser/enroll-your-device-in-Intune-android.html"' in built.read_text(encoding="utf-8")
    _add(project, "index.md")  # the site's own home page: the page list becomes contents.html
    assert_same_as_clean(project, tmp_path, capsys)
    assert 'class="site-home" href="../contents.html"' in built.read_text(encoding="utf-8")


def test_site_files_follow_the_images_the_locales_and_the_formats(tmp_path, capsys):
    page = "EndUser/sync-your-device-manually-ios.md"
    project = _corpus_project(tmp_path, [page, "EndUser/company-portal-app-not-supported.md"], [])
    for image in ("ios-sync-1-comp-portal-apps.png", "ios-sync-2-sync-button.png"):
        _add(project, f"EndUser/media/{image}")
    assert main(["-C", str(project), "all"]) == 0
    media = project / "source/EndUser/media"
    (media / "ios-sync-1-comp-portal-apps.png").write_bytes(b"new image")  # edited: copied again
    (media / "ios-sync-2-sync-button.png").unlink()  # gone: its copies go
    assert_same_as_clean(project, tmp_path, capsys)
    assert (project / "out/html/qps-ploc/EndUser/media/ios-sync-1-comp-portal-apps.png").read_bytes() == b"new image"
    (project / "out/html/qps-ploc/index.html").unlink()  # deleted by hand: written again
    (project / "out/catalog/en-US/errors.json").unlink()
    assert_same_as_clean(project, tmp_path, capsys)
    settings = project / "pipeline.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('["qps-ploc"]', '["qps-plocm"]'), encoding="utf-8")
    assert_same_as_clean(project, tmp_path, capsys)  # a locale left: its index, catalogs and images go
    assert_same_as_clean(project, tmp_path, capsys, "--format", "markdown")  # no HTML: no site files


def test_a_page_added_rebuilds_only_the_pages_whose_links_depend_on_the_page_list(tmp_path, capsys):
    """Only site-root and ``~/`` links look pages up (60 of the corpus's 432 pages have one):
    a page with relative links only is not rebuilt when another page appears."""
    project = _corpus_project(tmp_path, ["GetStarted/enterprise-rollout.md", "EndUser/company-portal-app-not-supported.md"], [])
    with open(project / "pipeline.toml", "a", encoding="utf-8") as settings:
        settings.write('[site_map]\n"/intune/enduser" = "EndUser"\n')
    assert main(["-C", str(project), "all"]) == 0
    _add(project, "EndUser/enroll-your-device-in-Intune-android.md")
    capsys.readouterr()
    assert main(["-C", str(project), "build"]) == 0
    # the new page and enterprise-rollout.md (a site-root link), in en-US and qps-ploc
    assert "build: 3 page(s) x 2 locale(s): 4 built, 2 up to date," in capsys.readouterr().out
    assert_same_as_clean(project, tmp_path, capsys)


def test_findings_come_in_the_same_order_whatever_was_up_to_date(sample_project, tmp_path, capsys):
    """Up-to-date units report their stored findings, rebuilt ones report as they build: the
    lines are sorted by file and line, so an incremental build prints what a clean one does."""
    assert main(["-C", str(sample_project), "all"]) == 0
    for locale in ("en-US", "de-DE"):  # a QA error in each locale's catalog: a link target changed
        po = next((sample_project / "locales" / locale).glob("*.po"))
        entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
        entry = next(e for e in entries if "(unenroll-your-device-from-intune-android.md)" in e.msgstr)
        entry.msgstr = entry.msgstr.replace("(unenroll-your-device-from-intune-android.md)", "(x.md)")
        po.write_text(catalog.format_catalog(entries), encoding="utf-8")
    assert main(["-C", str(sample_project), "all"]) == 1
    po = next((sample_project / "locales/en-US").glob("*.po"))
    po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # only en-US is rebuilt
    assert_same_as_clean(sample_project, tmp_path, capsys)

