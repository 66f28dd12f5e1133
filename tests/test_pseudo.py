"""Tests for pipeline.pseudo: qps-ploc / qps-plocm pseudo-localization of one msgid."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pipeline.pseudo import ACCENTED, pseudolocalize
from pipeline.qa import PRODUCT_NAMES, check_message

_BIDI = "\u200f\u202e\u202c"
_UNACCENT = {v: k for k, v in ACCENTED.items()}


def _strip_pseudo(pseudo: str) -> str:
    """Undo qps-ploc(m): drop bidi controls, brackets and padding, remove the accents."""
    plain = "".join(_UNACCENT.get(c, c) for c in pseudo if c not in _BIDI)
    # The padding's accents are not in ACCENTED, so it stays non-ASCII after un-accenting.
    # Outer pipes stay outside the brackets.
    m = re.fullmatch(r"(\s*\|?)\[!! ([\s\S]*?) [^\x00-\x7f ]+(?: [^\x00-\x7f ]+)* !!\](\|?\s*)", plain)
    assert m, plain
    return m.group(1) + m.group(2) + m.group(3)


def _inline_structure(text: str) -> list[tuple[str, str]]:
    """Markdown inline token types plus the parts that must not change (hrefs, code, html)."""
    tokens = MarkdownIt("commonmark").parseInline(text)[0].children or []
    shape = []
    for t in tokens:
        if t.type == "text":
            continue
        keep = t.content if t.type in ("code_inline", "html_inline") else ""
        if t.type in ("link_open", "image"):
            keep = str(t.attrs.get("href", t.attrs.get("src", "")))
        shape.append((t.type, keep))
    return shape


# --------------------------------------------------------------------------- examples

SEED_CELL = (
    "Contact your IT administrators and tell them that you received the message "
    "**DeviceTypeNotSupported** while trying to enroll your mobile device.<br /><br />"
    "For more information, review [Set up iOS and Mac management with Microsoft Intune]"
    "(/Intune/Deploy-use/set-up-ios-and-mac-management-with-microsoft-intune)."
)


def test_accents_brackets_and_padding():
    out = pseudolocalize("Share this link")
    assert out.startswith("[!! Šĥåŕé ţĥîš ļîñķ ")
    assert out.endswith(" !!]")
    # 15 characters of text -> at least ceil(0.35 * 15) = 6 characters of padding
    padding = out[len("[!! Šĥåŕé ţĥîš ļîñķ ") : -len(" !!]")]
    assert len(padding) >= 5 and padding.startswith("ĺőȓȇṃ")


def test_real_cell_keeps_markup_codes_and_link():
    out = pseudolocalize(SEED_CELL)
    assert "**DeviceTypeNotSupported**" in out
    assert out.count("<br /><br />") == 1
    assert "](/Intune/Deploy-use/set-up-ios-and-mac-management-with-microsoft-intune)" in out
    assert "iOS" in out and "Çöñţåçţ" in out
    assert "Contact" not in out
    assert _inline_structure(out) == _inline_structure(SEED_CELL)
    assert len(out) >= 1.35 * len(SEED_CELL) - 120  # the long URL is not padded for


def test_protected_syntax_is_untouched():
    text = (
        "Run `Get-Item -Path C:\\x` then see [!INCLUDE[wit_firstref](../includes/wit_firstref_md.md)], "
        "&gt; <tenant name> {0} %s %(count)d ${HOME} {{ page.title }} https://portal.office.com/Admin/Default.aspx "
        "Info.plist 0x80180014 HKEY_LOCAL_MACHINE \\* <https://aka.ms/x> ![Alt](../media/a.png \"Title\")"
    )
    out = pseudolocalize(text)
    for piece in [
        "`Get-Item -Path C:\\x`",
        "[!INCLUDE[wit_firstref](../includes/wit_firstref_md.md)]",
        "&gt;",
        "<tenant name>",
        "{0}",
        "%s",
        "%(count)d",
        "${HOME}",
        "{{ page.title }}",
        "https://portal.office.com/Admin/Default.aspx",
        "Info.plist",
        "0x80180014",
        "HKEY_LOCAL_MACHINE",
        "\\*",
        "<https://aka.ms/x>",
        '](../media/a.png "Title")',
    ]:
        assert piece in out, piece
    assert "![Åļţ]" in out


def test_docfx_alert_and_div_untouched():
    assert "[!NOTE]" in pseudolocalize("[!NOTE] Take note of the profile name.")
    assert '[!div class="step-by-step"]' in pseudolocalize('[!div class="step-by-step"] Next')
    # a marker that opens the text stays first: behind "[!! " it is no marker, and shows as text
    assert pseudolocalize('[!div class="button"][A](a.md)').startswith('[!div class="button"][!! [')
    assert pseudolocalize("[!NOTE] Take note.").startswith("[!NOTE] [!! ")


def test_whitespace_outside_brackets_and_blank_unchanged():
    assert pseudolocalize("  Title  ").startswith("  [!! ")
    assert pseudolocalize("  Title  ").endswith(" !!]  ")
    assert pseudolocalize("") == ""
    assert pseudolocalize("   ") == "   "


def test_mirrored_wraps_each_word_in_rtl_override():
    out = pseudolocalize("Enroll **now** in Intune", mirrored=True)
    assert "\u200f\u202eÉñŕöļļ\u202c\u200f" in out
    # ** stays outside the override, so it still pairs
    assert "**\u200f\u202eñöŵ\u202c\u200f**" in out
    assert " Intune " in out  # a product name, kept as a translation keeps it
    html = MarkdownIt("commonmark").renderInline(out)
    assert "<strong>" in html
    assert _strip_pseudo(out) == "Enroll **now** in Intune"


def test_mirrored_leaves_codes_and_urls_unwrapped():
    out = pseudolocalize("Error DeviceCapReached, see [this](a.md#x)", mirrored=True)
    assert " DeviceCapReached," in out
    assert "](a.md#x)" in out


# --------------------------------------------------------------------------- properties

# Prose words: lower case or Capitalized (CamelCase is an identifier, kept as is).
_word = st.tuples(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), st.booleans()
).map(lambda t: t[0].capitalize() if t[1] else t[0]).filter(lambda w: w not in PRODUCT_NAMES)
_target = st.builds(
    lambda a, b, frag: f"{a}/{b}.md" + (f"#{frag}" if frag else ""),
    st.sampled_from(["..", ".", "/intune/deploy-use", "https://example.com/en-us"]),
    _word.map(str.lower),
    st.one_of(st.just(""), _word.map(str.lower)),
)
_code = st.text(alphabet="abcxyz-_ .=|*()[]", min_size=1, max_size=10).filter(
    lambda s: s.strip() and not s.startswith(" ") and not s.endswith(" ")
)
_error_code = st.sampled_from(["DeviceCapReached", "APNSCertificateNotValid", "MdmAuthorityNotDefined"])
_piece = st.one_of(
    _word,
    _word,
    _word.map(lambda w: f"**{w}**"),
    _code.map(lambda c: f"`{c}`"),
    st.tuples(_word, _target).map(lambda t: f"[{t[0]}]({t[1]})"),
    st.tuples(_word, _target).map(lambda t: f"![{t[0]}]({t[1]})"),
    st.sampled_from(["<br />", "<br /><br />", "&gt;", "&nbsp;", "{0}", "<b>", "</b>", "."]),
    _error_code,
)
_pieces = st.lists(_piece, min_size=1, max_size=12)
_text = _pieces.map(" ".join)


def _must_survive(piece: str) -> list[str]:
    """The parts of one generated piece that pseudo-localization must leave as they are."""
    if piece.startswith("`"):
        return [piece]
    if "](" in piece:
        return [piece[piece.index("](") :]]
    if piece.startswith("**"):
        return ["**"]
    if piece[:1].isupper() and any(c.isupper() for c in piece[1:]):
        return [piece]  # error code
    if not piece.isalpha():
        return [piece]  # <br />, &gt;, {0}, <b>, .
    return []


@settings(max_examples=200, deadline=None)
@given(_pieces, st.booleans())
def test_markup_targets_and_code_survive(pieces, mirrored):
    text = " ".join(pieces)
    out = pseudolocalize(text, mirrored=mirrored)
    for piece in pieces:
        for kept in _must_survive(piece):
            assert kept in out
    assert out.count("**") == text.count("**")
    assert _inline_structure(out) == _inline_structure(text)


@settings(max_examples=200, deadline=None)
@given(_text, st.booleans())
def test_longer_deterministic_and_reversible(text, mirrored):
    out = pseudolocalize(text, mirrored=mirrored)
    assert len(out) > len(text)
    assert out == pseudolocalize(text, mirrored=mirrored)
    assert _strip_pseudo(out) == text


@settings(max_examples=100, deadline=None)
@given(st.lists(_word, min_size=1, max_size=20).map(" ".join))
def test_plain_text_grows_at_least_35_percent(text):
    out = pseudolocalize(text)
    assert len(out) - len("[!!  !!]") >= 1.35 * len(text)
    assert not re.search(r"[A-Za-z]", out.replace("[!!", "").replace("!!]", ""))


# --------------------------------------------------------------------------- the real corpus

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_EN = SHARED / "corpus" / "intune-2016" / "en-us" / "InTuneDocs"


def _inline_segments(page: str) -> list[tuple[bool, str]]:
    """(in_table, inline text) of every paragraph, heading, list item and table cell."""
    page = re.sub(r"\A\ufeff?---\r?\n[\s\S]*?\n---\r?\n", "", page)
    tokens = MarkdownIt("commonmark").enable("table").parse(page)
    out, in_table = [], False
    for t in tokens:
        in_table = {"table_open": True, "table_close": False}.get(t.type, in_table)
        if t.type == "inline" and t.content.strip():
            out.append((in_table, t.content))
    return out


def test_real_pages_pseudolocalized_pass_qa_and_keep_structure():
    """Every segment of real pages: the pseudo-locale is a translation QA finds nothing in (the
    mirrored one but the bidi overrides it adds on purpose)."""
    if not CORPUS_EN.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared data missing: {SHARED}")
        pytest.skip(f"shared data missing: {SHARED}")
    checked = 0
    for page in sorted((CORPUS_EN / "GetStarted").glob("*.md")):
        for in_table, text in _inline_segments(page.read_text(encoding="utf-8-sig")):
            for mirrored in (False, True):
                out = pseudolocalize(text, mirrored=mirrored)
                found = {f.code for f in check_message(text, out, in_table=in_table, is_front_matter=False)}
                assert found <= ({"qa.bidi"} if mirrored else set()), (page.name, text)  # its overrides: deliberate
                assert _inline_structure(out) == _inline_structure(text), (page.name, text)
                checked += 1
    assert checked > 1500


def _blocks(text: str) -> list[str]:
    return [t.type for t in MarkdownIt("commonmark").enable("table").parse(text) if t.type != "inline"]


@pytest.mark.parametrize("mirrored", [False, True])
def test_a_pipe_paragraph_stays_a_paragraph(mirrored):
    """A pipe "table" whose header has 2 cells and delimiter row 3 is a paragraph (7 blocks of
    windows-10-policy-settings-in-microsoft-intune.md); the '[!! ' before its first pipe made
    a third header cell, and qps-ploc showed a table with every row as cells."""
    text = ("|Setting name|Details|\n|----------------|----------------------|----------------------|\n"
            "|**Allow Microsoft account**|Lets the user associate a Microsoft account with the device.|Yes|")
    out = pseudolocalize(text, mirrored=mirrored)
    assert _blocks(out) == _blocks(text) == ["paragraph_open", "paragraph_close"]
    assert out.startswith("|[!! ") and out.endswith(" !!]|")
    found = {f.code for f in check_message(text, out, in_table=False, is_front_matter=False)}
    assert found == ({"qa.bidi"} if mirrored else set())  # qps-plocm's overrides are deliberate
    assert _strip_pseudo(out) == text


def test_the_corpus_pipe_paragraphs_stay_paragraphs():
    page = CORPUS_EN / "DeployUse" / "windows-10-policy-settings-in-microsoft-intune.md"
    if not page.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared data missing: {SHARED}")
        pytest.skip(f"shared data missing: {SHARED}")
    pipe_paragraphs = [text for in_table, text in _inline_segments(page.read_text(encoding="utf-8-sig"))
                       if not in_table and text.startswith("|")]
    assert len(pipe_paragraphs) == 9  # 7 of them became tables
    for text in pipe_paragraphs:
        for mirrored in (False, True):
            assert _blocks(pseudolocalize(text, mirrored=mirrored)) == _blocks(text), text
