"""Incremental builds give what a clean build gives: same files, same bytes, same diagnostics.

Each test builds a small project made of real corpus pages, edits it, builds again and
compares ``out/`` (and stderr, exit status) with a clean build of a copy of the project.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline import catalog
from pipeline.cli import main

from .conftest import SEED_NAME, linked_pages_project, require_shared, translate_page

HTML = SEED_NAME[:-3] + ".html"


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


def _tree_of_shards(project: Path, tmp_path: Path, shards: int, *args: str) -> dict[str, bytes]:
    """``out/`` of ``pipeline build`` run once more over the ``out/`` trees of ``shards`` CI
    shard jobs, each built in a fresh copy of ``project`` (no ``out/``), copied together."""
    merged = tmp_path / "merged" / project.name
    shutil.rmtree(merged.parent, ignore_errors=True)
    shutil.copytree(project, merged, ignore=shutil.ignore_patterns("out"))
    for k in range(1, shards + 1):
        job = tmp_path / f"shard-{k}" / project.name
        shutil.rmtree(job.parent, ignore_errors=True)
        shutil.copytree(project, job, ignore=shutil.ignore_patterns("out"))
        assert main(["-C", str(job), "build", "--shard", f"{k}/{shards}", *args]) == 0
        shutil.copytree(job / "out", merged / "out", dirs_exist_ok=True)
    assert main(["-C", str(merged), "build", *args]) == 0
    return _tree(merged / "out")


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


def test_editing_a_file_included_two_levels_down_rebuilds_the_page(tmp_path, capsys):
    """The page includes mdm-supported-devices.md, which is made to include cmshort_md.md (the
    page does not): the unit's record must list that file, or an edit of it leaves the page
    as it was. Its PO file counts as much (qps-ploc has none; de-DE does)."""
    page = "GetStarted/choose-how-to-manage-devices.md"
    project = _corpus_project(tmp_path, [page], ["mdm-supported-devices.md", "wit_nextref_md.md", "cmshort_md.md"])
    devices = project / "source/includes/mdm-supported-devices.md"
    devices.write_bytes(devices.read_bytes() + b"  - PCs managed with [!INCLUDE[cmshort](cmshort_md.md)]\n")
    settings = project / "pipeline.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('["qps-ploc"]', '["qps-ploc", "de-DE"]'),
                        encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    built = project / "out/markdown/en-US" / page
    assert "PCs managed with Configuration Manager" in built.read_text(encoding="utf-8")
    (project / "source/includes/cmshort_md.md").write_text("System Center Configuration Manager", encoding="utf-8")
    assert_same_as_clean(project, tmp_path, capsys)
    assert "PCs managed with System Center Configuration Manager" in built.read_text(encoding="utf-8")
    po = project / "locales/de-DE/includes/cmshort_md.po"
    entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
    for entry in entries:
        if entry.msgid == "System Center Configuration Manager":
            entry.msgstr = "System Center Configuration Manager (DE)"
    po.write_text(catalog.format_catalog(entries), encoding="utf-8")
    assert_same_as_clean(project, tmp_path, capsys)
    german = (project / "out/markdown/de-DE" / page).read_text(encoding="utf-8")
    assert "PCs managed with System Center Configuration Manager (DE)" in german


def test_include_loop_errors_do_not_depend_on_the_formats_a_unit_is_built_in(tmp_path, capsys):
    """mdm-supported-devices.md made to include the page that includes it. A unit rebuilt for
    the one output deleted by hand, or a build of the original format alone, reported no loop
    (only the Markdown and HTML paste includes), where a clean build of all formats does."""
    page = "GetStarted/choose-how-to-manage-devices.md"
    project = _corpus_project(tmp_path, [page], ["mdm-supported-devices.md", "wit_nextref_md.md"])
    devices = project / "source/includes/mdm-supported-devices.md"
    devices.write_bytes(devices.read_bytes() + b"\n[!INCLUDE[back](../GetStarted/choose-how-to-manage-devices.md)]\n")
    status, err = _build(project, capsys, "all")
    assert status == 1 and "[link.include-loop]" in err
    (project / "out/frontmatter/en-US" / page).unlink()
    assert_same_as_clean(project, tmp_path, capsys)
    shutil.rmtree(project / "out")
    assert _build(project, capsys, "all", "--format", "frontmatter") == (status, err)


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
    before = _tree(project / "out")
    assert _build(project, capsys, "all", "--format", "markdown") == (0, "")
    assert _tree(project / "out") == before  # the formats not asked for, site files included, stay as they are


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


def test_md_files_that_are_no_pages_appearing_or_going_change_the_links_to_them(tmp_path, capsys):
    """A link to ``NOTES.MD`` or ``.github/CONTRIBUTING.md`` (files, no pages) keeps its target
    while the file exists and gets ``.html`` (a missing page) while it does not: the pages that
    link to them depend on which of those files exist, as on the list of pages. ``Other.MD``
    names the page ``Other.md`` until a file of that very name appears."""
    project = tmp_path / "site"
    (project / "source" / ".github").mkdir(parents=True)
    (project / "source" / "page.md").write_text("# Page\n\n[n](NOTES.MD) [c](.github/CONTRIBUTING.md)\n",
                                                encoding="utf-8")
    (project / "source" / "Other.md").write_text("# Other\n\n[p](page.md)\n", encoding="utf-8")
    (project / "source" / "third.md").write_text("# Third\n\n[o](Other.MD)\n", encoding="utf-8")
    third = project / "out/html/en-US/third.html"
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["qps-ploc"]\n', encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    built = project / "out/html/en-US/page.html"
    assert 'href="NOTES.html"' in built.read_text(encoding="utf-8")
    assert 'href="Other.html"' in third.read_text(encoding="utf-8")
    (project / "source" / "NOTES.MD").write_text("# Notes\n", encoding="utf-8")
    (project / "source" / ".github" / "CONTRIBUTING.md").write_text("# Contributing\n", encoding="utf-8")
    assert_same_as_clean(project, tmp_path, capsys)
    assert 'href="NOTES.MD"' in built.read_text(encoding="utf-8")
    assert (project / "out/html/qps-ploc/.github/CONTRIBUTING.md").is_file()
    (project / "source" / "NOTES.MD").write_text("# Notes, edited\n", encoding="utf-8")  # copied again
    assert_same_as_clean(project, tmp_path, capsys)
    (project / "source" / "Other.MD").write_text("# Not the page\n", encoding="utf-8")  # 'Other.MD' names it now
    assert_same_as_clean(project, tmp_path, capsys)
    assert 'href="Other.MD"' in third.read_text(encoding="utf-8")
    (project / "source" / "NOTES.MD").unlink()
    assert_same_as_clean(project, tmp_path, capsys)
    assert 'href="NOTES.html"' in built.read_text(encoding="utf-8")
    assert not (project / "out/html/en-US/NOTES.MD").exists()


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


def _translate(project: Path, locale: str, count: int) -> None:
    """Translate (msgstr = msgid) the first ``count`` untranslated messages of the sample
    page's catalog in ``locale``; a negative ``count`` empties the last translated ones."""
    po = project / "locales" / locale / (SEED_NAME[:-3] + ".po")
    entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
    live = [e for e in entries if not e.obsolete]
    if count >= 0:
        for entry in [e for e in live if not e.msgstr][:count]:
            entry.msgstr = entry.msgid
    else:
        for entry in [e for e in live if e.msgstr][count:]:
            entry.msgstr = ""
    po.write_text(catalog.format_catalog(entries), encoding="utf-8")


