"""Pages built from includes: the coverage a page shows and is gated on counts the files it
pastes (``units.Workshop.page_stats``), the source text a pasted file leaves untranslated is
marked as such in HTML, and a multi-line file pasted in a container stays in it.

The end-to-end tests use the corpus page
``InTuneDocs/accessibility-products-and-services-from-microsoft.md``, a heading and 23
includes (``includes/accessibility*_md.md``), with the real fr-FR translations of the
includes imported (the corpus has no French copy of the page itself).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest

from pipeline import catalog
from pipeline.cli import main
from pipeline.includes import walk_includes

from .conftest import CORPUS, require_shared
from .test_includes import _same_as_clean

PAGE = "InTuneDocs/accessibility-products-and-services-from-microsoft.md"
HTML = f"out/html/fr-FR/{PAGE[:-3]}.html"
_NOTICE = re.compile(r'<p class="notice" role="note">[^<]*?(\d+)\s*%')


def _project(tmp_path: Path) -> Path:
    require_shared()
    project = tmp_path / "site"
    for language in ("en-us", "fr-fr"):
        root = project / ("source" if language == "en-us" else "fr")
        (root / "InTuneDocs").mkdir(parents=True)
        if language == "en-us":
            shutil.copyfile(CORPUS / language / PAGE, root / PAGE)
        shutil.copytree(CORPUS / language / "InTuneDocs" / "includes", root / "InTuneDocs" / "includes")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert main(["-C", str(project), "extract"]) == 0
    assert main(["-C", str(project), "import", "--locale", "fr-FR", "--from", str(project / "fr")]) == 0
    return project


def _pasted_stats(project: Path, capsys) -> catalog.Stats:
    """The page's own messages and those of each file it pastes, once per paste, from
    ``pipeline stats`` (per catalog, as translators' tools count)."""
    capsys.readouterr()
    main(["-C", str(project), "stats", "--format", "json"])
    rows = {row["page"]: row for row in json.loads(capsys.readouterr().out)["pages"] if row["locale"] == "fr-FR"}
    fields = [f for f in catalog.Stats.__dataclass_fields__]
    text = (project / "source" / PAGE).read_text(encoding="utf-8")
    pasted = [f"InTuneDocs/{p.removeprefix('./')}" for p in re.findall(r"\[!INCLUDE\[[^\]]*\]\(([^)]+)\)\]", text)]
    total = catalog.Stats(*(rows[PAGE][f] for f in fields)) if PAGE in rows else catalog.Stats()
    for path in pasted:
        total = total + catalog.Stats(*(rows[path][f] for f in fields))
    return total


def _notice(project: Path) -> int | None:
    found = _NOTICE.search((project / HTML).read_text(encoding="utf-8"))
    return int(found.group(1)) if found else None


def _untranslate(project: Path, include: str) -> None:
    po = project / "locales/fr-FR/InTuneDocs/includes" / include
    entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
    for entry in entries:
        entry.msgstr = "" if entry.msgid else entry.msgstr
    po.write_text(catalog.format_catalog(entries), encoding="utf-8")


# --- 1. coverage --------------------------------------------------------------------------------


def test_the_walk_lists_each_paste_of_a_file_at_every_depth():
    edges = {"a.md": ["b.md", "c.md", "b.md"], "b.md": ["d.md"], "c.md": ["d.md", None]}
    walk = walk_includes("a.md", lambda path: edges.get(path, ()))
    assert walk.pages == ("a.md", "b.md", "d.md", "c.md")
    assert walk.pasted == ("b.md", "d.md", "c.md", "d.md", "b.md", "d.md")


def test_a_page_made_of_translated_includes_shows_and_is_gated_on_their_coverage(tmp_path, capsys):
    """The page's notice said "traduite à 0 %" and the locale index 0 % though all but a few of
    its 23 pasted includes are translated; --min-coverage left it out of fr-FR."""
    project = _project(tmp_path)
    expected = _pasted_stats(project, capsys)
    assert expected.total > 20 and 50 < expected.coverage < 100, expected
    assert main(["-C", str(project), "build", "--min-coverage", "50"]) == 0
    err = "".join(capsys.readouterr())
    assert f"{PAGE} not published" not in err, err
    assert _notice(project) == int(expected.coverage)
    index = (project / "out/html/fr-FR/index.html").read_text(encoding="utf-8")
    entry = index[index.index(PAGE.split("/")[-1][:-3] + ".html"):]
    assert f'value="{expected.coverage:.1f}"' in entry[:entry.index("</li>")]
    # the gate's key follows the includes' catalogs: one untranslated drops the page below the gate
    for po in sorted((project / "locales/fr-FR/InTuneDocs/includes").glob("accessibility*_md.po")):
        _untranslate(project, po.name)
    assert main(["-C", str(project), "build", "--min-coverage", "50"]) == 0
    err = "".join(capsys.readouterr())
    shown = _pasted_stats(project, capsys).coverage
    assert shown < 50 and f"{PAGE} not published: {shown:.1f}% translated" in err, err
    assert not (project / HTML).exists()
    _same_as_clean(project, tmp_path, capsys, "--min-coverage", "50")


def test_a_pasted_translation_qa_rejects_is_not_counted(tmp_path, capsys):
    """accessibility17's French drops its link (``qa.link-count``): readers see its English,
    so the page's coverage counts it as untranslated, as a page's own rejected one is."""
    project = _project(tmp_path)
    po = project / "locales/fr-FR/InTuneDocs/includes/accessibility17_md.po"
    entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
    for entry in entries:
        entry.msgstr = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", entry.msgstr)
    po.write_text(catalog.format_catalog(entries), encoding="utf-8")
    main(["-C", str(project), "build"])
    expected = _pasted_stats(project, capsys)
    assert expected.rejected == 1 and expected.applied == expected.translated - 1
    assert _notice(project) == int(expected.coverage)


# --- 3. a multi-line file pasted in a container --------------------------------------------------

INCLUDES = CORPUS / "en-us" / "InTuneDocs" / "includes"
CONTAINED = ("# Devices\n\n> [!NOTE]\n> [!INCLUDE[devices](includes/mdm-supported-devices.md)]\n\n"
             "1. Supported devices:\n2. [!INCLUDE[devices](includes/mdm-supported-devices.md)]\n\n"
             "- [!INCLUDE[groups](includes/group-deprecation.md)]\n\n"
             "Use the [!INCLUDE[wit_nextref](includes/wit_nextref_md.md)] console.\n")


def _contained_project(tmp_path: Path) -> Path:
    """A page pasting two real multi-line includes in a blockquote, an ordered and a bullet
    list item, and the one-line product name inside a sentence."""
    require_shared()
    project = tmp_path / "site"
    (project / "source" / "includes").mkdir(parents=True)
    for name in ("mdm-supported-devices.md", "group-deprecation.md", "wit_nextref_md.md"):
        shutil.copyfile(INCLUDES / name, project / "source" / "includes" / name)
    (project / "source" / "devices.md").write_text(CONTAINED, encoding="utf-8")
    (project / "source" / "docfx.json").write_text(
        '{"build": {"content": [{"files": ["**/*.md"], "exclude": ["includes/**"]}]}}', encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    return project


def test_a_multi_line_include_in_a_quote_or_a_list_item_stays_in_it(tmp_path):
    """'> [!INCLUDE[..](mdm-supported-devices.md)]' pasted the file's seven list items on the
    quote's line, as one paragraph ("- Apple iOS 7.1 and later - Google Android ..."); in a
    list item, a file of three quotes left the item after its first line."""
    project = _contained_project(tmp_path)
    markdown = (project / "out/markdown/en-US/devices.md").read_text(encoding="utf-8")
    assert ">   - Apple iOS 7.1 and later\n>   - Google Android 4.0 and later (including Samsung KNOX)\n" in markdown
    assert "2.   - Apple iOS 7.1 and later\n     - Google Android" in markdown
    assert "- > **Note**\n  > Starting in August" in markdown  # its alert made portable in the item too
    assert "  > The **Corporate Enrollment profile**" in markdown
    assert "Use the Intune console.\n" in markdown  # a one-line file in a sentence: as before
    root = lxml.html.fromstring((project / "out/html/en-US/devices.html").read_bytes())
    [quote] = root.findall(".//main//blockquote/ul/..")
    assert len(quote.findall("ul/li")) == 7 and "Mac OS X 10.9" in quote.text_content()
    items = root.findall(".//main//ol/li")
    assert len(items) == 2 and len(items[1].findall("ul/li")) == 7
    [bullet] = [li for li in root.findall(".//main//ul/li") if li.find("blockquote") is not None]
    assert "dynamic device groups" in bullet.text_content() and "Corporate Enrollment profile" in bullet.text_content()
    assert "alert-note" in bullet.find("blockquote").get("class", "") and "[!NOTE]" not in bullet.text_content()
    assert "Use the Intune console." in root.text_content()


# --- 2. lang of pasted text left in the source language -------------------------------------------


def _lang_of(element) -> str | None:
    for node in (element, *element.iterancestors()):
        if node.get("lang") is not None:
            return node.get("lang")
    return None


def test_pasted_text_left_in_the_source_language_is_marked_so(tmp_path, capsys):
    """The fr-FR page's own untranslated headings were marked lang="en-US", but the two
    pasted includes whose translation is fuzzy (accessibility14 and 15: English text in the
    French article) were not; the translated ones must stay French."""
    project = _project(tmp_path)
    assert main(["-C", str(project), "build"]) == 0
    root = lxml.html.fromstring((project / HTML).read_bytes())
    paragraphs = {" ".join(p.text_content().split()): p for p in root.iter("p")}
    for include in ("accessibility14_md.md", "accessibility15_md.md"):
        english = " ".join((project / "source/InTuneDocs/includes" / include).read_text(encoding="utf-8").split())
        assert _lang_of(paragraphs[english]) == "en-US", include
    french = next(text for text in paragraphs if text.startswith("Si vous êtes sourd"))  # accessibility13, translated
    assert _lang_of(paragraphs[french]) == "fr-FR"


def test_a_page_of_untranslated_includes_is_marked_as_in_the_source_language(tmp_path, capsys):
    """The page's front matter and its 23 includes, each a paragraph of its own (its headings
    and its paragraph of includes, messages of its own, left out), and no French catalog
    of its includes: its HTML marked no text as English (none of its own body is in the
    source language: it has none)."""
    project = _project(tmp_path)
    source = project / "source" / PAGE
    head, rule, body = source.read_text(encoding="utf-8").partition("\n---\n")
    includes = re.findall(r"\[!INCLUDE\[[^\]]*\]\([^)]*\)\]", body)
    source.write_text(head + rule + "\n" + "\n\n".join(includes) + "\n", encoding="utf-8")
    shutil.rmtree(project / "locales/fr-FR/InTuneDocs/includes")
    assert main(["-C", str(project), "build"]) == 0
    article = lxml.html.fromstring((project / HTML).read_bytes()).find(".//article")
    assert article is not None and article.get("lang") == "en-US"
    assert not [e for e in article.iterdescendants() if e.get("lang")]  # the article says it once


def test_pages_with_pasted_text_marked_or_in_containers_are_valid_html(tmp_path, capsys):
    from .test_html import run_vnu, vnu_jar

    assert vnu_jar()  # skip (or fail under CI) before building anything
    project = _project(tmp_path / "a")
    assert main(["-C", str(project), "build"]) == 0
    contained = _contained_project(tmp_path / "b")
    marked = (project / HTML).read_text(encoding="utf-8")
    assert marked.count('lang="en-US"') > 2  # pasted paragraphs marked, not only the page's headings
    assert run_vnu([project / HTML, project / "out/html/fr-FR/index.html", contained / "out/html/en-US/devices.html"]) == ""


# --- 4. the forms of an include's destination -----------------------------------------------------


def test_an_include_written_with_angle_brackets_or_a_title_is_pasted(tmp_path):
    """DocFX pastes '[!INCLUDE[t](<file.md>)]' and '[!INCLUDE[t](file.md "title")]' (its
    ``ExtensionsHelper.MatchPath``) and the check read them as includes, but the build left
    the first as a link to '<file.md>' and the second as text."""
    require_shared()
    project = tmp_path / "site"
    (project / "source" / "includes").mkdir(parents=True)
    for name in ("mdm-supported-devices.md", "group-deprecation.md"):
        shutil.copyfile(INCLUDES / name, project / "source" / "includes" / name)
    (project / "source" / "page.md").write_text(
        "# Page\n\n[!INCLUDE[devices](<includes/mdm-supported-devices.md>)]\n\n"
        '[!INCLUDE[groups](includes/group-deprecation.md "Groups")]\n\n'
        "See [!INCLUDE[groups]( <includes/missing.md> 'Gone' )].\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    main(["-C", str(project), "build"])
    markdown = (project / "out/markdown/en-US/page.md").read_text(encoding="utf-8")
    assert "  - Apple iOS 7.1 and later\n" in markdown and "The **Corporate Enrollment profile**" in markdown
    assert "[!INCLUDE" not in markdown
    assert "See [groups]( <includes/missing.md> 'Gone' )." in markdown  # not pasted: a link, as written


@pytest.mark.parametrize("first, second", [("<b.md>", 'a.md "A"'), ("b.md 'B'", "<a.md>")])
def test_the_build_and_the_check_find_the_same_loop_whatever_the_form(tmp_path, capsys, first, second):
    project = tmp_path / "site"
    (project / "source" / "inc").mkdir(parents=True)
    (project / "source" / "page.md").write_text("# Page\n\n[!INCLUDE[a](inc/a.md)]\n", encoding="utf-8")
    (project / "source" / "inc" / "a.md").write_text(f"A\n\n[!INCLUDE[b]({first})]\n", encoding="utf-8")
    (project / "source" / "inc" / "b.md").write_text(f"B\n\n[!INCLUDE[a]({second})]\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    capsys.readouterr()
    main(["-C", str(project), "build"])
    built = [line for line in capsys.readouterr().err.splitlines() if "include-loop" in line]
    main(["-C", str(project), "check", "--no-outputs"])
    checked = [line for line in capsys.readouterr().out.splitlines() if "include-loop" in line]
    assert built and checked == built, (checked, built)


def test_a_page_of_untranslated_includes_under_a_translated_title_is_not_marked_as_a_whole(tmp_path, capsys):
    """Review of 2026-11-27: a page without an H1 of its own shows its front-matter title as
    one; with only that title translated, the article was marked lang="en-US" around the
    French H1. The article stays French and the pasted English is marked where it is."""
    project = tmp_path / "site"
    (project / "source" / "inc").mkdir(parents=True)
    (project / "source" / "inc" / "a.md").write_text("First included sentence.\n", encoding="utf-8")
    (project / "source" / "inc" / "b.md").write_text("Second included sentence.\n", encoding="utf-8")
    (project / "source" / "page.md").write_text(
        "---\ntitle: Accessibility page\n---\n\n[!INCLUDE[a](inc/a.md)]\n\n[!INCLUDE[b](inc/b.md)]\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    po = project / "locales/fr-FR/page.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "Accessibility page"\nmsgstr ""',
                                                         'msgid "Accessibility page"\nmsgstr "Page d’accessibilité"'),
                  encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    root = lxml.html.fromstring((project / "out/html/fr-FR/page.html").read_bytes())
    article = root.find(".//article")
    assert article.get("lang") is None
    assert _lang_of(article.find(".//h1")) == "fr-FR" and article.find(".//h1").text_content() == "Page d’accessibilité"
    paragraphs = {p.text_content().strip(): p for p in article.iter("p")}
    assert _lang_of(paragraphs["First included sentence."]) == "en-US"
    assert _lang_of(paragraphs["Second included sentence."]) == "en-US"
