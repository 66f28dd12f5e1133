"""Which source files are published pages: a DocFX project's docfx.json says (build.content's
``files`` and ``exclude`` globs, relative to the nearest docfx.json's folder), and its TOC
files are tables of contents. The others (include fragments, TOC.md, excluded files) are still
extracted, translated and written in the Markdown formats, but get no HTML page, no place in
the locale index and no coverage gate; a link to one keeps its ``.md``, as a link to a ``.md``
file that is no page does. Built from the real corpus's docfx.json files, TOCs and includes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lxml.html
import pytest

from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.published import ContentMapping, parse_docfx, unpublished_pages

from .conftest import require_shared
from .test_incremental import assert_same_as_clean

# Real files of the corpus's InTuneDocs folder: its own docfx.json (content: **/*.md, but the
# other folders and **/includes/**) and DeployUse's and GetStarted's (**/*.md but
# **/includes/**); develop/ has none, so the root one governs it. Two pages paste includes.
DOCFX = ["docfx.json", "DeployUse/docfx.json", "GetStarted/docfx.json"]
TOCS = ["TOC.md", "DeployUse/TOC.md", "develop/TOC.md"]
PAGES = ["DeployUse/get-ready-to-enroll-devices-in-microsoft-intune.md",  # includes win8_client_2_md.md
         "GetStarted/choose-how-to-manage-devices.md",  # includes mdm-supported-devices.md, wit_nextref_md.md
         "develop/intune-app-sdk.md"]
INCLUDES = ["includes/win8_client_2_md.md", "includes/mdm-supported-devices.md", "includes/wit_nextref_md.md",
            "includes/wps_2_md.md"]  # the last one pasted by no page here: still a translated fragment
PUBLISHED_HTML = sorted(page[:-3] + ".html" for page in PAGES)


def _corpus() -> Path:
    return require_shared() / "corpus" / "intune-2016" / "en-us" / "InTuneDocs"


def _project(tmp_path: Path, files: list[str], name: str = "docfx") -> Path:
    project = tmp_path / name
    for relative in files:
        target = project / "source" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_corpus() / relative, target)
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["de-DE"]\n', encoding="utf-8")
    return project


def _run(project: Path, capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["-C", str(project), *args])
    return status, capsys.readouterr().err


def _index(project: Path, locale: str) -> list[tuple[str, str]]:
    """(href, title) of each entry of the locale index."""
    root = lxml.html.document_fromstring((project / "out/html" / locale / "index.html").read_text(encoding="utf-8"))
    return [(a.get("href"), a.text_content()) for a in root.xpath("//ul[@class='page-list']//a")]


def _html_pages(project: Path, locale: str) -> list[str]:
    root = project / "out/html" / locale
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html") if p.name != "index.html")


def test_include_fragments_and_tocs_are_translated_but_not_published(tmp_path, capsys):
    project = _project(tmp_path, DOCFX + TOCS + PAGES + INCLUDES)
    status, err = _run(project, capsys, "all")
    assert status == 0, err
    for locale in ("en-US", "de-DE"):
        assert [href for href, _ in _index(project, locale)] == PUBLISHED_HTML
        assert _html_pages(project, locale) == PUBLISHED_HTML  # no includes/wps_2_md.html, no TOC.html
        for relative in TOCS + INCLUDES:  # what DocFX builds a translated site from
            assert (project / "out/frontmatter" / locale / relative).is_file(), relative
            assert (project / "out/markdown" / locale / relative).is_file(), relative
    for relative in TOCS + INCLUDES:  # extracted for translators, as before
        assert (project / "locales/pot" / (relative[:-3] + ".pot")).is_file(), relative
        assert (project / "locales/de-DE" / (relative[:-3] + ".po")).is_file(), relative
    built = (project / "out/html/de-DE" / PUBLISHED_HTML[0]).read_text(encoding="utf-8")
    assert "Choose a background for Windows 8 Company Portal app" in built  # the include is pasted


def test_check_finds_no_page_missing_for_fragments_and_tocs(tmp_path, capsys):
    project = _project(tmp_path, DOCFX + TOCS + PAGES + INCLUDES)
    assert _run(project, capsys, "all")[0] == 0
    capsys.readouterr()
    main(["-C", str(project), "check", "--no-baseline", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    not_built = [f for f in report["findings"] if f["code"] == "check.not-built"]
    assert not_built == []


def test_a_link_to_a_fragment_names_the_file_in_the_build_and_the_check(tmp_path, capsys):
    project = _project(tmp_path, DOCFX + PAGES[:1] + INCLUDES)
    (project / "source/DeployUse/links.md").write_text(
        "---\ntitle: Links\n---\n# Links\n\n"
        "The [phrase](../includes/wps_2_md.md) and [a part of it](../includes/wps_2_md.md#nowhere).\n",
        encoding="utf-8")
    (project / "source/DeployUse/url.md").write_text("# URL\n\nThe phrase [at its URL](../includes/wps_2_md).\n",
                                                     encoding="utf-8")
    assert _run(project, capsys, "all")[0] == 0
    html = (project / "out/html/de-DE/DeployUse/links.html").read_text(encoding="utf-8")
    # a fragment has no page: its link names the file, which the build copies next to the page
    assert 'href="../includes/wps_2_md.md"' in html and 'href="../includes/wps_2_md.md#nowhere"' in html
    assert (project / "out/html/de-DE/includes/wps_2_md.md").read_bytes() == \
        (project / "source/includes/wps_2_md.md").read_bytes()
    capsys.readouterr()
    status = main(["-C", str(project), "check", "--no-baseline"])
    out, err = capsys.readouterr()
    # an extension-less link names a page's URL, which a fragment does not have: broken in the
    # sources (and reported there once, not again for each built copy); the .md links are files
    assert [line for line in out.splitlines() if "/links." in line or "/url." in line] == [
        "source/DeployUse/url.md:3:12: error: broken link '../includes/wps_2_md': no such file; "
        "did you mean '../includes/wps_2_md.md'? [link.missing-file]"]
    assert status == 1


def test_a_docfx_json_edit_rebuilds_what_it_publishes(tmp_path, capsys):
    project = _project(tmp_path, DOCFX + TOCS + PAGES + INCLUDES)
    assert _run(project, capsys, "all")[0] == 0
    docfx = project / "source/docfx.json"
    original = docfx.read_text(encoding="utf-8")
    docfx.write_text(original.replace('"**/includes/**"', '"**/nothing/**"'), encoding="utf-8")
    assert_same_as_clean(project, tmp_path, capsys)  # the includes are pages of the root's now
    assert "includes/wps_2_md.html" in _html_pages(project, "de-DE")
    assert ("includes/wps_2_md.html", "wps 2 md") in _index(project, "de-DE")  # no title, no heading
    docfx.write_text(original, encoding="utf-8")
    assert _run(project, capsys, "build", "--format", "html")[0] == 0  # an HTML-only build drops their HTML
    assert _html_pages(project, "de-DE") == PUBLISHED_HTML
    assert [href for href, _ in _index(project, "de-DE")] == PUBLISHED_HTML
    assert (project / "out/markdown/de-DE/includes/wps_2_md.md").is_file()  # the formats not asked for stay
    assert_same_as_clean(project, tmp_path, capsys)
    docfx.write_text(original.replace('"**/includes/**"', '"**/nothing/**"'), encoding="utf-8")
    assert_same_as_clean(project, tmp_path, capsys, "-j", "1")
    assert "includes/wps_2_md.html" in _html_pages(project, "de-DE")


def test_the_error_catalog_names_published_pages_only(tmp_path, capsys):
    project = _project(tmp_path, DOCFX)
    table = "|Code|Problem|\n|-|-|\n|{0}Reached|A.|\n|{0}Failed|B.|\n"
    (project / "source/includes/errors.md").parent.mkdir(parents=True)
    (project / "source/includes/errors.md").write_text(table.format("Fragment"), encoding="utf-8")
    (project / "source/DeployUse/errors.md").write_text("# Errors\n\n" + table.format("Page"), encoding="utf-8")
    assert _run(project, capsys, "all")[0] == 0
    errors = json.loads((project / "out/catalog/de-DE/errors.json").read_text(encoding="utf-8"))["errors"]
    assert sorted(errors) == ["PageFailed", "PageReached"]  # the fragment's rows have no page to link to
    assert errors["PageReached"]["url"] == "../../html/de-DE/DeployUse/errors.html#PageReached"


def test_a_page_that_pastes_a_fragment_does_not_depend_on_the_page_list(tmp_path, capsys):
    """An include is pasted, not linked: a page whose only page link is an ``[!INCLUDE]`` of a
    fragment (no published page) is not rebuilt when a page is added, as a page whose links
    all name published pages is not."""
    project = _project(tmp_path, DOCFX + INCLUDES)
    (project / "source/DeployUse/pasted.md").write_text(
        "# Pasted\n\nChoose a background for [!INCLUDE[win8_client_2](../includes/win8_client_2_md.md)] "
        "Company Portal app.\n", encoding="utf-8")
    assert _run(project, capsys, "all")[0] == 0
    (project / "source/DeployUse/new.md").write_text("# New\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(project), "build"]) == 0
    assert "build: 6 page(s) x 2 locale(s): 2 built, 10 up to date," in capsys.readouterr().out  # new.md only
    assert_same_as_clean(project, tmp_path, capsys)


def test_the_check_follows_a_docfx_json_edit(tmp_path, capsys):
    project = _project(tmp_path, DOCFX + PAGES[:1] + INCLUDES)
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")  # a replayable check
    (project / "source/DeployUse/url.md").write_text("# URL\n\nThe phrase [at its URL](../includes/wps_2_md).\n",
                                                     encoding="utf-8")
    broken = ("source/DeployUse/url.md:3:12: error: broken link '../includes/wps_2_md': no such file; "
              "did you mean '../includes/wps_2_md.md'? [link.missing-file]")

    def check(*args: str) -> list[str]:
        capsys.readouterr()
        main(["-C", str(project), "check", "--no-outputs", "--no-baseline", *args])
        return [line for line in capsys.readouterr().out.splitlines() if "url.md" in line]

    assert check() == [broken] == check()  # the second one replayed
    docfx = project / "source/docfx.json"
    docfx.write_text(docfx.read_text(encoding="utf-8").replace('"**/includes/**"', '"**/nothing/**"'),
                     encoding="utf-8")
    assert check() == [] == check("--no-cache")  # a page now: its URL exists


def test_without_docfx_json_every_page_is_published_with_a_readable_title(tmp_path, capsys):
    project = _project(tmp_path, TOCS + PAGES + INCLUDES, "plain")
    assert _run(project, capsys, "all")[0] == 0
    entries = dict(_index(project, "en-US"))
    assert sorted(entries) == sorted([*PUBLISHED_HTML, *(p[:-3] + ".html" for p in TOCS + INCLUDES)])
    assert entries["includes/wps_2_md.html"] == "wps 2 md"  # the file name, not 'includes/wps_2_md.md'
    assert entries["DeployUse/TOC.html"] == "Understand and Explore"  # its first heading, as text
    page = (project / "out/html/en-US/includes/wps_2_md.html").read_text(encoding="utf-8")
    assert "<title>wps 2 md</title>" in page
    markdown = (project / "out/markdown/en-US/includes/wps_2_md.md").read_text(encoding="utf-8")
    assert markdown == "Windows PowerShell"  # no heading made up for the Markdown output


def test_a_broken_docfx_json_is_one_located_error_and_loses_no_page(tmp_path, capsys):
    project = _project(tmp_path, DOCFX + TOCS + PAGES + INCLUDES)
    assert _run(project, capsys, "all")[0] == 0
    docfx = project / "source/DeployUse/docfx.json"
    docfx.write_text(docfx.read_text(encoding="utf-8").replace('"**/obj/**",', '"**/obj/**"'), encoding="utf-8")
    status, err = _run(project, capsys, "all")
    assert status == 1 and "Traceback" not in err
    assert [line for line in err.splitlines() if "error" in line] == [
        "source/DeployUse/docfx.json:10:11: error: docfx.json is not valid JSON: Expecting ',' delimiter; "
        "every page below it is published until it is fixed [source.docfx]"]
    assert "DeployUse/get-ready-to-enroll-devices-in-microsoft-intune.html" in _html_pages(project, "de-DE")
    capsys.readouterr()
    assert main(["-C", str(project), "check", "--no-outputs", "--no-baseline"]) == 1
    assert "source/DeployUse/docfx.json:10:11: error: docfx.json is not valid JSON" in capsys.readouterr().out


def test_a_fragment_is_never_left_out_by_the_coverage_gate(tmp_path, capsys):
    project = _project(tmp_path, DOCFX + PAGES[:1] + INCLUDES)
    capsys.readouterr()
    status = main(["-C", str(project), "all", "--min-coverage", "50"])  # de-DE has no translation
    lines = capsys.readouterr().out
    assert status == 0
    assert "build: de-DE: DeployUse/get-ready-to-enroll-devices-in-microsoft-intune.md not published" in lines
    assert "includes/" not in lines
    for relative in INCLUDES:  # pasted by the DocFX build of the translated tree: always there
        assert (project / "out/frontmatter/de-DE" / relative).is_file()


# -- the rule (pure) ------------------------------------------------------------------------


def test_the_nearest_docfx_json_decides_by_its_content_globs():
    rules = {"": parse_docfx((_corpus() / "docfx.json").read_bytes(), "/site", "docfx.json"),
             "DeployUse": parse_docfx((_corpus() / "DeployUse/docfx.json").read_bytes(), "/site/DeployUse", "d"),
             "Meta": None}  # a docfx.json without build.content, or a broken one: says nothing
    pages = ["index.md", "TOC.md", "includes/x.md", "develop/toc.md", "develop/sdk.md", "EULA/terms.md",
             "DeployUse/a.md", "DeployUse/TOC.md", "DeployUse/includes/y.md", "DeployUse/obj/z.md",
             "Understand/b.md", "Meta/c.md", "Meta/TOC.md", ".github/x.md"]
    assert unpublished_pages(pages, rules, "/site") == {
        "TOC.md", "includes/x.md", "develop/toc.md",  # a TOC in any letter case; an include
        "DeployUse/TOC.md", "DeployUse/includes/y.md", "DeployUse/obj/z.md",
        "Understand/b.md",  # the root's 'Understand/**': that folder's own docfx.json is not here
        ".github/x.md"}  # '**/*.md' matches no dot name (DocFX's rule; no page of ours either)
    assert unpublished_pages(pages, {}, "/site") == frozenset()  # no docfx.json: every page


def test_docfx_json_is_read_as_docfx_reads_it():
    text = (b'\xef\xbb\xbf{ // DocFX reads comments and trailing commas\n'
            b'  "build": {"content": ["*.md", {"files": "**/*.md", "exclude": ["**/_*"], "src": "../api", /* x */ },\n'
            b'    {"files": ["a/**"], "cwd": "old"},],},\n}\n')
    assert parse_docfx(text, "/site/docs", "docs/docfx.json") == (
        ContentMapping("/site/docs", ("*.md",)), ContentMapping("/site/api", ("**/*.md",), ("**/_*",)),
        ContentMapping("/site/docs/old", ("a/**",)))
    assert parse_docfx(b'{"metadata": []}', "/site", "docfx.json") is None  # no build.content
    with pytest.raises(PipelineError) as raised:
        parse_docfx(b'{\n  "build": {\n    "content": [{"files": [1]}]}}', "/site", "source/docfx.json")
    assert raised.value.diagnostic.format() == (
        "source/docfx.json:3:18: error: docfx.json: 'files' is neither a pattern nor a list of patterns; "
        "every page below it is published until it is fixed [source.docfx]")


@pytest.mark.parametrize("pattern", ["**/[z-a].md", "[\\z].md", "[.-*].md", "a[,-!].md"])
def test_a_pattern_no_regex_engine_compiles_is_a_located_error_not_a_traceback(tmp_path, capsys, pattern):
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "source" / "a.md").write_text("# A\n", encoding="utf-8")
    (project / "source" / "docfx.json").write_text(
        json.dumps({"build": {"content": [{"files": [pattern, "*.md"]}]}}), encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    for command in ("build", "check"):
        assert main(["-C", str(project), command]) == 1
        err = capsys.readouterr().err
        assert "Traceback" not in err and "Warning" not in err
        assert [line for line in err.splitlines() if ": error: " in line] == [
            line for line in err.splitlines() if line.startswith("source/docfx.json:1:") and line.endswith("[source.docfx]")]
    assert (project / "out" / "html" / "en-US" / "a.html").is_file()  # every page below it is published


def test_nested_looking_classes_compile_as_dotnet_reads_them_without_warnings(recwarn):
    from pipeline.docfxglob import compile_glob, glob_matches

    assert glob_matches(compile_glob("[[a].md"), "[.md") and glob_matches(compile_glob("[[a].md"), "a.md")
    assert not [w for w in recwarn if issubclass(w.category, FutureWarning)]
