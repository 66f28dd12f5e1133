"""Incremental builds give what a clean build gives: same files, same bytes, same diagnostics.

Each test builds a small project made of real corpus pages, edits it, builds again and
compares ``out/`` (and stderr, exit status) with a clean build of a copy of the project.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

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


def _tree_of_shards(project: Path, tmp_path: Path, shards: int, *args: str, statuses: tuple[int, ...] = (0,)
                    ) -> dict[str, bytes]:
    """``out/`` of ``pipeline build`` run once more over the ``out/`` trees of ``shards`` CI
    shard jobs, each built in a fresh copy of ``project`` (no ``out/``), copied together;
    ``statuses``: the exit statuses the builds may end with (1 too for a project with QA errors)."""
    merged = tmp_path / "merged" / project.name
    shutil.rmtree(merged.parent, ignore_errors=True)
    shutil.copytree(project, merged, ignore=shutil.ignore_patterns("out"))
    for k in range(1, shards + 1):
        job = tmp_path / f"shard-{k}" / project.name
        shutil.rmtree(job.parent, ignore_errors=True)
        shutil.copytree(project, job, ignore=shutil.ignore_patterns("out"))
        assert main(["-C", str(job), "build", "--shard", f"{k}/{shards}", *args]) in statuses
        shutil.copytree(job / "out", merged / "out", dirs_exist_ok=True)
    assert main(["-C", str(merged), "build", *args]) in statuses
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


PIN_PAGE = "EndUser/set-your-pin-or-password-android.md"  # links one page, which is there: no page-list link
ENROLL_PAGE = "EndUser/enroll-your-device-in-Intune-android.md"


def _pin_page_project(tmp_path: Path, link: str) -> Path:
    """``PIN_PAGE`` and the page it links, in en-US and fr-FR, built; then fr-FR's step 2
    translated as the real fr-fr page reads (its step 3 added to it), with a link to
    ``ENROLL_PAGE`` written ``link``, which the source lacks: the translator accepted its
    ``qa.link-count``. ``ENROLL_PAGE`` is not there yet."""
    project = _corpus_project(tmp_path, [PIN_PAGE, "EndUser/using-your-android-device-with-intune.md"], [])
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n'
                                           '[site_map]\n"/intune/enduser" = "EndUser"\n', encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    po = project / "locales/fr-FR" / (PIN_PAGE[:-3] + ".po")
    entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
    entry = next(e for e in entries if e.msgid == "Choose and confirm your new password.")
    entry.msgstr = ("Choisissez votre nouveau mot de passe et confirmez-le. Vérifiez que votre appareil est bien "
                    "inscrit dans Microsoft Intune en suivant les instructions de la rubrique "
                    f"[Inscrire votre appareil dans Microsoft Intune]({link}).")
    entry.tcomment = "qa-accept: qa.link-count -- the enrollment step of the French page"
    po.write_text(catalog.format_catalog(entries), encoding="utf-8")
    return project


def _pin_link(project: Path) -> str:
    """The href fr-FR's HTML of ``PIN_PAGE`` gives the link its translation added."""
    html = (project / "out/html/fr-FR" / (PIN_PAGE[:-3] + ".html")).read_text(encoding="utf-8")
    return re.search(r'href="([^"]*)">Inscrire votre appareil', html).group(1)


@pytest.mark.parametrize("link", ["/intune/enduser/enroll-your-device-in-intune-android",  # site-root
                                  "enroll-your-device-in-intune-android.md"])  # relative, another letter case
