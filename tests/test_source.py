from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.render import apply_translations
from pipeline.source import load_document, split_cells

from .conftest import REPO, SEED_NAME


def seed_text(shared) -> str:
    return (shared / "seed" / SEED_NAME).read_bytes().decode("utf-8")


def test_seed_segments_cover_every_translatable_part(shared):
    doc = load_document(SEED_NAME, seed_text(shared))
    kinds = [s.kind for s in doc.segments]
    assert kinds.count("front-matter") == 1  # description is empty, other keys not configured
    assert kinds.count("heading") == 2
    assert kinds.count("table-header") == 3
    assert doc.error_codes == (
        "DeviceCapReached", "APNSCertificateNotValid", "AccountNotOnboarded",
        "DeviceTypeNotSupported", "UserLicenseTypeInvalid", "MdmAuthorityNotDefined",
    )
    # the code column is the key, never a msgid; break markup never inside a msgid
    texts = [s.text for s in doc.segments]
    assert not any(t in doc.error_codes for t in texts)
    assert not any("<br /><br />" in t for t in texts)
    apns = [s for s in doc.segments if s.key == "APNSCertificateNotValid"]
    assert [s.column_name for s in apns] == ["Problème", "Problème"] + ["Informations à communiquer à votre administrateur informatique"] * 2
    assert apns[0].comment == "APNSCertificateNotValid · Problème"


def test_every_span_is_exactly_its_source_text(shared):
    text = seed_text(shared)
    for segment in load_document(SEED_NAME, text).segments:
        if segment.kind != "front-matter":
            assert text[segment.start : segment.end] == segment.text
    lines = text.splitlines()
    cell = next(s for s in load_document(SEED_NAME, text).segments if s.key == "DeviceCapReached")
    assert lines[cell.line - 1][cell.column - 1 :].startswith(cell.text)


def test_comments_code_and_includes_are_never_msgids():
    text = (
        "# Title\r\n\r\n<!-- a comment -->\r\n\r\n```\r\ncode here\r\n```\r\n\r\n"
        "[!INCLUDE [x](../includes/x.md)]\r\n\r\n> [!NOTE]\r\n> Note text\r\n> continued\r\n\r\n"
        "    indented code\r\n"
    )
    doc = load_document("a.md", text)
    assert [s.text for s in doc.segments] == ["Title", "Note text\ncontinued"]
    note = doc.segments[1]
    assert note.prefix == "\r\n> "
    assert text[note.start : note.end] == "Note text\r\n> continued"


def test_pipe_inside_code_span_does_not_split_a_cell():
    line = "|`a|b`|c \\| d|"
    assert [line[a:b] for a, b in split_cells(line)] == ["`a|b`", "c \\| d"]
    bare = "x | y"
    assert [bare[a:b] for a, b in split_cells(bare)] == ["x", "y"]


def test_broken_front_matter_is_a_located_error():
    text = "---\ntitle: ok\ndescription: [unclosed\n---\n# x\n"
    with pytest.raises(PipelineError) as info:
        load_document("bad.md", text)
    diagnostic = info.value.diagnostic
    assert diagnostic.code == "source.yaml"
    assert diagnostic.location.path == "bad.md"
    assert diagnostic.location.line == 4  # where the YAML parser gives up
    assert diagnostic.format().startswith("bad.md:4:")


def test_git_conflict_markers_in_a_page_are_a_located_error_but_not_inside_code():
    """A page committed with a merge conflict in it was extracted and built: the markers went
    into every locale's pages and a msgid, and ``=======`` made the text above it a heading."""
    conflict = ("# Guide\n\nIntro.\n\n<<<<<<< HEAD\nOurs.\n=======\nTheirs.\n>>>>>>> topic\n\nEnd.\n")
    for text, line in ((conflict, 5), (conflict.replace("\n", "\r\n"), 5),
                       ("---\ntitle: T\n---\n" + conflict.replace("=======", "||||||| base\nOld.\n======="), 8)):
        with pytest.raises(PipelineError) as info:
            load_document("c.md", text)
        assert info.value.diagnostic.format() == (
            f"c.md:{line}:1: error: unresolved merge conflict: '<<<<<<<', '=======' and '>>>>>>>' lines "
            "(resolve it, then commit) [source.conflict]")
    shown = ["```text\n<<<<<<< HEAD\nOurs.\n=======\nTheirs.\n>>>>>>> topic\n```\n",
             "Resolve:\n\n    <<<<<<< HEAD\n    Ours.\n    =======\n    Theirs.\n    >>>>>>> topic\n",
             "<<<<<<< HEAD alone, and a setext heading\n=======\n"]
    for text in shown:  # a page about git shows them in code; one marker alone is no conflict
        load_document("git.md", "# Git\n\n" + text)


