"""Link checker: scanner rules on small texts, resolution on tiny sites, figures on the real corpus."""

from __future__ import annotations

import collections
import hashlib
import itertools
import json
import random
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.links import (
    build_site,
    check_fragment,
    check_page,
    check_site,
    find_anchors,
    page_anchors,
    parse_redirects,
    parse_site_map,
    resolve_link,
    scan_site,
    summarize,
)
from pipeline.linkscan import (
    find_explicit_anchors,
    find_headings,
    find_links,
    link_destinations,
    mask_text,
    scan_digests,
    scan_text,
    strip_bom,
)
from pipeline.slugs import heading_text, slug_docfx_2016, slug_github, unique_slugs

from .conftest import CORPUS, SEED_NAME, require_shared

INTUNE_MAP = parse_site_map([
    "/intune/deploy-use=InTuneDocs/DeployUse",
    "/intune/get-started=InTuneDocs/GetStarted",
    "/intune/understand-explore=InTuneDocs/Understand",
    "/intune/plan-design=InTuneDocs/PlanDesign",
    "/intune/troubleshoot=InTuneDocs/Troubleshoot",
    "/intune/enduser=InTuneDocs/EndUser",
    "/intune/end-user=InTuneDocs/EndUser",
    "/intune/develop=InTuneDocs/develop",
    "/intune=InTuneDocs",
])


def targets(text: str) -> list[str]:
    return [link.target for link in find_links(text)[0]]


# --- scanner: positions -------------------------------------------------------------------


def test_link_position_is_line_and_character_column_of_the_bracket():
    text = "# Titre\n\nVoir « ça » : [la page](page.md) et ![image](media/x.png).\n"
    links, malformed = find_links(text)
    assert malformed == []
    assert [(l.target, l.line, l.column, l.text, l.is_image) for l in links] == [
        ("page.md", 3, 15, "la page", False),
        ("media/x.png", 3, 38, "image", True),  # the '[' after '!'
    ]
    line = text.split("\n")[2]
    assert line[14] == "[" and line[36:38] == "!["


def test_mixed_crlf_lf_lone_cr_and_bom_count_lines_and_columns_right():
    text = "\ufeff[a](a.md)\r\nline two\nline three\r[b](b.md)\r\n\r\n  x [c](c.md)\u2028 [d](d.md)\n"
    links, _ = find_links(text)
    # the BOM is not a column; U+2028 is not a line break in Markdown
    assert [(l.target, l.line, l.column) for l in links] == [
        ("a.md", 1, 1), ("b.md", 4, 1), ("c.md", 6, 5), ("d.md", 6, 16)]


def test_link_text_may_span_lines_and_nest_an_image():
    text = "See [the\nlong title](long.md) and [![logo](logo.png)](home.md).\n"
    links, _ = find_links(text)
    assert [(l.target, l.line, l.column, l.is_image) for l in links] == [
        ("long.md", 1, 5, False), ("home.md", 2, 26, False), ("logo.png", 2, 28, True)]
    assert links[0].text == "the\nlong title"


def test_destination_forms_titles_angle_brackets_and_balanced_parentheses():
    text = ('[a](a.md "Title") [b](<with space.md>) [c](https://x.org/a_(b).aspx) '
            "[d]( d.md ) [e](e.md 'quoted') [f](f.md (paren))\n")
    assert targets(text) == ["a.md", "with space.md", "https://x.org/a_(b).aspx", "d.md", "e.md", "f.md"]
    assert find_links(text)[1] == []


def test_include_reference_definition_and_html_links_are_found():
    text = ("Intro [!INCLUDE [wit](../includes/wit.md)] end.\n\n"
            '<a href="/intune/x">x</a> <img src="media/i.png" alt="">\n\n'
            "[ref]: ../ref.md\n")
    links, _ = find_links(text)
    assert [(l.target, l.kind, l.is_image) for l in links] == [
        ("../includes/wit.md", "include", False), ("/intune/x", "html", False),
        ("media/i.png", "html", True), ("../ref.md", "reference", False)]
    assert (links[1].line, links[1].column) == (3, 1)


def test_link_destinations_are_the_links_with_the_place_of_their_destination():
    text = ('\ufeff[a](a.md "Title") [b](< with space.md >) [d]( d.md ) <a href="h">h</a> <a href=e.md>e</a>\n\n'
            "`[no](x.md)` [!INCLUDE [wit](../includes/wit.md)]\n\n[ref]: <ref.md>\n[s]:\n  s.md\n")
    found = link_destinations(text)
    assert [link for _, _, link in found] == find_links(text)[0]
    assert [text[start:end] for start, end, _ in found] == [
        "a.md", "with space.md", "d.md", "h", "e.md", "../includes/wit.md", "ref.md", "s.md"]


def test_link_destinations_of_every_corpus_page_are_where_their_targets_are_written():
    """What ``linkmap.fallback_links`` rewrites: exactly each link's destination as written."""
    pages = sorted((require_shared() / "corpus" / "intune-2016").rglob("*.md"))
    assert len(pages) > 1000
    count = 0
    for path in pages:
        text = path.read_text(encoding="utf-8", errors="replace")
        found = link_destinations(text)
        assert [link for _, _, link in found] == find_links(text)[0], path
        for start, end, link in found:
            assert text[start:end] == link.target, (path, link)
        count += len(found)
    assert count > 10000


def test_empty_destination_is_neither_a_link_nor_malformed():
    # DocFX TOC files: "# [Title]()" is a node without a page
    assert find_links("# [Microsoft Intune end user help]()\n") == ([], [])


# --- scanner: what is not a link ---------------------------------------------------------


def test_code_spans_are_not_links():
    text = "Use `[a](a.md)` or ``code with ` and [b](b.md)`` but [c](c.md).\n"
    assert targets(text) == ["c.md"]


def test_unmatched_backtick_is_literal_and_code_span_stops_at_paragraph_end():
    text = "A ` alone [a](a.md)\n\nthen ` [b](b.md)\n"
    assert targets(text) == ["a.md", "b.md"]


def test_fenced_code_blocks_are_not_links_even_indented_or_unclosed():
    text = ("[a](a.md)\n\n```markdown\n[no](no.md)\n```\n\n1. step\n\n    ~~~~\n    [no](no2.md)\n    ~~~~\n\n"
            "[b](b.md)\n\n```\n[no](no3.md)\n")
    assert targets(text) == ["a.md", "b.md"]


def test_indented_code_block_but_not_list_continuation():
    text = ("Para.\n\n    [code](code.md)\n\n"
            "1.  Step one\n\n    ![shot](media/shot.png)\n\n"
            "-   Item\n\n        [code](code2.md)\n")
    assert targets(text) == ["media/shot.png"]


def test_html_comments_are_not_links_including_docfx_triple_dash_ones():
    text = ("[a](a.md) <!-- [x](x.md) --> [b](b.md)\n"
            "<!--- ## [Migrate](migrating.md)\n### [Set up](setup.md)--->\n"
            "[c](c.md)\n")
    assert targets(text) == ["a.md", "b.md", "c.md"]


def test_front_matter_is_not_scanned():
    text = "---\ntitle: see [x](x.md)\n#ROBOTS:\n---\n# Title\n[a](a.md)\n"
    assert targets(text) == ["a.md"]
    assert [h.text for h in find_headings(text)] == ["Title"]


