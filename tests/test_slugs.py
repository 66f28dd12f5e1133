"""Heading slugs: the linear scanner and de-duplication give exactly what the regexes gave.

``reference_*`` below is the implementation ``pipeline.slugs`` had until the audit found it
cubic (a backtick run nothing closes) and quadratic (``_a _a ...``, many equal headings): it
is the oracle of the differential tests, on the real corpus's headings, on every short string
of a small alphabet and on random strings. The hostile payloads (~64k characters) assert
results only; how long they take is measured by ``benchmarks/hostile.py``, not here.
"""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.linkscan import find_headings
from pipeline.render import finish_html, render_html_body
from pipeline.slugs import heading_text, slug_docfx_2016, slug_github, unique_slugs

from .conftest import CORPUS, require_shared

# --- the reference: the regex implementation as it was (slugs.py before fix-slugs) -------

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_CODE_TICKS = re.compile(r"`+")
_CODE_OR_UNDERSCORE_EMPHASIS = re.compile(r"(`+).+?\1|(?<![\w\\])(__?)(?=\S)(.+?)(?<=[^\s\\])\2(?!\w)")


def reference_strip_pass(text: str) -> str:
    """One pass of the old code-span/underscore-emphasis substitution."""
    return _CODE_OR_UNDERSCORE_EMPHASIS.sub(lambda m: m.group(0) if m.group(1) else m.group(3), text)


def reference_heading_text(markdown: str) -> str:
    text = _IMAGE.sub(r"\1", markdown)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    for _ in range(2):
        text = reference_strip_pass(text)
    text = _CODE_TICKS.sub("", text)
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return html.unescape(text).strip()


def reference_slug_github(markdown: str) -> str:
    out = []
    for ch in reference_heading_text(markdown):
        if ch.isalnum() or ch in "-_":
            out.append(ch.lower())
        elif ch == " ":
            out.append("-")
    return "".join(out)