CONFLICT_ERROR = ("error: unresolved merge conflict: '<<<<<<<', '=======' and '>>>>>>>' lines "
                  "(resolve it, then commit) [source.conflict]")

# Pages as ``git merge`` left them (git 2.x, conflictStyle merge and diff3) when a conflict
# involves a fence line, with the line of the ``<<<<<<<`` the error must name.
FENCE_CONFLICTS = {
    # both sides changed the fence's language: the markers after ```py were its code
    "language": ("# Guide\n\nRun:\n\n<<<<<<< HEAD\n```py\n=======\n```python3\n>>>>>>> topic\nprint(1)\n```\n\n"
                 "End.\n", 5),
    "language, diff3": ("# Guide\n\nRun:\n\n<<<<<<< HEAD\n```py\n||||||| f014684\n```python\n=======\n```python3\n"
                        ">>>>>>> topic\nprint(1)\n```\n\nEnd.\n", 5),
    # one side made the fence a tilde fence, which no backtick line closes: the rest was code
    "tilde": ("# Guide\n\nRun:\n\n<<<<<<< HEAD\n~~~ bash\n=======\n```\n>>>>>>> topic\nls\n```\n\nEnd.\n", 5),
    "tilde, diff3": ("# Guide\n\nRun:\n\n<<<<<<< HEAD\n~~~ bash\n||||||| 3de8ca5\n~~~\n=======\n```\n>>>>>>> topic\n"
                     "ls\n```\n\nEnd.\n", 5),
    # the conflict opens inside a block and its other side's fence swallows the '>>>>>>>'
    "across blocks": ("# Guide\n\n```bash\n<<<<<<< HEAD\nrun a2\n```\n\nText ours.\n=======\nrun a3\n```\n\n"
                      "Text theirs.\n>>>>>>> topic\n\n```sh\nrun b\n```\n", 4),
    # diff3 splits it in two: the first lies wholly in the block, as a page about git shows
    # them (not told apart: see _refuse_conflict), the second is found
    "across blocks, diff3": ("# Guide\n\n```bash\n<<<<<<< HEAD\nrun a2\n||||||| 9055285\nrun a\n=======\nrun a3\n"
                             ">>>>>>> topic\n```\n\n<<<<<<< HEAD\nText ours.\n||||||| 9055285\nText.\n=======\n"
                             "Text theirs.\n>>>>>>> topic\n\n```sh\nrun b\n```\n", 13),
    # a page about git shows a conflict in a fence, then has one of its own
    "shown, then real": ("# Git\n\n```text\n<<<<<<< HEAD\nOurs.\n=======\nTheirs.\n>>>>>>> topic\n```\n\n"
                         "<<<<<<< HEAD\n```py\n=======\n```python\n>>>>>>> topic\nx = 1\n```\n", 11),
    # a shown '<<<<<<<' alone does not pair with the real conflict's lines below it
    "shown marker, then real": ("# Git\n\n```text\n<<<<<<< HEAD\n```\n\n<<<<<<< HEAD\n```py\n=======\n"
                                "```python\n>>>>>>> topic\nx = 1\n```\n", 7),
}


@pytest.mark.parametrize("text, line", FENCE_CONFLICTS.values(), ids=FENCE_CONFLICTS.keys())
@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_a_conflict_around_a_fence_is_refused_at_its_first_line(text, line, eol):
    """markdown-it took the fence a conflict's side opens for a code block, so the markers
    after it were skipped as code, and the page was extracted and built with them."""
    with pytest.raises(PipelineError) as info:
        load_document("c.md", text.replace("\n", eol))
    assert info.value.diagnostic.format() == f"c.md:{line}:1: {CONFLICT_ERROR}"


