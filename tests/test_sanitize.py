"""sanitize_translation: a msgstr keeps the msgid's markup and gains none (unit and property tests)."""

from __future__ import annotations

import re

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.render import markdown_renderer, render_html_body
from pipeline.sanitize import sanitize_front_matter_value, sanitize_translation, url_scheme


@pytest.mark.parametrize("msgstr", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "</td></table><script>alert(1)</script>",
    "<!-- hide the rest",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<img src=x onerror=alert(1) a=\"",  # half-open tag that later source text could close
])
def test_tags_the_msgid_lacks_are_escaped(msgstr: str) -> None:
    cleaned = sanitize_translation("Plain text.", msgstr)
    assert "<" not in cleaned.replace("&lt;", "")


def test_tags_the_msgid_carries_are_kept_and_counted() -> None:
    msgid = "Line one.<br />Line two with <sup>1</sup>."
    cleaned = sanitize_translation(msgid, "Ligne un.<br />Ligne deux <sup>1</sup>.<br /><sup>2</sup>")
    assert cleaned == "Ligne un.<br />Ligne deux <sup>1</sup>.&lt;br />&lt;sup>2&lt;/sup>"


def test_a_tag_must_match_exactly_not_just_by_name() -> None:
    msgid = 'See <a href="https://example.com">this</a>.'
    cleaned = sanitize_translation(msgid, 'Voir <a href="https://example.com" onclick="alert(1)">ceci</a>.')
    assert cleaned.startswith("Voir &lt;a href=")
    assert cleaned.endswith("ceci</a>.")


NOTE = "Tap Install. <!-- TODO(legal): do not mention the beta -->"


def test_a_comment_the_msgid_lacks_is_left_out_never_shown() -> None:
    msgstr = "Appuyez sur Installer. <!-- TODO(juridique) : ne pas mentionner la bêta -->"
    assert sanitize_translation(NOTE, msgstr) == "Appuyez sur Installer. "
    assert sanitize_translation("Tap Install.", "Appuyez <!--\nnote\n--> sur Installer.") == "Appuyez  sur Installer."
    assert "TODO" not in render_html_body(sanitize_translation(NOTE, msgstr), ())


def test_comments_the_msgid_carries_are_kept_and_counted() -> None:
    msgid = "A <!-- x --> and B <!-- y -->."
    assert sanitize_translation(msgid, "B <!-- y --> et A <!-- x -->.") == "B <!-- y --> et A <!-- x -->."
    assert sanitize_translation(msgid, "A <!-- x --> <!-- x --> <!-- z -->.") == "A <!-- x -->  ."
    assert sanitize_translation(NOTE, "Appuyez sur Installer.") == "Appuyez sur Installer."


def test_a_comment_in_a_code_span_is_code_text() -> None:
    assert sanitize_translation("Type `<!-- x -->`.", "Tapez `<!-- x -->`.") == "Tapez `<!-- x -->`."


@pytest.mark.parametrize("msgstr", [
    "<!-- `x --> <script>alert(1)</script> `",  # the backtick that opened the span is in the note
    "<!-- x `--> <img src=x onerror=alert(1)> `",
])
def test_a_left_out_comment_takes_no_code_span_with_it(msgstr: str) -> None:
    html = markdown_renderer().render(sanitize_translation("Plain text.", msgstr))  # before finish_html
    assert "<script" not in html and "<img" not in html


def test_a_comment_in_a_front_matter_value_is_left_out_unless_the_msgid_has_it() -> None:
    assert sanitize_front_matter_value("Page", "Page <!-- à revoir -->") == "Page "
    assert sanitize_front_matter_value("Page <!-- x -->", "Seite <!-- x -->") == "Seite <!-- x -->"


@pytest.mark.parametrize("msgstr", [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](java&#9;script:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "[x]\n\n[x]: javascript:alert(1)",
])
def test_link_destinations_with_other_schemes_are_blocked(msgstr: str) -> None:
    cleaned = sanitize_translation("See [the page](https://example.com/page).", msgstr)
    assert "#blocked" in cleaned
    assert "script:" not in cleaned.lower().replace("&#9;", "") and "data:" not in cleaned


