"""DocFX's glob patterns (``pipeline.docfxglob``), as docfx.json's ``files`` and ``exclude``
write them: DocFX's own test cases (``GlobMatcherTest``, default options) and the corpus's."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.docfxglob import GlobError, _match, _path_parts, compile_glob, glob_matches


@pytest.mark.parametrize("pattern, paths, expected", [
    ("", [""], True),
    ("\\a", ["a"], True),
    ("a*", ["a", "abc", "abd", "abe"], True),
    (".a*", [".a", ".abc", ".abd", ".abe"], True),
    ("b*/", ["bdir/"], True),
    ("**/a/*/b.cs", ["b/a/a/a/b.cs"], True),
    ("**", ["a", "b", "abc", "bdir/cfile"], True),
    ("A/**", ["A/"], False),
    ("**/*", ["a", "ab", "bdir/cfile", "a/b/c"], True),
    ("**/*", ["abc/"], False),
    ("**/", ["bdir/", "bdir/cdir/"], True),
    ("[a-c]b*", ["abc", "abd", "abe", "bb", "cb"], True),
    ("[a-y]*[^c]", ["abd", "abe", "bb", "bcd"], True),
    ("!abc", ["d", "dd", "def"], True),
    ("[^a-c]*", ["d", "dd", "def"], True),
    ("a\\*b/*", ["a*b/ooo"], True),
    ("a\\*?/*", ["a*b/ooo"], True),
    ("a[\\\\b]c", ["abc"], True),
    ("*.\\*", ["r.*"], True),
    ("a******?c", ["abc"], True),
    ("?******??", ["abc"], True),
    ("*******??", ["abc"], True),
    ("***?***?c", ["abc", "a/b/dec", "a/bcdc"], True),
    ("***?***?c", ["a/b/c/dc"], False),
    ("*******c", ["abc", "a/bc", "a/b/c"], True),
    ("*******?", ["abc", "a/b/c"], True),
    ("[a[]", ["[", "a"], True),
    ("[(]", ["("], True),
    ("[]]", ["]"], True),
    ("[", ["["], True),
    ("[abc[]]a", ["a]a", "b]a", "[]a"], True),
    ("[\\w]a", ["aa", "ba"], True),
    ("[abc[]]a", ["]"], False),
    ("\\[*", ["[abc"], True),
    ("b*/", ["bfile"], False),
    ("**", [".a", "a/.b", ".a/b"], False),
    ("a/*", ["a/"], False),
    ("a/*", ["a/.a"], False),
    ("*.cs", ["acs"], False),
    # and what docfx.json files write
    ("**/includes/**", ["includes/wps_2_md.md", "DeployUse/includes/x.md", "Includes/X.MD"], True),
    ("**/includes/**", ["includes", "includes.md", "DeployUse/includes-x/y.md"], False),
    ("**/*.md", ["x.md", "a/b/X.MD"], True),
    ("**/*.md", [".github/x.md", ".x.md", "x.yml"], False),
    ("Understand/**", ["Understand/x.md", "understand/a/b.md"], True),
    ("**.md", ["x.md", "a/b.md"], True),
    ("{articles,api}/*.md", ["articles/a.md", "api/b.md"], True),
    ("{articles,api}/*.md", ["docs/a.md", "articles/x/a.md"], False),
    ("z{a,b{,c}d", ["za", "zbd"], False),  # an unbalanced brace matches nothing
])
def test_globs_match_as_docfx_matches_them(pattern, paths, expected):
    for path in paths:
        assert glob_matches(pattern, path) == expected, (pattern, path)


def _by_parts(pattern: str, path: str) -> bool:
    """``glob_matches`` by ``_match``, part by part, the rule ``_path_regex`` compiles."""
    glob = compile_glob(pattern)
    parts = _path_parts(path)
    return any(_match(parts, segments) for segments in glob.expansions) != glob.negated


@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text("ab*?./[]^!-\\{},A", max_size=10), st.lists(st.text("aAb./\\-[]^", max_size=8), max_size=4))
def test_a_glob_compiled_whole_matches_as_part_by_part(pattern, paths):
    try:
        glob = compile_glob(pattern)
    except GlobError:
        return
    for path in paths:
        assert glob_matches(glob, path) == _by_parts(pattern, path), (pattern, path, glob.whole)


def test_the_corpus_globs_are_compiled_whole():
    # what makes ``published.takes`` cheap on the corpus's 432 pages (each glob one regex)
    for pattern in ("**/*.md", "**/obj/**", "**/includes/**", "Understand/**", "[a-y]*[b-d]", "{a,b}/*.md"):
        assert compile_glob(pattern).whole is not None, pattern
    assert compile_glob("[^c]*").whole is None  # the class takes '/': part by part