GIT_MERGES = {  # base, ours, theirs: both sides change a fence line, or one adds or drops one
    "language": ("```python\nprint(1)\n```\n", "```py\nprint(1)\n```\n", "```python3\nprint(1)\n```\n"),
    "fence added": ("ls\n", "ls -l\n", "```bash\nls\n```\n"),
    "fence dropped": ("```\nls\n```\n", "ls\n", "```\nls -la\n```\n"),
    "tilde": ("~~~\nls\n~~~\n", "~~~ bash\nls\n~~~\n", "```\nls\n```\n"),
    "across blocks": ("```bash\nrun a\n```\n\nText.\n\n```bash\nrun b\n```\n",
                      "```bash\nrun a2\n```\n\nText ours.\n\n```bash\nrun b\n```\n",
                      "```bash\nrun a3\n```\n\nText theirs.\n\n```sh\nrun b\n```\n"),
}


def _git_merge(folder: Path, base: str, ours: str, theirs: str, style: str) -> str | None:
    """page.md as ``git merge topic`` leaves it on main (``ours``) when topic wrote ``theirs``
    over their common ``base``; None when this git merged it without a conflict."""
    def git(*args: str) -> int:
        return subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.com",
                               "-c", f"merge.conflictStyle={style}", *args], capture_output=True).returncode
    page = folder / "page.md"

    def commit(body: str) -> None:
        page.write_text("# Guide\n\nRun:\n\n" + body + "\nEnd.\n", encoding="utf-8")
        assert git("add", "page.md") == 0 and git("commit", "-q", "-m", "edit") == 0

    assert git("init", "-q", "-b", "main") == 0
    commit(base)
    assert git("checkout", "-q", "-b", "topic") == 0
    commit(theirs)
    assert git("checkout", "-q", "main") == 0
    commit(ours)
    if git("merge", "topic") == 0:
        return None
    return page.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("style", ["merge", "diff3", "zdiff3"])
@pytest.mark.parametrize("base, ours, theirs", GIT_MERGES.values(), ids=GIT_MERGES.keys())
def test_a_page_git_merged_with_a_conflict_around_a_fence_is_refused(tmp_path, base, ours, theirs, style):
    """The conflicts as the installed git writes them: refused, located at a '<<<<<<<' line."""
    text = _git_merge(tmp_path, base, ours, theirs, style)
    if text is None or "<<<<<<<" not in text:
        pytest.skip(f"this git merged the page without a conflict (conflictStyle={style})")
    with pytest.raises(PipelineError) as info:
        load_document("page.md", text)
    assert info.value.diagnostic.code == "source.conflict"
    assert text.splitlines()[info.value.diagnostic.location.line - 1].startswith("<<<<<<< ")


GIT_TUTORIAL = """\
# Resolving a conflict

Git stops and marks the conflict:

```text
<<<<<<< HEAD
Ours.
=======
Theirs.
>>>>>>> topic
```

With `merge.conflictStyle=diff3` it shows the base too:

~~~diff
<<<<<<< HEAD
```py
||||||| base
```python
=======
```python3
>>>>>>> topic
~~~

In an indented block:

    <<<<<<< HEAD
    Ours.
    =======
    Theirs.
    >>>>>>> topic

Edit the file, then commit.
"""


def test_a_git_tutorial_showing_conflicts_in_code_blocks_still_builds(tmp_path, capsys):
    """A page about git shows the markers in code blocks, fenced or indented; each block
    holds a whole conflict, so the page is extracted and built as any other."""
    (tmp_path / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["de-DE"]\n', encoding="utf-8")
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "git.md").write_text(GIT_TUTORIAL, encoding="utf-8")
    assert main(["-C", str(tmp_path), "all"]) == 0, capsys.readouterr()
    assert "[source.conflict]" not in capsys.readouterr().err
    built = (tmp_path / "out" / "markdown" / "de-DE" / "git.md").read_text(encoding="utf-8")
    assert built == GIT_TUTORIAL
    pot = (tmp_path / "locales" / "pot" / "git.pot").read_text(encoding="utf-8")
    assert "<<<<<<<" not in pot and 'msgid "Edit the file, then commit."' in pot


def test_quoted_front_matter_value_is_unquoted_in_msgid():
    doc = load_document("q.md", "---\ntitle: 'It''s here'\n---\nBody\n")
    assert doc.segments[0].text == "It's here"
    assert doc.segments[0].quote == "'"


