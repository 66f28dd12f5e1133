"""Nested and looping DocFX includes: the rule (``pipeline.includes``), the pages the build
writes from it, and ``pipeline check`` on the same pages.

The end-to-end tests build real corpus pages: ``GetStarted/choose-how-to-manage-devices.md``
includes ``includes/mdm-supported-devices.md`` (as in the corpus), which is made to include a
file of another folder, which includes ``wit_nextref_md.md`` (the product name) inside a
sentence: three levels, each with its own folder and catalog.
"""

from __future__ import annotations

import shutil

import pytest
from pathlib import Path

from pipeline.catalog import parse_catalog
from pipeline.cli import main
from pipeline.includes import LIMIT, LOOP, MAX_DEPTH, MAX_INCLUDES, walk_includes
from pipeline.links import scan_site

from .conftest import CORPUS, require_shared

PAGE = "GetStarted/choose-how-to-manage-devices.md"
DEVICES = "includes/mdm-supported-devices.md"
MAC = "includes/mac/mac-devices.md"
MAC_TEXT = ("## Macs\n\nTo manage Macs, install the [!INCLUDE[wit_nextref](../wit_nextref_md.md)] client software "
            "([requirements](../../GetStarted/network-bandwidth-use.md)).\n")
MAC_FR = ("## Mac\n\nPour gérer les Mac, installez le logiciel client [!INCLUDE[wit_nextref](../wit_nextref_md.md)] "
          "([configuration requise](../../GetStarted/network-bandwidth-use.md)).\n")
BACK = "[!INCLUDE[mdm-supported-devices](../mdm-supported-devices.md)]"  # mac-devices.md including its includer


# --- the rule (pure) ---------------------------------------------------------------------------


def _graph(edges: dict[str, list[str | None]]):
    return lambda path: edges.get(path, ())


def test_nested_includes_are_walked_depth_first_and_each_file_is_listed_once():
    walk = walk_includes("a.md", _graph({"a.md": ["b.md", "c.md"], "b.md": ["d.md", None], "c.md": ["d.md"]}))
    assert walk.pages == ("a.md", "b.md", "d.md", "c.md")
    assert walk.refused == ()


def test_a_self_include_and_a_cycle_are_refused_where_they_close():
    self_walk = walk_includes("a.md", _graph({"a.md": ["x.md", "a.md"]}))
    assert [(r.code, r.holder, r.index, r.top) for r in self_walk.refused] == [(LOOP, "a.md", 1, 1)]
    cycle = _graph({"a.md": ["b.md"], "b.md": ["c.md"], "c.md": ["a.md"]})
    assert [(r.code, r.holder, r.index) for r in walk_includes("a.md", cycle).refused] == [(LOOP, "c.md", 0)]
    assert [(r.code, r.holder, r.index) for r in walk_includes("b.md", cycle).refused] == [(LOOP, "a.md", 0)]
    assert walk_includes("b.md", cycle).pages == ("b.md", "c.md", "a.md")


def test_depth_and_count_are_bounded_without_recursion_errors():
    chain = {f"f{k}.md": [f"f{k + 1}.md"] for k in range(5000)}  # deeper than Python's stack
    walk = walk_includes("f0.md", _graph(chain))
    assert len(walk.pages) == MAX_DEPTH + 1
    assert [(r.code, r.holder, r.top) for r in walk.refused] == [(LIMIT, f"f{MAX_DEPTH}.md", 0)]
    fan = {f"x{k}.md": [f"x{k + 1}.md"] * 4 for k in range(MAX_DEPTH)}  # 4 + 16 + ... includes
    walk = walk_includes("x0.md", _graph(fan))
    assert walk.pages == tuple(f"x{k}.md" for k in range(MAX_DEPTH + 1))
    assert walk.refused and {r.code for r in walk.refused} == {LIMIT}
    expanded = sum(4 ** k for k in range(1, MAX_DEPTH + 1))
    assert expanded > MAX_INCLUDES and len(walk.refused) < expanded - MAX_INCLUDES + 4 * MAX_DEPTH


# --- the build and the check on real pages ------------------------------------------------------