def test_mask_keeps_length_and_line_endings():
    text = "---\r\na: 1\r\n---\r\n`x`\n```\r\ncode\r\n```\r\n<!-- c\r\n -->"
    masked = mask_text(text)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c in "\r\n"] == [i for i, c in enumerate(text) if c in "\r\n"]
    assert masked.strip() == ""


def test_headings_after_lone_cr_and_crlf_line_endings():
    text = "Title\r===\r\rSub\r\n---\r\n\r# ATX #\r\n##Nospace\r[a](a.md)\r> ## Quoted ##  \n"
    assert [(h.level, h.text, h.line, h.atx_nospace) for h in find_headings(text)] == [
        (1, "Title", 1, False), (2, "Sub", 4, False), (1, "ATX", 7, False), (2, "Nospace", 8, True),
        (2, "Quoted", 10, False)]
    assert [(l.target, l.line) for l in find_links(text)[0]] == [("a.md", 9)]


def test_atx_text_is_split_from_its_closing_sequence_as_by_the_lazy_regex():
    # linkscan splits the closing '#'s off in Python (_atx_content) instead of with this lazy
    # regex, which costs microseconds a heading; both must agree on every line
    lazy = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
    from itertools import product

    from pipeline.linkscan import _ATX, _atx_content
    for size in range(8):
        for chars in product(" \t>#a", repeat=size):
            line = "".join(chars)
            expected, found = lazy.match(line), _ATX.match(line)
            assert (expected is None) == (found is None), line
            if found:
                content = None if found.group(2) is None else _atx_content(found.group(2))
                assert (found.group(1), content) == expected.group(1, 2), line


def test_reference_definitions_may_continue_on_the_next_line_and_hide_one_there():
    text = "[a]:\n  first.md\n[b]: second.md\n  [c]: third.md\n    [d]: code.md\n"
    assert [(l.target, l.line, l.column, l.kind) for l in find_links(text)[0]] == [
        ("first.md", 1, 1, "reference"), ("second.md", 3, 1, "reference"), ("third.md", 4, 3, "reference")]
    text = "[a]: x.md [b]: y.md\n[c]:\n[d]: z.md\n"
    assert [(l.target, l.line) for l in find_links(text)[0]] == [("x.md", 1), ("[d]:", 2)]


def test_destinations_with_escapes_parentheses_and_titles():
    text = "[a](x\\ y.md) [b](f(1(2)).md) [c](g(1.md) [d](<h i.md> \"t\") [e](k.md\\)) [f](m.md 'ti\ntle')\n"
    links, malformed = find_links(text)
    assert [(l.target, l.column) for l in links] == [
        ("x\\ y.md", 1), ("f(1(2)).md", 14), ("h i.md", 42), ("k.md\\)", 60), ("m.md", 72)]
    assert [(m.column, m.message) for m in malformed] == [
        (30, "malformed link '[c](...': destination 'g(1.md' contains spaces (write %20 or <...>)")]


def test_link_text_brackets_escapes_and_line_breaks():
    text = "[a [b] c](x.md) \\[not](y.md) [e\\]f](z.md) [g\nh](v.md) [\n\ni](u.md)\n"
    assert [(l.target, l.line, l.column) for l in find_links(text)[0]] == [
        ("x.md", 1, 1), ("z.md", 1, 30), ("v.md", 1, 43)]


def test_each_code_span_stops_at_the_next_blank_line():
    text = "`a [x](x.md)\n\n`` b ` [y](y.md) `` [z](z.md) ``` c\n\nd ``` [w](w.md)\n"
    assert targets(text) == ["x.md", "z.md", "w.md"]


def test_includes_are_told_by_what_precedes_the_bracket():
    text = "[!INCLUDE [t](inc.md)] [!include[u](inc2.md)] x[!NOTE] [v](v.md)\n"
    assert [(l.target, l.kind) for l in find_links(text)[0]] == [
        ("inc.md", "include"), ("inc2.md", "include"), ("v.md", "inline")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("[]()!#`<>-~ \t\r\n\\ab.:/\"'") + ["<!--", "-->", "\ufeff", "é", "](", "    "]),
                max_size=80).map("".join))
def test_positions_always_point_at_the_bracket_and_mask_keeps_offsets(text):
    masked = mask_text(text)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c in "\r\n"] == [i for i, c in enumerate(text) if c in "\r\n"]
    links, malformed = find_links(text)
    rows = re.split(r"\r\n|\r|\n", strip_bom(text))
    for item in [*(l for l in links if l.kind != "html"), *malformed]:
        assert rows[item.line - 1][item.column - 1] == "["


# --- scanner: malformed ------------------------------------------------------------------


def test_unclosed_paren_swallowed_by_next_link_is_reported_at_its_bracket():
    text = ("|Code|Fix|\n|---|---|\n|UserLicenseTypeInvalid|See [Sync users](/Intune/Get-Started/step-3 "
            "and [Organize users](/Intune/Get-Started/step-5).|\n")
    links, malformed = find_links(text)
    assert [l.target for l in links] == ["/Intune/Get-Started/step-5"]  # the second is still a link
    assert len(malformed) == 1
    bad = malformed[0]
    assert (bad.line, bad.column, bad.code) == (3, 29, "link.malformed")
    assert text.split("\n")[2][28] == "["
    assert bad.message == ("malformed link '[Sync users](...': its '(' is not closed before the next link, "
                           "'[Organize users](...', which swallows it (the destination would contain spaces)")


def test_destination_with_spaces_is_malformed():
    _, malformed = find_links("Read on. [Next question...](Are your devices shared?)\n")
    assert [(m.line, m.column, m.message) for m in malformed] == [
        (1, 10, "malformed link '[Next question...](...': destination 'Are your devices shared?' "
                "contains spaces (write %20 or <...>)")]


def test_unclosed_link_at_end_of_paragraph_is_malformed():
    links, malformed = find_links("See [page](page.md\n\nNext paragraph [ok](ok.md).\n")
    assert [l.target for l in links] == ["ok.md"]
    assert [(m.line, m.column) for m in malformed] == [(1, 5)]
    assert "unclosed '](' (no ')' before the end of the paragraph)" in malformed[0].message


def test_malformed_inside_code_is_not_reported():
    assert find_links("`[a](b c d`\n\n```\n[x](y z\n```\n") == ([], [])


# --- scanner: what a malformed link's message quotes ---------------------------------------

SPACES = "malformed link '[{}](...': destination '{}' contains spaces (write %20 or <...>)"
LONG_RUN = "word " * 10_000  # a 50 KB paragraph


def test_a_malformed_link_in_a_long_paragraph_quotes_80_characters_of_it_at_its_exact_place():
    """The destination of a link missing its ')' runs to the paragraph's next ')', and the
    one-line finding quoted all of it: 50 KB here."""
    text = "# Title\n\nIntro " + "x" * 5000 + " [guide](" + LONG_RUN + "end).\n"
    _, malformed = find_links(text)
    assert [(m.line, m.column) for m in malformed] == [(3, 5008)]
    assert text.split("\n")[2][5007] == "["
    assert malformed[0].message == SPACES.format("guide", "word " * 15 + "word\u2026")


