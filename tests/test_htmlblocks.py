"""The text of raw HTML blocks: extracted as messages (pipeline/htmlblocks.py), put back by
exact span, kept from breaking its block, and aligned from the real translated pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import catalog
from pipeline.align import align_documents
from pipeline.cli import main
from pipeline.qa import check_message
from pipeline.render import apply_translations
from pipeline.source import load_document

from .conftest import one_page_project

TIPS = "InTuneDocs/GetStarted/choose-how-to-manage-devices.md"
LANDING = "InTuneDocs/index.md"


def _page(corpus: Path, locale: str, page: str):
    path = corpus / locale / page
    return load_document(page, path.read_bytes().decode("utf-8"))


def _html(document) -> list[tuple[int, str, str]]:
    return [(s.line, s.comment, s.text) for s in document.segments if s.kind.startswith("html")]


def test_the_tip_boxes_are_messages_with_their_element_and_line(corpus):
    """The three 'Tip' boxes of the real page (a <div class="alert alert-tip"> with an <h5>
    and a <p> holding a Markdown link or an [!INCLUDE]) and its <ul> of <li>s stayed English
    in every locale: nothing in an HTML block was extracted."""
    document = _page(corpus, "en-us", TIPS)
    found = _html(document)
    assert found[:2] == [
        (37, "HTML <h5>", "Tip"),  # the empty <span class="icon-tip"></span> before it is no text
        (38, "HTML <p>", "If you previously enrolled devices that run an earlier version of iOS than the supported "
                         "version above, these will remain enrolled. However, check the documentation for each "
                         "[!INCLUDE[wit_nextref](../includes/wit_nextref_md.md)] to ensure that version of iOS is "
                         "supported by the feature.")]
    assert (56, "HTML <p>", "See [Mobile device management capabilities](mobile-device-management-capabilities-in-"
                            "microsoft-intune.md) for a full list of the capabilities that enrolling devices gives "
                            "you.") in found
    assert (66, "HTML <li>", "Use any of the Microsoft Intune computer client enabled capabilities to manage your "
                             "Windows PCs.") in found
    assert [text for _, _, text in found].count("Tip") == 3 and len(found) == 8
    for segment in document.segments:  # each span is exactly its text in the page
        assert document.text[segment.start:segment.end] == segment.text or segment.joiners


def test_the_landing_page_gives_its_text_not_its_markup(corpus):
    """index.md is 260 lines of <article>, <section>, <a> around <h3> and <p>...: every text
    is a message (an inline <a> kept in its sentence's msgid, a link that is an item's whole
    text unwrapped), and no step number, icon, comment or whitespace is."""
    document = _page(corpus, "en-us", LANDING)
    found = _html(document)
    texts = [text for _, _, text in found]
    assert len(found) == 72
    assert (24, "HTML <h3>", 'Manage Intune with Configuration Manager? <a href="http://go.microsoft.com/fwlink/'
                             '?LinkId=816854" target="_blank">View Configuration Manager Documentation &rarr;</a>') in found
    assert (30, "HTML <li> > <a>", "Introduction to Microsoft Intune") in found
    assert (27, "HTML <h2>", "Featured Content") in found  # after an empty icon <span>
    assert (50, "HTML <p>", "Understand &amp; Explore") in found  # entities as written
    assert (52, "HTML <p>", "Learn the basic concepts and capabilities of Microsoft Intune.") in found  # no trailing blanks
    assert not any(text.strip().isdigit() for text in texts)  # <span class="step-number">1</span>
    assert "Stages" not in " ".join(texts)  # inside a comment
    assert not any(text.startswith("<") and text.endswith(">") for text in texts)


@pytest.mark.parametrize("block", [
    '<div><span class="step-number">1</span> <span class="icon"></span></div>',
    "<p><code>Get-MsolUser -All</code></p>",
    "<p>&rarr; &nbsp; 2016</p>",
    "<ul>\n  <li><kbd>Ctrl</kbd>+<kbd>C</kbd></li>\n</ul>",
    "<pre>\nsome code here\n</pre>",
    "<script>var words = 'no text';</script>",
    "<!-- a writer's note, not for readers -->",
    "<p>[!INCLUDE[wit_nextref](../includes/wit_nextref_md.md)]</p>",
])
def test_markup_numbers_code_and_comments_are_no_messages(block):
    assert _html(load_document("p.md", f"# Title\n\n{block}\n")) == []


def test_markdown_after_a_blank_line_in_a_div_is_markdown_again():
    """CommonMark: the HTML block ends at the blank line; what follows is a Markdown paragraph
    (its own kind, as before), though the <div> is still open."""
    text = '<div class="alert">\n<p>Inside the block.</p>\n\nA **Markdown** paragraph.\n\n</div>\n'
    document = load_document("p.md", text)
    assert [(s.kind, s.text) for s in document.segments] == [
        ("html", "Inside the block."), ("paragraph", "A **Markdown** paragraph.")]


def test_a_translation_replaces_its_span_only_and_keeps_the_quote_prefix():
    """A <p> over two lines of a quote: its continuation line's '> ' and indentation are no
    part of the msgid and come back around the translation; every other byte stays."""
    text = ('Intro.\r\n\r\n> <div class="x">\r\n>   <p>First line\r\n>   second line.</p>\r\n'
            '>   <img src="a.png" alt="The portal">\r\n> </div>\r\n\r\nEnd.\r\n')
    document = load_document("p.md", text)
    assert apply_translations(document, {}) == ("", text)  # nothing translated: byte for byte
    run, alt = [s for s in document.segments if s.kind.startswith("html")]
    assert (run.text, run.joiners, run.comment) == ("First line\nsecond line.", ("\r\n>   ",), "HTML <p>")
    assert (alt.text, alt.comment, alt.line) == ("The portal", "HTML <img> alt", 6)
    _, body = apply_translations(document, {"First line\nsecond line.": "Première ligne\ndeuxième ligne.",
                                            "The portal": 'Le "portail"'})
    assert body == text.replace("First line\r\n>   second line.", "Première ligne\r\n>   deuxième ligne.") \
        .replace('alt="The portal"', 'alt="Le &quot;portail&quot;"')


def test_attributes_worth_translating_are_messages_others_are_not():
    text = ("<p><img src=shot.png alt=Screenshot> <a href='x.md' title='Open the guide' class='button'>Guide</a></p>"
            "\n\n<p>See <abbr title='Mobile device management'>MDM</abbr> first.</p>"
            "\n\n<iframe src=\"https://example.com/v\" title=\"Setup video\" width=\"50\"></iframe>\n")
    document = load_document("p.md", text)
    found = [(s.kind, s.comment, s.text) for s in document.segments]
    # the <img> at the run's edge is no text, and the <a> wrapping the rest is unwrapped: both
    # tags lie outside the run; the <abbr> lies inside its run's msgid, verbatim, its title a message too
    assert found == [("html-attribute", "HTML <img> alt", "Screenshot"),
                     ("html-attribute", "HTML <a> title", "Open the guide"),
                     ("html", "HTML <p> > <a>", "Guide"),
                     ("html", "HTML <p>", "See <abbr title='Mobile device management'>MDM</abbr> first."),
                     ("html-attribute", "HTML <abbr> title", "Mobile device management"),
                     ("html-attribute", "HTML <iframe> title", "Setup video")]
    _, body = apply_translations(document, {"Screenshot": "Capture d'écran", "Setup video": "Vidéo <b>"})
    assert "<img src=shot.png alt=\"Capture d'écran\">" in body  # an unquoted value gets quotes
    assert 'title="Vidéo &lt;b&gt;"' in body


HOSTILE = {
    "closes the block": "Conseil</p></div><script>alert(1)</script>",
    "adds an element": "Voir <b>ceci</b>",
    "blank line": "Conseil\n\n# Titre",
}


@pytest.mark.parametrize("msgstr", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_translation_cannot_break_its_block(msgstr):
    """Without QA (the sanitizer alone): tags the msgid lacks are text, a blank line that
    would end the HTML block (and make '# Titre' a heading) is joined."""
    text = '<div class="alert alert-tip">\n  <h5><span class="icon-tip"></span> Tip</h5>\n</div>\n\nAfter.\n'
    document = load_document("p.md", text)
    _, body = apply_translations(document, {"Tip": msgstr})
    assert body.startswith('<div class="alert alert-tip">\n  <h5><span class="icon-tip"></span> ')
    assert body.endswith("</h5>\n</div>\n\nAfter.\n")
    inner = body[len('<div class="alert alert-tip">\n  <h5><span class="icon-tip"></span> '):-len("</h5>\n</div>\n\nAfter.\n")]
    inner = inner.removeprefix('<span id="tip"></span>')  # the source heading's id, kept
    assert "\n" not in inner and "<" not in inner


def test_qa_rejects_a_translation_whose_tags_differ(tmp_path, capsys):
    """As everywhere: a located error, the source text used, the other messages translated."""
    project = one_page_project(
        tmp_path, '# Page\n\n<div class="alert alert-tip">\n  <h5><span class="icon-tip"></span> Tip</h5>\n'
        '  <p>See the <a href="a.md">guide</a> first.</p>\n</div>\n')
    po = project / "locales" / "fr-FR" / "p.po"
    assert '#. HTML <p>\n#: source/p.md:5\nmsgid "See the' in po.read_text(encoding="utf-8")
    entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
    translations = {"Page": "Page", "Tip": "Conseil",
                    'See the <a href="a.md">guide</a> first.': 'Voir le <a href="a.md">guide</a></p></div> <p>bis.'}
    for entry in entries:
        entry.msgstr = translations.get(entry.msgid, entry.msgstr)
    po.write_text(catalog.format_catalog(entries), encoding="utf-8")
    assert '#. HTML <h5>\n#: source/p.md:4\nmsgid "Tip"' in po.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(project), "build"]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 1 and errors[0].startswith("locales/fr-FR/p.po:") and "[qa.html-tag]" in errors[0]
    built = (project / "out" / "frontmatter" / "fr-FR" / "p.md").read_text(encoding="utf-8")
    assert '</span> <span id="tip"></span>Conseil</h5>' in built and '<p>See the <a href="a.md">guide</a> first.</p>' in built


def test_check_message_compares_the_tags_of_html_text():
    msgid = 'Manage Intune? <a href="http://go.microsoft.com/fwlink/?LinkId=816854" target="_blank">View</a>'
    kept = 'Gérer Intune ? <a href="http://go.microsoft.com/fwlink/?LinkId=816854" target="_blank">Afficher</a>'
    assert check_message(msgid, kept, in_table=False, is_front_matter=False) == []
    lost = check_message(msgid, "Gérer Intune ? Afficher", in_table=False, is_front_matter=False)
    assert "qa.html-tag" in {f.code for f in lost}


@pytest.mark.parametrize("locale, tip, featured", [
    ("fr-fr", "Conseil", "Contenu proposé"), ("de-de", "Tipp", "Wichtige Inhalte"), ("ja-jp", "ヒント", "おすすめコンテンツ")])
def test_the_real_translations_align_with_the_html_messages(corpus, locale, tip, featured):
    """What the translators translated in these blocks (the text, the link texts) pairs with
    the new messages: every one of the two pages' HTML messages is aligned."""
    for page, expected in ((TIPS, {"Tip": tip}), (LANDING, {"Featured Content": featured})):
        source = _page(corpus, "en-us", page)
        alignment = align_documents(source, _page(corpus, locale, page))
        html = [m for m in alignment.matches if m.segment.kind.startswith("html")]
        assert html and all(m.status == "aligned" for m in html), page
        pairs = {m.segment.text: m.translation for m in html}
        assert {k: pairs[k] for k in expected} == expected