def test_corpus_pages_all_parse_with_exact_spans(corpus):
    pages = sorted((corpus / "en-us").rglob("*.md"))
    assert len(pages) == 432
    for page in pages:
        text = page.read_bytes().decode("utf-8")
        doc = load_document(page.name, text)
        for segment in doc.segments:
            if segment.kind != "front-matter" and "\n" not in segment.text:
                assert text[segment.start : segment.end] == segment.text, (page, segment.line)


def test_a_front_matter_value_spans_exactly_its_scalar():
    """The value's span comes from the YAML parser's marks: a value folded over several lines is
    translated whole (the continuation was left behind, in English, under the translation), and
    a trailing comment is not part of it (it was swallowed by the translation)."""
    text = ("---\r\ntitle: A long title\r\n  that continues here\r\ndescription: \"Quoted\r\n  over lines\" # keep\r\n"
            "ms.topic: article # kept too\r\n---\r\n# H\r\n")
    doc = load_document("p.md", text)
    assert [(s.text, text[s.start:s.end], s.line, s.column) for s in doc.segments if s.kind == "front-matter"] == [
        ("A long title that continues here", "A long title\r\n  that continues here", 2, 8),
        ("Quoted over lines", '"Quoted\r\n  over lines"', 4, 14),
    ]
    front, _ = apply_translations(doc, {"A long title that continues here": "Un long titre",
                                        "Quoted over lines": "Entre guillemets"})
    assert front == ('---\r\ntitle: Un long titre\r\ndescription: "Entre guillemets" # keep\r\n'
                     "ms.topic: article # kept too\r\n---\r\n")


def test_a_duplicate_front_matter_key_is_a_located_error():
    """PyYAML keeps the last of two equal keys; both lines would show its translation."""
    with pytest.raises(PipelineError) as info:
        load_document("dup.md", "---\ntitle: Premier\nms.date: 1\ntitle: Second\n---\n# x\n")
    assert info.value.diagnostic.format() == "dup.md:4:1: error: invalid YAML front matter: duplicate key 'title' [source.yaml]"