def _nested_project(tmp_path: Path, locales: str = "") -> Path:
    """The three-level project (see the module doc), with ``GetStarted/network-bandwidth-use.md``,
    which the innermost sentence links to and which links to the heading the second level brings."""
    corpus = require_shared() / "corpus" / "intune-2016" / "en-us" / "InTuneDocs"
    project = tmp_path / "site"
    for page in (PAGE, DEVICES, "includes/wit_nextref_md.md", "GetStarted/network-bandwidth-use.md"):
        (project / "source" / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus / page, project / "source" / page)
    _append(project / "source" / DEVICES, "\n[!INCLUDE[mac-devices](mac/mac-devices.md)]\n")
    _append(project / "source/GetStarted/network-bandwidth-use.md",
            "\nSee [Macs](choose-how-to-manage-devices.md#macs).\n")
    (project / "source" / MAC).parent.mkdir(parents=True)
    (project / "source" / MAC).write_text(MAC_TEXT, encoding="utf-8")
    (project / "pipeline.toml").write_text(f'source_locale = "en-US"\ntarget_locales = [{locales}]\n',
                                           encoding="utf-8")
    return project


def _append(path: Path, text: str) -> None:
    path.write_bytes(path.read_bytes() + text.encode("utf-8"))


def _run(project: Path, capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["-C", str(project), *args])
    return status, capsys.readouterr().err


def test_nested_includes_are_inlined_at_every_depth_translated_and_rebased(tmp_path, capsys):
    project = _nested_project(tmp_path, '"fr-FR"')
    assert _run(project, capsys, "all")[0] == 0
    french = tmp_path / "fr"  # the real French pages, and a French mac-devices.md
    for page in (PAGE, DEVICES, "includes/wit_nextref_md.md"):
        (french / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / "fr-fr" / "InTuneDocs" / page, french / page)
    (french / MAC).parent.mkdir(parents=True)
    (french / MAC).write_text(MAC_FR, encoding="utf-8")
    assert _run(project, capsys, "import", "--locale", "fr-FR", "--from", str(french))[0] == 0
    assert _run(project, capsys, "build") == (0, "")
    english = (project / "out/markdown/en-US" / PAGE).read_text(encoding="utf-8")
    assert "- Mac OS X 10.9 and later" in english  # level 1
    assert "## Macs" in english  # level 2, and level 3 in its sentence, links rebased to GetStarted/
    assert "To manage Macs, install the Intune client software ([requirements](network-bandwidth-use.md))." in english
    assert "[!INCLUDE" not in english
    french_page = (project / "out/markdown/fr-FR" / PAGE).read_text(encoding="utf-8")
    catalog_entries = parse_catalog((project / "locales/fr-FR/includes/mdm-supported-devices.po").read_text(
        encoding="utf-8"), "mdm-supported-devices.po")
    [mac_os] = [e.msgstr for e in catalog_entries if e.msgid == "Mac OS X 10.9 and later"]
    assert mac_os != "Mac OS X 10.9 and later" and f"- {mac_os}\n" in french_page  # each level with its own catalog
    assert ("Pour gérer les Mac, installez le logiciel client Intune "
            "([configuration requise](network-bandwidth-use.md)).") in french_page
    assert '## <a name="macs"></a>Mac' in french_page  # the source's id kept, as for the page's own headings
    html = (project / "out/html/fr-FR" / PAGE.replace(".md", ".html")).read_text(encoding="utf-8")
    assert '<a href="network-bandwidth-use.html">configuration requise</a>' in html and "[!INCLUDE" not in html
    code, lines = _check_lines(project, capsys)  # network-bandwidth-use.md links '#macs', two levels down
    assert not [line for line in lines if "#macs" in line or "[link.include" in line]


def _check_lines(project: Path, capsys) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["-C", str(project), "check"])
    return code, capsys.readouterr().out.splitlines()


def _loop_lines(project: Path) -> list[str]:
    """Where the loop of mac-devices.md and mdm-supported-devices.md closes: each one's
    include of the other (lines and columns found in the files, the column of the include's
    inner '[')."""
    found = []
    for page, target in ((MAC, "../mdm-supported-devices.md"), (DEVICES, "mac/mac-devices.md")):
        lines = (project / "source" / page).read_text(encoding="utf-8").splitlines()
        [(number, text)] = [(n, t) for n, t in enumerate(lines, 1) if f"]({target})]" in t]
        found.append(f"source/{page}:{number}:{text.index('[', 1) + 1}: error: include loop: '{target}' "
                     f"includes this file again; it is left as a link [link.include-loop]")
    return found