def _names_de_de(project: Path, locale: str) -> bool:
    """Whether the sample page's HTML in ``locale`` links to its de-DE copy (head or switcher)."""
    html = (project / "out/html" / locale / HTML).read_text(encoding="utf-8")
    return f"../de-DE/{HTML}" in html


def test_a_po_change_across_the_coverage_threshold_changes_the_other_locales_pages(sample_project, tmp_path, capsys):
    """de-DE is 14/29 = 48.3% translated: under --min-coverage 60 it is not published, and
    no other locale's copy may name it; 4 more messages (62.1%) publish it, and every
    locale's copy names it again, though only de-DE's catalog changed."""
    gate = ("--min-coverage", "60")
    assert main(["-C", str(sample_project), "all", *gate]) == 0
    assert not any(_names_de_de(sample_project, locale) for locale in ("fr-FR", "en-US", "qps-ploc", "qps-plocm"))
    _translate(sample_project, "de-DE", 4)
    assert_same_as_clean(sample_project, tmp_path, capsys, *gate)
    assert all(_names_de_de(sample_project, locale) for locale in ("fr-FR", "en-US", "de-DE", "qps-ploc", "qps-plocm"))
    _translate(sample_project, "de-DE", -4)  # back under the threshold
    assert_same_as_clean(sample_project, tmp_path, capsys, *gate)
    assert not (sample_project / "out/html/de-DE" / HTML).exists()
    assert not any(_names_de_de(sample_project, locale) for locale in ("fr-FR", "en-US", "qps-ploc", "qps-plocm"))


def test_nothing_to_rebuild_after_a_page_crossed_the_coverage_threshold(sample_project, capsys):
    gate = ("--min-coverage", "60")
    assert main(["-C", str(sample_project), "all", *gate]) == 0
    _translate(sample_project, "de-DE", 4)
    assert main(["-C", str(sample_project), "all", *gate]) == 0
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build", *gate]) == 0
    assert ": 0 built, 5 up to date, 0 file(s) written" in capsys.readouterr().out


