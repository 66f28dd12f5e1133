"""Rendering details met on the real corpus: old-style comments, DocFX 2016 heading ids, and
translated front-matter values written as YAML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pipeline import catalog
from pipeline.cli import main
from pipeline.linkmap import LinkContext, fallback_links, fallback_url, linked_page
from pipeline.render import apply_translations, normalize_comments, render_html_body, yaml_scalar
from pipeline.source import load_document

from .conftest import SEED_NAME


def test_a_commented_out_link_is_not_rendered_as_a_link():
    # InTuneDocs/GetStarted/application-rollout.md, line 53: `<!---` ... `--->` (CommonMark 0.31 comment)
    html = render_html_body("Ensure x. <!---, as described in [Plan](plan.md--->).\n", ())
    assert "<a " not in html and "plan" not in html
    assert normalize_comments("`<!--- [a](b.md) --->`") == "`<!--- [a](b.md) --->`"  # code is left alone


def test_headings_answer_to_docfx_2016_ids_too():
    html = render_html_body("## Windows Phone 8.1\n\n[x](#windows-phone-8-1)\n", ())
    assert 'id="windows-phone-81"' in html and 'id="windows-phone-8-1"' in html


def test_a_translated_heading_keeps_both_source_ids():
    doc = load_document("p.md", "# Title\n\n## Windows Phone 8.1\n\nText.\n")
    _, body = apply_translations(doc, {"Windows Phone 8.1": "Windows Phone 8.1 (Japanese)"})
    assert '## <a name="windows-phone-81"></a><a name="windows-phone-8-1"></a>Windows Phone 8.1 (Japanese)' in body
    _, same = apply_translations(doc, {"Title": "Titel"})
    assert "## Windows Phone 8.1\n" in same  # untranslated headings are untouched


def test_a_translated_heading_keeps_every_id_the_source_page_has():
    # headings with markup from the corpus (GetStarted/choose-how-to-enroll-devices.md:57,
    # PlanDesign/TOC.md:20, DeployUse/add-apps.md:41): the source page's HTML gives each a
    # DocFX 2016 id of its visible text, which links into the translated page use too
    import lxml.html

    text = ("# Title\n\n## **Are your company-owned devices shared or do they have dedicated users?**\n\n"
            "# [Develop & Customize Apps](/intune/develop/intune-app-sdk)\n\n"
            "### **App Package for Android (&#42;.apk file)**\n\nText.\n")
    doc = load_document("p.md", text)
    translations = {
        "**Are your company-owned devices shared or do they have dedicated users?**":
            "**Vos appareils d’entreprise sont-ils partagés ou dédiés ?**",
        "[Develop & Customize Apps](/intune/develop/intune-app-sdk)":
            "[Développer et personnaliser des applications](/intune/develop/intune-app-sdk)",
        "**App Package for Android (&#42;.apk file)**": "**Package d’application pour Android (fichier &#42;.apk)**",
    }

    def ids(html: str) -> set[str]:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        return {e.get("id") for e in root.iter() if e.get("id")}

    source = ids(render_html_body(text, ()))
    translated = ids(render_html_body(apply_translations(doc, translations)[1], ()))
    assert "are-your-company-owned-devices-shared-or-do-they-have-dedicated-users-" in source
    assert source - translated == set()


# -- translated front-matter values: YAML that loads to exactly the translation ----------------

_FRONT = re.compile(r"\A\ufeff?---[ \t]*(?:\r\n|\n|\r)(.*?)(?:\r\n|\n|\r)---[ \t]*(?:\r\n|\n|\r)", re.DOTALL)


def _set_title(project: Path, locale: str, msgstr: str) -> None:
    po_path = project / "locales" / locale / (SEED_NAME[:-3] + ".po")
    po = catalog.parse_catalog(po_path.read_text(encoding="utf-8"), po_path.name)
    entry = next(e for e in po if e.msgid.endswith("| Microsoft Intune"))
    entry.msgstr = msgstr
    po_path.write_text(catalog.format_catalog(po), encoding="utf-8")


def _built_front_matter(project: Path, locale: str) -> dict:
    page = (project / "out/frontmatter" / locale / SEED_NAME).read_text(encoding="utf-8")
    match = _FRONT.match(page)
    assert match, page[:200]
    return yaml.safe_load(match.group(1))


@pytest.mark.parametrize("title", [
    "iOS < 8 | Microsoft Intune",
    "iOS <8> & >= 9 | Microsoft Intune",
    "Fehler & Lösungen | Microsoft Intune",
    "Das „Portal“ und \"Company Portal\" | Microsoft Intune",
    "\"Company Portal\" | Microsoft Intune",
    "L'inscription d'iOS | Microsoft Intune",
    "'Company Portal' | Microsoft Intune",
    "C# et F# | Microsoft Intune",
    "Erreurs #1 | Microsoft Intune",
    "# Erreurs | Microsoft Intune",
    "Tabelle: mit Doppelpunkt | Microsoft Intune",
    "- Liste | Microsoft Intune",
    "* Stern | Microsoft Intune",
    "! Ausrufe | Microsoft Intune",
    "@Intune | Microsoft Intune",
    "% Prozent | Microsoft Intune",
    "{Klammer} | Microsoft Intune",
    "[Klammer] | Microsoft Intune",
    "& Anker | Microsoft Intune",
    "Pfad C:\\Windows\\ | Microsoft Intune",
    "iOS デバイスを Intune に登録する際のエラー | Microsoft Intune",
    "Ошибки при регистрации | Microsoft Intune",
    # YAML reads these plain as a date, a number or a tag; constructing one raised ValueError
    "2016-13-01", "2016-02-30", "!!int abc", "!!float x", "!!timestamp 2016-99-01", "0x_", "[" * 50,
])
def test_a_translated_front_matter_value_loads_back_as_the_translation(sample_project, title):
    _set_title(sample_project, "en-US", title)
    assert main(["-C", str(sample_project), "build", "--locale", "en-US", "--format", "frontmatter"]) == 0
    assert _built_front_matter(sample_project, "en-US")["title"] == title


@pytest.mark.parametrize("value", ["2016-13-01", "2016-01-01 25:61:00", "!!int abc", "!!float x",
                                   "!!timestamp 2016-99-01", "!!bool maybe", "0x_", "1" * 5000, "[" * 5000,
                                   "{" * 5000, "Des erreurs | Microsoft Intune", "yes", "@Intune"],
                         ids=lambda v: v[:20])
@pytest.mark.parametrize("quote", ["", "'", '"'])
def test_yaml_scalar_loads_back_as_the_value(value, quote):
    """``yaml_scalar`` asked ``yaml.safe_load`` whether a plain scalar loads back, and PyYAML
    raises ValueError (not YAMLError) constructing ``2016-13-01``: the build ended in a
    traceback. A value YAML would read as anything but that string is quoted."""
    scalar = yaml_scalar(value, quote)
    assert yaml.safe_load(f"k: {scalar}\n") == {"k": value}
    if quote == "" and value in ("Des erreurs | Microsoft Intune",):
        assert scalar == value  # plain when plain is safe, as before


def test_a_less_than_sign_in_a_title_is_escaped_once_in_html_and_not_at_all_in_yaml(sample_project):
    _set_title(sample_project, "en-US", "iOS < 8 | Microsoft Intune")
    assert main(["-C", str(sample_project), "build", "--locale", "en-US"]) == 0
    page = (sample_project / "out/frontmatter/en-US" / SEED_NAME).read_text(encoding="utf-8")
    assert "\ntitle: iOS < 8 | Microsoft Intune\n" in page  # plain: YAML needs no quotes here
    html = (sample_project / "out/html/en-US" / (SEED_NAME[:-3] + ".html")).read_text(encoding="utf-8")
    assert "<title>iOS &lt; 8 | Microsoft Intune</title>" in html


def _retab_title(project: Path, separator: str, trailer: str) -> bytes:
    """The sample page with ``separator`` between ``title:`` and its value, ``trailer`` after it."""
    page = project / "source" / SEED_NAME
    source = page.read_bytes().decode("utf-8")
    line = next(x for x in source.splitlines() if x.startswith("title: "))
    retabbed = source.replace(line, "title:" + separator + line[len("title: "):] + trailer, 1)
    page.write_bytes(retabbed.encode("utf-8"))
    return retabbed.encode("utf-8")


@pytest.mark.parametrize("separator, trailer", [("\t", ""), (" \t", ""), ("\t\t", ""), ("\t", "\t# titre"),
                                                (" ", "\t# titre")])
@pytest.mark.parametrize("title, written", [
    ("Tabelle: mit Doppelpunkt", '"Tabelle: mit Doppelpunkt"'),
    ("Fehler beim Registrieren | Microsoft Intune", "Fehler beim Registrieren | Microsoft Intune"),
])
def test_tabs_around_a_translated_value_become_spaces(sample_project, separator, trailer, title, written):
    # libyaml reads a tab as a separator (as the YAML spec allows); PyYAML's own loader
    # accepts no token after a tab, so a translated line gets spaces there
    source = _retab_title(sample_project, separator, trailer)
    _set_title(sample_project, "en-US", title)
    assert main(["-C", str(sample_project), "build", "--format", "frontmatter"]) == 0
    assert (sample_project / "out/frontmatter/fr-FR" / SEED_NAME).read_bytes() == source  # untranslated: as is
    built = (sample_project / "out/frontmatter/en-US" / SEED_NAME).read_bytes().decode("utf-8")
    assert _built_front_matter(sample_project, "en-US")["title"] == title
    expected = "title:" + separator.replace("\t", " ") + written + trailer.replace("\t", " ")
    source_lines, built_lines = source.decode("utf-8").splitlines(), built.splitlines()
    closing = source_lines.index("---", 1)  # only the title is translated in the front matter
    changed = [b for a, b in zip(source_lines[:closing + 1], built_lines[:closing + 1]) if a != b]
    assert changed == [expected]


@pytest.mark.parametrize("body", [
    "Setext Page\n===========\n\nText.\n",
    "<!-- writer note -->\n# Comment Page\n\nText.\n",
    '<a name="top"></a>\n# Anchored Page\n\nText.\n',
    "Intro before the heading.\n\n# Late Page\n\nText.\n",
])
def test_a_page_with_its_own_h1_gets_no_second_one_from_its_title(sample_project, body):
    """Only a leading ATX "# " line counted as the page's H1: a setext H1, or one after a comment,
    an anchor or an intro, got the title (with its " | Site" suffix) as a second H1 above it."""
    (sample_project / "source" / "own.md").write_text(f"---\ntitle: Own Page | Site\n---\n{body}", encoding="utf-8")
    assert main(["-C", str(sample_project), "build", "--locale", "fr-FR", "--format", "markdown", "--format", "html"]) == 0
    markdown = (sample_project / "out/markdown/fr-FR/own.md").read_text(encoding="utf-8")
    assert "Own Page | Site" not in markdown
    html = (sample_project / "out/html/fr-FR/own.html").read_text(encoding="utf-8")
    assert html.count("<h1") == 1


def test_a_title_made_the_h1_is_plain_text(sample_project):
    """A title is plain text (a YAML string): as the H1 of a page without one, its ``<Tenant>``
    vanished as an HTML tag, ``&amp;`` was read as an entity and ``*``/``_`` as emphasis."""
    title = "Use *.log and _x_ files, <Tenant> [beta] &amp; `code` \\ more #"
    (sample_project / "source" / "plain.md").write_text(
        f"---\ntitle: '{title}'\n---\n\nNo heading here.\n", encoding="utf-8")
    assert main(["-C", str(sample_project), "build", "--locale", "fr-FR", "--format", "markdown", "--format", "html"]) == 0
    html = (sample_project / "out/html/fr-FR/plain.html").read_text(encoding="utf-8")
    import lxml.html

    root = lxml.html.document_fromstring(html)
    assert [h.text_content() for h in root.iter("h1")] == [title]
    (sample_project / "source" / "plain.md").write_text(  # a folded value ends in a line break
        "---\ntitle: >\n  A folded\n  title\n---\n\nNo heading here.\n", encoding="utf-8")
    assert main(["-C", str(sample_project), "build", "--locale", "fr-FR", "--format", "markdown"]) == 0
    markdown = (sample_project / "out/markdown/fr-FR/plain.md").read_text(encoding="utf-8")
    assert markdown == "# A folded title\n\nNo heading here.\n"


def test_each_translated_line_keeps_its_own_source_lead():
    """Configure-certificate-infrastructure-for-scep.md:32-34: a list item whose second line is
    indented four columns and whose third line is lazy ('I', at the line start). Every line of
    the translation was put after the second line's lead: the lazy line moved three columns in.
    A translation with the msgid's lines keeps each line's own lead; one with other line breaks
    gets the second line's lead on every line, as before."""
    text = ("-  **Certification Authority** (CA): An Enterprise CA.\n"
            "    If your CA runs Windows Server 2008 R2, you must install the hotfix.\nI\n")
    doc = load_document("p.md", text)
    [item] = doc.segments
    assert item.joiners == ("\n   ", "\n") and item.prefix == "\n   "
    lines = ["**Autorité de certification** (CA) : une autorité d’entreprise.",
             " Si votre autorité exécute Windows Server 2008 R2, installez le correctif.", "I"]
    _, body = apply_translations(doc, {item.text: "\n".join(lines)})
    assert body == ("-  **Autorité de certification** (CA) : une autorité d’entreprise.\n"
                    "    Si votre autorité exécute Windows Server 2008 R2, installez le correctif.\nI\n")
    _, merged = apply_translations(doc, {item.text: "Autorité.\nSi votre autorité exécute Windows."})
    assert merged == "-  Autorité.\n   Si votre autorité exécute Windows.\n"