@pytest.mark.parametrize("length", [79, 80, 81, 200])
def test_a_destination_of_80_characters_is_quoted_whole_a_longer_one_cut_with_an_ellipsis(length):
    destination = ("ab " * length)[:length - 1] + "z"
    _, malformed = find_links(f"See [x]({destination}) here.\n")
    quoted = destination if length <= 80 else destination[:79].rstrip() + "\u2026"
    assert [(m.column, m.message) for m in malformed] == [(5, SPACES.format("x", quoted))]


@pytest.mark.parametrize("where", ["destination", "link text"])
@pytest.mark.parametrize("name, unit", [
    ("combining accent", "e\u0301 "),  # e + COMBINING ACUTE ACCENT
    ("emoji with skin tone", "\U0001F44D\U0001F3FD "),  # THUMBS UP + MEDIUM SKIN TONE
    ("zwj sequence", "\U0001F469\u200d\U0001F4BB "),  # WOMAN, ZERO WIDTH JOINER, LAPTOP
    ("variation selector", "\u2764\ufe0f "),  # HEAVY BLACK HEART + VARIATION SELECTOR-16
    ("surrogate pair", "\ud83d\ude00 "),  # a pair left as two code points (CESU-8, JSON)
])
def test_a_cut_quote_keeps_each_character_whole(name, unit, where):
    """A quote cut at a number of code points cut a character in two: an accent or a skin
    tone left out or standing alone, a joiner left dangling, half a surrogate pair."""
    for shift in range(len(unit)):  # the cut falls at each place of a character in turn
        run = "x" + "." * shift + " " + unit * 60
        if where == "destination":
            text, limit, pattern = f"[x]({run})", 80, r"malformed link '\[x\]\(\.\.\.': destination '(.*)' contains"
        else:
            text, limit, pattern = f"[{run}](a b)", 30, r"malformed link '\[(.*)\]\(\.\.\.': destination"
        _, malformed = find_links(text)
        quoted = re.match(pattern, malformed[0].message, re.DOTALL).group(1)
        assert quoted.endswith("\u2026") and len(quoted) <= limit
        kept = quoted[:-1]
        assert run.startswith(kept) and len(kept) >= limit - 1 - len(unit)
        assert set(kept.split(" ")[1:]) == {unit[:-1]}, (name, shift)  # whole characters only


def test_a_swallowed_or_unclosed_link_in_a_long_paragraph_quotes_link_texts_of_30_characters():
    label, beyond_reach = "Synchronize users " * 6, "Synchronize users " * 300  # 108 and 5,400 characters
    cases = {
        "[a](" + LONG_RUN + "\n": UNCLOSED.format("a"),
        "[a](x " + LONG_RUN + "[b](y.md)\n": SWALLOWED.format("a", "b"),
        "[a](x " + LONG_RUN + f"[{label}](y.md)\n": SWALLOWED.format("a", "Synchronize users Synchronize\u2026"),
        f"[{label}](x " + LONG_RUN + "\n": UNCLOSED.format("Synchronize users Synchronize\u2026"),
        # a link text longer than 4,000 characters is no link text: the destination runs on
        "[a](x " + LONG_RUN + f"[{beyond_reach}](y.md)\n": SPACES.format("a", ("x " + LONG_RUN)[:79] + "\u2026"),
    }
    for text, message in cases.items():
        assert [m.message for m in find_links(text)[1]] == [message]


def test_many_malformed_links_over_one_long_run_each_quote_80_characters():
    """1,334 '](' (of 16,000 '[' then '](' repeated, the hostile text below) each quoted the
    48 KB to the paragraph's one ')': 64 MB of messages."""
    text = "[" * 16000 + "](" * 24000 + ")"
    malformed = find_links(text)[1]
    assert len(malformed) == 1334
    assert max(len(m.message) for m in malformed) < 200
    assert malformed[0].message == SPACES.format("", "](" * 39 + "]\u2026")


# --- scanner: hostile paragraphs and pinned scans ---------------------------------------------

SWALLOWED = ("malformed link '[{}](...': its '(' is not closed before the next link, '[{}](...', "
             "which swallows it (the destination would contain spaces)")
UNCLOSED = "malformed link '[{}](...': unclosed '](' (no ')' before the end of the paragraph)"
HOSTILE_LENGTH = 64000


def _fill(unit: str, length: int = HOSTILE_LENGTH) -> str:
    return (unit * (length // len(unit) + 1))[:length]


# name: (text, malformed count, first (line, column, message), last, whole scan digest). The
# expectations are what the scanner gave before it kept state from one '](' to the next (commit
# bf140c4; then each '](' walked to the end of the paragraph or 4,000 characters back, minutes
# for these texts); no payload has a link, and the digests pin every finding's message.
HOSTILE = {
    # each '(' unclosed, each swallowed by the next link; the last one reaches the end
    "unclosed '[a](' repeated": (
        _fill("[a]("), 16000, (1, 1, SWALLOWED.format("a", "a")), (1, 63997, UNCLOSED.format("a")),
        "ae2a49453050a68d42bdc4c0dd209d2d"),
    # no '[' at all: no link, nothing malformed
    "'](' repeated": (_fill("]("), 0, None, None, "c5cb74f139aebc46cc6801e62ef69449"),
    "'[a](' then spaces": (
        "[a](" + " " * (HOSTILE_LENGTH - 4), 1, (1, 1, UNCLOSED.format("a")), (1, 1, UNCLOSED.format("a")),
        "f944c44d93618a8bd20b9a87ed757428"),
    # a title opened by '(' that no ')' closes
    "'[a](x (' repeated": (
        _fill("[a](x ("), 9143, (1, 1, SWALLOWED.format("a", "a")), (1, 63995, UNCLOSED.format("a")),
        "76af5527c9407776962055bb1998730c"),
    # one paragraph of 12,800 lines, no blank line
    "'[a](' lines": (
        _fill("[a](\n"), 12800, (1, 1, SWALLOWED.format("a", "a")), (12800, 1, UNCLOSED.format("a")),
        "011d088dd8f7ae73f98f4b3c9d44d395"),
    # 3,369 pieces: '[a]' unclosed, the '](' after it without opener, '[b](c d' swallowed by the
    # next piece's '[a](', an escaped '[' and two '(' more
    "mixed": (
        _fill("[a](](x[b](c d \\[(("), 6737, (1, 1, UNCLOSED.format("a")), (1, 63993, UNCLOSED.format("a")),
        "591da6f8f218f1b098b0bd7efddcafc4"),
    # 16,000 '[' then '](': the k-th '](' closes the k-th '[' from the end, 3k - 2 characters
    # back, so only the first 1,334 are within the 4,000 characters a link text may span
    "'[' then '](' repeated": (
        "[" * 16000 + _fill("](", HOSTILE_LENGTH - 16000), 1334, (1, 16000, UNCLOSED.format("")),
        (1, 14667, UNCLOSED.format("[" * 29 + "\u2026")), "cba92460245ad5d5ea141e275677a027"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_paragraphs_give_the_findings_the_walks_gave(name):
    text, count, first, last, digest = HOSTILE[name]
    assert len(text) == HOSTILE_LENGTH
    scan = scan_text(text)
    assert scan.links == ()
    assert len(scan.malformed) == count
    if count:
        assert scan.malformed[0][:3] == first
        assert scan.malformed[-1][:3] == last
    assert scan_digests(scan)[0] == digest


PINNED_SCANS = Path(__file__).parent / "data" / "linkscan-pinned.json"
_PIECES = ("[", "]", "(", ")", "](", "[a](", "[b]", "![", "!", "\\", "\\\\", " ", "\t", "\n", "\r\n", "\r",
           "\n\n", " \n", "\n \t\n", "\r\n\r\n", "\r\r", "<", ">", '"', "'", "x", "y.md", "a b", "`", "<!--",
           "-->", "[!INCLUDE ", ")]", "((", "))", "\\(", "\\)", "\\[", "\\]", "\\\n", "\u00e9", "#", "- ",
           "    ", "]:", "|", ' "t"', " (t)", "[x](y.md)", "[c](d e)", "[e](<f g>)")


def tricky_texts() -> list[str]:
    """12,000 short texts of link syntax, 160 long ones and 3,375 with titles, the same on every
    run: brackets, parentheses, escapes, titles, angle brackets, code, comments and every line
    ending, in the long ones link texts and destinations about 4,000 characters long, and three
    links a text whose titles are closed, unclosed or closed after a line ending or a blank line."""
    rng = random.Random(20261127)
    texts = ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 40))) for _ in range(12000)]
    fillers = ("x", " ", "(", ")", "[", "](", "x\n", "\\(", "a b ")
    for _ in range(120):
        parts = []
        for _ in range(rng.randint(4, 24)):
            if rng.random() < 0.3:
                parts.append(rng.choice(fillers) * rng.randint(50, 2200))
            else:
                parts.append(rng.choice(_PIECES))
        texts.append("".join(parts))
    titles = [f"{opener}t{closer}" for opener, closer in (('"', '"'), ("'", "'"), ("(", ")"))
              for closer in (closer, "", f"\n{closer}", f"\n\n{closer}", f"\\{closer}")]
    for first, second, third in itertools.product(titles, repeat=3):  # titles closed, not, later
        texts.append(f"[a](x {first}) [b](y {second}) [c](z {third})")
    for reach in range(3990, 4010):  # a '[' just within or beyond reach, found with and without the stack
        texts.append("[" + "x" * (reach - 1) + "](y.md) [a](b.md)")
        texts.append("[" + "[b]" + "x" * (reach - 4) + "](y.md) [a](b c")
    return texts