@pytest.mark.parametrize("block, expected", [
    ("<div>\n" + "<div>" * 5000 + "Deep text", [("HTML <div>", "Deep text")]),  # no recursion per level
    ("<div>\n" + "<a><p>" * 2000 + "Inner", [("HTML <p>", "Inner")]),
    ("<div>\n<p>Words " + "<a" * 20000, [("HTML <p>", "Words " + "<a" * 20000)]),  # never closed: text
    ("<div>\n<p>Words</p>" + "<!--" * 5000, [("HTML <p>", "Words")]),
    ("<ul>\n" + "<li>Item" * 3000, [("HTML <li>", "Item")] * 3000),  # each <li> ends the one before
    # html.parser refuses '<![' with no name after it (an AssertionError, after moving its
    # position): a bogus comment, as HTML reads it, and the text after it is located right
    ("<div>\n<p>Before <![ x> after</p>\n<p>Next</p>", [("HTML <p>", "Before <![ x> after"), ("HTML <p>", "Next")]),
    ("<p><![<b>Text</b></p>\n<p>Next</p>", [("HTML <p>", "Text"), ("HTML <p>", "Next")]),
])
def test_hostile_blocks_give_their_text(block, expected):
    """Deep nesting, tags and comments never closed (html.parser scanned to the end for each
    '<' no '>' follows: quadratic; benchmarks/hostile.py times these)."""
    document = load_document("p.md", block + "\n")
    assert [(s.comment, s.text) for s in document.segments] == expected
    assert apply_translations(document, {}) == ("", block + "\n")