def test_a_link_only_a_translation_has_follows_the_pages_that_exist(tmp_path, capsys, link):
    """The built form of such a link takes the letter case of the page it names, when that
    page is there: the unit depends on the page list because of its PO file alone. Its
    source page's unit does not, and is not built again when a page appears."""
    project = _pin_page_project(tmp_path, link)
    assert _build(project, capsys, "build")[0] == 0
    assert _pin_link(project) == "enroll-your-device-in-intune-android.html"  # no such page: as written
    _add(project, ENROLL_PAGE)
    capsys.readouterr()
    assert main(["-C", str(project), "build"]) == 0
    built = capsys.readouterr().out
    assert _pin_link(project) == "enroll-your-device-in-Intune-android.html"  # the page's letter case
    # the new page and using-your-android-device-with-intune.md (relative links to pages not
    # there), in both locales, and fr-FR's PIN_PAGE; not en-US's
    assert "build: 3 page(s) x 2 locale(s): 5 built, 1 up to date," in built
    assert_same_as_clean(project, tmp_path, capsys)
    (project / "source" / ENROLL_PAGE).rename(project / "source/EndUser/enroll-your-device-in-intune-android.md")
    assert_same_as_clean(project, tmp_path, capsys)  # renamed in letter case
    assert _pin_link(project) == "enroll-your-device-in-intune-android.html"
    _add(project, ENROLL_PAGE)
    (project / "source/EndUser/enroll-your-device-in-intune-android.md").unlink()
    assert_same_as_clean(project, tmp_path, capsys, "-j", "1")
    (project / "source" / ENROLL_PAGE).unlink()  # removed
    assert_same_as_clean(project, tmp_path, capsys, "-j", "1")
    assert _pin_link(project) == "enroll-your-device-in-intune-android.html"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_link_only_a_translation_has_follows_the_pages_that_exist_under_the_gate(tmp_path, capsys, jobs):
    """The same under --min-coverage, where the coverage keys read the same PO files first
    (``build.coverage_key``), in the main process and in the workers. ``ENROLL_PAGE`` comes
    back with its fr-FR catalog translated: published at once, no page left out changes, so
    only the page list tells fr-FR's ``PIN_PAGE`` to build again. Then nothing is left to
    build, whoever built the units: the main process's fingerprints and the workers' agree."""
    project = _pin_page_project(tmp_path, "/intune/enduser/enroll-your-device-in-intune-android")
    gate = ("--min-coverage", "1", "-j", jobs)
    _add(project, ENROLL_PAGE)
    assert _build(project, capsys, "all", *gate)[0] == 0
    translate_page(project, "fr-FR", ENROLL_PAGE, True)
    (project / "source" / ENROLL_PAGE).unlink()  # its catalog stays
    assert _build(project, capsys, "all", *gate)[0] == 0
    assert _pin_link(project) == "enroll-your-device-in-intune-android.html"
    _add(project, ENROLL_PAGE)
    assert _build(project, capsys, "build", *gate)[0] == 0
    assert _pin_link(project) == "enroll-your-device-in-Intune-android.html"
    assert (project / "out/html/fr-FR" / (ENROLL_PAGE[:-3] + ".html")).is_file()  # published: no fallback link
    assert_same_as_clean(project, tmp_path, capsys, *gate)
    for again in ("1", "2"):
        capsys.readouterr()
        assert main(["-C", str(project), "build", "--min-coverage", "1", "-j", again]) == 0
        assert ": 0 built, 6 up to date, 0 file(s) written" in capsys.readouterr().out


def test_a_file_digest_memo_holds_one_value_per_path_whoever_asks_first(tmp_path):
    """Coverage keys and unit fingerprints share one memo of file digests (a run's in the main
    process, a chunk's in a worker), in whichever order they come: fr-FR's catalog of
    ``PIN_PAGE`` is marked as depending on the page list (its translation's site-root link)
    whichever reads it first, and gives the same fingerprint and coverage key either way.
    A coverage key does not depend on the mark."""
    from pipeline.build import coverage_key, unit_fingerprint
    from pipeline.config import load_settings
    from pipeline.filedigests import FileDigests, mark_key
    from pipeline.project import po_path, source_pages

    project = _pin_page_project(tmp_path, "/intune/enduser/enroll-your-device-in-intune-android")
    settings = load_settings(project)
    pages = frozenset(source_pages(settings))
    results = []
    for fingerprint_first in (True, False):
        memo = FileDigests(pages)
        calls = [lambda: unit_fingerprint(settings, "base", "fr-FR", (PIN_PAGE,), memo, "list"),
                 lambda: coverage_key(settings, "base", "fr-FR", PIN_PAGE, memo)]
        done = [call() for call in (calls if fingerprint_first else calls[::-1])]
        results.append((done if fingerprint_first else done[::-1], memo.values, memo.marks))
    assert results[0] == results[1]
    values = results[0][1]
    assert values[po_path(settings, "fr-FR", PIN_PAGE)].endswith("/")
    assert not values[settings.source / PIN_PAGE].endswith("/")  # the source page links the page there
    fingerprint, covered = results[0][0]
    assert unit_fingerprint(settings, "base", "fr-FR", (PIN_PAGE,), FileDigests(pages), "other list") != fingerprint
    unmarked = FileDigests(pages, {mark_key(values[po_path(settings, "fr-FR", PIN_PAGE)][:-1], PIN_PAGE, True): False})
    assert coverage_key(settings, "base", "fr-FR", PIN_PAGE, unmarked) == covered
    assert unit_fingerprint(settings, "base", "fr-FR", (PIN_PAGE,), unmarked, "list") != fingerprint
    assert unit_fingerprint(settings, "base", "en-US", (PIN_PAGE,), FileDigests(pages), "list") == \
        unit_fingerprint(settings, "base", "en-US", (PIN_PAGE,), FileDigests(pages), "other list")