# --- links to pages not published in a locale (--min-coverage) ------------------------------

PAGES = frozenset({"a.md", "EndUser/Enroll.md", "EndUser/index.md", "Guide/c.md", "my page.md"})
SITE_MAP = (("/intune/enduser", "EndUser"),)


@pytest.mark.parametrize("url, page", [
    ("EndUser/Enroll.md", "EndUser/Enroll.md"), ("enduser/enroll", "EndUser/Enroll.md"),  # case as the page's
    ("EndUser/Enroll.md#part?x", "EndUser/Enroll.md"), ("EndUser/", "EndUser/index.md"),
    ("..\\EndUser\\Enroll.md", None), ("my%20page.md", "my page.md"), ("~/EndUser/Enroll.md", "EndUser/Enroll.md"),
    ("/intune/enduser/enroll", "EndUser/Enroll.md"), ("/intune/enduser", "EndUser/index.md"), ("/other/x", None),
    ("EndUser/Enroll.html", None), ("EndUser/media/x.png", None), ("https://x.org/a.md", None), ("#part", None),
    ("missing.md", None),
])
def test_the_page_a_link_names(url, page):
    assert linked_page(url, LinkContext("a.md", SITE_MAP, PAGES)) == page


def test_a_link_that_names_a_page_only_as_a_published_url_names_it():
    """``../end-user/enroll`` from ``Guide/`` (URL ``/intune/get-started``): the folder is
    ``EndUser``; the site serves it (``pipeline check``: ``link.url-only``)."""
    site_map = (("/intune/end-user", "EndUser"), ("/intune/get-started", "Guide"))
    assert linked_page("../end-user/enroll#x", LinkContext("Guide/c.md", site_map, PAGES)) == "EndUser/Enroll.md"
    assert linked_page("../end-user/enroll", LinkContext("Guide/c.md", site_map[:1], PAGES)) is None  # Guide/: no URL