def _chunk_digests(texts: list[str], size: int = 100) -> list[str]:
    digests = []
    for start in range(0, len(texts), size):
        joined = "".join(scan_digests(scan_text(text))[0] for text in texts[start:start + size])
        digests.append(hashlib.blake2b(joined.encode("ascii"), digest_size=8).hexdigest())
    return digests


def _corpus_digests(root: Path) -> dict[str, str]:
    return {page.relative_to(root).as_posix(): scan_digests(scan_text(page.read_text(encoding="utf-8")))[0]
            for lang in ("en-us", "fr-fr", "de-de", "ja-jp") for page in sorted((root / lang).rglob("*.md"))}


def write_pinned_scans() -> None:
    """Write ``PINNED_SCANS`` from the scanner as it is: only to pin a scanner known to be right
    (it was written by the scanner of commit bf140c4, before the '](' walks kept state;
    written again when the LF of a CRLF stopped counting as a blank line, after checking that
    each of the 49 texts that then scanned otherwise scans as the old scanner scanned it with
    LF endings; texts 12000-12199 again once a message quoted at most 80 characters of a
    destination, every other part of their scans the same as before; the 8 corpus pages with
    headings written in HTML once their ids were anchors, only those added):
    ``python -c "from tests.test_links import write_pinned_scans as w; w()"`` at the top."""
    data = {"generated": _chunk_digests(tricky_texts()), "corpus": _corpus_digests(require_shared() / "corpus" / "intune-2016")}
    PINNED_SCANS.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")


@pytest.mark.parametrize("text", [
    "See [the long\nlink text](missing.md) and [bad\nlink](a b.md) here.\n",
    "# T\n\n[a\n[b](c.md)\n\n[d](e.md)\n",
    "[a\n\nb](c.md) is no link: a blank line ends the paragraph\n",
])
def test_a_link_text_over_a_crlf_scans_as_over_a_lf(text):
    """The LF of a CRLF was taken for a blank line: a link whose text went over a line end in
    a CRLF page was no link, and its broken target was never reported."""
    lf, crlf = scan_text(text), scan_text(text.replace("\n", "\r\n"))
    assert [(l.kind, l.target, l.line, l.column) for l in crlf.links] == [
        (l.kind, l.target, l.line, l.column) for l in lf.links]
    assert [(m.line, m.column, m.message) for m in crlf.malformed] == [(m.line, m.column, m.message) for m in lf.malformed]


def test_tricky_texts_scan_as_pinned():
    pinned = json.loads(PINNED_SCANS.read_text(encoding="utf-8"))["generated"]
    found = _chunk_digests(tricky_texts())
    differing = [k for k, (old, new) in enumerate(zip(pinned, found)) if old != new]
    assert len(found) == len(pinned)
    assert differing == [], f"texts {[f'{k * 100}-{k * 100 + 99}' for k in differing]} of tricky_texts() scan otherwise"


def test_every_corpus_page_scans_as_pinned(corpus):
    pinned = json.loads(PINNED_SCANS.read_text(encoding="utf-8"))["corpus"]
    found = _corpus_digests(corpus)
    assert sorted(found) == sorted(pinned)
    assert len(found) == 1675
    assert [page for page in pinned if found[page] != pinned[page]] == []


# --- slugs and anchors -------------------------------------------------------------------


def test_github_slug_matches_docfx_markdig_test_case():
    # docfx AutoIdentifierTest_DocfxDefault: docfx uses markdig's AutoIdentifierOptions.GitHub
    assert slug_github("This - is a &@! heading _ with . and ! -") == "this---is-a--heading-_-with--and---"


def test_slug_rules_on_real_headings():
    assert slug_github("Windows Phone 8.1") == "windows-phone-81"
    assert slug_docfx_2016("Windows Phone 8.1") == "windows-phone-8-1"
    assert slug_github("Windows\u00a010 Mobile") == "windows10-mobile"  # no-break space dropped
    assert slug_docfx_2016("Windows\u00a010 Mobile") == "windows-10-mobile"
    assert slug_github("Step 2: **Add** the [app](x.md) `cmd`") == "step-2-add-the-app-cmd"
    assert slug_github("Réinitialisation des paramètres d’usine") == "réinitialisation-des-paramètres-dusine"
    assert slug_github("アプリの展開") == "アプリの展開"
    assert heading_text("A &amp; <b>B</b> \\*C\\*") == "A & B *C*"


def test_duplicate_headings_get_numbered_slugs():
    assert unique_slugs(["Notes", "Notes", "Notes-1", ""], slug_github) == ["notes", "notes-1", "notes-1-1", "section"]