def test_web_and_mail_links_and_the_msgids_own_scheme_stay() -> None:
    assert sanitize_translation("x", "[a](https://example.com) [b](mailto:a@example.com)") == \
        "[a](https://example.com) [b](mailto:a@example.com)"
    assert sanitize_translation("[ms](ms-settings:network)", "[ms](ms-settings:network)") == "[ms](ms-settings:network)"
    assert sanitize_translation("x", "<https://example.com/a> <mailto:a@example.com>") == \
        "<https://example.com/a> <mailto:a@example.com>"
    assert sanitize_translation("x", "<javascript:alert(1)>") == "&lt;javascript:alert(1)>"


def test_url_scheme_sees_what_a_browser_sees() -> None:
    assert url_scheme("&#106;ava\tscript:alert(1)") == "javascript"
    assert url_scheme("\u200bjavascript:x") == "javascript"
    assert url_scheme(" HTTPS://example.com") == "https"
    assert url_scheme("page.md#x:y") == ""
    assert url_scheme("../media/a.png") == ""


@pytest.mark.parametrize(("msgstr", "expected"), [
    ("```\ncode", "\\``` code"),
    ("# Titre", "\\# Titre"),
    ("> citation", "\\> citation"),
    ("- item", "\\- item"),
    ("1. item", "1\\. item"),
    ("ligne\n---", "ligne ---"),
    ("---", "\\---"),
    ("    code indenté", "code indenté"),
])
def test_block_syntax_the_msgid_lacks_is_escaped(msgstr: str, expected: str) -> None:
    assert sanitize_translation("Une cellule.", msgstr) == expected


def test_multiline_msgids_keep_their_lines_and_own_markers() -> None:
    msgid = "First line\n- second"
    assert sanitize_translation(msgid, "Première\n- deuxième") == "Première\n- deuxième"
    assert sanitize_translation(msgid, "Première\n# deuxième") == "Première\n\\# deuxième"


def test_continuation_lines_keep_the_indentation_the_msgid_has() -> None:
    """A paragraph's continuation lines kept their indentation in the msgid, but lost it in
    the output: the real corpus's ``    |----|`` lines (a paragraph in the source, as a table's
    delimiter row may not be indented four columns) became a table in every translation."""
    msgid = "|Field name|Max length|\n    |----------|----------|\n    |Company name|40|"
    msgstr = "|Nom du champ|Longueur|\n    |----------|----------|\n    |Nom de la société|40|"
    assert sanitize_translation(msgid, msgstr, "paragraph") == msgstr
    msgid = "Text the\n     five spaces the\n\tand a tab the"
    assert sanitize_translation(msgid, msgid.replace("the", "THE")) == msgid.replace("the", "THE")
    # indentation the msgid lacks is not taken: at the start of the text it would make code
    assert sanitize_translation(msgid, "    Texte\n  cinq\n\tet") == "Texte\ncinq\n\tet"


def test_a_tag_of_the_msgid_spelled_another_way_is_written_as_the_msgid_spells_it() -> None:
    """``<br />`` typed as ``<br>`` (qa.html-form, a warning) was escaped: the page showed
    '&lt;br>' as text. The same element with the same attributes is the same markup."""
    msgid = 'A<br /><br />B <b>x</b> <a href="p.md" title=\'t\'>y</a>'
    msgstr = 'A<br><BR/>B <B>x</B> <a title="t"  href=p.md>y</A>'
    assert sanitize_translation(msgid, msgstr) == 'A<br /><br />B <b>x</b> <a href="p.md" title=\'t\'>y</a>'
    # one more than the msgid has, or other attributes, are still text
    assert sanitize_translation("A<br />B", "A<br><br>B") == "A<br />&lt;br>B"
    assert sanitize_translation('<a href="p.md">y</a>', '<a href="q.md">y</a>') == '&lt;a href="q.md">y</a>'


def test_an_alert_marker_the_msgid_lacks_is_left_out() -> None:
    """The real French pages write '> [!NOTE] Appuyez...' on one line; imported, the marker
    was in the msgstr of the paragraph under the source's own '> [!NOTE]' line, and the page
    showed '**Remarque** [!NOTE] Appuyez...'."""
    assert sanitize_translation("Tap the button.", "[!NOTE] Appuyez sur le bouton.") == "Appuyez sur le bouton."
    assert sanitize_translation("Tap the button.", "[!tip]\nAppuyez.") == "Appuyez."
    assert sanitize_translation("[!NOTE] Tap it.", "[!NOTE] Appuyez.") == "[!NOTE] Appuyez."  # the msgid's own