def test_a_link_to_a_page_left_out_leads_to_the_source_locales_page_in_the_same_format():
    context = LinkContext("Guide/c.md", SITE_MAP, PAGES, withheld=frozenset({"EndUser/Enroll.md"}), source_locale="fr-FR")
    assert fallback_url("../EndUser/Enroll.md#part", context, "markdown") == "../../fr-FR/EndUser/Enroll.md#part"
    assert fallback_url("/intune/enduser/enroll?x=1#part", context, "html") == "../../fr-FR/EndUser/Enroll.html?x=1#part"
    assert fallback_url("..\\EndUser\\enroll", context, "frontmatter") == "../../fr-FR/EndUser/Enroll.md"
    assert fallback_url("../a.md", context, "html") is None  # published: as it was
    spaced = LinkContext("a.md", SITE_MAP, PAGES | {"my page (1).md"}, withheld=frozenset({"my page (1).md"}),
                         source_locale="fr-FR")  # the name as a destination: a space ended the link
    assert fallback_url("my%20page%20%281%29.md#x", spaced, "markdown") == "../fr-FR/my%20page%20%281%29.md#x"
    assert fallback_url("my%20page%20(1).md", spaced, "html") == "../fr-FR/my%20page%20%281%29.html"  # as markdown-it writes it
    assert fallback_url("../EndUser/Enroll.md", LinkContext("Guide/c.md", SITE_MAP, PAGES), "html") is None
    html = render_html_body("[e](../EndUser/Enroll.md#part) [a](../a.md)\n", (), context=context)
    assert 'href="../../fr-FR/EndUser/Enroll.html#part"' in html and 'href="../a.html"' in html