def test_a_changed_min_coverage_changes_the_other_locales_pages(sample_project, tmp_path, capsys):
    """A page in a folder (as InTuneDocs/EULA/...), untranslated: left out of en-US and de-DE,
    its folders go too."""
    extra = sample_project / "source/EULA/terms.md"
    extra.parent.mkdir()
    extra.write_text("---\ntitle: Conditions\n---\n# Conditions\n\nBonjour.\n", encoding="utf-8")
    assert main(["-C", str(sample_project), "all"]) == 0
    assert (sample_project / "out/html/de-DE/EULA/terms.html").is_file()
    assert_same_as_clean(sample_project, tmp_path, capsys, "--min-coverage", "40")  # terms.md: fr-FR only
    assert not (sample_project / "out/html/de-DE/EULA").exists()
    assert _names_de_de(sample_project, "en-US")
    terms = (sample_project / "out/html/fr-FR/EULA/terms.html").read_text(encoding="utf-8")
    assert 'hreflang="de-DE"' not in terms and 'hreflang="en-US"' not in terms
    assert_same_as_clean(sample_project, tmp_path, capsys, "--min-coverage", "80")  # de-DE: nothing
    assert not _names_de_de(sample_project, "en-US")
    assert_same_as_clean(sample_project, tmp_path, capsys)  # no gate: every page everywhere
    assert _names_de_de(sample_project, "en-US")


def test_a_locale_built_alone_across_the_threshold_updates_the_others_at_the_next_full_build(sample_project, tmp_path, capsys):
    """``build --locale de-DE`` leaves the other locales' pages as they are; the next full
    build finds their alternates out of date though none of their inputs changed."""
    gate = ("--min-coverage", "60")
    assert main(["-C", str(sample_project), "all", *gate]) == 0
    _translate(sample_project, "de-DE", 4)
    assert main(["-C", str(sample_project), "build", "--locale", "de-DE", *gate]) == 0
    assert (sample_project / "out/html/de-DE" / HTML).is_file()
    assert_same_as_clean(sample_project, tmp_path, capsys, *gate)
    assert _names_de_de(sample_project, "en-US")


def test_a_run_of_one_locale_does_not_make_the_next_full_build_render_the_others_again(sample_project, capsys):
    """`build --locale qps-ploc` builds the source locale too; its units were recorded under
    the restricted run's settings, so the next `make build` rendered every source page again
    (and the one after a --locale run again), writing nothing."""
    assert main(["-C", str(sample_project), "all"]) == 0
    for locale in ("qps-ploc", "de-DE"):
        assert main(["-C", str(sample_project), "build", "--locale", locale]) == 0
        capsys.readouterr()
        assert main(["-C", str(sample_project), "build"]) == 0
        assert ": 0 built, 5 up to date, 0 file(s) written" in capsys.readouterr().out, locale


def _links_b_locally(project: Path) -> bool:
    """Whether de-DE's a.md (Markdown) links to b.md in de-DE, not to en-US's."""
    return "[page B](b.md)" in (project / "out/markdown/de-DE/a.md").read_text(encoding="utf-8")


def test_a_po_change_across_the_coverage_threshold_changes_the_links_to_the_page(tmp_path, capsys):
    """b.md's catalog in de-DE moves across --min-coverage: de-DE's pages that link to b.md
    (a.md, guide/c.md) must link to de-DE's b.md or fall back to en-US's, as a clean build
    does, though only b.md's catalog changed; d.md, which does not link to b.md, is not built
    again. Shard jobs, each deciding alone what is published, agree with a whole build."""
    gate = ("--min-coverage", "80")
    project = linked_pages_project(tmp_path)
    assert main(["-C", str(project), "all", *gate]) == 0
    assert not _links_b_locally(project)
    translate_page(project, "de-DE", "b.md", True)
    capsys.readouterr()
    assert main(["-C", str(project), "build", *gate]) == 0
    # b.md in de-DE, the de-DE pages that link to it (a.md, guide/c.md), and b.md in en-US,
    # whose alternates now name de-DE; not d.md
    assert "build: 4 page(s) x 2 locale(s): 4 built, 4 up to date," in capsys.readouterr().out
    assert _links_b_locally(project)
    assert_same_as_clean(project, tmp_path, capsys, *gate)
    translate_page(project, "de-DE", "b.md", False)  # back under the threshold
    assert_same_as_clean(project, tmp_path, capsys, *gate)
    assert not _links_b_locally(project)
    assert not (project / "out/markdown/de-DE/b.md").exists()
    assert _tree_of_shards(project, tmp_path, 3, *gate) == _tree(project / "out")
    assert_same_as_clean(project, tmp_path, capsys)  # no gate: b.md published, links local
    assert _links_b_locally(project)