def test_headings_atx_setext_and_not_in_code():
    text = ("# One #\n\nTwo\n===\n\nThree\n---\n\n```\n# not\n```\n\n|a|b|\n---\n\n"
            "1. item\n\n\t#### Indented in list\n\n##NoSpace\n")
    found = [(h.level, h.text, h.line, h.atx_nospace) for h in find_headings(text)]
    assert found == [(1, "One", 1, False), (1, "Two", 3, False), (2, "Three", 6, False),
                     (4, "Indented in list", 18, False), (2, "NoSpace", 20, True)]


def test_find_anchors_includes_explicit_ones():
    text = '## Set up Intune\n\n<a name="BKMK_Accounts"></a>\n<div id="top">x</div>\n`<a name="no">`\n'
    assert find_explicit_anchors(text) == {"BKMK_Accounts", "top"}
    assert find_anchors(text) == {"set-up-intune", "BKMK_Accounts", "top"}


def test_fragment_judgement():
    anchors = page_anchors(scan_text("## Windows Phone 8.1\n\n## Wipe\n\n<a name='BKMK_x'></a>\n"))
    assert check_fragment("windows-phone-81", anchors) is None
    assert check_fragment("BKMK_x", anchors) is None
    severity, message, code = check_fragment("windows-phone-8-1", anchors)
    assert (severity, code) == ("warning", "link.anchor-slug")
    assert "its id is 'windows-phone-81'" in message
    assert check_fragment("Wipe", anchors)[::2] == ("warning", "link.case-mismatch")
    assert check_fragment("wype", anchors) == (
        "error", "no anchor '#wype' in this page; did you mean '#wipe'?", "link.missing-anchor")
    assert check_fragment("unrelated", anchors, "d/b.md") == ("error", "no anchor '#unrelated' in 'd/b.md'", "link.missing-anchor")
    assert check_fragment("top", anchors) is None and check_fragment("Top", anchors) is None  # HTML: the page's top
    assert check_fragment("topic", anchors)[::2] == ("error", "link.missing-anchor")


# --- resolution on tiny sites ------------------------------------------------------------


def make_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    return root


def lines(diagnostics) -> list[str]:
    return [d.format() for d in diagnostics]


def test_relative_links_extension_less_and_did_you_mean(tmp_path):
    root = make_site(tmp_path, {
        "docs/a.md": "[b](b) [b2](b.md) [img](media/x.png) [gone](configure-certificates.md) [zz](zzz.md)\n",
        "docs/b.md": "# B\n",
        "docs/configure-certificate.md": "",
        "docs/media/x.png": "",
        "docs/set-up-phone-8.0-management.md": "[self](set-up-phone-8.0-management)\n",
    })
    assert lines(check_site(root, None, {}, display_root="src/")) == [
        "src/docs/a.md:1:38: error: broken link 'configure-certificates.md': no such file; "
        "did you mean 'configure-certificate.md'? [link.missing-file]",
        "src/docs/a.md:1:72: error: broken link 'zzz.md': no such file [link.missing-file]",
    ]


def test_md_files_that_are_no_pages_are_files_to_links(tmp_path):
    """``files.is_page`` is the one rule: ``.github/CONTRIBUTING.md`` and ``NOTES.MD`` are files,
    which the build neither checks nor builds. So an extension-less target, which names a page,
    does not find them (the hint names the file), a fragment is not looked for in them (the
    built HTML serves them as they are, without ids), and their own links are not checked."""
    root = make_site(tmp_path, {
        "a.md": "[c](.github/CONTRIBUTING.md#nowhere) [c2](.github/CONTRIBUTING) [n](NOTES.MD#x) [n2](NOTES)\n",
        ".github/CONTRIBUTING.md": "# Contributing\n\n[x](missing.md)\n", "NOTES.MD": "# Notes\n",
    })
    assert lines(check_site(root, None, {})) == [
        "a.md:1:38: error: broken link '.github/CONTRIBUTING': no such file; did you mean "
        "'.github/CONTRIBUTING.md'? [link.missing-file]",
        "a.md:1:81: error: broken link 'NOTES': no such file; did you mean 'NOTES.MD'? [link.missing-file]",
    ]


def test_a_built_html_target_names_a_page_never_a_file_of_the_same_name():
    """Built HTML is checked with ``x.html`` read as the page ``x.md``: ``.github/CONTRIBUTING.html``
    and ``NOTES.html`` found the files ``.github/CONTRIBUTING.md`` and ``NOTES.MD``, though no
    such page is built; the files' own names still find them."""
    site = build_site(["en/a.md", "en/b.md", "en/.github/CONTRIBUTING.md", "en/NOTES.MD"])
    scan = scan_text("[c](.github/CONTRIBUTING.html) [n](NOTES.html) [k](.github/CONTRIBUTING.md) [m](NOTES.MD) "
                     "[b](b.html#x)\n")

    def as_page(target: str) -> str:
        return target.replace(".html", ".md")

    found, _ = check_page("en/a.md", scan, site, lambda path: page_anchors(scan_text("# X\n")), rewrite=as_page)
    assert lines(found) == [
        "en/a.md:1:1: error: broken link '.github/CONTRIBUTING.html': no such file [link.missing-file]",
        "en/a.md:1:32: error: broken link 'NOTES.html': no such file [link.missing-file]",
    ]


def test_windows_separators_resolve_with_a_warning(tmp_path):
    root = make_site(tmp_path, {
        "docs/sub/a.md": "[n](.\\b.md) ![i](..\\media\\x.png) [bad](..\\media\\none.png)\n",
        "docs/sub/b.md": "", "docs/media/x.png": "",
    })
    assert lines(check_site(root, ["docs/sub/a.md"], {})) == [
        "docs/sub/a.md:1:1: warning: link '.\\b.md' uses '\\' separators: it resolves only where the "
        "platform accepts them; write './b.md' [link.windows-separator]",
        "docs/sub/a.md:1:14: warning: link '..\\media\\x.png' uses '\\' separators: it resolves only where "
        "the platform accepts them; write '../media/x.png' [link.windows-separator]",
        "docs/sub/a.md:1:34: error: broken link '..\\media\\none.png': no such file [link.missing-file]",
    ]


def test_tilde_is_relative_to_nearest_docfx_json(tmp_path):
    root = make_site(tmp_path, {
        "docfx.json": "{}", "top.md": "",
        "Docs/docfx.json": "{}", "Docs/media/x.png": "",
        "Docs/Deploy/page.md": "![x](~/media/x.png) [t](~/top.md)\n",
    })
    report = scan_site(root, ["Docs/Deploy/page.md"], {})
    assert [r.resolution.status for r in report.results] == ["ok", "missing"]
    assert report.results[0].resolution.path == "Docs/media/x.png"
    assert lines(report.diagnostics) == [
        # the nearest docfx.json is Docs/'s; the hint reaches the root's top.md from there
        "Docs/Deploy/page.md:1:21: error: broken link '~/top.md': no such file; did you mean '~/../top.md'? "
        "[link.missing-file]"]


def test_tilde_from_a_page_path_given_as_absolute_ends_at_the_top():
    site = build_site(["docfx.json", "top.md"], {})
    result = resolve_link("/abs.md", "~/top.md", site)  # used to loop for ever climbing from "/"
    assert (result.status, result.path) == ("ok", "top.md")  # the root docfx.json's folder