def test_only_the_destinations_of_links_to_pages_left_out_change_in_markdown():
    context = LinkContext("a.md", SITE_MAP, PAGES, withheld=frozenset({"EndUser/Enroll.md", "EndUser/index.md"}), source_locale="fr-FR")
    text = ("---\nlink: EndUser/Enroll.md\n---\nSee [e]( <EndUser/Enroll.md#x> \"t\"), [i](EndUser/), [a](a.md),\n"
            "`[code](EndUser/Enroll.md)`, ![img](EndUser/Enroll.md) and [!INCLUDE [inc](EndUser/Enroll.md)].\n\n"
            '<a href="/intune/enduser/enroll">e</a>\n\n[r]: EndUser/Enroll.md\n')
    assert fallback_links(text, context) == (
        "---\nlink: EndUser/Enroll.md\n---\nSee [e]( <../fr-FR/EndUser/Enroll.md#x> \"t\"), "
        "[i](../fr-FR/EndUser/index.md), [a](a.md),\n"
        "`[code](EndUser/Enroll.md)`, ![img](EndUser/Enroll.md) and [!INCLUDE [inc](EndUser/Enroll.md)].\n\n"
        '<a href="../fr-FR/EndUser/Enroll.md">e</a>\n\n[r]: ../fr-FR/EndUser/Enroll.md\n')
    assert fallback_links(text, LinkContext("a.md", SITE_MAP, PAGES)) == text