def reference_unique(slugs: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for base in slugs:
        base = base or "section"
        slug, index = base, 0
        while slug in seen:
            index += 1
            slug = f"{base}-{index}"
        seen.add(slug)
        result.append(slug)
    return result


# --- the real corpus --------------------------------------------------------------------


def _corpus_pages() -> list[tuple[str, list[str]]]:
    require_shared()
    pages = []
    for locale in ("en-us", "fr-fr", "de-de", "ja-jp"):
        for path in sorted((CORPUS / locale).rglob("*.md")):
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            pages.append((f"{locale}/{path.relative_to(CORPUS / locale)}", [h.text for h in find_headings(text)]))
    return pages


def test_every_corpus_heading_slugs_as_the_reference_does():
    pages = _corpus_pages()
    headings = [text for _, texts in pages for text in texts]
    assert len(pages) == 1675 and len(headings) >= 7400, (len(pages), len(headings))
    # 20 headings with '_' (BKMK_..., emphasis) and none with a backtick: code spans are
    # covered by the exhaustive and random tests below
    assert sum("_" in h for h in headings) >= 20
    assert sum(len(set(texts)) < len(texts) for _, texts in pages) >= 10  # pages with equal headings
    differ = [(h, heading_text(h), reference_heading_text(h)) for h in set(headings)
              if heading_text(h) != reference_heading_text(h)]
    assert differ == []
    assert [slug_github(h) for h in headings] == [reference_slug_github(h) for h in headings]
    for page, texts in pages:
        assert unique_slugs(texts, slug_github) == reference_unique([reference_slug_github(t) for t in texts]), page
        assert unique_slugs(texts, slug_docfx_2016) == reference_unique([slug_docfx_2016(t) for t in texts]), page


# --- tricky cases -----------------------------------------------------------------------

TRICKY = [
    "Run `a_b_c` and _this_",
    "`` a ` b ``",  # a backtick inside a double-backtick span
    "``a`",  # CommonMark: no span (lengths differ); the regex's rule: a span of one backtick
    "`a``",
    "```a`",  # in-run spans of the opener, then 'a`'
    "`````",
    "`` `_x_` ``",
    "`unclosed _emph_",
    "_emph_ `unclosed",
    "`a` _b_ `c",
    "`_a_`_b_",
    "__a _b_ c__",  # nested: the inner one after the outer (two passes)
    "___a___",
    "_a__ b_",
    "__a_",
    "_a\\_",
    "\\_a_",
    "a_b_c _d_",
    "_ a_",
    "_a _",
    "_a_b_",
    "_a_ _b_ _c_",
    "_é_ ²_",
    "`a\nb` _c\nd_",  # a span never crosses a line
    "__init__ and `__init__`",
    "Set up BKMK_Accounts and `set_up_`",
    "Step 2: **Add** the [app](x.md) `cmd`",
    "[`code_x_`](y.md) and ![_img_](z.png)",
]


@pytest.mark.parametrize("markdown", TRICKY)
def test_tricky_headings_as_the_reference(markdown):
    assert heading_text(markdown) == reference_heading_text(markdown)
    assert slug_github(markdown) == reference_slug_github(markdown)


def test_tricky_headings_pinned():
    assert slug_github("Run `a_b_c` and _this_") == "run-a_b_c-and-this"
    assert slug_github("`unclosed _emph_") == "unclosed-emph"
    assert slug_github("__a _b_ c__") == "a-b-c"
    assert slug_github("`_a_`_b_") == "_a_b"
    assert slug_github("__init__ and `__init__`") == "init-and-__init__"
    assert heading_text("``a`") == "a"


def test_every_short_string_of_a_small_alphabet():
    # 9,330 strings: every mix of runs of backticks and underscores up to length 5
    for length in range(1, 6):
        for chars in itertools.product("`_a \\\n", repeat=length):
            text = "".join(chars)
            assert reference_strip_pass(text) == _one_pass(text), repr(text)


def test_links_stripped_as_the_regexes_did_on_every_short_string():
    from pipeline.slugs import _strip_links
    # 55,986 strings over the characters that matter to the three link regexes
    for length in range(1, 7):
        for chars in itertools.product("![]()a", repeat=length):
            text = "".join(chars)
            assert _strip_links(text, "![", "(", ")") == _IMAGE.sub(r"\1", text), repr(text)
            assert _strip_links(text, "[", "(", ")") == _LINK.sub(r"\1", text), repr(text)
            assert _strip_links(text, "[", "[", "]") == _REF_LINK.sub(r"\1", text), repr(text)


def _one_pass(text: str) -> str:
    from pipeline.slugs import _strip_pass
    return _strip_pass(text)


@settings(max_examples=1500, deadline=None, database=None)
@given(st.text(alphabet="`_`_`_ab \\\n\t*[]()![]()<>&\u00a0é²٣x", max_size=60))
def test_random_headings_as_the_reference(text):
    assert _one_pass(text) == reference_strip_pass(text)
    assert heading_text(text) == reference_heading_text(text)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.sampled_from(["A", "A", "A-1", "A-2", "a-1-1", "", "Section", "B", "b-1"]), max_size=30))
def test_duplicates_as_the_reference(headings):
    assert unique_slugs(headings, slug_github) == reference_unique([reference_slug_github(h) for h in headings])


def test_duplicates_whose_number_meets_a_later_heading():
    assert unique_slugs(["A", "A", "A-1"], slug_github) == ["a", "a-1", "a-1-1"]
    assert unique_slugs(["A-1", "A", "A", "A"], slug_github) == ["a-1", "a", "a-2", "a-3"]
    assert unique_slugs(["A", "A-2", "A", "A", "A"], slug_github) == ["a", "a-2", "a-1", "a-3", "a-4"]
    assert unique_slugs(["", "", "Section"], slug_github) == ["section", "section-1", "section-2"]


def _ids(html_text: str) -> list[str]:
    return re.findall(r'<h[1-6][^>]*\bid="([^"]*)"', html_text)