@settings(max_examples=300, deadline=None, database=None)  # no .hypothesis/ in the cwd
@given(st.text(alphabet="<>]()a `", max_size=40))
def test_words_outside_tags_and_destinations_are_found_as_the_regexes_found_them(text):
    """source.is_translatable's linear walk removes what '<[^>]*>' and '\\]\\([^)]*\\)' did."""
    from pipeline.source import _without_spans

    assert _without_spans(text, "<", ">", "") == re.sub(r"<[^>]*>", "", text)
    assert _without_spans(text, "](", ")", "]") == re.sub(r"\]\([^)]*\)", "]", text)


def test_a_tag_whose_attributes_changed_is_rejected_a_respelled_one_is_not():
    """The sanitizer shows a tag the msgid lacks as text: in an HTML block that showed
    '<a href=... target="_self">' to readers and left a lone '</a>', with only a warning."""
    msgid = 'Manage Intune? <a href="http://go.microsoft.com/fwlink/?LinkId=816854" target="_blank">View</a>'
    changed = msgid.replace('target="_blank"', 'target="_self"').replace("View", "Afficher")
    assert [f.code for f in check_message(msgid, changed, in_table=False, is_front_matter=False)] == ["qa.html-tag"]
    respelled = msgid.replace('"', "'").replace("View", "Afficher")  # the same tag, other quotes
    assert [f.code for f in check_message(msgid, respelled, in_table=False, is_front_matter=False)] == ["qa.html-form"]