def test_marks_of_the_last_build_are_taken_for_the_same_bytes_and_page_list_only(tmp_path, capsys):
    """The marks a build keeps in its cache (``FileDigests.known``) spare the next build the
    scan of the files not changed since: a mark known for a file's bytes is taken, not one
    known for other bytes (the translation edited), nor one made under another page list:
    renamed in letter case, ``ENROLL_PAGE`` is the page fr-FR's link names exactly, and the
    catalog is no longer marked (taking the old mark, the main process would find the unit
    the workers built out of date at every build)."""
    from pipeline.cache import load_cache
    from pipeline.config import load_settings
    from pipeline.filedigests import FileDigests, mark_key
    from pipeline.project import po_path, source_pages

    project = _pin_page_project(tmp_path, "enroll-your-device-in-intune-android.md")
    _add(project, ENROLL_PAGE)
    shutil.rmtree(project / "out")
    assert _build(project, capsys, "build")[0] == 0  # cold: the workers' marks are kept
    settings = load_settings(project)
    pages = frozenset(source_pages(settings))
    po = po_path(settings, "fr-FR", PIN_PAGE)
    fresh = FileDigests(pages)
    assert fresh.file(po, PIN_PAGE, True).endswith("/")
    assert fresh.marks.items() <= load_cache(project / "out/.cache/build.json").marks.items()
    key = mark_key(fresh.values[po].rstrip("/"), PIN_PAGE, True)
    assert not FileDigests(pages, {key: False}).file(po, PIN_PAGE, True).endswith("/")  # taken, not scanned
    po.write_bytes(po.read_bytes() + b"\n")  # other bytes: scanned
    assert FileDigests(pages, {key: False}).file(po, PIN_PAGE, True).endswith("/")
    assert _build(project, capsys, "build")[0] == 0  # its mark kept for these bytes
    (project / "source" / ENROLL_PAGE).rename(project / "source/EndUser/enroll-your-device-in-intune-android.md")
    for jobs in ("2", "1"):
        assert _build(project, capsys, "build", "-j", jobs)[0] == 0
        assert _pin_link(project) == "enroll-your-device-in-intune-android.html"
    capsys.readouterr()
    assert main(["-C", str(project), "build"]) == 0
    assert ": 0 built, 6 up to date, 0 file(s) written" in capsys.readouterr().out
    assert_same_as_clean(project, tmp_path, capsys)


def test_a_link_a_translation_adds_to_a_page_left_out_follows_its_coverage(tmp_path, capsys):
    """Under --min-coverage, fr-FR's ``PIN_PAGE`` links ``ENROLL_PAGE`` in its translation
    only, as the page is named (no page-list link), a link GNU's wrapping cuts after a hyphen
    in the PO file (``enroll-your-"`` / ``"device-in-...``): left out of fr-FR, the page is
    linked in en-US; translated, in fr-FR, as a clean build links it."""
    project = _pin_page_project(tmp_path, "enroll-your-device-in-Intune-android.md")
    po = project / "locales/fr-FR" / (PIN_PAGE[:-3] + ".po")
    assert '(enroll-your-"\n"device-in-Intune-android.md)' in po.read_text(encoding="utf-8")
    _add(project, ENROLL_PAGE)
    gate = ("--min-coverage", "1")
    assert _build(project, capsys, "all", *gate)[0] == 0
    assert _pin_link(project) == "../../en-US/EndUser/enroll-your-device-in-Intune-android.html"
    translate_page(project, "fr-FR", ENROLL_PAGE, True)
    assert _build(project, capsys, "build", *gate)[0] == 0
    assert _pin_link(project) == "enroll-your-device-in-Intune-android.html"
    assert_same_as_clean(project, tmp_path, capsys, *gate)