def test_site_root_links_longest_prefix_any_case_and_external_sites(tmp_path):
    site = build_site(["Docs/index.md", "Docs/DeployUse/Set-Up.md", "Docs/media/x.png"],
                      parse_site_map(["/intune=Docs", "/intune/deploy-use=Docs/DeployUse"]))
    ok = resolve_link("Docs/index.md", "/Intune/Deploy-Use/Set-Up", site)
    assert (ok.status, ok.path, ok.notes) == ("ok", "Docs/DeployUse/Set-Up.md", ())  # URL prefixes ignore case
    case = resolve_link("Docs/index.md", "/intune/deploy-use/set-up#x", site)
    assert (case.status, case.path, case.fragment) == ("ok", "Docs/DeployUse/Set-Up.md", "x")
    assert [code for code, _ in case.notes] == ["link.case-mismatch"]
    assert resolve_link("Docs/index.md", "/intune/media/x.png", site).path == "Docs/media/x.png"
    assert resolve_link("Docs/index.md", "/intunex/page", site).status == "external-site"
    assert resolve_link("Docs/index.md", "/enterprise-mobility/ems", site).status == "external-site"
    missing = resolve_link("Docs/index.md", "/intune/deploy-use/set-upp", site)
    assert (missing.status, missing.hint) == ("missing", "/intune/deploy-use/Set-Up")


def test_relative_case_mismatch_is_a_warning(tmp_path):
    root = make_site(tmp_path, {"d/a.md": "[x](Configure-Profiles.md) ![i](media/shot.png)\n",
                                "d/configure-profiles.md": "", "d/media/shot.PNG": ""})
    assert lines(check_site(root, ["d/a.md"], {})) == [
        "d/a.md:1:1: warning: link 'Configure-Profiles.md' matches 'd/configure-profiles.md' only when letter "
        "case is ignored [link.case-mismatch]",
        "d/a.md:1:29: warning: link 'media/shot.png' matches 'd/media/shot.PNG' only when letter case is "
        "ignored [link.case-mismatch]",
    ]


def test_relative_link_served_only_through_the_published_url(tmp_path):
    root = make_site(tmp_path, {"Docs/GetStarted/a.md": "[x](../deploy-use/page) [y](..deploy-use/page)\n",
                                "Docs/DeployUse/page.md": ""})
    site_map = parse_site_map(["/intune=Docs", "/intune/deploy-use=Docs/DeployUse", "/intune/get-started=Docs/GetStarted"])
    assert lines(check_site(root, None, site_map)) == [
        "Docs/GetStarted/a.md:1:1: warning: link '../deploy-use/page' resolves only as a published URL, through "
        "the site map, to 'Docs/DeployUse/page.md'; in the sources write '../DeployUse/page' [link.url-only]",
        "Docs/GetStarted/a.md:1:25: error: broken link '..deploy-use/page': no such file; "
        "did you mean '../DeployUse/page'? [link.missing-file]",
    ]


def test_redirects_resolve_moved_pages_with_a_warning(tmp_path):
    redirects = parse_redirects(json.dumps({"redirections": [
        {"source_path": "Docs/old-page.md", "redirect_url": "/intune/new-page"},
        {"source_path": "Docs/gone.md", "redirect_url": "/intune/nowhere"},
        {"source_path": "Docs/away.md", "redirect_url": "https://example.org/away"},
    ]}))
    assert parse_redirects('[{"source_path": "a.md", "redirect_url": "/b"}]') == {"a.md": "/b"}
    root = make_site(tmp_path, {"Docs/index.md": "[o](old-page) [g](gone.md) [a](away.md#x)\n",
                                "Docs/new-page.md": ""})
    report = scan_site(root, None, parse_site_map(["/intune=Docs"]), redirects)
    assert lines(report.diagnostics) == [
        "Docs/index.md:1:1: warning: link 'old-page' points to a moved page: it redirects to '/intune/new-page' [link.redirected]",
        "Docs/index.md:1:15: warning: link 'gone.md' points to a moved page: it redirects to '/intune/nowhere' [link.redirected]",
        "Docs/index.md:1:15: error: broken link 'gone.md': no such file [link.missing-file]",
        "Docs/index.md:1:28: warning: link 'away.md#x' points to a moved page: it redirects to "
        "'https://example.org/away' [link.redirected]",
    ]
    assert report.results[0].resolution.path == "Docs/new-page.md"


def test_redirection_file_at_the_root_is_read_by_default(tmp_path):
    root = make_site(tmp_path, {
        ".openpublishing.redirection.json": json.dumps(
            {"redirections": [{"source_path": "old.md", "redirect_url": "https://example.org/new"}]}),
        "a.md": "[o](old.md)\n"})
    assert [d.code for d in check_site(root, None, {})] == ["link.redirected"]
    assert [d.code for d in check_site(root, None, {}, redirects={})] == ["link.missing-file"]


def test_external_links_are_not_checked_and_queries_and_escapes_are_handled(tmp_path):
    root = make_site(tmp_path, {"a.md": "[w](https://nowhere.invalid/x) [m](mailto:a@b.c) [p](//cdn/x.js) "
                                        "[q](b.md?view=1) [s](my%20page.md)\n",
                                "b.md": "", "my page.md": ""})
    report = scan_site(root, None, {})
    assert report.diagnostics == ()
    assert [r.resolution.status for r in report.results] == ["external", "external", "external", "ok", "ok"]


def test_fragments_same_page_other_page_and_included_file(tmp_path):
    root = make_site(tmp_path, {
        "d/a.md": ("# Set up\n\n[!INCLUDE [inc](../includes/inc.md)]\n\n"
                   "[s](#set-up) [i](#from-include) [n](#nope) [o](b.md#windows-phone-8-1) [p](b#setup) [img](x.png#y)\n"),
        "d/b.md": "## Windows Phone 8.1\n", "d/x.png": "",
        "includes/inc.md": "## From include\n",
    })
    assert lines(check_site(root, ["d/a.md"], {})) == [
        "d/a.md:5:33: error: broken link '#nope': no anchor '#nope' in this page [link.missing-anchor]",
        "d/a.md:5:44: warning: link 'b.md#windows-phone-8-1': fragment '#windows-phone-8-1' matches a heading only "
        "by DocFX 2016's slug rule; its id is 'windows-phone-81' [link.anchor-slug]",
        "d/a.md:5:72: error: broken link 'b#setup': no anchor '#setup' in 'd/b.md' [link.missing-anchor]",
    ]


def test_each_page_is_scanned_once_through_the_given_scanner(tmp_path):
    root = make_site(tmp_path, {"a.md": "# A\n[b](b.md#b) [b](b.md#b) [self](#a)\n", "b.md": "# B\n[a](a.md#a)\n"})
    seen: list[str] = []

    def counting(text: str):
        seen.append(text)
        return scan_text(text)

    assert scan_site(root, None, {}, scanner=counting).diagnostics == ()
    assert sorted(seen) == ["# A\n[b](b.md#b) [b](b.md#b) [self](#a)\n", "# B\n[a](a.md#a)\n"]


def test_malformed_links_become_error_diagnostics(tmp_path):
    root = make_site(tmp_path, {"a.md": "ok\r\n\r\nsee [x](a b) and [y](a.md)\n"})
    assert lines(check_site(root, None, {})) == [
        "a.md:3:5: error: malformed link '[x](...': destination 'a b' contains spaces (write %20 or <...>) [link.malformed]"]


