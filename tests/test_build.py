"""Build behaviour: incremental, parallel, sharded, coverage gate, pseudo-locales, stats."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from pipeline import catalog
from pipeline.build import in_shard
from pipeline.cli import main

from .conftest import SEED_NAME, linked_pages_project, one_page_project

HTML = SEED_NAME[:-3] + ".html"


def require(condition: bool, reason: str) -> None:
    """Skip when a tool outside the repo is missing, but fail on CI (CI=true)."""
    if not condition:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file() and ".cache" not in p.parts}


def _multi_page_project(tmp_path: Path, corpus: Path) -> Path:
    project = tmp_path / "site"
    project.mkdir(parents=True)
    (project / "pipeline.toml").write_text(
        f'source = "{(corpus / "en-us" / "InTuneDocs" / "EndUser").as_posix()}"\n'
        'source_locale = "en-US"\ntarget_locales = ["qps-ploc"]\n', encoding="utf-8")
    return project


def test_rebuild_after_no_change_builds_nothing(sample_project, capsys):
    assert main(["-C", str(sample_project), "all"]) == 0
    capsys.readouterr()
    assert main(["-C", str(sample_project), "all"]) == 0
    out = capsys.readouterr().out
    assert "extract: 0 page(s) parsed, 1 unchanged, 0 template(s) written" in out
    assert "update: 0 catalog(s) written" in out
    assert ": 0 built, 5 up to date, 0 file(s) written" in out


def test_po_change_rebuilds_only_that_locale(sample_project, capsys):
    assert main(["-C", str(sample_project), "build"]) == 0
    po = sample_project / "locales/de-DE" / (SEED_NAME[:-3] + ".po")
    po.write_text(po.read_text(encoding="utf-8").replace("Fehler beim Registrieren", "Fehler beim Anmelden"), encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build"]) == 0
    out = capsys.readouterr().out
    assert ": 1 built, 4 up to date" in out
    assert "Fehler beim Anmelden" in (sample_project / "out/html/de-DE" / HTML).read_text(encoding="utf-8")


def test_template_change_rebuilds_everything(sample_project, capsys):
    assert main(["-C", str(sample_project), "build"]) == 0
    (sample_project / "templates").mkdir(exist_ok=True)
    (sample_project / "templates" / "page.md.j2").write_text("<!-- built -->\n{{ body }}", encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build"]) == 0
    assert ": 5 built, 0 up to date" in capsys.readouterr().out
    assert (sample_project / "out/markdown/en-US" / SEED_NAME).read_text(encoding="utf-8").startswith("<!-- built -->\n")


def test_output_is_identical_whatever_the_workers_and_shards(corpus, tmp_path):
    one = _multi_page_project(tmp_path / "a", corpus)
    two = _multi_page_project(tmp_path / "b", corpus)
    sharded = _multi_page_project(tmp_path / "c", corpus)
    assert main(["-C", str(one), "build", "-j", "1"]) == 0
    assert main(["-C", str(two), "build", "-j", "2"]) == 0
    for k in (1, 2, 3):
        assert main(["-C", str(sharded), "build", "-j", "1", "--shard", f"{k}/3"]) == 0
    reference = _tree(one / "out")
    assert len(reference) > 100
    assert _tree(two / "out") == reference
    pages_only = {k: v for k, v in reference.items()
                  if k.endswith((".md", ".html")) and not k.endswith("index.html")}
    assert _tree(sharded / "out") == pages_only  # shards write pages; the site files come after the merge
    caches = sorted(p.name for p in (sharded / "out/.cache").glob("build-*.json"))
    assert caches == ["build-1-of-3.json", "build-2-of-3.json", "build-3-of-3.json"]
    assert main(["-C", str(sharded), "build", "-j", "1"]) == 0  # after the merge: nothing to rebuild
    assert _tree(sharded / "out") == reference


def test_min_coverage_skips_a_page_and_says_so(sample_project, capsys):
    assert main(["-C", str(sample_project), "build"]) == 0
    assert (sample_project / "out/html/de-DE" / HTML).is_file()
    capsys.readouterr()
    note = f"build: de-DE: {SEED_NAME} not published: 48.3% translated, below --min-coverage 80"
    assert main(["-C", str(sample_project), "build", "--min-coverage", "80"]) == 0
    out = capsys.readouterr().out
    assert note in out
    assert not (sample_project / "out/html/de-DE" / HTML).exists()
    assert (sample_project / "out/html/en-US" / HTML).is_file()
    # said again by a build with nothing to do, as a clean build would (a CI log shows it)
    assert main(["-C", str(sample_project), "build", "--min-coverage", "80"]) == 0
    out = capsys.readouterr().out
    assert ": 0 built, 5 up to date" in out and out.count(note) == 1


def test_the_error_catalog_of_a_locale_leads_to_pages_it_publishes_or_the_source_locales(sample_project):
    """The seed page is left out of de-DE: de-DE's errors.json gave each of its rows the URL of
    de-DE's copy, which is not built. It leads to the source locale's, as the pages' own links
    to a page left out do; so do the links in its cells."""
    assert main(["-C", str(sample_project), "build", "--min-coverage", "80"]) == 0
    assert not (sample_project / "out/html/de-DE" / HTML).exists()
    dead_in_source: set[str] = set()  # the seed's own broken links (in the sample's baseline)
    for locale in ("fr-FR", "de-DE", "en-US"):  # the source locale first
        catalog = sample_project / "out/catalog" / locale
        errors = json.loads((catalog / "errors.json").read_text(encoding="utf-8"))["errors"]
        assert errors, locale
        for code, entry in errors.items():
            assert (catalog / entry["url"].split("#")[0]).resolve().is_file(), (locale, code, entry["url"])
            for html in (entry["problem"]["html"], entry["resolution"]["html"]):
                for href in re.findall(r'href="([^"#:]+)', html):
                    if not (catalog / href).resolve().exists():
                        if locale == "fr-FR":
                            dead_in_source.add(Path(href).name)
                        assert Path(href).name in dead_in_source, (locale, code, href)
    assert dead_in_source  # the check above saw links
    de = json.loads((sample_project / "out/catalog/de-DE/errors.json").read_text(encoding="utf-8"))["errors"]
    assert all(entry["url"].startswith("../../html/fr-FR/") for entry in de.values())


def test_a_broken_catalog_keeps_the_error_catalog_of_its_locale_as_it_was(sample_project, capsys):
    """A PO file that cannot be read (a duplicate entry) keeps its page's outputs in that
    locale, as the last build wrote them; the locale's errors.json and .mo were rewritten
    from the source text instead (French rows in en-US, "complete": false)."""
    assert main(["-C", str(sample_project), "build"]) == 0
    catalog = sample_project / "out/catalog/en-US"
    before = {path: path.read_bytes() for path in catalog.rglob("*") if path.is_file()}
    assert len(before) == 2 and b'"complete": true' in before[catalog / "errors.json"]
    po = sample_project / "locales/en-US" / (SEED_NAME[:-3] + ".po")
    good = po.read_bytes()
    po.write_bytes(good + b'\nmsgid "x"\nmsgstr "a"\n\nmsgid "x"\nmsgstr "b"\n')
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build"]) == 1
    assert "[po.duplicate]" in capsys.readouterr().err
    assert {path: path.read_bytes() for path in catalog.rglob("*") if path.is_file()} == before
    assert (sample_project / "out/catalog/de-DE/errors.json").is_file()  # the other locales' are written
    po.write_bytes(good)
    assert main(["-C", str(sample_project), "build"]) == 0
    assert {path: path.read_bytes() for path in catalog.rglob("*") if path.is_file()} == before


def test_a_shard_built_over_a_whole_build_is_not_undone_by_its_older_record(sample_project, capsys):
    """A shard job run in a folder with a whole build's out/ (its records in their own
    file): a page it built from an edit that is then reverted was taken as up to date by the
    next whole build, by the whole build's older record, and kept the edit's outputs."""
    page = sample_project / "source" / SEED_NAME
    original = page.read_bytes()
    assert main(["-C", str(sample_project), "build"]) == 0
    page.write_bytes(original.replace(b"\n# Des erreurs", b"\n# STALE Des erreurs", 1))
    assert b"STALE" in page.read_bytes()
    shard = 1 if in_shard(SEED_NAME, (1, 2)) else 2
    assert main(["-C", str(sample_project), "build", "--shard", f"{shard}/2"]) == 0
    assert "STALE" in (sample_project / "out/markdown/en-US" / SEED_NAME).read_text(encoding="utf-8")
    page.write_bytes(original)
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build"]) == 0
    assert ": 5 built, 0 up to date" in capsys.readouterr().out
    assert not [p for p in (sample_project / "out").rglob("*.*") if p.suffix in (".md", ".html")
                and "STALE" in p.read_text(encoding="utf-8")]


def test_a_page_left_out_of_a_locale_is_no_alternate_of_the_others(sample_project, capsys):
    """Every other locale's copy linked to the page not published in de-DE (head links and
    language switcher): ``pipeline check`` reported each link as broken."""
    assert main(["-C", str(sample_project), "build", "--min-coverage", "80"]) == 0
    for locale in ("fr-FR", "en-US", "qps-ploc", "qps-plocm"):
        html = (sample_project / "out/html" / locale / HTML).read_text(encoding="utf-8")
        assert 'hreflang="de-DE"' not in html and f"../de-DE/{HTML}" not in html, locale
        assert 'hreflang="en-US"' in html and 'hreflang="x-default" href="../fr-FR/' in html, locale
    capsys.readouterr()
    main(["-C", str(sample_project), "check", "--no-cache"])
    assert "broken link '../de-DE/" not in capsys.readouterr().err


def test_links_to_a_page_left_out_of_a_locale_fall_back_to_the_source_locale(tmp_path, capsys):
    """b.md is not published in de-DE (0% translated, --min-coverage 80): de-DE's other pages
    linked to it as to a page of their own locale (``b.md``, ``b.html``), dead links in every
    format. As docs platforms do, they now link to b.md's page in the source locale, in the
    same format, fragment kept; links to published pages stay in the locale."""
    project = linked_pages_project(tmp_path)
    capsys.readouterr()
    assert main(["-C", str(project), "build", "--min-coverage", "80"]) == 0
    assert "build: de-DE: b.md not published: 0.0% translated" in capsys.readouterr().out
    out = project / "out"
    assert not (out / "markdown/de-DE/b.md").exists()
    for fmt in ("frontmatter", "markdown"):
        a = (out / fmt / "de-DE/a.md").read_text(encoding="utf-8")
        assert ("DE See [page B](../en-US/b.md), [its section](../en-US/b.md#section), [B again](../en-US/b.md) "
                "and [the reference][r].") in a, fmt
        assert '<a href="../en-US/b.md#section">there</a> and [the guide](guide/c.md)' in a, fmt
        assert "[r]: ../en-US/b.md" in a, fmt
        c = (out / fmt / "de-DE/guide/c.md").read_text(encoding="utf-8")
        assert "[the section](../../en-US/b.md#section) of B, or to [page A](../a.md)" in c, fmt
        assert "[page B](b.md)" in (out / fmt / "en-US/a.md").read_text(encoding="utf-8"), fmt  # the source locale's own
    hrefs = lambda path: [a.get("href") for a in lxml.html.parse(str(path)).getroot().iter("a")
                          if "b.html" in (a.get("href") or "")]
    assert hrefs(out / "html/de-DE/a.html") == ["../en-US/b.html", "../en-US/b.html#section", "../en-US/b.html",
                                                "../en-US/b.html", "../en-US/b.html#section"]
    assert "../../en-US/b.html#section" in hrefs(out / "html/de-DE/guide/c.html")
    assert "b.html#section" in hrefs(out / "html/en-US/a.html")
    assert 'href="../a.html"' in (out / "html/de-DE/guide/c.html").read_text(encoding="utf-8")
    # every relative link of de-DE's pages names a file that exists
    for path in (out / "html/de-DE").rglob("*.html"):
        for href in hrefs(path):
            assert (path.parent / href.partition("#")[0]).is_file(), (path, href)


def test_a_page_is_taken_to_link_to_every_page_its_links_name(corpus):
    """What a unit's fingerprint names of the pages left out of its locale
    (``build.linked_withheld``) is a superset of the pages its links name (as the build
    resolves them, ``linkmap.linked_page``): on the real corpus, no link is missed."""
    from pipeline.build import names_linked, page_names, withheld_names
    from pipeline.linkscan import find_links
    from pipeline.linkmap import LinkContext, linked_page

    root = corpus / "en-us" / "InTuneDocs"
    pages = frozenset(p.relative_to(root).as_posix() for p in root.rglob("*.md"))
    linked = unnamed = 0
    for page in sorted(pages):
        data = (root / page).read_bytes()
        names = page_names(data)
        context = LinkContext(page, (("/intune", ""),), pages)
        for link in find_links(data.decode("utf-8", "replace"))[0]:
            target = linked_page(link.target, context)
            if target is not None:
                linked += 1
                unnamed += names is None
                assert names is None or target in names_linked(names, withheld_names(frozenset({target}))), \
                    (page, link.target)
    assert linked > 1000 and unnamed < linked / 2  # most pages' links are looked for by name


def test_pseudo_locales_need_no_po_file(sample_project):
    assert main(["-C", str(sample_project), "build", "--locale", "qps-ploc", "--locale", "qps-plocm"]) == 0
    ploc = (sample_project / "out/frontmatter/qps-ploc" / SEED_NAME).read_text(encoding="utf-8")
    assert "[!! " in ploc and "DeviceCapReached" in ploc
    assert "(unenroll-your-device-from-intune-android.md)" in ploc  # link targets untouched
    html = (sample_project / "out/html/qps-plocm" / HTML).read_text(encoding="utf-8")
    assert 'dir="rtl"' in html and 'lang="qps-x-plocm"' in html  # valid BCP 47: private-use subtag


def test_broken_translation_falls_back_and_is_reported(sample_project, capsys):
    po = sample_project / "locales/en-US" / (SEED_NAME[:-3] + ".po")
    catalog_ = catalog.parse_catalog(po.read_text(encoding="utf-8"), "en.po")
    entry = next(e for e in catalog_ if "(unenroll-your-device-from-intune-android.md)" in e.msgstr)
    entry.msgstr = entry.msgstr.replace("(unenroll-your-device-from-intune-android.md)", "(unenroll-android.md)")
    po.write_text(catalog.format_catalog(catalog_), encoding="utf-8")
    assert main(["-C", str(sample_project), "build"]) == 1  # bad input: an error, whatever else was built
    (finding,) = capsys.readouterr().err.splitlines()
    assert finding.startswith(f"locales/en-US/{SEED_NAME[:-3]}.po:") and ": error: " in finding
    assert finding.endswith("the source text is used instead [qa.link-target]")
    built = (sample_project / "out/frontmatter/en-US" / SEED_NAME).read_text(encoding="utf-8")
    assert "unenroll-android.md" not in built
    assert "Vous avez trop d’appareils mobiles" not in built  # other messages still translated
    assert (sample_project / "out/html/de-DE" / HTML).is_file()  # and the other locales built
    assert main(["-C", str(sample_project), "build"]) == 1  # up to date, still broken: said again
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [finding] and "0 built, 5 up to date" in captured.out
    po.write_text(po.read_text(encoding="utf-8").replace("(unenroll-android.md)",
                                                         "(unenroll-your-device-from-intune-android.md)"),
                  encoding="utf-8")
    assert main(["-C", str(sample_project), "build"]) == 0 and capsys.readouterr().err == ""


def test_stats_table_and_json(sample_project, capsys):
    assert main(["-C", str(sample_project), "stats", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["locales"]["en-US"]["coverage"] == 100.0
    de = data["locales"]["de-DE"]
    assert de["translated"] + de["untranslated"] + de["fuzzy"] == de["total"] == data["locales"]["en-US"]["total"]
    assert 0 < de["translated"] < de["total"]
    assert main(["-C", str(sample_project), "stats"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["locale", "page", "translated"]


def test_translated_heading_keeps_the_source_fragment(sample_project):
    assert main(["-C", str(sample_project), "build"]) == 0
    page = (sample_project / "out/frontmatter/en-US" / SEED_NAME).read_text(encoding="utf-8")
    assert '### <a name="voir-aussi"></a>See also' in page
    html = (sample_project / "out/html/en-US" / HTML).read_text(encoding="utf-8")
    assert 'id="voir-aussi"' in html and 'id="see-also"' in html
    source = (sample_project / "out/frontmatter/fr-FR" / SEED_NAME).read_text(encoding="utf-8")
    assert "<a name=" not in source  # untranslated output stays byte for byte


DE_PO = f"locales/de-DE/{SEED_NAME[:-3]}.po"
CONTEXT_ENTRY = '\nmsgctxt "sidebar"\nmsgid "Voir aussi"\nmsgstr "Weiterf\u00fchrende Links"\n'


@pytest.mark.parametrize("heading", ["Siehe auch", ""])
def test_an_entry_with_a_context_the_template_has_not_is_not_used(sample_project, capsys, heading):
    """gettext looks a message up by (msgctxt, msgid), and our templates carry no msgctxt: an
    entry with one is another message. The build keyed entries by msgid alone, so it published
    the context entry's translation for the heading (gettext returns "Siehe auch"), and counted
    the heading translated when the entry without context was not."""
    po = sample_project / DE_PO
    text = po.read_text(encoding="utf-8")
    assert 'msgid "Voir aussi"\nmsgstr ""\n' in text
    po.write_text(text.replace('msgid "Voir aussi"\nmsgstr ""\n', f'msgid "Voir aussi"\nmsgstr "{heading}"\n'),
                  encoding="utf-8")

    def built() -> tuple[list[str], bytes, dict]:
        capsys.readouterr()
        assert main(["-C", str(sample_project), "build", "--locale", "de-DE"]) == 0
        lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("build: de-DE:")]
        assert main(["-C", str(sample_project), "stats", "--format", "json"]) == 0
        stats = json.loads(capsys.readouterr().out)["locales"]["de-DE"]
        return lines, (sample_project / "out/markdown/de-DE" / SEED_NAME).read_bytes(), stats

    without = built()
    po.write_text(po.read_text(encoding="utf-8") + CONTEXT_ENTRY, encoding="utf-8")
    with_context = built()
    assert with_context == without
    page = with_context[1].decode("utf-8")
    assert "Weiterf\u00fchrende Links" not in page
    assert re.search(rf"^### (<a name=\"voir-aussi\"></a>)?{heading or 'Voir aussi'}$", page, re.MULTILINE)


def test_includes_are_inlined_with_their_links_rebased(tmp_path):
    project = tmp_path / "site"
    (project / "source" / "includes").mkdir(parents=True)
    (project / "source" / "guide").mkdir()
    (project / "source" / "media").mkdir()
    (project / "source" / "media" / "shot.png").write_bytes(b"")
    (project / "source" / "includes" / "note.md").write_text("See ![shot](../media/shot.png) and [more](other.md).\n", encoding="utf-8")
    (project / "source" / "includes" / "other.md").write_text("Other.\n", encoding="utf-8")
    (project / "source" / "includes" / "product.md").write_text("Contoso\nSuite\n", encoding="utf-8")
    (project / "source" / "guide" / "page.md").write_text(
        "---\ntitle: Guide\n---\n# Guide\n\n[!INCLUDE [note](../includes/note.md)]\n\n"
        "|Name|Value|\n|-|-|\n|A|Uses [!INCLUDE[product](../includes/product.md)] daily|\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    markdown = (project / "out/markdown/en-US/guide/page.md").read_text(encoding="utf-8")
    assert "See ![shot](../media/shot.png) and [more](../includes/other.md)." in markdown
    assert "|A|Uses Contoso Suite daily|" in markdown  # inline include kept on the table row
    html = (project / "out/html/en-US/guide/page.html").read_text(encoding="utf-8")
    assert 'src="../media/shot.png"' in html and (project / "out/html/en-US/media/shot.png").is_file()


def test_links_in_other_letter_case_work_in_the_built_html_on_a_case_sensitive_server(tmp_path):
    """The docs platform ignores letter case; the corpus has 13 images linked so (`.png` for
    `Intune_Add_VPN_URI.PNG`) and 56 such links. The image was not copied into out/html and
    `href="Other.html"` named no built file. The image is copied to the name the page uses;
    a page link takes the built page's letter case, as a site-root link does."""
    project = tmp_path / "site"
    (project / "source" / "media").mkdir(parents=True)
    (project / "source" / "media" / "Pic.PNG").write_bytes(b"\x89PNG real")
    (project / "source" / "Other.md").write_text("# Other\n", encoding="utf-8")
    (project / "source" / "page.md").write_text(
        "# Page\n\n![x](media/pic.png) and [other](other.md), [again](./OTHER) and [gone](gone.md).\n",
        encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    html = (project / "out/html/en-US/page.html").read_text(encoding="utf-8")
    assert (project / "out/html/en-US/media/pic.png").read_bytes() == b"\x89PNG real"
    assert 'href="Other.html"' in html and 'href="./Other.html"' in html and 'href="gone.html"' in html
    # the Markdown formats keep the source's links, which the docs platform resolves
    assert "[other](other.md)" in (project / "out/markdown/en-US/page.md").read_text(encoding="utf-8")
    # a page appearing in the right case rebuilds the pages whose links it changes
    (project / "source" / "Gone.md").write_text("# Gone\n", encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    assert 'href="Gone.html"' in (project / "out/html/en-US/page.html").read_text(encoding="utf-8")


def test_links_to_md_files_that_are_no_pages_keep_their_target_in_the_html(tmp_path):
    """``.github/CONTRIBUTING.md``, a package's README under ``node_modules/`` and ``NOTES.MD``
    are files, not pages (``files.is_page``): no build makes them ``.html``, yet the HTML
    linked them so (dead links). They keep the target as written and are copied beside the
    page, as an image is; a link to a page, or to no file at all, still gets ``.html``."""
    project = tmp_path / "site"
    files = {".github/CONTRIBUTING.md": "# Contributing\n", "node_modules/pkg/README.md": "# Pkg\n",
             "NOTES.MD": "# Notes\n", "Other.md": "# Other\n",
             "page.md": "# Page\n\n[c](.github/CONTRIBUTING.md#rules) [r](node_modules/pkg/README.md) [n](NOTES.MD) "
                        "[o](other.md) [g](gone.md)\n",
             "docs/sub.md": "# Sub\n\n[c](../.github/CONTRIBUTING.md) [n](~/NOTES.MD)\n"}
    for name, text in files.items():
        (project / "source" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "source" / name).write_text(text, encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0

    def body_links(page: Path) -> list[str]:
        return re.findall(r'<a href="([^"]*)"', page.read_text(encoding="utf-8").split("<article")[1])

    for locale in ("en-US", "fr-FR"):
        html = project / "out/html" / locale
        assert body_links(html / "page.html") == [
            ".github/CONTRIBUTING.md#rules", "node_modules/pkg/README.md", "NOTES.MD", "Other.html", "gone.html"]
        assert body_links(html / "docs/sub.html") == ["../.github/CONTRIBUTING.md", "../NOTES.MD"]
        for name in (".github/CONTRIBUTING.md", "node_modules/pkg/README.md", "NOTES.MD"):
            assert (html / name).read_text(encoding="utf-8") == files[name]
    assert "[n](NOTES.MD)" in (project / "out/markdown/en-US/page.md").read_text(encoding="utf-8")


def test_files_whose_names_the_links_percent_encode_are_copied(tmp_path):
    """An image ``media/my pic.png`` is linked ``my%20pic.png`` in the HTML (markdown-it
    encodes it; a writer may too): the copy looked for a file named with ``%20`` and left the
    image out of the HTML tree, while the check, which decodes, passed."""
    project = tmp_path / "site"
    (project / "source" / "media").mkdir(parents=True)
    for name in ("my pic.png", "résumé.pdf", "100%.png"):
        (project / "source" / "media" / name).write_bytes(b"\x89PNG " + name.encode())
    (project / "source" / "page.md").write_text(
        "# Page\n\n![a](<media/my pic.png>) ![b](media/my%20pic.png) [cv](media/r%C3%A9sum%C3%A9.pdf) "
        "[raw](media/résumé.pdf) ![c](media/100%25.png) ![nul](media/a%00.png) ![lf](media/a%0A.png)\n",
        encoding="utf-8")  # the last two name no file ('a\x00.png' made os.open raise: a traceback)
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    for name in ("my pic.png", "résumé.pdf", "100%.png"):
        assert (project / "out/html/en-US/media" / name).read_bytes() == b"\x89PNG " + name.encode()
    assert main(["-C", str(project), "check", "--no-outputs"]) == 1  # the two dead links, not a traceback


def test_an_image_found_in_other_letter_case_is_copied_again_when_it_changes(tmp_path):
    """``media/pic.png`` shows the file ``media/Pic.PNG``: the site files' fingerprint hashed
    the name the page uses, which is no file, so an edit of the image was never copied."""
    project = tmp_path / "site"
    (project / "source" / "media").mkdir(parents=True)
    (project / "source" / "page.md").write_text("# Page\n\n![p](media/pic.png)\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    image = project / "source" / "media" / "Pic.PNG"
    copied = project / "out" / "html" / "en-US" / "media" / "pic.png"
    for content in (b"v1", b"v2"):
        image.write_bytes(content)
        assert main(["-C", str(project), "build"]) == 0
        assert copied.read_bytes() == content


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_alerts_become_portable_labels_in_the_page_language(tmp_path, eol):
    """With CRLF line endings (13 English pages of the corpus have an alert line ending so)
    the alert line was not recognized: the page showed '[!NOTE]' as text."""
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "source" / "page.md").write_bytes(
        "---\ntitle: Page\n---\n# Page\n\n  >[!NOTE]\n> Keep this.\n\n> [!div class=\"nextstepaction\"]\n> [Next](next.md)\n"
        .replace("\n", eol).encode("utf-8"))
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["de-DE"]\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    english = (project / "out/markdown/en-US/page.md").read_bytes().decode("utf-8")
    assert f"  >**Note**{eol}> Keep this." in english and "[!div" not in english and "> [Next](next.md)" in english
    assert f"  >**Hinweis**{eol}" in (project / "out/markdown/de-DE/page.md").read_bytes().decode("utf-8")
    html = (project / "out/html/en-US/page.html").read_text(encoding="utf-8")
    assert "[!NOTE]" not in html and "<strong>Note</strong>" in html
    original = (project / "out/frontmatter/de-DE/page.md").read_bytes().decode("utf-8")
    assert "  >[!NOTE]" in original  # the original format keeps DocFX syntax


def test_a_div_line_dropped_leaves_the_lazy_line_after_it_in_its_block(tmp_path):
    """'  > [!div class="button"]' followed by '    [Next >](other.md)' (a lazy continuation
    line of the quote's paragraph): dropping the marker line left the link indented four
    columns, a code block showing the raw Markdown (the corpus's 'DEM enrollment >' link)."""
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "source" / "page.md").write_text(
        '# T\n\nChoose:\n\n  > [!div class="button"]\n    [Next >](other.md)\n', encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    assert "  > [Next >](other.md)" in (project / "out/markdown/en-US/page.md").read_text(encoding="utf-8")
    html = (project / "out/html/en-US/page.html").read_text(encoding="utf-8")
    assert "<pre>" not in html and 'href="other.html"' in html


@pytest.mark.parametrize("marker", ['> [!div class="button"]', '>[!div class="step-by-step"]'])
def test_a_div_line_dropped_right_after_a_paragraph_leaves_the_next_line_out_of_it(tmp_path, marker):
    """The corpus's choose-how-to-enroll-devices.md:48-50 and start-with-a-paid-subscription...md:78-80:
    a paragraph, then the quoted marker line, then the button link (a lazy line of the quote,
    not indented). Dropping the marker line joined the link to the paragraph above it."""
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "source" / "page.md").write_text(
        f"# T\n\n**Select the device type:**\n{marker}\n[Android](other.md) [iOS](other.md)\n\n"
        "Text.\n> [!div]\n- [Item](other.md)\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    markdown = (project / "out/markdown/en-US/page.md").read_text(encoding="utf-8")
    lead = marker.split("[")[0]
    assert f"**Select the device type:**\n{lead}[Android](other.md) [iOS](other.md)\n" in markdown
    assert "Text.\n- [Item](other.md)\n" in markdown  # a list item is no lazy line: it starts its own block
    html = (project / "out/html/en-US/page.html").read_text(encoding="utf-8")
    assert "<p><strong>Select the device type:</strong></p>" in html


def test_docfx_syntax_shown_in_code_stays_as_written(tmp_path):
    """An alert line in an indented code block (a page documenting the syntax) was rewritten
    to '> **Note**' like a real alert."""
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    code = '    > [!NOTE]\n    > Text.\n    > [!div class="x"]\n'
    (project / "source" / "page.md").write_text(f"# T\n\nWrite:\n\n{code}\n> [!TIP]\n> Real.\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    markdown = (project / "out/markdown/en-US/page.md").read_text(encoding="utf-8")
    assert code in markdown and "> **Tip**\n> Real." in markdown


def test_a_project_moved_to_another_folder_is_up_to_date(sample_project, tmp_path, capsys):
    """The fingerprints held the settings' absolute paths: a project built, then copied (CI
    shards merged in another checkout folder) rebuilt every page."""
    assert main(["-C", str(sample_project), "build"]) == 0
    moved = tmp_path / "elsewhere" / "project"
    shutil.copytree(sample_project, moved, symlinks=True)
    capsys.readouterr()
    assert main(["-C", str(moved), "build"]) == 0
    assert "x 5 locale(s): 0 built, 5 up to date, 0 file(s) written" in capsys.readouterr().out


def test_build_can_write_only_some_formats(sample_project, capsys):
    assert main(["-C", str(sample_project), "build", "--format", "frontmatter"]) == 0
    out = sample_project / "out"
    assert (out / "frontmatter/en-US" / SEED_NAME).is_file()
    assert not (out / "markdown").exists() and not (out / "html").exists()


def test_update_without_its_memo_rewrites_only_the_catalogs_the_merge_changes(sample_project, capsys):
    """The memo gone with out/ (``make clean``, a fresh clone), ``update`` reads every catalog
    again: one that is what the merge writes stays as it is; one changed by hand is merged (it
    was skipped unread while its header named its template)."""
    assert main(["-C", str(sample_project), "all"]) == 0
    import shutil
    shutil.rmtree(sample_project / "out")  # the content-hash memo is gone with out/
    po = sample_project / "locales/en-US" / (SEED_NAME[:-3] + ".po")
    de = sample_project / "locales/de-DE" / (SEED_NAME[:-3] + ".po")
    merged, de_merged = po.read_text(encoding="utf-8"), de.read_bytes()
    # a change a merge undoes (references come from the template)
    po.write_text(merged.replace(f"#: source/{SEED_NAME}:4\n", f"#: source/{SEED_NAME}:5\n", 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(sample_project), "update"]) == 0
    assert "update: 1 catalog(s) written" in capsys.readouterr().out
    assert po.read_text(encoding="utf-8") == merged
    assert de.read_bytes() == de_merged
    pot = sample_project / "locales/pot" / (SEED_NAME[:-3] + ".pot")
    pot.write_text(pot.read_text(encoding="utf-8").replace("POT-Creation-Date: 2", "POT-Creation-Date: 1"), encoding="utf-8")
    assert main(["-C", str(sample_project), "update"]) == 0  # another template: merged again
    assert "POT-Creation-Date: 1" in po.read_text(encoding="utf-8")
    assert "X-Pipeline-Template" not in po.read_text(encoding="utf-8")  # the template's digest stays in it


def test_catalogs_update_writes_survive_msgcat_and_lose_the_retired_md_text_flag(sample_project, capsys):
    """README, "PO files": what ``extract`` and ``update`` write, msgcat prints back byte for
    byte. A catalog from an earlier version carries ``#, md-text`` on every entry, which GNU
    drops: ``update`` drops it too, from active and obsolete entries alike."""
    require(shutil.which("msgcat") is not None, "GNU msgcat is not installed")
    po = sample_project / "locales/de-DE" / (SEED_NAME[:-3] + ".po")
    old = re.sub(r"(\n#: [^\n]*)\nmsgid ", r"\1\n#, md-text\nmsgid ", po.read_text(encoding="utf-8"))
    old += '\n#, md-text\n#~ msgid "Gone from the page."\n#~ msgstr "Nicht mehr auf der Seite."\n'
    po.write_text(old, encoding="utf-8")
    assert old.count("#, md-text\n") > 20
    assert main(["-C", str(sample_project), "all"]) == 0
    assert '#~ msgstr "Nicht mehr auf der Seite."' in po.read_text(encoding="utf-8")  # no translation lost
    for path in (po, sample_project / "locales/pot" / (SEED_NAME[:-3] + ".pot")):
        ours = path.read_bytes()
        assert b"md-text" not in ours
        assert subprocess.run(["msgcat", str(path)], check=True, capture_output=True).stdout == ours, path


def test_language_switcher_lists_each_locale_once(sample_project):
    assert main(["-C", str(sample_project), "build"]) == 0
    html = (sample_project / "out/html/en-US" / HTML).read_text(encoding="utf-8")
    nav = html[html.index('<nav class="languages"'):html.index("</nav>")]
    assert nav.count('lang="en-US"') == 1 and nav.count('hreflang="fr-FR"') == 1 and nav.count('hreflang="de-DE"') == 1
    assert "qps-" not in nav  # pseudo-locales are for testing, not for readers


def test_extract_after_make_clean_parses_nothing_that_did_not_change(sample_project, capsys):
    assert main(["-C", str(sample_project), "all"]) == 0
    import shutil
    shutil.rmtree(sample_project / "out")  # make clean: the memo of content hashes is gone
    pot = sample_project / "locales/pot" / (SEED_NAME[:-3] + ".pot")
    before = pot.read_bytes()
    capsys.readouterr()
    assert main(["-C", str(sample_project), "extract"]) == 0
    assert "extract: 0 page(s) parsed, 1 unchanged, 0 template(s) written" in capsys.readouterr().out
    page = sample_project / "source" / SEED_NAME
    page.write_bytes(page.read_bytes() + b"\n")  # a change that moves no message: parsed, POT kept as is
    assert main(["-C", str(sample_project), "extract"]) == 0
    assert "extract: 1 page(s) parsed, 0 unchanged, 0 template(s) written" in capsys.readouterr().out
    assert pot.read_bytes() == before


@pytest.mark.parametrize("damage", ["conflict marker", "cut short", "entry edited", "context added"])
def test_a_damaged_template_is_made_again_even_without_the_memo(sample_project, capsys, damage):
    """A POT is ours ("edit the source page, not this file"): one that a merge conflict, a
    cut or a hand edit damaged was kept while its header still named the page's digest, and
    ``init``/``update`` then made catalogs without the messages it lost."""
    assert main(["-C", str(sample_project), "all"]) == 0
    pot = sample_project / "locales/pot" / (SEED_NAME[:-3] + ".pot")
    before = pot.read_text(encoding="utf-8")
    last = before.rindex("\n#. ")
    damaged = {"conflict marker": before[:last] + "\n<<<<<<< HEAD" + before[last:],
               "cut short": before[:last + 1],
               "entry edited": re.sub(r"(\n#: [^\n]*\n)msgid ", r"\1#, fuzzy\nmsgid ", before, count=1),
               # our templates never carry msgctxt: a message with one is no message of the page
               "context added": before.replace('msgid "Voir aussi"', 'msgctxt "sidebar"\nmsgid "Voir aussi"', 1)}[damage]
    for memo in ("kept", "gone"):
        pot.write_text(damaged, encoding="utf-8")
        if memo == "gone":
            shutil.rmtree(sample_project / "out")  # make clean, or a fresh clone
        capsys.readouterr()
        assert main(["-C", str(sample_project), "extract"]) == 0
        assert "extract: 1 page(s) parsed, 0 unchanged, 1 template(s) written" in capsys.readouterr().out
        assert pot.read_text(encoding="utf-8") == before  # as it was, creation date included


def test_the_page_list_takes_a_name_no_page_has(sample_project):
    """With pages ``index.md`` and ``contents.md``, the list was written over the page
    ``contents.html``, which was then never published."""
    for name in ("index.md", "contents.md", "Pages.md"):
        (sample_project / "source" / name).write_text(f"# Page {name}\n", encoding="utf-8")
    assert main(["-C", str(sample_project), "build"]) == 0
    html = sample_project / "out/html/en-US"
    for name in ("index", "contents", "Pages"):
        assert f"Page {name}.md" in (html / f"{name}.html").read_text(encoding="utf-8")
    listing = (html / "contents-2.html").read_text(encoding="utf-8")
    assert 'href="contents.html"' in listing and 'href="index.html"' in listing


def test_qa_findings_of_an_included_page_are_reported_once_even_when_included_first(tmp_path, capsys):
    project = tmp_path / "site"
    (project / "source" / "includes").mkdir(parents=True)
    (project / "source" / "guide").mkdir()
    (project / "source" / "includes" / "note.md").write_text("Read [the guide](../guide/a.md) first.\n", encoding="utf-8")
    (project / "source" / "guide" / "a.md").write_text("# A\n\n[!INCLUDE [note](../includes/note.md)]\n", encoding="utf-8")
    for name in "cde":
        (project / "source" / "guide" / f"{name}.md").write_text(f"# {name}\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["de-DE"]\n', encoding="utf-8")
    assert main(["-C", str(project), "all", "-j", "1"]) == 0
    po = project / "locales/de-DE/includes/note.po"
    note = catalog.parse_catalog(po.read_text(encoding="utf-8"), "note.po")
    entry = next(e for e in note if e.msgid.startswith("Read"))
    entry.msgstr = "Lies zuerst [die Anleitung](../guide/b.md)."  # a changed link target: a QA error
    po.write_text(catalog.format_catalog(note), encoding="utf-8")
    shutil.rmtree(project / "out")  # every page stale: 5 pages in 4 chunks at -j 1, the first
    capsys.readouterr()              # chunk is guide/a.md (which includes note.md), then note.md
    assert main(["-C", str(project), "build", "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("locales/de-DE/includes/note.po:") == 1 and "[qa.link-target]" in err


def test_a_translated_writers_note_is_never_published(tmp_path, capsys):
    """A comment in a paragraph is a writer's note: translated, it is left out of every format
    (never escaped into visible text), the translation is used and the translator warned."""
    project = one_page_project(tmp_path, "---\ntitle: Page\n---\n\n# Start\n\nTap Install. "
                               "<!-- TODO(legal): do not mention the beta -->\n\nTap Open. <!-- keep -->\n")
    po = project / "locales/fr-FR/p.po"
    page = catalog.parse_catalog(po.read_text(encoding="utf-8"), "p.po")
    chosen = {"Page": "Page <!-- à revoir -->",
              "Tap Install. <!-- TODO(legal): do not mention the beta -->":
              "Appuyez sur Installer. <!-- TODO(juridique) : ne pas mentionner la bêta -->",
              "Tap Open. <!-- keep -->": "Appuyez sur Ouvrir. <!-- keep -->"}
    for entry in page:
        entry.msgstr = chosen.get(entry.msgid, entry.msgstr)
    po.write_text(catalog.format_catalog(page), encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(project), "all"]) == 0
    err = capsys.readouterr().err
    assert err.count("warning: comment not in the source") == 2 and "[qa.comment]" in err
    for fmt, name in (("frontmatter", "p.md"), ("markdown", "p.md"), ("html", "p.html")):
        built = (project / "out" / fmt / "fr-FR" / name).read_text(encoding="utf-8")
        assert "Appuyez sur Installer." in built and "juridique" not in built and "revoir" not in built, fmt
        assert "TODO" not in built, fmt
    for fmt in ("frontmatter", "markdown"):  # a note kept as in the source stays, as in the source page
        assert "Appuyez sur Ouvrir. <!-- keep -->" in (project / "out" / fmt / "fr-FR/p.md").read_text(encoding="utf-8")
    assert main(["-C", str(project), "check"]) == 0
    assert main(["-C", str(project), "check", "--strict"]) == 1


def test_a_project_copied_to_a_folder_of_another_name_is_up_to_date(sample_project, tmp_path, capsys):
    """Without a ``project`` setting or a ``[project]`` name, the project's name (the PO
    Project-Id-Version, the .mo domain) was its folder's: a clone or CI shard job in a folder
    of another name rewrote every template and rebuilt every page, and shard outputs merged
    with one .mo per folder name."""
    (sample_project / "pyproject.toml").unlink()
    (sample_project / "pipeline.toml").write_text('source_locale = "fr-FR"\ntarget_locales = ["de-DE"]\n',
                                                  encoding="utf-8")
    first = tmp_path / "job1"
    shutil.move(sample_project, first)
    assert main(["-C", str(first), "all"]) == 0
    second = tmp_path / "checkout-2"
    shutil.copytree(first, second)
    capsys.readouterr()
    assert main(["-C", str(second), "all"]) == 0
    out = capsys.readouterr().out
    assert "0 template(s) written" in out and "update: 0 catalog(s) written" in out and ": 0 built, 2 up to date" in out
    assert sorted(p.name for p in (second / "out/catalog/de-DE/LC_MESSAGES").iterdir()) == ["docs.mo"]


def test_the_shipped_project_is_up_to_date_with_itself(sample_project, capsys):
    """``make build`` in a fresh clone writes nothing under source/ or locales/: the committed
    templates and catalogs are what extract and update make of the committed pages (a stale
    POT-Creation-Date in the shipped catalogs made every clone's first build a change to commit)."""
    def tree() -> dict[str, bytes]:
        return {str(p.relative_to(sample_project)): p.read_bytes()
                for folder in ("source", "locales") for p in sorted((sample_project / folder).rglob("*")) if p.is_file()}
    before = tree()
    assert main(["-C", str(sample_project), "all"]) == 0
    assert tree() == before



def _break_page_html_template(project: Path) -> None:
    packaged = Path(catalog.__file__).parent / "templates" / "page.html.j2"
    text = packaged.read_text(encoding="utf-8")
    assert "{{ page.title or page.path }}</title>" in text
    (project / "templates" / "page.html.j2").write_text(
        text.replace("{{ page.title or page.path }}</title>", "{{ page.title or page.path }</title>"), encoding="utf-8")


def test_a_broken_html_template_fails_only_the_html_pages(sample_project, capsys):
    """A broken page.html.j2 stopped every format of every unit: no Markdown, an empty error
    catalog, and 'de-DE: 100.0% translated (0/0 messages)' in the summary."""
    _break_page_html_template(sample_project)
    assert main(["-C", str(sample_project), "build", "-j", "1"]) == 1
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith("templates/page.html.j2:") and line.endswith("[build.template]")
    assert "build: de-DE: 48.3% translated (14/29 messages, 0 fuzzy)" in captured.out
    assert "0 built, 5 failed" in captured.out
    out = sample_project / "out"
    for locale in ("fr-FR", "de-DE", "qps-ploc"):
        assert (out / "frontmatter" / locale / SEED_NAME).is_file() and (out / "markdown" / locale / SEED_NAME).is_file()
        assert not (out / "html" / locale / HTML).exists()
        assert HTML not in (out / "html" / locale / "index.html").read_text(encoding="utf-8")  # no page to link to
    errors = json.loads((out / "catalog/de-DE/errors.json").read_text(encoding="utf-8"))["errors"]
    assert errors["DeviceCapReached"]["problem"]["text"] == "Sie haben bereits zu viele mobile Geräte registriert."


def test_a_broken_html_template_keeps_the_previous_html_and_builds_the_rest(sample_project, capsys):
    """With an earlier out/, a PO edit was not applied to the Markdown outputs while
    page.html.j2 was broken (only the .mo took it)."""
    assert main(["-C", str(sample_project), "build", "-j", "1"]) == 0
    out = sample_project / "out"
    html, index = (out / "html/de-DE" / HTML).read_bytes(), (out / "html/de-DE/index.html").read_bytes()
    _break_page_html_template(sample_project)
    po = sample_project / "locales/de-DE" / (SEED_NAME[:-3] + ".po")
    text = po.read_text(encoding="utf-8")
    assert text.count('msgstr "Sie haben bereits zu viele mobile Geräte registriert."') == 1
    po.write_text(text.replace("Sie haben bereits zu viele", "Sie haben schon zu viele"), encoding="utf-8")
    capsys.readouterr()
    for _ in range(2):  # reported again until the template is fixed
        assert main(["-C", str(sample_project), "build", "-j", "1"]) == 1
        captured = capsys.readouterr()
        assert len(captured.err.splitlines()) == 1 and "[build.template]" in captured.err
    assert "Sie haben schon zu viele" in (out / "markdown/de-DE" / SEED_NAME).read_text(encoding="utf-8")
    assert "Sie haben schon zu viele" in (out / "frontmatter/de-DE" / SEED_NAME).read_text(encoding="utf-8")
    assert "Sie haben schon zu viele" in (out / "catalog/de-DE/errors.json").read_text(encoding="utf-8")
    assert (out / "html/de-DE" / HTML).read_bytes() == html and (out / "html/de-DE/index.html").read_bytes() == index
    (sample_project / "templates/page.html.j2").unlink()
    assert main(["-C", str(sample_project), "build", "-j", "1"]) == 0
    assert "Sie haben schon zu viele" in (out / "html/de-DE" / HTML).read_text(encoding="utf-8")


def test_a_locale_whose_pages_all_failed_shows_no_coverage(sample_project, capsys):
    """A locale whose every unit failed printed '100.0% translated (0/0 messages)'."""
    po = sample_project / "locales/de-DE" / (SEED_NAME[:-3] + ".po")
    po.write_text('msgid "x"\nmsgstr "y"\nmsgid "x"\nmsgstr "z"\n', encoding="utf-8")
    assert main(["-C", str(sample_project), "build", "-j", "1"]) == 1
    out = capsys.readouterr().out
    assert "build: de-DE: no page built (1 failed)" in out.splitlines()
    assert "de-DE: 100.0%" not in out


@pytest.mark.parametrize("name, data, column", [
    ("index.html.j2", b"caf\xe9 {{ body }}\n", 4),  # Latin-1, as a Windows editor saves it
    ("page.md.j2", b"\xff\xfe{\x00{\x00 \x00b\x00o\x00d\x00y\x00 \x00}\x00}\x00", 1),  # UTF-16
    ("style.css", b"body{color:red}\xff\n", 16),
])
def test_a_template_that_is_not_utf8_is_one_located_error_and_the_rest_is_built(sample_project, capsys, name, data,
                                                                                 column):
    """A UnicodeDecodeError from the template loader was a traceback, and nothing was built."""
    (sample_project / "templates" / name).write_bytes(data)
    assert main(["-C", str(sample_project), "build", "-j", "1"]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"templates/{name}:1:{column}: error: template error: file is not valid UTF-8 [build.template]"]
    out = sample_project / "out"
    assert (out / "frontmatter/de-DE" / SEED_NAME).is_file()
    assert (out / "catalog/de-DE/errors.json").is_file()
    assert (out / "html/de-DE" / HTML).is_file() and (out / "html/de-DE/index.html").exists() == (name != "index.html.j2")
    assert (out / "markdown/de-DE" / SEED_NAME).exists() == (name != "page.md.j2")
    assert (out / "html/style.css").exists() == (name != "style.css")

def test_building_one_format_leaves_the_others_and_the_site_files_alone(sample_project, tmp_path, capsys):
    """``build --format markdown`` removed every HTML page, index and stylesheet, the
    front-matter outputs and the error catalogs, and the next full build rebuilt every unit."""
    assert main(["-C", str(sample_project), "build", "-j", "1"]) == 0
    out = sample_project / "out"
    before = _tree(out)
    po = sample_project / "locales/de-DE" / (SEED_NAME[:-3] + ".po")
    text = po.read_text(encoding="utf-8")
    assert text.count('msgstr "Sie haben bereits zu viele mobile Geräte registriert."') == 1
    po.write_text(text.replace("Sie haben bereits zu viele", "Sie haben schon zu viele"), encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build", "-j", "1", "--format", "markdown"]) == 0
    assert ": 1 built, 4 up to date, 1 file(s) written" in capsys.readouterr().out
    after = _tree(out)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert changed == {f"markdown/de-DE/{SEED_NAME}"}  # the other formats and the site files are not asked for
    assert main(["-C", str(sample_project), "build", "-j", "1"]) == 0
    assert ": 1 built, 4 up to date" in capsys.readouterr().out  # the other formats of de-DE only
    clean = tmp_path / "clean"
    shutil.copytree(sample_project, clean, ignore=shutil.ignore_patterns("out"))
    assert main(["-C", str(clean), "build", "-j", "1"]) == 0
    assert _tree(out) == _tree(clean / "out")
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build", "-j", "1", "--format", "html"]) == 0
    assert main(["-C", str(sample_project), "build", "-j", "1"]) == 0
    assert capsys.readouterr().out.count(": 0 built, 5 up to date, 0 file(s) written") == 2


@pytest.mark.parametrize("before", [
    "1.  Open a terminal and run:\n```\ncmd\n```\n",  # the fence at column 0 ends the list
    "   1.  On the server, install NDES:\n\n",  # the line after the blank is left of the item's text
])
def test_an_alert_in_indented_code_after_a_list_that_ended_stays_as_written(tmp_path, before):
    """Lines indented 4 after a list that ended (a fence at column 0, or a blank line and a
    line left of the item's content) are an indented code block (markdown-it and markdig
    agree); its '> [!NOTE]' was rewritten to '> **Remarque**' inside the <pre> (the
    app-wrapping-tool and SCEP pages of the corpus, in every locale)."""
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    code = "    > [!NOTE]\n    > Text of the note.\n"
    (project / "source" / "c.md").write_text(f"# Alert syntax\n\n{before}{code}", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert main(["-C", str(project), "build", "-j", "1"]) == 0
    for locale in ("en-US", "fr-FR"):
        assert (project / f"out/markdown/{locale}/c.md").read_text(encoding="utf-8").endswith(code)
        html = (project / f"out/html/{locale}/c.html").read_text(encoding="utf-8")
        assert "<pre><code>&gt; [!NOTE]\n&gt; Text of the note.\n</code></pre>" in html


def _translate(project: Path, chosen: dict[str, str], locale: str = "de-DE", comment: str = "") -> None:
    """The sample page's entries of ``chosen`` (msgid -> msgstr) translated so, not fuzzy,
    with ``comment`` as their translator comment when given (``qa-accept: ...``)."""
    po = project / "locales" / locale / (SEED_NAME[:-3] + ".po")
    page = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
    for entry in page:
        if entry.msgid in chosen:
            entry.msgstr = chosen[entry.msgid]
            entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
            entry.tcomment = comment or entry.tcomment
    assert set(chosen) <= {entry.msgid for entry in page}
    po.write_text(catalog.format_catalog(page), encoding="utf-8")


def _built(project: Path, locale: str = "de-DE") -> dict[str, str]:
    """The sample page as each format built it for ``locale``."""
    return {fmt: (project / "out" / fmt / locale / (HTML if fmt == "html" else SEED_NAME)).read_text(encoding="utf-8")
            for fmt in ("frontmatter", "markdown", "html")}


def _add_a_reference_link(project: Path) -> None:
    """The sample page with a link-less paragraph, a reference link and its definition, its
    catalogs updated."""
    source = project / "source" / SEED_NAME
    source.write_text(source.read_text(encoding="utf-8").replace(
        "### Voir aussi", "Appuyez sur Installer pour continuer.\n\nConsultez le [portail][portal].\n\n### Voir aussi")
        + "[portal]: http://portal.manage.microsoft.com\n", encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0


def test_a_translation_cannot_define_or_plant_a_link_reference(sample_project, capsys):
    """A paragraph translated '[portal]: https://evil.example/phish' became a link reference
    definition: the paragraph vanished and, CommonMark's first definition winning, the page's
    own '[portail][portal]' links went to evil.example. No finding, exit 0. A shortcut
    reference '[portal]' in a link-less message planted a link, unseen by QA as well."""
    _add_a_reference_link(sample_project)
    _translate(sample_project, {"Appuyez sur Installer pour continuer.": "[portal]: https://evil.example/phish",
                                "Consultez le [portail][portal].": "Siehe das [Portal][portal].",
                                "Voir aussi": "Siehe [portal]"})
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build", "--locale", "de-DE"]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 2 and all(e.endswith("the source text is used instead [qa.link-count]") for e in errors)
    built = _built(sample_project)
    for fmt, page in built.items():
        assert "evil.example" not in page and "Appuyez sur Installer pour continuer." in page, fmt
        assert "Siehe das [Portal][portal]." in page or fmt == "html", fmt
    assert '<a href="http://portal.manage.microsoft.com">Portal</a>' in built["html"]
    assert re.search(r"<h2 [^>]*>Voir aussi</h2>", built["html"])  # the source text


def test_an_accepted_reference_definition_is_text_with_its_unsafe_destination_blocked(sample_project, capsys):
    """'[auch\\]x]: javascript:alert(document.domain)' reached the Markdown outputs unchanged:
    the escaped ']' of its label hid the definition from the scheme check. A translator may
    accept QA's findings; the sanitizer holds whatever they accept."""
    _add_a_reference_link(sample_project)
    _translate(sample_project, {"Appuyez sur Installer pour continuer.": "[auch\\]x]: javascript:alert(document.domain)",
                                "Voir aussi": "Siehe [auch\\]x]"}, comment="qa-accept: qa.*")
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build", "--locale", "de-DE"]) == 0
    for fmt, page in _built(sample_project).items():
        assert "javascript" not in page and "#blocked" in page, fmt


SEE_ALSO = "[Using your iOS or Mac OS X device with Intune](using-your-ios-or-mac-os-x-device-with-intune.md)"


@pytest.mark.parametrize("accepted", ["", "qa-accept: qa.*"])
def test_a_translation_cannot_include_another_page(sample_project, capsys, accepted):
    """A link translated '[!INCLUDE[Mit iOS](using-...md)]' pasted that page (here a draft)
    into the translated page, its H1 and all, with only a product-name warning and exit 0.
    QA reports the include (qa.docfx) and the link it lost; accepted, it is text."""
    (sample_project / "source" / "using-your-ios-or-mac-os-x-device-with-intune.md").write_text(
        "# Draft\n\nINTERNAL DRAFT: do not publish.\n", encoding="utf-8")
    assert main(["-C", str(sample_project), "all"]) == 0
    _translate(sample_project, {SEE_ALSO: "[!INCLUDE[Mit iOS](using-your-ios-or-mac-os-x-device-with-intune.md)]"},
               comment=accepted)
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build", "--locale", "de-DE"]) == (0 if accepted else 1)
    err = capsys.readouterr().err
    assert ("[qa.docfx]" in err and "[qa.link-count]" in err) != bool(accepted)
    built = _built(sample_project)
    for fmt, page in built.items():
        assert "INTERNAL DRAFT" not in page and "# Draft" not in page, fmt
    if accepted:
        assert "[\\!INCLUDE[Mit iOS](using-your-ios-or-mac-os-x-device-with-intune.md)]" in built["frontmatter"]
        assert "[!INCLUDE" in built["html"]
    else:
        assert SEE_ALSO in built["frontmatter"]


def test_a_trailing_backslash_in_a_cell_keeps_the_table(sample_project, capsys):
    """'Problem \\' for the header cell 'Problème' escaped the '|' after it: the error table
    was gone from the HTML (and with it every row id errors.json links to); a body cell's
    merged with the next, and one before '<br /><br />' showed '&lt;br /&gt;'. Exit 0."""
    _translate(sample_project, {
        "Problème": "Problem \\",
        "Vous avez trop d’appareils mobiles déjà inscrits.": "Zu viele \\",
        "Il existe un problème avec le certificat qui autorise votre appareil mobile à communiquer avec le "
        "réseau de votre entreprise.": "Es gibt ein Problem \\"})
    assert main(["-C", str(sample_project), "build", "--locale", "de-DE"]) == 0
    html = _built(sample_project)["html"]
    assert html.count("<table") == 1 and html.count("<th scope=\"col\"") == 3 and "&lt;br" not in html
    row = lxml.html.fromstring(html).get_element_by_id("DeviceCapReached")
    assert [cell.text_content() for cell in row.iter("td")][0] == "Zu viele \\"  # its own cell
    assert re.search(r"Es gibt ein Problem \\ ?<br><br>", html.replace("\n", ""))


APNS_CELL = ("Contactez vos administrateurs informatiques en leur indiquant que vous avez reçu le message "
             "**APNSCertificateNotValid** quand vous essayez d’inscrire votre appareil mobile et qu’ils peuvent "
             "trouver comment résoudre le problème dans ce tableau.")


def test_an_error_code_hidden_in_a_comment_is_missing_and_the_source_text_is_used(sample_project, capsys):
    """QA found the error code in the raw msgstr, but the page leaves the comment out: the
    published cell said '... nennen Sie die Meldung.', with two warnings and exit 0."""
    _translate(sample_project, {APNS_CELL: "Wenden Sie sich an Ihre IT-Administratoren und nennen Sie die "
                                           "Meldung<!-- **APNSCertificateNotValid** -->."})
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build", "--locale", "de-DE"]) == 1
    err = capsys.readouterr().err
    assert "identifier 'APNSCertificateNotValid' missing from translation" in err and "[qa.identifier]" in err
    row = lxml.html.fromstring(_built(sample_project)["html"]).get_element_by_id("APNSCertificateNotValid")
    assert "Meldung." not in row.text_content() and "reçu le message APNSCertificateNotValid" in row.text_content()


@pytest.mark.parametrize("msgstr", ["<!-- -->", "[!NOTE]", "[!TIP]", "\u200b", "&nbsp;", "&#8203;", "\u2800"])
def test_a_translation_that_shows_nothing_falls_back_to_the_source_text(sample_project, capsys, msgstr):
    """An empty heading, cell and title were published (and counted translated): qa.blank
    looked for white space only, not for what the page shows."""
    title = "Des erreurs se produisent pendant l’inscription de votre appareil iOS dans Intune | Microsoft Intune"
    chosen = {"Voir aussi": msgstr, "Problème": msgstr}
    if not msgstr.startswith(("&", "[")):  # in YAML an entity or a marker is text
        chosen[title] = msgstr
    _translate(sample_project, chosen)
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build", "--locale", "de-DE"]) == 1
    assert capsys.readouterr().err.count("[qa.blank]") == len(chosen)
    built = _built(sample_project)
    assert re.search(r"<h2 [^>]*>Voir aussi</h2>", built["html"]) and re.search(r"<th scope=\"col\"[^>]*>Problème</th>", built["html"])
    assert (f"<title>{title}</title>" in built["html"]) == (title in chosen)


def test_a_title_with_an_asterisk_is_text_not_markup(sample_project, capsys):
    """'Fehler bei C* und Intune | Microsoft Intune' was qa.markup-unbalanced: the title fell
    back to the source's, though YAML metadata is plain text (never Markdown)."""
    title = "Des erreurs se produisent pendant l’inscription de votre appareil iOS dans Intune | Microsoft Intune"
    _translate(sample_project, {title: "Fehler bei C* und Intune | Microsoft Intune"})
    capsys.readouterr()
    assert main(["-C", str(sample_project), "build", "--locale", "de-DE"]) == 0
    assert ": error: " not in capsys.readouterr().err  # a warning: 'iOS' left out
    built = _built(sample_project)
    assert "<title>Fehler bei C* und Intune | Microsoft Intune</title>" in built["html"]
    assert "title: Fehler bei C* und Intune | Microsoft Intune\n" in built["frontmatter"]


def test_a_link_destination_in_angle_brackets_stays_a_link(sample_project, capsys):
    """'[Site](<a.md>)' is a CommonMark link: the sanitizer escaped its '<', and the page
    linked to '%3Ca.md%3E'. No finding, exit 0."""
    _translate(sample_project, {SEE_ALSO: "[iOS- oder Mac OS X-Gerät mit Intune verwenden]"
                                          "(<using-your-ios-or-mac-os-x-device-with-intune.md>)"})
    assert main(["-C", str(sample_project), "build", "--locale", "de-DE"]) == 0
    built = _built(sample_project)
    assert '<a href="using-your-ios-or-mac-os-x-device-with-intune.html">iOS- oder Mac OS X-Gerät mit Intune' \
           ' verwenden</a>' in built["html"] and "%3C" not in built["html"]
    assert "(<using-your-ios-or-mac-os-x-device-with-intune.md>)" in built["frontmatter"]


# -- --min-coverage: what links to a page left out (a review's findings) --


def _gated_tree(out: Path) -> dict:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}


def _gated_site(tmp_path, files, target='[]'):
    project = tmp_path / "site"
    for name, text in files.items():
        (project / "source" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "source" / name).write_text(text, encoding="utf-8")
    (project / "pipeline.toml").write_text(f'source_locale = "en-US"\ntarget_locales = {target}\n', encoding="utf-8")
    return project


def _fill_de(project, page, special=None):
    po = project / "locales/de-DE" / (page[:-3] + ".po")
    entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
    for e in entries:
        if e.msgid and not e.obsolete:
            e.msgstr = f"DE {e.msgid}"
            if special and e.msgid in special:
                e.msgstr, e.tcomment = special[e.msgid]
    po.write_text(catalog.format_catalog(entries), encoding="utf-8")


def test_accepted_link_change_to_a_withheld_page_builds_as_clean(tmp_path):
    """A translation whose qa.link-target is accepted links a page the source does not: the
    pages it may link to were taken from the source alone, and an incremental build kept a
    link to the source locale's copy of a page published since."""
    project = _gated_site(tmp_path, {"a.md": "# Page A\n\nSee [the guide](c.md).\n", "b.md": "# Page B\n\nText.\n",
                               "c.md": "# Page C\n\nText.\n"}, '["de-DE"]')
    assert main(["-C", str(project), "all"]) == 0
    _fill_de(project, "a.md", {"See [the guide](c.md).": ("Siehe [Seite B](b.md).", "qa-accept: qa.link-target")})
    _fill_de(project, "c.md")
    gate = ["--min-coverage", "80"]
    assert main(["-C", str(project), "build", *gate]) == 0
    _fill_de(project, "b.md")                       # b.md now published in de-DE
    assert main(["-C", str(project), "build", *gate]) == 0
    incremental = _gated_tree(project / "out")
    shutil.rmtree(project / "out")
    assert main(["-C", str(project), "build", *gate]) == 0
    assert incremental == _gated_tree(project / "out")  # de-DE/a.* still link ../en-US/b.*


def test_a_fallback_link_to_a_page_with_a_space_stays_a_link(tmp_path):
    """The page's name was written raw into the Markdown link: '../en-US/my page.md' is none."""
    project = _gated_site(tmp_path, {"a.md": "# Page A\n\nSee [it](my%20page.md).\n", "my page.md": "# My page\n\nText.\n"},
                    '["de-DE"]')
    assert main(["-C", str(project), "all"]) == 0
    _fill_de(project, "a.md")
    assert main(["-C", str(project), "build", "--min-coverage", "80"]) == 0
    md = (project / "out/markdown/de-DE/a.md").read_text(encoding="utf-8")
    assert "](../en-US/my%20page.md)" in md, md   # written '../en-US/my page.md': no link in Markdown
    assert main(["-C", str(project), "check"]) == 0   # link.malformed x2


def test_a_link_to_a_md_file_that_is_no_page_keeps_its_target_under_the_gate(tmp_path):
    """'NOTES.MD' is a file, no page; a page 'notes.md' left out of de-DE took its links."""
    project = _gated_site(tmp_path, {"a.md": "# Page A\n\nRead [the file](NOTES.MD).\n", "notes.md": "# Notes\n\nText.\n",
                               "NOTES.MD": "raw\n"}, '["de-DE"]')
    assert main(["-C", str(project), "all"]) == 0
    _fill_de(project, "a.md")
    assert main(["-C", str(project), "build", "--min-coverage", "80"]) == 0
    html = (project / "out/html/de-DE/a.html").read_text(encoding="utf-8")
    assert 'href="NOTES.MD"' in html   # is '../en-US/notes.html'


def test_an_unreadable_catalog_of_a_withheld_page_does_not_kill_the_links_to_it(tmp_path):
    """A page whose coverage cannot be known (its catalog a dangling link) was taken as
    published: the other pages linked its de-DE copy, which its failed unit does not build."""
    project = linked_pages_project(tmp_path)
    gate = ["--min-coverage", "80"]
    assert main(["-C", str(project), "build", *gate]) == 0
    before = (project / "out/markdown/de-DE/a.md").read_bytes()
    po = project / "locales/de-DE/b.po"
    po.unlink()
    os.symlink("nowhere.po", po)
    assert main(["-C", str(project), "build", *gate]) == 1
    assert (project / "out/markdown/de-DE/a.md").read_bytes() == before   # now links b.md (not built)


# Alerts the corpus writes with their text on the marker's line, or with the marker indented
# under the '>': DocFX's note rule took the marker at the start of the quote's text; we showed
# "[!NOTE] Do you want..." as text (found by a visual audit of the HTML)
ALERTS_WITH_TEXT = [
    ("Understand/common-ways-to-use-intune.md", "NOTE", "Do you want to know how Microsoft IT uses Intune"),
    ("Understand/microsoft-intune-service-description.md", "NOTE", "You can monitor Intune service health"),
    ("DeployUse/vpn-connections-in-microsoft-intune.md", "IMPORTANT", "Before you can use VPN profiles"),
    ("DeployUse/deploy-and-monitor-a-device-compliance-policy-in-microsoft-intune.md", "IMPORTANT",
     "If you have not deployed a compliance policy"),
    ("DeployUse/Configure-certificate-infrastructure-for-scep.md", "IMPORTANT", "For Application Policies"),
]


def test_an_alert_with_its_text_on_the_marker_line_or_an_indented_marker_is_an_alert(tmp_path, corpus):
    project = tmp_path / "site"
    for page, _, _ in ALERTS_WITH_TEXT:
        target = project / "source" / page
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / "en-us" / "InTuneDocs" / page, target)
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert main(["-C", str(project), "extract"]) == 0
    assert main(["-C", str(project), "build"]) == 0
    labels = {"NOTE": ("Note", "Remarque"), "IMPORTANT": ("Important", "Important")}
    for page, kind, text in ALERTS_WITH_TEXT:
        name = page[:-3]
        pot = (project / "locales" / "pot" / (name + ".pot")).read_text(encoding="utf-8")
        msgids = [entry.msgid for entry in catalog.read_catalog(pot.encode("utf-8"), "x.pot")]
        assert any(m.startswith(text) for m in msgids), (page, "the marker stays out of the msgid")
        assert not any("[!" + kind in m for m in msgids), page
        for locale, label in zip(("en-US", "fr-FR"), labels[kind]):
            markdown = (project / "out" / "markdown" / locale / page).read_text(encoding="utf-8")
            assert f"[!{kind}]" not in markdown, (page, locale)
            html = lxml.html.fromstring((project / "out" / "html" / locale / (name + ".html")).read_bytes())
            quotes = [q for q in html.iter("blockquote") if text in q.text_content()]
            assert len(quotes) == 1, (page, locale)
            assert f"alert-{kind.lower()}" in quotes[0].get("class", "").split(), (page, locale)
            assert quotes[0].text_content().strip().startswith(label), (page, locale)
        original = (project / "out" / "frontmatter" / "en-US" / page).read_bytes()
        assert original == (project / "source" / page).read_bytes()  # the original format keeps DocFX syntax