def test_an_email_autolink_stays_a_link() -> None:
    """``<username@company.com>`` translated ``<nom_utilisateur@entreprise.com>`` was escaped
    into text (a real fr-FR page): an email autolink is a mailto: link, as safe as one."""
    assert sanitize_translation("Write to <username@company.com>.", "Écrivez à <nom_utilisateur@entreprise.com>.") == \
        "Écrivez à <nom_utilisateur@entreprise.com>."
    assert sanitize_translation("Write.", "Écrivez <a@b.c onclick=x>.") == "Écrivez &lt;a@b.c onclick=x>."


def test_front_matter_values_keep_pipes_and_hashes() -> None:
    title = "Errors | Microsoft Intune"
    assert sanitize_translation(title, "# Fehler | Microsoft | Intune", "front-matter") == "# Fehler | Microsoft | Intune"


def test_harmless_text_is_unchanged() -> None:
    text = "L’utilisateur doit « supprimer » un appareil : 3 < 4, a&b, **gras**, `code`, [lien](page.md)."
    assert sanitize_translation("Source **bold** `code` [link](page.md).", text) == text.replace("3 < 4", "3 &lt; 4")


_HOSTILE_PIECES = st.sampled_from([
    "<", ">", "/", "\"", "'", "=", " ", "\n", "|", "`", "[", "]", "(", ")", "!", "&", "#", ";", ":",
    "script", "img", "svg", "iframe", "on", "onerror", "src", "href", "javascript", "JaVaScRiPt",
    "data", "x", "alert(1)", "&#106;", "&lt;", "-->", "<!--", "</td>", "</table>", "<a", "<br />",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_HOSTILE_PIECES, max_size=30).map("".join))
def test_no_msgstr_adds_elements_or_unsafe_urls(msgstr: str) -> None:
    msgid = "A cell with a <br /> break and a [link](https://example.com)."
    html = render_html_body(sanitize_translation(msgid, msgstr), ())
    if not html.strip():
        return
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str) or element is root:
            continue
        assert element.tag in {"p", "br", "a", "em", "strong", "code", "img", "h1", "h2", "hr",
                               "ul", "ol", "li", "blockquote", "pre"}, (msgstr, html)
        assert not any(name.lower().startswith("on") for name in element.attrib), (msgstr, html)
        for attribute in ("href", "src"):
            assert url_scheme(element.get(attribute, "")) in ("", "http", "https", "mailto"), (msgstr, html)


def test_front_matter_values_are_yaml_text_not_markup() -> None:
    title = "Errors | Microsoft Intune"
    assert sanitize_front_matter_value(title, "iOS < 8 & <b> | Intune") == "iOS < 8 & <b> | Intune"
    assert sanitize_front_matter_value(title, "[x](javascript:void) | Intune") == "[x](#blocked) | Intune"


def test_an_unclosed_less_than_sign_the_msgid_has_stays_as_written() -> None:
    """The real image '![<tap-device-name](...)' (set-up-email-access-for-ios-devices, a '<' that
    no '>' closes) came back '![&lt;tap-device-name](...)' in fr-FR and ja-JP: only complete
    '<...>' texts of the msgid were recognized. A '<' that opens no tag is the msgid's own when
    the msgid has it with the same opening (counted); any other stays escaped."""
    msgid = "Tap the name of your device.\n![<tap-device-name](./media/Email-Walkthrough/Email-Walkthrough-10.png)"
    msgstr = "Appuyez sur le nom de votre appareil.\n![<tap-device-name](./media/Email-Walkthrough/Email-Walkthrough-10.png)"
    assert sanitize_translation(msgid, msgstr) == msgstr
    assert sanitize_translation("Tap ![<img-name](a.png) now.", "Appuyez ![<img-name](a.png) now.") == \
        "Appuyez ![<img-name](a.png) now."
    assert sanitize_translation("If a < b, stop.", "Si a < b, arrêtez.") == "Si a < b, arrêtez."
    # one more than the msgid has, another opening, or closed into a tag: escaped as before
    assert sanitize_translation("![<img-name](a.png)", "![<img-name](a.png) ![<img-name](b.png)") == \
        "![<img-name](a.png) ![&lt;img-name](b.png)"
    assert sanitize_translation("![<img-name](a.png)", "<script src=x.js") == "&lt;script src=x.js"
    assert sanitize_translation("If a < b, stop.", "<!-- a < b") == "&lt;!-- a < b"
    assert sanitize_translation("![<img-name](a.png)", "![<img-name onerror=alert(1)>](a.png)") == \
        "![&lt;img-name onerror=alert(1)>](a.png)"