_FRAGMENTS = ["<div>", "</div>", "<p>", "</p>", "<a href='x.md'>", "</a>", "<span></span>", "<br/>", "</br>",
              "<li>", "<ul>", "<img alt=\"Shot one\">", "<!-- note -->", "Some words", " ", "\n", "\t", "&amp;",
              "<code>x</code>", "<em>", "</em>", "[link](a.md)", "<", ">", "é"]


@settings(max_examples=300, deadline=None, database=None)
@given(st.sampled_from(["", "> ", "- ", "1. ", "  "]), st.sampled_from(["\n", "\r\n"]),
       st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=25))
def test_any_block_keeps_every_byte_but_its_messages(container, eol, fragments):
    """A block in a quote, a list item or indented, with LF or CRLF: nothing translated gives
    the page back; each message's span is its text (continuation lines' leads in its joiners);
    a translation of each message changes only its own span."""
    first, *rest = ("<div>" + "".join(fragments)).split("\n")
    lead = {"- ": "  ", "1. ": "   "}.get(container, container)  # what continues the container
    text = f"Intro.{eol}{eol}{container}{first}" + "".join(f"{eol}{lead}{line}" for line in rest) + f"{eol}{eol}End.{eol}"
    document = load_document("p.md", text)
    assert apply_translations(document, {}) == ("", text)
    html = [s for s in document.segments if s.kind.startswith("html")]
    for segment in html:
        parts = segment.text.split("\n")
        assert text[segment.start:segment.end] == parts[0] + "".join(j + p for j, p in zip(segment.joiners, parts[1:]))
    expected = text
    texts = {s.text for s in html}  # a Markdown paragraph after the block may be the same message
    for segment in sorted((s for s in document.segments if s.text in texts), key=lambda s: -s.end):
        expected = expected[:segment.end] + " XX" + expected[segment.end:]
    assert "".join(apply_translations(document, {s.text: s.text + " XX" for s in html})) == expected