# --- the real corpus ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def reports() -> dict[str, object]:
    require_shared()
    return {lang: scan_site(CORPUS / lang, None, INTUNE_MAP, display_root=f"{lang}/")
            for lang in ("en-us", "fr-fr", "de-de", "ja-jp")}


def by_code(report) -> dict[str, int]:
    return dict(collections.Counter(d.code for d in report.diagnostics))


def where(report, code: str) -> list[str]:
    return [f"{d.location.path.split('/', 2)[2]}:{d.location.line}:{d.location.column}"
            for d in report.diagnostics if d.code == code]


def test_en_us_figures_match_the_independent_scan(reports):
    report = reports["en-us"]
    relative = [r for r in report.results if r.link.kind in ("inline", "include") and r.resolution.status != "external"]
    # 1,813 parsed relative links + the 2 malformed ones = the independent scan's 1,822 less the
    # 7 links it counted in indented code blocks that follow a list that ended (CommonMark, as
    # markdown-it and markdig read them: e.g. 'enroll-your-device-in-intune-ios.md' line 75)
    assert len(relative) + by_code(report)["link.malformed"] == 1822 - 7
    assert by_code(report) == {
        "link.missing-file": 9, "link.missing-anchor": 14, "link.malformed": 2,
        # 54 links resolve only ignoring case + 12 fragments differ only in case (#Wipe vs 'wipe')
        # + 1 link needing both case folding and '\' separators (counted in neither "only" figure);
        # 2 more that lie in indented code blocks are no links (set-up-windows-phone-management
        # line 56, enroll-your-device-in-intune-ios line 75)
        "link.case-mismatch": 67, "link.windows-separator": 38,
        "link.url-only": 11, "link.anchor-slug": 5,
    }
    assert summarize(report).line() == "2564 links (1835 ok, 718 external, 9 missing, 2 external-site): 25 errors, 121 warnings"
    flags = collections.defaultdict(set)
    for d in report.diagnostics:
        flags[(d.location.path, d.location.line, d.location.column)].add(d.code)
    link_only = [f for f in flags.values() if "link.case-mismatch" in f or "link.windows-separator" in f]
    case_links = [d for d in report.diagnostics if d.code == "link.case-mismatch" and "fragment" not in d.message]
    assert len(case_links) == 55
    both = [f for f in link_only if {"link.case-mismatch", "link.windows-separator"} <= f]
    assert len(both) == 1
    assert len(case_links) - len(both) == 54
    assert by_code(report)["link.windows-separator"] - len(both) == 37


def test_en_us_every_broken_file_link_verified_by_hand(reports):
    assert where(reports["en-us"], "link.missing-file") == [
        # links to 'configure-certificate-infrastructure.md': there are only ...-for-pfx and ...-for-scep
        "DeployUse/secure-resource-access-with-certificate-profiles.md:56:59",
        # '..deploy-use/...': a missing '/' after '..'
        "GetStarted/choose-how-to-enroll-devices.md:50:1",
        "GetStarted/choose-how-to-enroll-devices.md:50:73",
        "GetStarted/choose-how-to-enroll-devices.md:50:153",
        "GetStarted/choose-how-to-enroll-devices.md:50:258",
        "GetStarted/choose-how-to-enroll-devices.md:60:45",
        # TOC entry for a page that is not in the repository
        "PlanDesign/TOC.md:3:3",
        # 'intune/get-started/...md' written without the leading '/'
        "Understand/get-started-with-a-30-day-trial-of-microsoft-intune-step-1.md:44:1296",
        # the page lives in GetStarted, not Understand (line 41 of the same page links it right)
        "Understand/microsoft-intune-service-description.md:81:5",
    ]
    messages = [d.message for d in reports["en-us"].diagnostics if d.code == "link.missing-file"]
    assert messages[-1] == ("broken link '/intune/understand-explore/mobile-device-management-capabilities-in-microsoft-intune': "
                            "no such file; did you mean '/intune/get-started/mobile-device-management-capabilities-in-microsoft-intune'?")


def test_en_us_every_missing_anchor_verified_by_hand(reports):
    assert where(reports["en-us"], "link.missing-anchor") == [
        # the table links '#Locked'; the heading is '### Lock'
        "DeployUse/enroll-devices-in-microsoft-intune.md:43:66",
        "DeployUse/enroll-devices-in-microsoft-intune.md:53:66",
        # the heading is 'Overview of device enrollment methods'
        "DeployUse/enroll-devices-in-microsoft-intune.md:61:427",
        "DeployUse/enroll-devices-in-microsoft-intune.md:64:285",
        "DeployUse/enroll-devices-in-microsoft-intune.md:73:80",
        "DeployUse/enroll-devices-in-microsoft-intune.md:81:128",
        "DeployUse/enroll-devices-in-microsoft-intune.md:84:508",
        "DeployUse/enroll-devices-in-microsoft-intune.md:90:2",
        "DeployUse/enroll-devices-in-microsoft-intune.md:98:2",
        "DeployUse/enroll-devices-in-microsoft-intune.md:102:2",
        "DeployUse/enroll-devices-in-microsoft-intune.md:102:80",
        # fragments written for older heading texts (no slug rule gives them)
        "EndUser/what-happens-if-you-unenroll-your-device-from-intune-windows.md:33:3",
        "EndUser/what-happens-if-you-unenroll-your-device-from-intune-windows.md:34:3",
        # truncated: '#requirements-for-the-on-premises-connect' (heading ends in 'connector')
        "GetStarted/choose-how-to-manage-devices.md:78:97",
    ]


def test_en_us_malformed_links_at_exact_positions(reports):
    assert where(reports["en-us"], "link.malformed") == [
        "EndUser/you-see-errors-while-trying-to-enroll-your-device-in-intune-ios.md:40:966",
        "GetStarted/choose-how-to-enroll-devices.md:55:597",
    ]
    page = (CORPUS / "en-us/InTuneDocs/EndUser/you-see-errors-while-trying-to-enroll-your-device-in-intune-ios.md")
    line = re.split(r"\r\n|\r|\n", page.read_text(encoding="utf-8"))[39]
    assert line[965:].startswith("[Sync Active Directory and add users to Intune](/Intune/Get-Started/")


def test_translations_figures(reports):
    # Translated headings break the English fragments; translation repositories also lack some
    # media (/intune/media/Intune_Planning_Groups_*.png, 16 links) and pages (...-windows10.md).
    assert by_code(reports["fr-fr"]) == {
        "link.missing-file": 24, "link.missing-anchor": 68, "link.malformed": 2, "link.case-mismatch": 63,
        "link.windows-separator": 38, "link.url-only": 11, "link.anchor-slug": 6}
    assert by_code(reports["de-de"]) == {
        "link.missing-file": 24, "link.missing-anchor": 72, "link.malformed": 1, "link.case-mismatch": 60,
        "link.windows-separator": 38, "link.url-only": 11, "link.anchor-slug": 6}
    assert by_code(reports["ja-jp"]) == {
        "link.missing-file": 26, "link.missing-anchor": 67, "link.malformed": 1, "link.case-mismatch": 65,
        "link.windows-separator": 36, "link.url-only": 11, "link.anchor-slug": 2}
    fr = [d.format() for d in reports["fr-fr"].diagnostics]
    assert ("fr-fr/InTuneDocs/EndUser/sync-your-device-manually-windows.md:32:3: warning: link '#windows-10-mobile': "
            "fragment '#windows-10-mobile' matches a heading only by DocFX 2016's slug rule; its id is "
            "'windows10-mobile' [link.anchor-slug]") in fr  # 'Windows\u00a010 Mobile': a no-break space
    assert ("fr-fr/InTuneDocs/DeployUse/install-the-windows-pc-client-with-microsoft-intune.md:35:5: error: "
            "broken link '#to-manually-deploy-the-client-software': no anchor '#to-manually-deploy-the-client-software' "
            "in this page [link.missing-anchor]") in fr