def test_a_pipe_is_escaped_in_table_cells_only() -> None:
    """A paragraph's translation with one '|' more than its msgid had every '|' escaped, the
    code span's too: '`dir | more`' became '`dir \\| more`' in every output (a code span shows
    the backslash). Outside a table a '|' is text; in a cell one outside a code span would end
    the cell; inside one GFM (our HTML) splits the cell too unless it is '\\|', so there the
    translation follows the source cell: bare pipes in its code spans stay bare, else '\\|'."""
    msgid, msgstr = "Run `dir | more` to page the output.", "Exécutez `dir | more` pour paginer | la sortie."
    for kind in ("paragraph", "list-item", "heading"):
        assert sanitize_translation(msgid, msgstr, kind) == msgstr
    assert sanitize_translation("Run `dir` now.", "Exécutez `dir | more` | maintenant.", "table-cell") == \
        "Exécutez `dir \\| more` \\| maintenant."
    assert sanitize_translation("Une cellule.", "cellule | injectée", "table-header") == "cellule \\| injectée"
    assert sanitize_translation("Run `dir \\| more`.", "`dir \\| more | less` ici", "table-cell") == \
        "`dir \\| more \\| less` ici"
    assert sanitize_translation("Run `dir | more`.", "`dir | more | less` | ici", "table-cell") == \
        "`dir | more | less` \\| ici"


def test_a_table_delimiter_row_the_msgid_lacks_is_escaped() -> None:
    """A translation of a paragraph of several lines could make it a table: a line of cells
    over a '--- | ---' line (which no other block rule escapes)."""
    msgid = "Line one\nline two."
    assert sanitize_translation(msgid, "a | b\n--- | ---", "paragraph") == "a | b\n\\--- | ---"
    assert sanitize_translation(msgid, "a | b\n:-|-:", "paragraph") == "a | b\n\\:-|-:"
    assert "<table" not in render_html_body(sanitize_translation(msgid, "a | b\n--- | ---", "paragraph"), ())
    kept = "a | b\n--- | ---"  # a line the msgid has itself
    assert sanitize_translation(kept, kept, "paragraph") == kept


def test_a_reference_definition_the_msgid_lacks_is_escaped() -> None:
    """A paragraph translated '[portal]: https://evil.example/phish' became a link reference
    definition: the paragraph vanished and, the first definition winning, the page's own
    '[portail][portal]' links went to evil.example. A leading '[label]:' is block syntax."""
    msgid = "Appuyez sur Installer pour continuer."
    cleaned = sanitize_translation(msgid, "[portal]: https://evil.example/phish", "paragraph")
    assert cleaned == "\\[portal]: https://evil.example/phish"
    page = f"{cleaned}\n\nConsultez le [portail][portal].\n\n[portal]: http://portal.manage.microsoft.com\n"
    html = render_html_body(page, ())
    assert "[portal]: https://evil.example/phish" in html
    assert '<a href="http://portal.manage.microsoft.com">portail</a>' in html
    # a label that goes on to the next line, and the definitions the msgid has itself
    assert sanitize_translation("Line one\nline two.", "Ligne\n[por\ntal]: https://evil.example") == \
        "Ligne\n\\[por\ntal]: https://evil.example"
    own = "[portal]: http://portal.manage.microsoft.com"
    assert sanitize_translation(own, own.replace("http:", "https:")) == own.replace("http:", "https:")