def test_html_heading_ids_number_duplicates_as_markdig():
    html_text = render_html_body("## A\n\n## A\n\n## A-1\n\n## A\n", ())
    assert _ids(html_text) == ["a", "a-1", "a-1-1", "a-2"]
    # an explicit id taken first: the numbering goes around it
    assert _ids(finish_html('<p id="a-1">x</p><h2>A</h2><h2>A</h2><h2>A</h2>')) == ["a", "a-2", "a-3"]


def reference_html_ids(explicit: list[str], headings: list[str]) -> list[str]:
    """render._assign_ids's numbering as it was: DocFX 2016 aliases take ids as they come."""
    seen = set(explicit)
    result = []
    for text in headings:
        base = reference_slug_github(text) or "section"
        slug, index = base, 0
        while slug in seen:
            index += 1
            slug = f"{base}-{index}"
        seen.add(slug)
        result.append(slug)
        seen.add(slug_docfx_2016(text))
    return result


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.sampled_from(["a-1", "a-2", "section-1"]), max_size=2, unique=True),
       st.lists(st.sampled_from(["A", "A", "A-1", "A 1", "A.2", "a 2", "", "!", "Section"]), max_size=20))
def test_html_heading_ids_as_the_reference(explicit, headings):
    body = "".join(f'<p id="{i}">x</p>' for i in explicit) + "".join(f"<h2>{h}</h2>" for h in headings)
    assert _ids(finish_html(body)) == reference_html_ids(explicit, headings)


# --- hostile payloads (~64k characters): results only, never times -----------------------

N = 64_000


def _hostile_cases():
    """(name, input of about n characters, its expected heading_text), each taking n."""
    return [
        ("unclosed backtick run", lambda n: "`" * n + "a", lambda n: "a"),
        ("runs that close only shorter", lambda n: "`" * (n // 2) + "_a_" + "`" * (n // 2 - 1), lambda n: "_a_"),
        ("one unclosed backtick, then emphasis", lambda n: "`" + "_a_ " * (n // 4),
         lambda n: " ".join(["a"] * (n // 4))),
        ("underscores that never close", lambda n: "_a " * (n // 3), lambda n: ("_a " * (n // 3)).strip()),
        ("strong opened, never closed", lambda n: "__a" * (n // 3), lambda n: "__a" * (n // 3)),
        ("nested emphasis", lambda n: "__a _b_ c__ " * (n // 12), lambda n: " ".join(["a b c"] * (n // 12))),
        ("link text never closed", lambda n: "[" * n, lambda n: "[" * n),
        ("image alt never closed", lambda n: "![" * (n // 2), lambda n: "![" * (n // 2)),
        ("link target never closed", lambda n: "[a](" * (n // 4), lambda n: "[a](" * (n // 4)),
        ("links, then an unclosed one", lambda n: "[a](b)" * (n // 6 - 1) + "[a](", lambda n: "a" * (n // 6 - 1) + "[a]("),
        ("backtick and underscore alternating", lambda n: "`_" * (n // 24 * 12), lambda n: "_" * (n // 24 * 4)),
    ]


@pytest.mark.parametrize("name, make, expected", _hostile_cases(), ids=[c[0] for c in _hostile_cases()])
def test_hostile_heading_payloads(name, make, expected):
    for small in (24, 48, 240):  # the expected result checked against the reference where it is quick
        assert reference_heading_text(make(small)) == expected(small)
        assert heading_text(make(small)) == expected(small)
    payload = make(N)
    assert len(payload) >= N - 24
    assert heading_text(payload) == expected(N)


def test_hostile_many_equal_headings():
    k = N // 4  # 16,000 headings "Same": 64k characters
    headings = ["Same"] * k + ["Same-1"]
    assert unique_slugs(headings, slug_github) == ["same"] + [f"same-{i}" for i in range(1, k)] + ["same-1-1"]


def test_hostile_many_equal_html_headings():
    k = N // 10  # "<h2>A</h2>" is 10 characters
    assert _ids(finish_html("<h2>A</h2>" * k)) == ["a"] + [f"a-{i}" for i in range(1, k)]