def test_seed_page_malformed_link_exact_position(shared):
    text = (shared / "seed" / SEED_NAME).read_text(encoding="utf-8")
    links, malformed = find_links(text)
    assert [(m.line, m.column) for m in malformed] == [(39, 1159)]
    line = re.split(r"\r\n|\r|\n", text)[38]
    assert line.startswith("|UserLicenseTypeInvalid|")
    assert line[1158:].startswith("[Synchroniser Active Directory et ajouter des utilisateurs à Intune](")
    assert malformed[0].message == (
        "malformed link '[Synchroniser Active Directory\u2026](...': its '(' is not closed before the next link, "
        "'[Organisation des utilisateurs\u2026](...', which swallows it (the destination would contain spaces)")
    assert line[1308:].startswith("[Organisation des utilisateurs et des appareils](")
    assert "/Intune/Get-Started/start-with-a-paid-subscription-to-microsoft-intune-step-5" in [l.target for l in links]


def test_headings_agree_with_markdown_it_on_the_corpus(shared):
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark").enable("table")
    differing = []
    for page in sorted((CORPUS / "en-us").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        body = text
        front = re.match(r"---\r?\n.*?\r?\n---[ \t]*\r?\n", text, re.S)
        if front:
            body = re.sub(r"[^\r\n]", " ", front.group()) + text[front.end():]
        tokens = md.parse(body)
        theirs = [tokens[i + 1].content.strip() for i, t in enumerate(tokens) if t.type == "heading_open"]
        ours = [h.text for h in find_headings(text) if not h.atx_nospace]
        if ours != theirs:
            differing.append(page.name)
    # there markdown-it makes a setext heading of a table whose delimiter row has a cell fewer;
    # we do not take '---' under a '|' row for an underline
    assert differing == ["introduction-to-device-compliance-policies-in-microsoft-intune.md"]


def test_checking_the_en_us_site_is_fast(shared):
    start = time.perf_counter()
    report = scan_site(CORPUS / "en-us", None, INTUNE_MAP)
    elapsed = time.perf_counter() - start
    assert len(report.results) > 2500
    assert elapsed < 5.0  # measured ~0.08 s on 2 cores; the bound only catches a pathological regression


def test_error_code_rows_are_anchors_of_the_source_page(tmp_path):
    # The build gives each error-table row id = its code ('page.html#DeviceCapReached' works in
    # every locale), so the same fragment on the source page is no missing anchor. Rows from the seed page.
    errors = ("# Erreurs\n\n|Message d’erreur|Problème|Informations|\n|-----------------|---------|---|\r\n"
              "|DeviceCapReached|Vous avez trop d’appareils mobiles déjà inscrits.|Supprimez-en un.|\r\n"
              "|APNSCertificateNotValid|Il existe un problème avec le certificat.|Voir ci-dessous.|\n\n"
              "| Étape | Action |\n|---|---|\n| Ouvrir | Cliquez |\n| Fermer | Cliquez |\n")
    root = make_site(tmp_path, {
        "errors.md": errors,
        "a.md": "[a](errors.md#DeviceCapReached) [b](errors.md#APNSCertificateNotValid) [c](errors.md#Ouvrir)\n",
    })
    assert scan_text(errors).explicit_anchors == {"DeviceCapReached", "APNSCertificateNotValid"}
    assert lines(check_site(root, ["a.md"], {})) == [
        "a.md:1:72: error: broken link 'errors.md#Ouvrir': no anchor '#Ouvrir' in 'errors.md' [link.missing-anchor]"]


@pytest.mark.parametrize("delimiter", ["    |---|---|", "|---|---|---|---|", "| : -- | | -- |", "\t|--|--|"])
def test_an_error_table_as_the_docs_platform_reads_it_gives_its_codes_as_anchors(delimiter):
    # markdig (pipeline.pipetable) takes a delimiter row indented as a paragraph's line, with
    # another count of cells than the header, blanks inside a cell or an empty cell
    errors = (f"# Errors\n\n|Code|Problem|Resolution|\n{delimiter}\n|DeviceCapReached|Too many.|Remove one.|\n"
              "|APNSCertificateNotValid|A problem.|See below.|\n")
    assert scan_text(errors).explicit_anchors == {"DeviceCapReached", "APNSCertificateNotValid"}
    assert scan_text(errors.replace(delimiter, "|:|:|")).explicit_anchors == frozenset()  # no dash: no table


def test_underscore_emphasis_is_not_part_of_a_heading_slug(tmp_path):
    # markdig and GitHub slug the heading's text: '_Company Portal_' is emphasis, its '_' are
    # not characters of the text (the built HTML's id is 'use-the-company-portal-app');
    # intra-word underscores and code spans keep theirs
    assert slug_github("Use the _Company Portal_ app") == "use-the-company-portal-app"
    assert slug_github("__Sync__ your device") == "sync-your-device"
    assert slug_github("Set up BKMK_Accounts and `set_up_`") == "set-up-bkmk_accounts-and-set_up_"
    assert slug_github("\\_private\\_ names") == "_private_-names"
    root = make_site(tmp_path, {"a.md": "## Use the _Company Portal_ app\n\n[x](#use-the-company-portal-app)\n"})
    assert check_site(root, None, {}) == []


@pytest.mark.parametrize("under, delimiter, ids", [
    ("Errors you might see:\n", "    |---|---|", False),  # under a paragraph line, indented: no table (GFM, markdig)
    ("Errors you might see:\n", "|---|---|---|", False),  # under a paragraph line, another count: no table
    ("Errors you might see:\n", "|---|---|", True),  # a table may end the paragraph as GFM's does
    ("", "    |---|---|", True),  # no paragraph above: markdig's table, delimiter indented
])
def test_the_check_knows_the_error_ids_the_built_page_has(tmp_path, under, delimiter, ids):
    """The scan took an indented delimiter row under a paragraph line for a table's, whose
    rows' codes it knew as anchors; the build (``pipetable``) makes no table there, so a link
    to '#DeviceCapReached' passed the source check and was dead in the HTML (review)."""
    from pipeline.render import render_html_body
    from pipeline.source import load_document

    text = f"# E\n\n{under}|Error code|Description|\n{delimiter}\n|DeviceCapReached|Too many devices.|\n" \
           "|0x80180014|Blocked.|\n"
    html = render_html_body(text, load_document("e.md", text).error_codes)
    assert ('id="DeviceCapReached"' in html) == ids
    assert ("DeviceCapReached" in scan_text(text).explicit_anchors) == ids