@pytest.mark.parametrize(("msgid", "msgstr"), [
    ("Appuyez sur Installer pour continuer.", "[auch\\]x]: javascript:alert(document.domain)"),
    ("[portal]: http://portal.manage.microsoft.com", "[auch\\]x]: javascript:alert(document.domain)"),
    ("[portal]:\nhttp://portal.manage.microsoft.com", "[portal]:\njavascript:alert(document.domain)"),
    ("[portal]: http://portal.manage.microsoft.com", "[por\\\\tal]: <javascript:alert(document.domain)>"),
])
def test_a_reference_definition_with_an_escaped_bracket_or_a_next_line_destination_is_blocked(
        msgid: str, msgstr: str) -> None:
    """'[auch\\]x]: javascript:...' passed unchanged into the Markdown outputs: the label's
    escaped ']' (which CommonMark allows) hid the definition from the scheme check; so did a
    destination on the line after the label."""
    cleaned = sanitize_translation(msgid, msgstr, "paragraph")
    assert "#blocked" in cleaned and "javascript" not in cleaned


INCLUDE_LINK = "[Using your iOS or Mac OS X device with Intune](using-your-ios-or-mac-os-x-device-with-intune.md)"


@pytest.mark.parametrize(("msgid", "msgstr", "expected"), [
    (INCLUDE_LINK, "[!INCLUDE[Mit iOS](using-your-ios-or-mac-os-x-device-with-intune.md)]",
     "[\\!INCLUDE[Mit iOS](using-your-ios-or-mac-os-x-device-with-intune.md)]"),
    ("[Android](android.md)", "[!code-csharp[Android](android.md)]", "[\\!code-csharp[Android](android.md)]"),
    ("Appuyez sur Installer pour continuer.", "[!VIDEO https://evil.example/x]", "[\\!VIDEO https://evil.example/x]"),
    ("Tap it.\nThen wait.", "Appuyez.\n[!WARNING]\nAttendez.", "Appuyez.\n[\\!WARNING]\nAttendez."),
    ("See [!INCLUDE[a](a.md)].", "Voir [!INCLUDE[a](b.md)].", "Voir [\\!INCLUDE[a](b.md)]."),
    ("See [!VIDEO https://www.youtube.com/embed/x].", "Voir [!VIDEO https://evil.example/x].",
     "Voir [\\!VIDEO https://evil.example/x]."),
    # the msgid's own (whatever its title says), and DocFX syntax shown in code: kept
    ("See [!INCLUDE[a](a.md)].", "Voir [!include [das A](a.md)].", "Voir [!include [das A](a.md)]."),
    ("Write `x`.", "Schreiben Sie `[!INCLUDE[a](b.md)]`.", "Schreiben Sie `[!INCLUDE[a](b.md)]`."),
])
def test_docfx_syntax_the_msgid_lacks_is_escaped(msgid: str, msgstr: str, expected: str) -> None:
    """A link translated '[!INCLUDE[Mit iOS](...)]' pasted that page (a draft) into the
    translated one; '[!code-csharp[x](file)]' would paste a file as code and '[!VIDEO url]'
    an iframe. DocFX syntax the msgid does not have is text: '[\\!' opens none."""
    assert sanitize_translation(msgid, msgstr, "paragraph") == expected


@pytest.mark.parametrize(("msgstr", "expected"), [
    ("Problem \\", "Problem \\ "),
    ("Problem \\\\\\", "Problem \\\\\\ "),
    ("Problem \\\\", "Problem \\\\ "),  # GFM reads any backslash before a '|' as escaping it
    ("Problem", "Problem"),
])
def test_a_trailing_backslash_in_a_cell_cannot_escape_the_cells_end(msgstr: str, expected: str) -> None:
    """A header cell translated 'Problem \\' escaped the source's '|' after it: the row had one
    cell fewer than the delimiter row and the whole error table was gone from the page."""
    for kind in ("table-header", "table-cell"):
        assert sanitize_translation("Problème", msgstr, kind) == expected
    assert sanitize_translation("Problème", msgstr, "heading") == msgstr
    row = f"|Fehlermeldung|{sanitize_translation('Problème', msgstr, 'table-header')}|Informationen|\n|-|-|-|\n|a|b|c|\n"
    html = render_html_body(row, ())
    assert len(re.findall(r"<th[ >]", html)) == 3 and ">Informationen</th>" in html