RUN = '<p>Tap <img src="menu.png" alt="the menu icon" title=Menu> to <b>open</b> it.</p>\n'


@pytest.mark.parametrize("translations, expected", [
    ({}, RUN),
    ({"the menu icon": "l’icône du menu", "Menu": "Le menu"},
     '<p>Tap <img src="menu.png" alt="l’icône du menu" title="Le menu"> to <b>open</b> it.</p>\n'),
    ({'Tap <img src="menu.png" alt="the menu icon" title=Menu> to <b>open</b> it.':
      'Touchez <img src="menu.png" alt="the menu icon" title=Menu> pour l’<b>ouvrir</b>.'},
     '<p>Touchez <img src="menu.png" alt="the menu icon" title=Menu> pour l’<b>ouvrir</b>.</p>\n'),
    ({'Tap <img src="menu.png" alt="the menu icon" title=Menu> to <b>open</b> it.':
      'Touchez <img alt="the menu icon" src="menu.png" title="Menu"/> pour l’<b>ouvrir</b>.',  # respelled
      "the menu icon": "l’icône « menu »", "Menu": 'Le "menu"'},
     '<p>Touchez <img src="menu.png" alt="l’icône « menu »" title="Le &quot;menu&quot;"> pour l’<b>ouvrir</b>.</p>\n'),
])
def test_an_attribute_inside_a_run_is_translated_with_or_without_it(translations, expected):
    """A tag inside a sentence stays in the sentence's msgid; its alt and title are messages of
    their own, written into the tag the translated sentence holds (or the source's)."""
    document = load_document("p.md", RUN)
    assert [(s.comment, s.text) for s in document.segments] == [
        ("HTML <p>", 'Tap <img src="menu.png" alt="the menu icon" title=Menu> to <b>open</b> it.'),
        ("HTML <img> alt", "the menu icon"), ("HTML <img> title", "Menu")]
    assert "".join(apply_translations(document, translations)) == expected


BLANK_PAGE = ('# Landing\n\n<div class="x">\n    <p class="description">\n    Learn the basic concepts.\n    </p>\n'
              '    <p>Second text here.</p>\n    <a href="/x"><h3>Heading three</h3></a>\n</div>\n')