# The container patterns as they were before they were made possessive (a line of n '> '
# was tried in 2**n ways; '[!INCLUDE[a](' and blanks in n**2): the same matches, found in
# one way only. Compared on random lines made of the characters that matter to them.
_OLD_ALERT_LEAD = (r"^(?P<lead>(?:[ \t]*(?:>[ \t]?|(?:[-*+]|\d{1,9}[.)])[ \t]+))*?[ \t]*>[ \t]?[ \t]{0,3})"
                   r"\[!(?P<kind>NOTE|TIP)\][ \t]*(?P<end>(?=\r?$))?")
_OLD_CONTAINER_LEAD = r"(?:[ \t]*(?:>[ \t]?|(?:[-*+]|\d{1,9}[.)])(?=[ \t])))*[ \t]*"
_OLD_INCLUDE = (r"""\[!INCLUDE\s*\[(?P<name>[^\]]*)\]\((?P<path>[ \t]*(?:<[^<>\r\n]*>|[^)\s]*)"""
                r"""(?:[ \t]+(?:"[^"\r\n]*"|'[^'\r\n]*'|\([^()\r\n]*\)))?[ \t]*)\)\]""")


def _random_lines(pieces: list[str], count: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(count)]


def test_container_patterns_match_as_before_in_one_way_only():
    from pipeline import render

    old_alert = re.compile(_OLD_ALERT_LEAD, re.IGNORECASE | re.MULTILINE)
    from pipeline.docfx import ALERT_KIND

    alert = re.compile(render._ALERT_LINE.fast.pattern.replace(ALERT_KIND, "NOTE|TIP"), render._ALERT_LINE.fast.flags)
    for line in _random_lines(["> ", ">", " ", "\t", "- ", "1. ", "12)", "*", "[!NOTE]", "[!tip] x", "a", "\r"], 20000, 1):
        found, expected = alert.search(line), old_alert.search(line)
        assert (found and found.groupdict()) == (expected and expected.groupdict()), repr(line)
        assert bool(render._CONTAINER_LEAD.fullmatch(line)) == bool(re.fullmatch(_OLD_CONTAINER_LEAD, line)), repr(line)
    old_include = re.compile(_OLD_INCLUDE, re.IGNORECASE)
    for tail in _random_lines([" ", "\t", "a", "<", ">", "'", '"', "(", ")", "]", "b.md", " 'a b'", '"t"', "\n"], 20000, 2):
        text = "[!INCLUDE[a](" + tail
        found, expected = render._INCLUDE.search(text), old_include.search(text)
        assert (found and found.span()) == (expected and expected.span()), repr(text)


def test_deep_containers_are_read_without_backtracking_in_every_way():
    """Results only (their time is benchmarks/hostile.py's): with the old patterns each of
    these took hours (a line of 40 '> ' tried in 2**40 ways)."""
    from pipeline import render

    deep = "> " * 40
    page = "> [!NOTE]\n> A note.\n\n" + deep + "Deeply quoted text.\n"
    assert render.portable_markdown(page, "", lambda path: None) == "> **Note**\n> A note.\n\n" + deep + "Deeply quoted text.\n"
    assert render._ALERT_LINE.fast.search(deep + "[!NOTE]").group("lead") == deep
    assert render._CONTAINER_LEAD.fullmatch(deep + "word ") is None
    assert render._CONTAINER_LEAD.fullmatch(deep) is not None