def _as_cr_only(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r")


def test_a_page_with_cr_only_line_endings_parses_like_its_lf_twin():
    """Old Mac line endings (CR alone) end a line everywhere else (``split_lines``,
    ``line_column``, markdown-it): the front matter's closing fence is found after one too."""
    lf = (REPO / "source" / SEED_NAME).read_bytes().decode("utf-8").replace("\r\n", "\n")
    cr = _as_cr_only(lf)
    lf_doc, cr_doc = load_document(SEED_NAME, lf), load_document(SEED_NAME, cr)
    assert cr_doc.front_matter is not None and cr_doc.front_matter.end == lf_doc.front_matter.end
    assert cr_doc.front_matter.values == lf_doc.front_matter.values
    shape = [(s.kind, s.text.replace("\r", "\n"), s.start, s.end, s.line, s.column) for s in cr_doc.segments]
    assert shape == [(s.kind, s.text, s.start, s.end, s.line, s.column) for s in lf_doc.segments]
    folded = load_document("p.md", "---\rtitle: A long title\r  that continues\r...\r# H\r")
    assert [(s.text, s.line) for s in folded.segments] == [("A long title that continues", 2), ("H", 5)]
    front, body = apply_translations(folded, {"A long title that continues": "Un titre: long"})
    assert (front, body) == ('---\rtitle: "Un titre: long"\r...\r', "# H\r")


def test_the_indentation_of_a_line_after_a_marker_line_stays_out_of_the_msgid():
    """The lazy line under '  > [!div class="button"]' was the msgid '  [Next >](next.md)'
    (GetStarted/choose-how-to-enroll-devices.md:42): a translation without the two spaces
    took the link out of its quote. The indentation is structure, not text: the segment
    starts after it, as a first line always does."""
    text = 'Intro.\n  > [!div class="button"]\n  [Next >](next.md)\n\n> [!NOTE]\n\t   Tab and spaces.\n'
    doc = load_document("p.md", text)
    assert [(s.text, s.line, s.column) for s in doc.segments] == [
        ("Intro.", 1, 1), ("[Next >](next.md)", 3, 3), ("Tab and spaces.", 6, 5)]
    assert all(text[s.start:s.end] == s.text for s in doc.segments)


def test_a_tab_that_indents_a_line_past_its_container_stays_the_sources():
    """markdown-it writes the part of a tab past the container's indentation as spaces
    ('\\tcont' under '- ' is '  cont' in its content): that line's lead was lost (the msgid had
    two spaces the page does not have, its translation replaced the tab), and on a last line
    the segment ran past the line end, so a translation swallowed the blank line after the
    list and 'Next.' joined the list item."""
    text = "- item one\n\tcont two\n\nNext.\n"
    doc = load_document("p.md", text)
    item = doc.segments[0]
    assert (item.text, text[item.start:item.end], item.joiners) == \
        ("item one\ncont two", "item one\n\tcont two", ("\n\t",))
    _, body = apply_translations(doc, {item.text: "article un\nsuite deux"})
    assert body == "- article un\n\tsuite deux\n\nNext.\n"


def test_only_cr_and_lf_end_a_line_as_markdown_reads_the_page():
    """str.splitlines also ends a line at U+2028, U+2029, NEL, VT, FF and FS-RS: a paragraph
    holding one (pasted from a word processor) got its msgid spaced and its span misplaced, a
    translation overwrote part of the next paragraph ("...text.DE Second paragraph.ond
    paragraph.") and the table after it was not extracted."""
    odd = "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"
    text = f"# Title\n\nFirst{odd}line.\n\nSecond paragraph.\n\n| A | B |\n|---|---|\n| x\u2028y | z |\n"
    document = load_document("a.md", text)
    assert [(s.text, s.line) for s in document.segments] == [
        ("Title", 1), (f"First{odd}line.", 3), ("Second paragraph.", 5), ("A", 7), ("B", 7), ("x\u2028y", 9), ("z", 9)]
    assert all(text[s.start:s.end] == s.text for s in document.segments)
    translated = apply_translations(document, {s.text: s.text + " DE" for s in document.segments})[1]
    assert translated.replace(" DE", "").replace('<a name="title"></a>', "") == text


# -- front-matter values YAML reads but cannot construct, and values that are no text -----------


@pytest.mark.parametrize("value, problem", [
    ("2016-02-30", "'2016-02-30' is not a valid timestamp (day is out of range for month); quote the value if it is text"),
    ("2016-13-01", "'2016-13-01' is not a valid timestamp (month must be in 1..12); quote the value if it is text"),
    ("2016-01-01 25:61:00", "'2016-01-01 25:61:00' is not a valid timestamp (hour must be in 0..23); "
                            "quote the value if it is text"),
    ("0x_", "'0x_' is not a valid int; quote the value if it is text"),
    ("!!int abc", "'abc' is not a valid int"),
    ("!!float x", "'x' is not a valid float"),
    ("!!timestamp abc", "'abc' is not a valid timestamp"),
    ("!!bool maybe", "'maybe' is not a valid bool"),
    ("[1, !!int abc]", "'abc' is not a valid int"),
])
def test_a_value_yaml_cannot_construct_is_a_located_error(value, problem):
    """PyYAML raises ValueError (and others) while constructing dates and numbers, not
    YAMLError: a bad ``ms.date`` ended every command with a traceback. It is a located error at
    the value, as a syntax error is."""
    column = 10 + value.index("!!int") if value.startswith("[") else 10
    with pytest.raises(PipelineError) as info:
        load_document("bad.md", f"---\ntitle: Titre\nms.date: {value}\n---\n# x\n")
    assert info.value.diagnostic.format() == f"bad.md:3:{column}: error: invalid YAML front matter: {problem} [source.yaml]"


def test_a_long_value_is_shortened_in_the_message():
    with pytest.raises(PipelineError) as info:
        load_document("bad.md", "---\nk: !!int " + "a" * 100 + "\n---\n")
    assert info.value.diagnostic.format() == (
        "bad.md:2:4: error: invalid YAML front matter: '" + "a" * 37 + "...' is not a valid int [source.yaml]")


@pytest.mark.parametrize("depth", [101, 999, 1000, 5000])
@pytest.mark.parametrize("loader", ["fast", "pure"])
def test_front_matter_nested_too_deeply_is_a_located_error(depth, loader, monkeypatch):
    """5,000 nested ``[`` gave RecursionError (libyaml refuses 1,000 levels; the pure-Python
    loader that words the error recursed on). Both loaders refuse more than 100 levels, at the
    first node too deep: the mapping is level 1, ``k``'s list level 2, so the 100th ``[``."""
    from pipeline import source

    if loader == "pure":
        monkeypatch.setattr(source, "_FAST_LOADER", source._PURE_LOADER)
    with pytest.raises(PipelineError) as info:
        load_document("deep.md", "---\ntitle: T\nk: " + "[" * depth + "]" * depth + "\n---\n# x\n")
    assert info.value.diagnostic.format() == (
        "deep.md:3:103: error: invalid YAML front matter: nested more than 100 levels deep [source.yaml]")


@pytest.mark.parametrize("loader", ["fast", "pure"])
def test_depth_built_by_aliases_counts_too(loader, monkeypatch):
    """Each anchored list is written one level deep, but each holds an alias of the one before:
    the values nest 102 levels, found at the same node by either loader."""
    from pipeline import source

    if loader == "pure":
        monkeypatch.setattr(source, "_FAST_LOADER", source._PURE_LOADER)
    chain = "\n".join(["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 101)])
    with pytest.raises(PipelineError) as info:
        load_document("chain.md", "---\ntitle: T\n" + chain + "\n---\n# x\n")
    assert info.value.diagnostic.format() == (
        "chain.md:3:10: error: invalid YAML front matter: nested more than 100 levels deep [source.yaml]")


def test_front_matter_nested_100_levels_deep_loads():
    doc = load_document("deep.md", "---\ntitle: T\nk: " + "[" * 99 + "]" * 99 + "\n---\n# x\n")
    assert doc.front_matter is not None and doc.front_matter.get("title") == "T"


@pytest.mark.parametrize("front, line, column, kind", [
    ("title: [Des erreurs, Intune]\n", 2, 8, "list"),
    ("title: Titre\ndescription: {a: b}\n", 3, 14, "mapping"),
    ("description:\n  a: b\ntitle: Titre\n", 3, 3, "mapping"),
    ("description:\n- a\n- b\n", 3, 1, "list"),
    ("list: &l [a, b]\ntitle: *l\n", 3, 1, "list"),  # an alias: at its key
])
def test_a_title_or_description_that_is_no_text_is_a_located_error(front, line, column, kind):
    """``title: [Des erreurs, Intune]`` is a YAML list: the HTML <title> and the index showed
    Python's ``['Des erreurs', 'Intune']`` in every locale. The pages show the title and the
    description as text, so a list or mapping there is an error at the value, with the fix."""
    key = "title" if "title: [" in front or "title: *" in front else "description"
    with pytest.raises(PipelineError) as info:
        load_document("bad.md", "---\n" + front + "---\n# x\n")
    assert info.value.diagnostic.format() == (
        f"bad.md:{line}:{column}: error: invalid YAML front matter: '{key}' is a {kind}, not text "
        f"(quote the value to keep it as written) [source.yaml]")


def test_a_key_given_twice_is_an_error_whatever_its_values():
    """Only keys with text values were compared: ``title: Titre`` then ``title: [a]`` passed the
    duplicate check, and the list (PyYAML keeps the last) was then reported at the first line."""
    for front in ("title: Titre\ntitle: [a]\n", "title: [a]\ntitle: Titre\n", "manager: [a]\nmanager: [b]\n"):
        with pytest.raises(PipelineError) as info:
            load_document("dup.md", "---\n" + front + "---\n# x\n")
        key = front.split(":")[0]
        assert info.value.diagnostic.format() == f"dup.md:3:1: error: invalid YAML front matter: duplicate key '{key}' [source.yaml]"


def test_a_title_merged_in_that_is_no_text_is_an_error_where_it_is_written():
    # PyYAML's constructor puts the merged pairs in the root mapping's node, marks and all
    with pytest.raises(PipelineError) as info:
        load_document("m.md", "---\nbase: &b {title: [a]}\n<<: *b\n---\n# x\n")
    assert info.value.diagnostic.format() == ("m.md:2:18: error: invalid YAML front matter: 'title' is a list, not "
                                              "text (quote the value to keep it as written) [source.yaml]")


def test_a_translated_key_that_is_no_text_is_a_located_error():
    with pytest.raises(PipelineError) as info:
        load_document("bad.md", "---\ntitle: T\nsummary: [a, b]\n---\n# x\n", translate_keys=("title", "summary"))
    assert info.value.diagnostic.format() == (
        "bad.md:3:10: error: invalid YAML front matter: 'summary' is a list, not text "
        "(quote the value to keep it as written) [source.yaml]")
    # a key the pipeline neither translates nor shows may hold anything (the corpus's `manager:` lists)
    doc = load_document("ok.md", "---\ntitle: T\nmanager:\n- a\n- b\n---\n# x\n")
    assert [s.text for s in doc.segments] == ["T", "x"]


@pytest.mark.parametrize("written, shown", [
    ("yes", "yes"), ("On", "On"), ("0x1F", "0x1F"), ("1_000", "1_000"), ("1.10", "1.10"), ("1.0e+3", "1.0e+3"),
    (".inf", ".inf"), ("2016-02-20", "2016-02-20"), ("2016-02-20T10:00:00Z", "2016-02-20T10:00:00Z"),
    ("42", "42"), ("~", ""), ("null", ""), ("", ""), ("'yes'", "yes"), ('"x\\ty"', "x\ty"),
])
def test_a_title_that_yaml_reads_as_no_string_is_shown_as_written(written, shown):
    """``title: yes`` was shown as Python's ``True``, ``title: 0x1F`` as ``31``: a value the
    pages show is the text of the scalar (null: nothing), untranslated as before."""
    doc = load_document("p.md", f"---\ntitle: {written}\n---\n# x\n")
    assert doc.front_matter is not None and doc.front_matter.get("title") == shown
    quoted = written.startswith(("'", '"'))
    assert [s.kind for s in doc.segments] == (["front-matter", "heading"] if quoted else ["heading"])


# The messages of the corpus's English pages under the extraction rules of the day (kind, key,
# text and place of every segment, hashed). When what is extracted changes, change
# source.EXTRACTION_RULES with this pin: templates made under the old rules are then made again
# (sync.source_digest), else they were trusted, and their catalogs' translations of the
# messages cut differently were silently no longer used (review of 2026-11-27: '> [!NOTE] text').
EXTRACTED = {"2026-11-27": (14683, "bac27e21686f62fa"),
             # the 67 tables markdown-it's GFM rule left as paragraphs are cells (pipetable)
             "2026-11-27.2": (16191, "58a0b271ce5b57e1"),
             # the same messages; templates no longer flag them md-text (GNU drops the flag)
             "2026-11-27.3": (16191, "58a0b271ce5b57e1"),
             # the text of raw HTML blocks (htmlblocks): the landing page's 72, the tip boxes' 8, one more
             "2026-11-27.4": (16272, "6895332bc7357d54"),
             # the same messages on the corpus; an HTML block's comment never closed gives none
             "2026-11-27.5": (16272, "6895332bc7357d54")}


def test_the_extraction_rules_version_names_what_is_extracted(corpus):
    import hashlib
    import json

    from pipeline.source import EXTRACTION_RULES

    found, count = hashlib.sha256(), 0
    root = corpus / "en-us"
    for path in sorted(root.rglob("*.md")):
        document = load_document(path.relative_to(root).as_posix(), path.read_bytes().decode("utf-8", "replace"))
        for s in document.segments:
            found.update(json.dumps([document.path, s.kind, s.key, s.text, s.line, s.column]).encode())
            count += 1
    assert EXTRACTION_RULES in EXTRACTED, "a new EXTRACTION_RULES value needs its pin"
    assert (count, found.hexdigest()[:16]) == EXTRACTED[EXTRACTION_RULES], \
        "what is extracted changed: change source.EXTRACTION_RULES (and pin the new figures here)"


def test_templates_made_under_other_extraction_rules_are_made_again(tmp_path, monkeypatch):
    """A page '> [!NOTE] Hello.' extracted under the rules that kept the marker in the msgid;
    after the rules changed, extract trusted the old template (made from the same bytes), so
    the msgid stayed '[!NOTE] Hello.' and the build no longer used its translation."""
    from pipeline import source

    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "source" / "p.md").write_text("# P\n\n> [!NOTE] Hello world.\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    pot = project / "locales" / "pot" / "p.pot"
    with monkeypatch.context() as older:  # the older rules: the marker stayed in the msgid
        older.setattr(source, "EXTRACTION_RULES", "older")
        older.setattr(source, "_ALERT_BEFORE_TEXT", re.compile(r"(?!)"))
        assert main(["-C", str(project), "all"]) == 0
    assert 'msgid "[!NOTE] Hello world."' in pot.read_text(encoding="utf-8")
    shutil.rmtree(project / "out")
    assert main(["-C", str(project), "extract"]) == 0
    assert 'msgid "Hello world."' in pot.read_text(encoding="utf-8")