def test_an_accepted_blank_translation_is_not_applied(tmp_path, capsys):
    """A translation of white space only, its qa.blank accepted ('qa.*'), left the run's line
    blank: the blank line ended the HTML block and the rest of it showed as a code block. It
    is not applied (the source text stays, counted rejected), with a located error."""
    project = one_page_project(tmp_path, BLANK_PAGE)
    po = project / "locales" / "fr-FR" / "p.po"
    entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
    for entry in entries:
        entry.msgstr = " " if entry.msgid == "Learn the basic concepts." else entry.msgid + " (fr)"
        if entry.msgid == "Learn the basic concepts.":
            entry.tcomment = "qa-accept: qa.*"
    po.write_text(catalog.format_catalog(entries), encoding="utf-8")
    capsys.readouterr()
    assert main(["-C", str(project), "build"]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 1 and re.match(r"locales/fr-FR/p\.po:\d+:1: error: .*source/p\.md:5.*\[qa\.blank\]$", errors[0])
    built = (project / "out" / "frontmatter" / "fr-FR" / "p.md").read_text(encoding="utf-8")
    assert "\n    Learn the basic concepts.\n" in built and "Second text here. (fr)" in built
    page = (project / "out" / "html" / "fr-FR" / "p.html").read_text(encoding="utf-8")
    assert "<pre><code>" not in page and "Heading three (fr)</h2></a>" in page
    assert main(["-C", str(project), "stats"]) in (0, 1)
    stats = capsys.readouterr().out
    assert re.search(r"fr-FR\s+p\.md\s+4\s+0\s+0\s+1\b", stats), stats


@pytest.mark.parametrize("text, msgid", [
    (BLANK_PAGE, "Learn the basic concepts."),
    ('<div>\n<p>First line\nsecond line.</p>\n</div>\n', "First line\nsecond line."),
    ("Intro.\n\n- Item one\n- Item two\n", "Item one"),
    ("Intro paragraph\n- Item one\n", "Item one"),
    ("Title\n=====\n\nText.\n", "Title"),
    ("Para one\nline two.\n\nNext.\n", "Para one\nline two."),
    ("| A | B |\n|---|---|\n| one | two |\n", "one"),
    ("> Quoted text.\n> More.\n", "Quoted text.\nMore."),
])
@pytest.mark.parametrize("msgstr", [" ", "\n", " \n \t", "<!-- note -->", "[!NOTE]"])
def test_a_translation_blank_once_sanitized_leaves_the_source_text(text, msgid, msgstr):
    """Whatever QA accepted: a blank run left its line blank (the HTML block ended there), an
    empty list item after a paragraph is none (its '-' joined the paragraph), an empty setext
    heading left its '=====' a paragraph; none of them is applied, nor counted translated."""
    document = load_document("p.md", text)
    assert msgid in document.msgids
    assert "".join(apply_translations(document, {msgid: msgstr})) == text
    findings = check_message(msgid, msgstr, in_table=msgid == "one", is_front_matter=False, accepted=frozenset({"qa.*"}))
    assert [f.code for f in findings] == ["qa.blank"] and findings[0].severity == "error"


@pytest.mark.parametrize("text, expected", [
    ("# T\n\nPara.\n\n<!-- TODO: rewrite\n\nOld draft sentence, never published.\n\nSecond old draft sentence.\n",
     [("heading", "T"), ("paragraph", "Para.")]),
    ("<div>\n<p>Shown text.</p>\n<!-- old: <p>Hidden draft text</p>\n</div>\n", [("html", "Shown text.")]),
    ("<div>\n<p>Shown text.</p>\n<![CDATA[ <p>Hidden draft text</p>\n</div>\n", [("html", "Shown text.")]),
    ("<div>\n<p>Shown text.</p>\n<? Hidden draft text\n", [("html", "Shown text.")]),
    ("<div>\n<p>Shown text.</p>\n<!x Hidden draft text\n", [("html", "Shown text.")]),
    ("<div>\n<p>Shown text. <!-- Hidden draft text\n", [("html", "Shown text.")]),
    ("<div>\n<p>Shown <b>text</b>. <!-- Hidden draft text\n", [("html", "Shown <b>text</b>.")]),
])
def test_nothing_in_an_unclosed_comment_is_a_message(text, expected):
    """A comment (or CDATA section, processing instruction, declaration) never closed runs to
    the end of the block, as browsers and CommonMark read it: no text of it is a message
    (html.parser's close() gave it as data, and the tail after the last '>' was taken as text)."""
    document = load_document("p.md", text)
    assert [(s.kind, s.text) for s in document.segments] == expected
    assert apply_translations(document, {}) == ("", text)


@pytest.mark.parametrize("text, translations, expected", [
    # the same tag three times: each copy gets its own values, in order
    ('<p>w <img alt="pic"> w <img alt="pic"> w <img alt="pic"> w</p>\n',
     {'w <img alt="pic"> w <img alt="pic"> w <img alt="pic"> w': 'v <img alt="pic"> v <img alt="pic"> v <img alt="pic"> v',
      "pic": "image"},
     '<p>v <img alt="image"> v <img alt="image"> v <img alt="image"> v</p>\n'),
    # the translation puts the tags in another order: each keeps its own value
    ('<p>A <img alt="one"> B <img alt="two" title="Two"> C</p>\n',
     {'A <img alt="one"> B <img alt="two" title="Two"> C': 'B <img alt="two" title="Two"> A <img alt="one"> C',
      "one": "un", "two": "deux", "Two": "Deux"},
     '<p>B <img alt="deux" title="Deux"> A <img alt="un"> C</p>\n'),
    # a '>' in a value, a '<' the translation shows as text, a tag the translation lacks
    ('<p>A <img alt="a > b"> B <img alt="c"> &lt; C</p>\n',
     {'A <img alt="a > b"> B <img alt="c"> &lt; C': 'X < <img alt="a > b"> Y &lt; Z', "a > b": "a &gt; b", "c": "cc"},
     '<p>X &lt; <img alt="a &gt; b"> Y &lt; Z</p>\n'),
])
def test_each_tag_of_a_translated_run_gets_its_own_values(text, translations, expected):
    """The tags' values are put into the run's translation in one pass (a replace() over the
    whole run for each tag took quadratic time: benchmarks/hostile.py's 'apply' cases)."""
    assert "".join(apply_translations(load_document("p.md", text), translations)) == expected


HEADINGS_PAGE = ('# Page\n\nSee [the first tip](#tip), [the second](p.md#tip-1) and [the card](#card--title).\n\n'
                 '<div class="alert alert-tip">\n  <h5><span class="icon-tip"></span> Tip</h5>\n  <p>Some advice.</p>\n'
                 '</div>\n\n<div class="alert alert-tip">\n  <h5><span class="icon-tip"></span> Tip</h5>\n</div>\n\n'
                 '<div>\n<a href="/x"><h3>Card &amp; title</h3></a>\n</div>\n\nText.\n')


def test_a_translated_heading_of_an_html_block_keeps_its_source_id(tmp_path, capsys):
    """The HTML ids of the source's <h5>Tip</h5> ('tip', 'tip-1') were lost in fr-FR ('conseil',
    'conseil-1'): links to them broke. The translated heading gets the source id, a <span id>
    (valid in a heading inside a link too), which the checker finds; the page stays valid."""
    from tests.test_html import run_vnu

    project = one_page_project(tmp_path, HEADINGS_PAGE)
    po = project / "locales" / "fr-FR" / "p.po"
    entries = catalog.parse_catalog(po.read_text(encoding="utf-8"), po.name)
    french = {"Tip": "Conseil", "Card &amp; title": "Carte &amp; titre", "Page": "Page", "Text.": "Texte.",
              "Some advice.": "Un conseil."}
    for entry in entries:
        entry.msgstr = french.get(entry.msgid, entry.msgid)
    po.write_text(catalog.format_catalog(entries), encoding="utf-8")
    english = (project / "out" / "html" / "en-US" / "p.html").read_text(encoding="utf-8")
    assert {'id="tip"', 'id="tip-1"', 'id="card--title"', 'id="card-title"'} <= set(re.findall(r'id="[^"]*"', english))
    capsys.readouterr()
    assert main(["-C", str(project), "build"]) == 0
    built = (project / "out" / "frontmatter" / "fr-FR" / "p.md").read_text(encoding="utf-8")
    assert '<h5><span class="icon-tip"></span> <span id="tip"></span>Conseil</h5>' in built
    assert '<h5><span class="icon-tip"></span> <span id="tip-1"></span>Conseil</h5>' in built
    assert '<a href="/x"><h3><span id="card--title"></span><span id="card-title"></span>Carte &amp; titre</h3></a>' in built
    page = project / "out" / "html" / "fr-FR" / "p.html"
    assert {'id="tip"', 'id="tip-1"', 'id="card--title"', 'id="card-title"'} <= set(re.findall(r'id="[^"]*"', page.read_text(encoding="utf-8")))
    assert main(["-C", str(project), "check"]) == 0, capsys.readouterr()
    assert run_vnu([page]) == ""