def test_an_include_loop_is_a_located_error_and_the_pages_are_still_built(tmp_path, capsys):
    project = _nested_project(tmp_path, '"qps-ploc"')
    _append(project / "source" / MAC, f"\n{BACK}\n")
    expected = _loop_lines(project)
    status, err = _run(project, capsys, "all")
    assert (status, err.splitlines()) == (1, expected)
    english = (project / "out/markdown/en-US" / PAGE).read_text(encoding="utf-8")
    assert english.count("Mac OS X 10.9 and later") == 1 and english.count("To manage Macs") == 1
    # the include that closes the loop shows as a link, rebased to the page's folder, as a missing one
    assert "\n[mdm-supported-devices](../includes/mdm-supported-devices.md)\n" in english
    for page in (DEVICES, MAC):  # the files of the loop are pages too, built the same way
        built = (project / "out/markdown/qps-ploc" / page).read_text(encoding="utf-8")
        assert "[!INCLUDE" not in built
    assert _run(project, capsys, "build") == (1, err)  # up to date: the same lines, the same status
    code, lines = _check_lines(project, capsys)
    assert code == 1
    assert sorted(line for line in lines if "[link.include" in line) == expected


def test_a_fragment_to_a_heading_of_a_nested_include_is_valid_whatever_the_order(tmp_path):
    """The check's anchors of a page are those of every file its build pastes. With a loop,
    a.md's anchors were computed first and left b.md's memo without a.md's heading, which
    b.md's page shows (b.md, then a.md, whose include of b.md closes the loop)."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "a.md").write_text("# From A\n\n[!INCLUDE[b](b.md)]\n", encoding="utf-8")
    (root / "b.md").write_text("# From B\n\n[!INCLUDE[a](a.md)]\n", encoding="utf-8")
    (root / "c.md").write_text("[x](a.md#from-b) [y](b.md#from-a)\n", encoding="utf-8")
    lines = [d.format() for d in scan_site(root, None, {}).diagnostics]
    assert lines == [
        "a.md:3:10: error: include loop: 'b.md' includes this file again; it is left as a link [link.include-loop]",
        "b.md:3:10: error: include loop: 'a.md' includes this file again; it is left as a link [link.include-loop]",
    ]
    (root / "d.md").write_text("[!INCLUDE[d](d.md)]\n", encoding="utf-8")
    assert [d.format() for d in scan_site(root, ["d.md"], {}).diagnostics] == [
        "d.md:1:10: error: include loop: 'd.md' is this file itself; it is left as a link [link.include-loop]"]


def test_a_finding_in_a_built_page_is_traced_to_the_nested_include_it_comes_from(tmp_path, capsys):
    project = tmp_path / "site"
    (project / "source" / "guide").mkdir(parents=True)
    (project / "source/guide/page.md").write_text("# Page\n\n[!INCLUDE[a](a-inc.md)]\n", encoding="utf-8")
    (project / "source/guide/a-inc.md").write_text("Intro.\n\n[!INCLUDE[b](b-inc.md)]\n", encoding="utf-8")
    (project / "source/guide/b-inc.md").write_text("\nSee [the old page](gone.md).\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    assert _run(project, capsys, "all")[0] == 0
    code, lines = _check_lines(project, capsys)
    assert code == 1
    source = "source/guide/b-inc.md:2:5: error: broken link 'gone.md': no such file"
    assert [line for line in lines if line.startswith(source)]
    built = [line for line in lines if line.startswith("out/markdown/en-US/guide/page.md:")]
    assert built and all("(from source/guide/b-inc.md:2:5, which source/guide/page.md includes" in line
                         for line in built)


def test_includes_past_the_limits_are_one_error_at_the_pages_include_in_the_build_and_the_check(tmp_path, capsys):
    """A chain of 15 files (each includes the next) and five files that each include the next
    eight times (8 + 64 + 512 + 4,096 includes): the page shows 10 levels of the chain and
    1,000 includes in all, and the build and the check report each limit once, at the page's
    include, alike."""
    project = tmp_path / "site"
    (project / "source" / "chain").mkdir(parents=True)
    for k in range(1, 15):
        (project / f"source/chain/c{k}.md").write_text(f"Level {k}.\n\n[!INCLUDE[next](c{k + 1}.md)]\n",
                                                        encoding="utf-8")
    (project / "source/chain/c15.md").write_text("Level 15.\n", encoding="utf-8")
    for k in range(1, 5):
        (project / f"source/chain/f{k}.md").write_text(f"F{k}: " + f"[!INCLUDE[f](f{k + 1}.md)] " * 8 + "\n",
                                                        encoding="utf-8")
    (project / "source/chain/f5.md").write_text("leaf\n", encoding="utf-8")
    (project / "source/page.md").write_text("# Page\n\n[!INCLUDE[chain](chain/c1.md)]\n\n"
                                            "[!INCLUDE[fan](chain/f1.md)]\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    status, err = _run(project, capsys, "all")
    assert status == 1
    page_lines = [line for line in err.splitlines() if line.startswith("source/page.md:")]
    assert page_lines == [
        "source/page.md:3:10: error: include not inlined: 'c11.md' in 'chain/c10.md' lies more than 10 levels of "
        "includes below this page; it is left as a link [link.include-limit]",
        "source/page.md:5:10: error: include not inlined: 'f5.md' in 'chain/f4.md' would be include 1001 pasted "
        "into this page; it is left as a link [link.include-limit]",
    ]
    built = (project / "out/markdown/en-US/page.md").read_text(encoding="utf-8")
    assert "Level 10." in built and "Level 11." not in built and "[next](chain/c11.md)" in built
    assert 0 < built.count("leaf") < 4096 and "[f](chain/f5.md)" in built
    pasted = sum(built.count(word) for word in ("Level ", "F2:", "F3:", "F4:", "leaf")) + 1  # + f1
    assert pasted == 1000
    code, lines = _check_lines(project, capsys)
    assert code == 1 and [line for line in lines if line.startswith("source/page.md:")] == page_lines


def test_an_include_shown_in_code_is_text_not_an_include():
    """A page documenting the syntax shows ``[!INCLUDE[..](..)]`` in a code span or a code
    block, and a writer's note may hold one (the corpus's control-what-admins-can-see page):
    the check sees no include there (``linkscan`` masks code and comments), and the build
    pasted the file into the code or the comment, or turned the syntax into ``[name](path)``
    when the file was missing."""
    from pipeline.render import portable_markdown

    body = ("Write `[!INCLUDE[name](inc.md)]` to paste a file:\n\n```markdown\n[!INCLUDE[name](inc.md)]\n```\n\n"
            "    [!INCLUDE[gone](gone.md)]\n\n[!INCLUDE[name](inc.md)] <!-- [!INCLUDE[old](inc.md)] -->\n")
    pasted = {"inc.md": "Pasted."}
    assert portable_markdown(body, "", pasted.get) == (
        "Write `[!INCLUDE[name](inc.md)]` to paste a file:\n\n```markdown\n[!INCLUDE[name](inc.md)]\n```\n\n"
        "    [!INCLUDE[gone](gone.md)]\n\nPasted. <!-- [!INCLUDE[old](inc.md)] -->\n")


def test_alerts_and_div_markers_of_an_included_file_are_made_portable_as_the_pages_own(tmp_path, capsys):
    """The corpus's includes/group-deprecation.md starts with '> [!NOTE]': pasted into a page,
    the Markdown and HTML showed the marker as text, as the page's own alerts are not."""
    corpus = require_shared() / "corpus" / "intune-2016" / "en-us" / "InTuneDocs"
    project = tmp_path / "site"
    page = "DeployUse/ios-device-enrollment-program-in-microsoft-intune.md"
    for name in (page, "includes/group-deprecation.md"):
        (project / "source" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus / name, project / "source" / name)
    text = (project / "source" / page).read_text(encoding="utf-8")
    heading = "## Apple DEP management for iOS devices with Microsoft Intune\n"
    (project / "source" / page).write_text(
        text.replace(heading, "[!INCLUDE[group-deprecation](../includes/group-deprecation.md)]\n\n" + heading, 1),
        encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    assert _run(project, capsys, "all") == (0, "")
    for locale, label in (("en-US", "Note"), ("fr-FR", "Remarque")):
        built = (project / "out/markdown" / locale / page).read_text(encoding="utf-8")
        assert f"> **{label}**\n> Starting in August, device group management" in built
        assert "[!NOTE]" not in built
        html = (project / "out/html" / locale / page.replace(".md", ".html")).read_text(encoding="utf-8")
        assert f"<strong>{label}</strong>" in html and "[!NOTE]" not in html


def test_a_check_that_reuses_stored_results_follows_edits_of_nested_includes(tmp_path, capsys):
    """The loop findings of a page and the ids of a page depend on files two levels down:
    a check after each edit reports what a check from scratch (``--no-cache``) does."""
    project = _nested_project(tmp_path)
    mac = project / "source" / MAC
    assert _run(project, capsys, "all")[0] == 0

    def same_as_from_scratch() -> list[str]:
        code, lines = _check_lines(project, capsys)
        capsys.readouterr()
        assert main(["-C", str(project), "check", "--no-cache"]) == code
        assert capsys.readouterr().out.splitlines() == lines
        return lines

    assert not [line for line in same_as_from_scratch() if "#macs" in line or "[link.include" in line]
    mac.write_text(MAC_TEXT + f"\n{BACK}\n", encoding="utf-8")  # a loop through the second level
    assert len([line for line in same_as_from_scratch() if "[link.include-loop]" in line]) == 2
    mac.write_text(MAC_TEXT.replace("## Macs", "## Mac computers"), encoding="utf-8")  # the loop gone, the id too
    lines = same_as_from_scratch()
    assert not [line for line in lines if "[link.include" in line]
    assert [line for line in lines if "no anchor '#macs'" in line]


def _same_as_clean(project: Path, tmp_path: Path, capsys, *args: str) -> None:
    """``project``'s outputs are those a clean build (with ``args``) of a copy writes."""
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("out"))
    main(["-C", str(clean), "build", *args])
    capsys.readouterr()
    built = {p.relative_to(project / "out").as_posix(): p.read_bytes()
             for p in (project / "out").rglob("*") if p.is_file() and ".cache" not in p.parts}
    fresh = {p.relative_to(clean / "out").as_posix(): p.read_bytes()
             for p in (clean / "out").rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert built.keys() == fresh.keys()
    assert [name for name in built if built[name] != fresh[name]] == []


def test_an_include_left_as_a_link_follows_the_pages_that_exist(tmp_path, capsys):
    """An include the build does not paste (its file missing in that letter case) is a link,
    whose built form takes the page found: adding 'inc/foo.md' under 'inc/Foo.md' left the
    page linking 'inc/Foo.html' (an [!INCLUDE] was taken for no link at all)."""
    project = tmp_path / "site"
    (project / "source" / "inc").mkdir(parents=True)
    (project / "source" / "page.md").write_text("# Page\n\n[!INCLUDE[x](inc/Foo.md)]\n", encoding="utf-8")
    (project / "source" / "other.md").write_text("# Other\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    main(["-C", str(project), "build"])
    (project / "source" / "inc" / "foo.md").write_text("# Foo\n", encoding="utf-8")
    main(["-C", str(project), "build"])
    _same_as_clean(project, tmp_path, capsys)


def test_an_include_loop_left_as_a_link_follows_its_files_publication(tmp_path, capsys):
    """A loop leaves the page's include as a link to 'inc/a.md': a docfx.json that stops
    publishing 'inc/' made that link keep its '.html', to a page the same build removed."""
    project = tmp_path / "site"
    (project / "source" / "inc").mkdir(parents=True)
    (project / "source" / "page.md").write_text("# Page\n\n[!INCLUDE[a](inc/a.md)]\n", encoding="utf-8")
    (project / "source" / "inc" / "a.md").write_text("A\n\n[!INCLUDE[b](b.md)]\n", encoding="utf-8")
    (project / "source" / "inc" / "b.md").write_text("B\n\n[!INCLUDE[a](a.md)]\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    main(["-C", str(project), "build"])
    (project / "source" / "docfx.json").write_text(
        '{"build": {"content": [{"files": ["**/*.md"], "exclude": ["inc/**"]}]}}', encoding="utf-8")
    main(["-C", str(project), "build"])
    _same_as_clean(project, tmp_path, capsys)


@pytest.mark.parametrize("written", ["B.md", "b", "%62.md", "~/inc/b.md"])
def test_the_check_walks_the_includes_the_build_pastes_and_no_other(tmp_path, capsys, written):
    """'inc/a.md' includes b by a link's ways only (letter case, no extension, %xx, ~/) and
    'inc/b.md' includes a: the build pastes no b, so there is no loop; the check found one."""
    project = tmp_path / "site"
    (project / "source" / "inc").mkdir(parents=True)
    (project / "source" / "docfx.json").write_text("{}", encoding="utf-8")
    (project / "source" / "page.md").write_text("# Page\n\n[!INCLUDE[a](inc/a.md)]\n", encoding="utf-8")
    (project / "source" / "inc" / "a.md").write_text(f"A\n\n[!INCLUDE[b]({written})]\n", encoding="utf-8")
    (project / "source" / "inc" / "b.md").write_text("B\n\n[!INCLUDE[a](a.md)]\n", encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    main(["-C", str(project), "build"])
    built = [line for line in capsys.readouterr().err.splitlines() if "include-loop" in line]
    main(["-C", str(project), "check", "--no-outputs"])
    checked = [line for line in capsys.readouterr().out.splitlines() if "include-loop" in line]  # the report
    assert checked == built == [], (checked, built)


def test_a_page_made_of_translated_includes_is_not_marked_as_in_the_source_language(tmp_path):
    """'accessibility-products-and-services-from-microsoft.md' is a heading and 23 includes: with
    the real fr-FR translations, its own heading is not translated but every include is, and
    its HTML marked the whole French article lang="en-US" (screen readers read it as English)."""
    import lxml.html

    from .test_includepages import PAGE as page, _project

    project = _project(tmp_path)  # the corpus has no French copy of the page itself
    main(["-C", str(project), "build"])
    html = lxml.html.fromstring((project / "out/html/fr-FR" / (page[:-3] + ".html")).read_bytes())
    article = html.find(".//article")
    assert article is not None and article.get("lang") != "en-US"
    assert "Microsoft" in article.text_content() and html.get("lang") == "fr-FR"


def test_an_include_on_its_own_line_in_a_list_item_stays_in_the_item(tmp_path):
    """'- Item:' then '  [!INCLUDE[t](includes/t.md)]': the pasted file's lines after its first
    were written at column 0, so a table in it and the note after it left the list item in
    the HTML, and a GFM reader of the portable Markdown saw no table there (review)."""
    import lxml.html

    project = tmp_path / "site"
    (project / "source" / "includes").mkdir(parents=True)
    (project / "source" / "includes" / "t.md").write_text(
        "|Setting|Details|\n    |---|---|---|\n|a|b|\nA note.\n", encoding="utf-8")
    (project / "source" / "p.md").write_text("# P\n\n- Item:\n\n  [!INCLUDE[t](includes/t.md)]\n", encoding="utf-8")
    (project / "source" / "docfx.json").write_text(
        '{"build": {"content": [{"files": ["**/*.md"], "exclude": ["includes/**"]}]}}', encoding="utf-8")
    (project / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")
    assert main(["-C", str(project), "build"]) == 0
    item = lxml.html.fromstring((project / "out/html/en-US/p.html").read_bytes()).find(".//main//li")
    assert item is not None and item.find(".//table") is not None and "A note." in item.text_content()
    markdown = (project / "out/markdown/en-US/p.md").read_text(encoding="utf-8")
    assert "\n  |---|---|\n  |a|b|\n" in markdown, markdown


def test_a_built_page_takes_the_ids_of_a_pasted_file_that_is_no_page_from_the_source(tmp_path, capsys):
    """The original-format output keeps '[!INCLUDE[note](note.inc)]' for the docs platform to
    paste; a file that is no page is not built but resolves against the source tree (as an
    image does), so its headings are the page's anchors there too: the check reported
    '#part' missing in out/frontmatter/*/a.md, where the source check found it."""
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["fr-FR"]\n', encoding="utf-8")
    (project / "source" / "note.inc").write_text("## Part\n", encoding="utf-8")
    (project / "source" / "a.md").write_text("# A\n\n[!INCLUDE[note](note.inc)]\n\n[here](#part)\n", encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    capsys.readouterr()
    assert main(["-C", str(project), "check"]) == 0, capsys.readouterr().out
    (project / "source" / "note.inc").write_text("## Other\n", encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    capsys.readouterr()
    assert main(["-C", str(project), "check"]) == 1
    out = capsys.readouterr().out
    # one finding: the outputs' are the source's (reported at the source line once)
    assert out.count("no anchor '#part' in this page") == 1 and out.startswith("source/a.md:5:1: error"), out
    assert main(["-C", str(project), "check", "--no-cache"]) == 1 and capsys.readouterr().out == out