def test_an_angle_bracket_destination_stays_a_link_with_its_scheme_checked() -> None:
    """'[Site](<a.md>)' (a CommonMark destination in angle brackets) came out '[Site](&lt;a.md>)':
    the page linked to '%3Ca.md%3E'. After '](' it is a destination, not a tag; one that would
    be a tag, should the link not form, is still escaped, and its scheme is checked."""
    cleaned = sanitize_translation("See [site](a.md).", "Siehe [Site](<a.md>).")
    assert cleaned == "Siehe [Site](<a.md>)."
    assert '<a href="a.html">Site</a>' in render_html_body(cleaned, ())
    assert sanitize_translation("![x](a.png)", "![x]( <../media/a b.png> \"t\")") == "![x]( <../media/a b.png> \"t\")"
    assert sanitize_translation("See [site](a.md).", "Siehe [Site](<javascript:alert(1)>).") == "Siehe [Site](#blocked)."
    assert sanitize_translation("See [site](a.md).", "Siehe](<img src=x onerror=alert(1)>)") == \
        "Siehe](&lt;img src=x onerror=alert(1)>)"


@pytest.mark.parametrize("msgstr, shown", [("Guide C #", "Guide C #"), ("Étape 1 ##", "Étape 1 ##"),
                                           ("Notes\t#", "Notes\t#"), ("#", "#"), ("C# et F#", "C# et F#")])
def test_a_heading_translation_ending_in_hashes_keeps_them(msgstr: str, shown: str) -> None:
    """In an ATX heading, ` #` at the end is a closing sequence: "Guide C #" showed as
    "Guide C" (and its id changed). The first hash of such an ending is escaped."""
    from markdown_it import MarkdownIt

    heading = "## " + sanitize_translation("Guide", msgstr, "heading")
    tokens = MarkdownIt("commonmark").parse(heading)
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close"]
    assert "".join(child.content for child in tokens[1].children) == shown
    assert sanitize_translation("Guide", "C# et F#", "heading") == "C# et F#"  # no ending: untouched


HOSTILE = 64_000  # characters: the quadratic patterns took minutes on these


def test_a_long_tag_name_of_dashes_is_escaped_whole() -> None:
    """The tag pattern backtracked over every ``-`` of the name, rescanning the rest each time."""
    assert sanitize_translation("Voir le guide.", "<a" + "-a" * HOSTILE) == "&lt;a" + "-a" * HOSTILE


def test_many_lines_opening_a_label_are_no_reference_definitions() -> None:
    """A label holds no unescaped ``[`` (CommonMark): the definition pattern ran from each
    line's ``[`` to the end of the text."""
    msgstr = "](\n" + "[a\n" * HOSTILE + "b"
    assert sanitize_translation("Voir le guide.", msgstr) == "](" + " [a" * HOSTILE + " b"
    assert sanitize_translation("[portal]: https://example.com", "[a[b]: javascript:alert(1)") == \
        "[a[b]: javascript:alert(1)"  # no definition: markdown-it reads none either


@pytest.mark.parametrize("piece, shown", [
    ("`a`<", "`a`&lt;"),  # each '<' looked for its code span among all of them
    ("<!--", "&lt;!--"),  # each unclosed comment searched to the end of the text
    ("`a`<!--x-->", "`a`"),  # each comment left out listed the code spans again
])
def test_many_pieces_of_markup_cost_each_its_own_size(piece: str, shown: str) -> None:
    count = HOSTILE // len(piece)
    assert sanitize_translation("Voir.", piece * count) == shown * count


def test_a_line_of_dashes_and_many_blanks_is_no_delimiter_row() -> None:
    """``|-``, 64,000 spaces and a letter: the delimiter-row pattern shared out the spaces by
    backtracking (quadratic), in the sanitizer and in ``linkscan``'s error tables alike."""
    from pipeline.linkscan import _DELIMITER_ROW as scan_row
    from pipeline.sanitize import _DELIMITER_ROW as translation_row

    line = "|-" + " " * HOSTILE + "x"
    assert scan_row.fullmatch(line) is None and translation_row.match(line) is None
    assert scan_row.fullmatch("|-" + " " * HOSTILE) and translation_row.match("| --- |" + " " * HOSTILE)
    assert sanitize_translation("a | b\nc", "a | b\n" + line) == "a | b\n\\" + line  # as its short twin
