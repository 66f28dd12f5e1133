"""``pipeline check`` on unchanged files replays the stored report (``pipeline.runrecord``):
the same output and exit status, no checking; any change to what the check reads, to the
command line or to our code runs the check again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import checking, checkcommand, reports, runrecord
from pipeline.cli import main

from .conftest import REPO, SEED_NAME

SEED_STEM = SEED_NAME[:-3]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    project = tmp_path / "site"
    (project / "source" / "media").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.pipeline]\nsource_locale = "en-US"\n', encoding="utf-8")
    (project / "source" / "a.md").write_text("# A\n\n[b](b.md#part) ![shot](media/shot.png)\n", encoding="utf-8")
    (project / "source" / "b.md").write_text("# B\n\n## Part\n", encoding="utf-8")
    return project


def run(project: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["-C", str(project), "check", "--no-outputs", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def counted(monkeypatch) -> list[int]:
    """How many real checks ran (a replay does not call ``checking.run_check``)."""
    calls: list[int] = []
    real = checking.run_check

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(checking, "run_check", counting)
    return calls


def test_an_unchanged_site_replays_the_same_report_and_status(site, capsys, counted):
    first = run(site, capsys)
    assert first[0] == 1 and "broken link 'media/shot.png': no such file" in first[1]
    assert run(site, capsys) == first
    assert run(site, capsys, "--format", "json")[0] == 1  # another command line: checked
    assert len(counted) == 2
    (site / "source" / "b.md").write_text("# B\n\n## Part\n", encoding="utf-8")  # touched, same bytes
    assert run(site, capsys) == first and len(counted) == 2


def test_what_the_check_reads_decides_a_rerun(site, capsys, counted):
    run(site, capsys)
    (site / "source" / "b.md").write_text("# B\n\n## Other\n", encoding="utf-8")  # a page's text
    code, out, _ = run(site, capsys)
    assert "no anchor '#part' in 'b.md'" in out and len(counted) == 2
    (site / "source" / "media" / "shot.png").write_bytes(b"\x89PNG")  # an image appears: by name
    code, out, _ = run(site, capsys)
    assert "shot.png" not in out and len(counted) == 3
    (site / "source" / "media" / "shot.png").write_bytes(b"\x89PNG and more")  # its bytes do not count
    assert run(site, capsys)[1] == out and len(counted) == 3


def test_options_that_list_write_or_skip_the_cache_always_check(site, capsys, counted):
    run(site, capsys)
    run(site, capsys, "-v")
    run(site, capsys, "--no-cache")
    run(site, capsys, "--no-cache")
    assert len(counted) == 4


def test_a_replay_writes_the_output_file_again(site, capsys, counted):
    report = site / "report.xml"
    first = run(site, capsys, "--format", "junit", "-o", str(report))
    text = report.read_text(encoding="utf-8")
    report.unlink()
    assert run(site, capsys, "--format", "junit", "-o", str(report)) == first
    assert report.read_text(encoding="utf-8") == text and len(counted) == 1


def test_a_replay_that_cannot_write_the_output_file_says_so_as_a_check_does(site, capsys, counted):
    report = site / "report.txt"
    run(site, capsys, "-o", str(report))
    run(site, capsys, "-o", str(report))
    report.unlink()
    report.mkdir()  # a folder where the report goes
    code, out, err = run(site, capsys, "-o", str(report))
    assert (code, out) == (2, "")
    assert err == f"{report}:1:1: error: cannot write: Is a directory [io.write]\n" and len(counted) == 1


def test_an_edited_checkout_does_not_replay_what_older_code_wrote(site, capsys, counted, monkeypatch):
    run(site, capsys)
    monkeypatch.setattr(checkcommand, "code_stamp", lambda: "another build of pipeline")
    run(site, capsys)
    assert len(counted) == 2


def test_a_broken_record_file_is_an_empty_one(site, capsys, counted):
    first = run(site, capsys)
    records = site / "out" / ".cache" / checkcommand.RECORD_FILE
    junks = ("{", '{"format": 3, "runs": {"x": 1}, "launches": {}}', json.dumps({"format": 3, "runs": [], "launches": {}}),
             json.dumps({"format": 2, "runs": {}, "launches": {}}))
    for junk in junks:
        records.write_text(junk, encoding="utf-8")
        assert run(site, capsys) == first
    assert len(counted) == 5
    stored = json.loads(records.read_text(encoding="utf-8"))
    assert stored["format"] == runrecord.RECORD_FORMAT and len(stored["runs"]) == 1 and len(stored["launches"]) == 1
    (launch,) = stored["launches"].values()
    for junk in ({"parts": 1}, {**launch, "folders": [[1, []]]}, {**launch, "output": 3}, "x"):
        records.write_text(json.dumps({**stored, "launches": {k: junk for k in stored["launches"]}}), encoding="utf-8")
        assert run(site, capsys) == first  # the run itself is still found by its fingerprint
    assert len(counted) == 5


def test_an_unknown_locale_is_still_an_error_when_nothing_is_stored(site, capsys):
    (site / "pyproject.toml").write_text('[tool.pipeline]\ntarget_locales = ["xx-QQ"]\n', encoding="utf-8")
    code, _, err = run(site, capsys)
    assert code == 2 and err == "pyproject.toml:2:1: error: unknown locale 'xx-QQ' [config.locale]\n"


def test_the_report_formats_offered_are_the_ones_written():
    assert checkcommand.REPORT_FORMATS == reports.FORMATS


def test_locales_are_checked_as_by_every_other_command_with_or_without_locale_options(site, capsys):
    (site / "pyproject.toml").write_text('[tool.pipeline]\ntarget_locales = ["de-DE", "xx-QQ"]\n', encoding="utf-8")
    for extra in ((), ("--locale", "de-DE")):
        code = main(["-C", str(site), "check", *extra])
        assert (code, capsys.readouterr().err) == (2, "pyproject.toml:2:1: error: unknown locale 'xx-QQ' [config.locale]\n")
        assert main(["-C", str(site), "build", *extra]) == 2
        assert capsys.readouterr().err == "pyproject.toml:2:1: error: unknown locale 'xx-QQ' [config.locale]\n"
    (site / "pyproject.toml").write_text('[tool.pipeline]\ntarget_locales = ["de-DE"]\n', encoding="utf-8")
    assert main(["-C", str(site), "check", "--locale", "yy-ZZ"]) == 2
    assert capsys.readouterr().err == "<command line>:1:1: error: unknown locale 'yy-ZZ' [config.locale]\n"


def test_the_same_command_line_replays_before_the_settings_or_options_are_parsed(site, capsys, tmp_path):
    """``make check`` typed again: the stored run is found from the command line as typed and
    the settings files' bytes, so neither argparse's parse nor TOML nor the checkers run."""
    first = run(site, capsys)
    script = ("import sys; from pipeline.cli import main; status = main(sys.argv[1:]); "
              "loaded = [m for m in ('pipeline.config', 'tomllib', 'pipeline.checking', 'hashlib') if m in sys.modules]; "
              "print(status, loaded, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script, "-C", str(site), "check", "--no-outputs"],
                          capture_output=True, text=True, check=False)
    assert done.stdout == first[1]
    assert done.stderr == first[2] + "1 []\n"


def test_a_launch_is_what_was_typed_where_it_was_typed(site, capsys, counted, monkeypatch):
    first = run(site, capsys)
    monkeypatch.chdir(site)
    assert run(site, capsys) == first and len(counted) == 2  # typed elsewhere: a run of its own
    assert main(["check", "--no-outputs"]) == 1  # the same project typed otherwise: another run
    assert capsys.readouterr().out == first[1] and len(counted) == 3
    records = json.loads((site / "out" / ".cache" / checkcommand.RECORD_FILE).read_text(encoding="utf-8"))
    assert len(records["runs"]) == 3 and len(records["launches"]) == 3

    def no_settings(*args, **kwargs):
        raise AssertionError("settings parsed")

    monkeypatch.setattr("pipeline.config.load_settings", no_settings)
    assert run(site, capsys) == first
    assert main(["check", "--no-outputs"]) == 1 and capsys.readouterr().out == first[1]


def test_a_change_to_the_settings_files_is_seen_by_the_next_launch(site, capsys, counted):
    run(site, capsys)
    settings = site / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    run(site, capsys)
    assert len(counted) == 1  # the launch missed, the settings are the same: replayed by fingerprint
    settings.write_text(settings.read_text(encoding="utf-8") + 'out = "build"\n', encoding="utf-8")
    code, out, _ = run(site, capsys)
    assert len(counted) == 2 and (site / "build" / ".cache" / checkcommand.RECORD_FILE).is_file()
    code, out, _ = run(site, capsys)  # the record is in build/, where no launch is looked for
    assert len(counted) == 2 and "shot.png" in out
    (site / "pipeline.toml").write_text('source_locale = "en-US"\n', encoding="utf-8")  # read before pyproject
    assert run(site, capsys)[1] == out and len(counted) == 3  # its settings (out/ again): checked
    assert run(site, capsys)[1] == out and len(counted) == 3
    (site / "source" / "media" / "shot.png").write_bytes(b"")
    code, out, _ = run(site, capsys)
    assert code == 0 and "shot.png" not in out and len(counted) == 4


def test_a_re_pointed_link_in_the_settings_is_seen_by_the_next_launch(site, capsys, counted, monkeypatch):
    """The settings files say `source = "docs"`, unchanged; `docs` now links to another folder."""
    (site / "pyproject.toml").write_text('[tool.pipeline]\nsource = "docs"\n', encoding="utf-8")
    (site / "docs").symlink_to(site / "source")
    first = run(site, capsys)
    assert run(site, capsys) == first and len(counted) == 1
    other = site / "other"
    other.mkdir()
    (other / "a.md").write_text("# A\n", encoding="utf-8")
    (site / "docs").unlink()
    (site / "docs").symlink_to(other)
    code, out, _ = run(site, capsys)
    assert (code, out) == (0, "") and len(counted) == 2


def test_a_launch_that_finds_the_files_changed_hands_its_fingerprint_to_the_check(site, capsys, counted, monkeypatch):
    run(site, capsys)
    walks: list[int] = []
    real = checkcommand.tree_state

    def counting(parts, folders, files, contents=None):
        walks.append(1)
        return real(parts, folders, files, contents)

    monkeypatch.setattr(checkcommand, "tree_state", counting)
    (site / "source" / "b.md").write_text("# B\n", encoding="utf-8")
    code, out, _ = run(site, capsys)
    assert "no anchor '#part' in 'b.md'" in out and len(counted) == 2 and len(walks) == 1
    assert run(site, capsys)[1] == out and len(counted) == 2  # and the run it made is stored under it


def test_an_edit_that_moves_no_link_replays_before_anything_is_parsed(site, capsys, counted):
    """A sentence edited, a comment added: the page's links, anchors and headings scan the
    same, at the same lines and columns, so a check of the sources alone reports the same."""
    first = run(site, capsys)
    page = site / "source" / "a.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore prose, no link. <!-- note -->\n", encoding="utf-8")
    script = ("import sys; from pipeline.cli import main; status = main(sys.argv[1:]); "
              "loaded = [m for m in ('pipeline.config', 'tomllib', 'pipeline.checking', 'pipeline.links') if m in sys.modules]; "
              "print(status, loaded, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script, "-C", str(site), "check", "--no-outputs"],
                          capture_output=True, text=True, check=False)
    assert done.stdout == first[1] and done.stderr == first[2] + "1 []\n"
    assert run(site, capsys) == first and len(counted) == 1  # the new texts' run was stored
    page.write_text("# A\n\n[b](b.md#part) ![shot](media/shot.png) edited after the links\n", encoding="utf-8")
    assert run(site, capsys) == first and len(counted) == 1


def test_an_edit_that_moves_links_replays_the_findings_at_their_new_places(site, capsys, counted):
    """A line added above a page's links: the same findings, moved with the links, in the
    order and with the baseline a check from scratch gives them, before anything is parsed."""
    page = site / "source" / "a.md"
    page.write_text("# A\n\n[b](b.md#part) ![shot](media/shot.png)\n\n[gone](gone.md) [again](gone.md)\n",
                    encoding="utf-8")
    assert run(site, capsys, "--update-baseline")[0] == 0  # two findings alike: known by their order
    baseline = json.loads((site / "check-baseline.json").read_text(encoding="utf-8"))
    baseline["findings"] = [f for f in baseline["findings"] if f["occurrence"] == 0]
    (site / "check-baseline.json").write_text(json.dumps(baseline), encoding="utf-8")
    (site / "pyproject.toml").write_text(
        '[tool.pipeline]\nsource_locale = "en-US"\nbaseline = "check-baseline.json"\n', encoding="utf-8")
    for fmt in ("text", "json", "junit", "github"):
        run(site, capsys, "--format", fmt)
    checks = len(counted)
    edits = [lambda text: "Intro.\n\n" + text,  # every link moves down
             lambda text: text.replace("![shot]", "\n![shot]"),  # one moves to the next line
             lambda text: text.replace("\n\n[gone]", "\n [gone]")]  # two move up a line and right
    for edit in edits:
        page.write_text(edit(page.read_text(encoding="utf-8")), encoding="utf-8")
        script = ("import sys; from pipeline.cli import main; status = main(sys.argv[1:]); "
                  "loaded = [m for m in ('pipeline.config', 'tomllib', 'pipeline.checking', 'pipeline.links', "
                  "'dataclasses') if m in sys.modules]; print(status, loaded, file=sys.stderr)")
        for fmt in ("text", "json", "junit", "github"):
            done = subprocess.run([sys.executable, "-c", script, "-C", str(site), "check", "--no-outputs", "--format",
                                   fmt], capture_output=True, text=True, check=False)
            fresh = run(site, capsys, "--format", fmt, "--no-cache")
            assert (done.stdout, done.stderr) == (fresh[1], fresh[2] + "1 []\n"), fmt
            assert "(known error)" in fresh[1] or fmt != "text"
    assert len(counted) == checks + 12  # the --no-cache runs only
    assert fresh[1].splitlines()[1:] == [  # the github format came last
        "::notice file=source/a.md,line=7,col=2,title=[link.missing-file]::broken link 'gone.md': no such file "
        "(known error, in the baseline)",
        "::error file=source/a.md,line=7,col=18,title=[link.missing-file]::broken link 'gone.md': no such file"]


def test_an_edit_to_a_link_an_anchor_or_a_page_is_checked(site, capsys, counted):
    first = run(site, capsys)
    page = site / "source" / "a.md"
    page.write_text("Intro.\n\n" + page.read_text(encoding="utf-8"), encoding="utf-8")  # the links move down
    code, out, _ = run(site, capsys)
    assert len(counted) == 1 and out == first[1].replace("a.md:3:", "a.md:5:") and out != first[1]
    (site / "source" / "b.md").write_text("# B\n\n## Other\n", encoding="utf-8")  # an anchor goes
    code, out, _ = run(site, capsys)
    assert len(counted) == 2 and "no anchor '#part' in 'b.md'" in out
    page.write_text("Intro.\n\n# A\n\n[b](b.md#other) ![shot](media/shot.png)\n", encoding="utf-8")  # a link changes
    code, out, _ = run(site, capsys)  # made again from that page's links (``checkrelink``)
    assert len(counted) == 2 and "#part" not in out and "#other" not in out
    assert (code, out) == run(site, capsys, "--no-cache")[:2] and len(counted) == 3
    page.write_text("Intro.\n\n# A\n\n![shot](media/shot.png) [b](b.md#other)\n", encoding="utf-8")  # links swap
    code, out, _ = run(site, capsys)
    assert len(counted) == 3 and "a.md:5:2: error: broken link 'media/shot.png'" in out
    page.write_text("Intro.\n\n# A, renamed\n\n![shot](media/shot.png) [b](b.md#other)\n", encoding="utf-8")
    run(site, capsys)  # a heading of the page changed: another page's fragment may have used it
    assert len(counted) == 4
    (site / "source" / "c.md").write_text("# C\n", encoding="utf-8")  # a page appears
    run(site, capsys)
    assert len(counted) == 5
    page.write_bytes(page.read_bytes() + b"\nLatin-1 \xe9\n")  # not UTF-8: the check reads it its way
    run(site, capsys)
    assert len(counted) == 6


def test_a_check_that_reads_more_than_the_scans_is_run_again_after_any_edit(site, capsys, counted):
    """With a target locale the check parses each page for its catalog (a sentence is a
    message); with outputs it reads the built pages: an edited page is checked again."""
    settings = site / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + 'target_locales = ["fr-FR"]\n', encoding="utf-8")
    run(site, capsys)
    page = site / "source" / "a.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore prose.\n", encoding="utf-8")
    run(site, capsys)
    assert len(counted) == 2
    main(["-C", str(site), "check"])
    page.write_text(page.read_text(encoding="utf-8") + "\nEven more prose.\n", encoding="utf-8")
    main(["-C", str(site), "check"])
    capsys.readouterr()
    assert len(counted) == 4


def test_moved_findings_are_sorted_and_known_again_by_their_order():
    """``checkmoves.moved_report`` on its own: two findings alike (same page, code and target),
    the first known by the baseline; once moved so that the second comes first, the known one
    is the first again, as a check from scratch keys them (``reports.finding_keys``)."""
    from pipeline.checkmoves import moved_report

    def item(line: int, column: int, known: bool, index: int) -> list:
        return ["a.md", line, column, "error", "broken link 'x.md': no such file", "link.missing-file", "x.md", known,
                "a.md", [index]]

    moves = {"format": "text", "strict": False, "checked": [], "findings": [item(3, 1, True, 0), item(3, 9, False, 1)]}
    report, stored = moved_report(moves, {"a.md": [(7, 9), (5, 1)]})
    assert report.splitlines() == [
        "a.md:5:1: note: broken link 'x.md': no such file [link.missing-file] (known error)",
        "a.md:7:9: error: broken link 'x.md': no such file [link.missing-file]"]
    assert [f[1:3] + f[7:] for f in stored["findings"]] == [[5, 1, True, "a.md", [1]], [7, 9, False, "a.md", [0]]]
    assert moved_report(moves, {"a.md": [(7, 9)]}) is None  # a place gone: not certain
    moves["findings"][0][-1] = []  # a finding at no link
    assert moved_report(moves, {"a.md": [(7, 9), (5, 1)]}) is None
    assert moved_report(moves, {"b.md": [(1, 1)]})[0].splitlines() == [  # another page moved: as stored
        line.replace(":5:1:", ":3:1:").replace(":7:9:", ":3:9:") for line in report.splitlines()]


def test_a_file_unchanged_since_the_last_run_is_not_read_again_and_a_written_one_always_is(site, capsys, counted,
                                                                                            monkeypatch):
    """``runrecord.Contents``: a file whose size, inode, modification and change times are
    those of the last run is not read; a write changes its change time, which no tool can
    set back, even when size and modification time are kept. A file written less than
    ``SETTLE_NS`` before a run is not trusted to its signature (git's racy rule)."""
    kept = site / "out" / ".cache" / "check-contents.json"
    first = run(site, capsys)
    assert not kept.exists()  # the pages were written just now: not settled, nothing to keep
    monkeypatch.setattr(runrecord, "SETTLE_NS", -10**12)  # as if they had been written long ago
    assert run(site, capsys) == first
    stored = json.loads(kept.read_text(encoding="utf-8"))["files"]
    assert {Path(path).name for path in stored} >= {"a.md", "b.md"}
    reads: list[str] = []
    real = runrecord.read_bytes

    def reading(path):
        reads.append(str(path))
        return real(path)

    monkeypatch.setattr(runrecord, "read_bytes", reading)
    assert run(site, capsys) == first and len(counted) == 1
    assert not [path for path in reads if path.endswith(".md")]  # nothing changed: no page read
    page = site / "source" / "b.md"
    info = page.stat()
    page.write_text("# B\n\n## Tart\n", encoding="utf-8")  # the same size...
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))  # ...and modification time
    assert (page.stat().st_size, page.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    code, out, _ = run(site, capsys)
    assert len(counted) == 2 and "no anchor '#part' in 'b.md'" in out
    assert [Path(path).name for path in reads if path.endswith(".md")] == ["b.md"]


def test_the_files_known_to_another_command_line_are_kept(tmp_path):
    """``runrecord.store_contents``: a run that reads fewer trees (``--no-outputs``) keeps
    what ``make check`` learnt of the others, so the two do not undo each other."""
    record = str(tmp_path / "check-runs.json")
    entry = [1, 2, 3, 4, "d" * 32]
    built = {f"/site/out/{n}.html": entry for n in range(5000)}  # far more than this run reads
    contents = runrecord.Contents({**built, "/site/source/a.md": entry})
    contents["/site/source/a.md"] = "e" * 32  # asked this run, changed since: read again, not settled
    runrecord.store_contents(record, contents)
    assert runrecord.load_contents(record).known == built


def test_a_check_with_the_project_given_after_the_command_is_no_launch_to_replay(tmp_path):
    """``pipeline check -C docs``: the launch key read the working folder's settings files, not
    docs/'s, so an edit of docs/pipeline.toml could replay the report made before it."""
    from pipeline.checkcommand import launch_key

    assert launch_key(["-C", str(tmp_path), "check"]) is not None
    for argv in (["check", "-C", str(tmp_path)], ["check", "--out", "o"], ["check", "--source=src"],
                 ["check", f"-C{tmp_path}"]):
        assert launch_key(argv) is None, argv


def test_the_project_options_the_replay_knows_are_the_parsers():
    """``launch_key`` names the options of the project and its folders without loading argparse."""
    from pipeline.cliparser import make_parser

    check = make_parser()._subparsers._group_actions[0].choices["check"]
    assert set(checkcommand.PROJECT_OPTIONS) == {option for action in check._actions for option in action.option_strings
                                                 if action.dest in ("directory", "source", "locales", "templates", "out",
                                                                    "source_locale")}


def test_an_edit_that_changes_links_is_checked_for_that_page_alone(tmp_path, capsys, counted):
    """Links added, removed and changed on one page, its ids and includes kept: the report
    is made again from that page's links (``pipeline.checkrelink``), without parsing the
    settings or checking the other pages, and equals a check from scratch in every format,
    with the baseline (an entry that goes stale, then is known again), the site map, the
    redirects, another page's anchors and the page's own."""
    project = tmp_path / "site"
    source = project / "source"
    (source / "guide" / "includes").mkdir(parents=True)
    (source / "media").mkdir()
    (source / "media" / "shot.png").write_bytes(b"png")
    (project / "pyproject.toml").write_text(
        '[tool.pipeline]\nsource_locale = "en-US"\nbaseline = "check-baseline.json"\n'
        '[tool.pipeline.site_map]\n"/docs" = ""\n', encoding="utf-8")
    (source / ".openpublishing.redirection.json").write_text(json.dumps(
        {"redirections": [{"source_path": "guide/old.md", "redirect_url": "/docs/guide/b"}]}), encoding="utf-8")
    (source / "guide" / "b.md").write_text("# B\n\n## Part\n\n## Windows Phone 8.1\n\n[a](../a.md#a)\n",
                                           encoding="utf-8")
    (source / "guide" / "includes" / "inc.md").write_text('<a name="pasted"></a>Pasted.\n', encoding="utf-8")
    head = "# A\n\n[!INCLUDE [inc](guide/includes/inc.md)]\n\n"
    page = source / "a.md"
    page.write_text(head + "[gone](gone.md) [b](guide/b.md#part)\n", encoding="utf-8")
    assert run(project, capsys, "--update-baseline")[0] == 0  # 'gone.md' is known
    variants = [("--format", fmt) for fmt in ("text", "json", "junit", "github")] + [("--strict",)]
    for variant in variants:
        run(project, capsys, *variant)
    checks = len(counted)
    bodies = [
        "[b](guide/b.md#part) [more](guide/bb.md)\n",  # the known link goes: its entry is stale; a hint
        "[gone](gone.md) [nopart](guide/b.md#prat) [legacy](guide/b.md#windows-phone-8-1) [case](guide/b.md#Part)\n",
        "[root](/docs/guide/b#part) [lost](/docs/guide/zzz) [other](/elsewhere/x) [old](guide/old.md)\n",
        "[gone](gone.md) [self](#a) [pasted](#pasted) [nothing](#nothing) [gone](gone.md) ![shot](media/shot.png)\n",
        "[tilde](~/guide/b.md) [back](guide\\b.md) [c](g(1.md) ![lost](media/lost.png) [upper](GUIDE/B.md)\n",
        "",  # no link left
    ]
    script = ("import sys; from pipeline.cli import main; status = main(sys.argv[1:]); "
              "loaded = [m for m in ('pipeline.config', 'tomllib', 'pipeline.checking', 'dataclasses') "
              "if m in sys.modules]; print(status, loaded, file=sys.stderr)")
    seen = set()
    for body in bodies:
        page.write_text(head + body, encoding="utf-8")
        for variant in variants:
            done = subprocess.run([sys.executable, "-c", script, "-C", str(project), "check", "--no-outputs",
                                   *variant], capture_output=True, text=True, check=False)
            fresh = run(project, capsys, *variant, "--no-cache")
            assert (done.stdout, done.stderr) == (fresh[1], fresh[2] + f"{fresh[0]} []\n"), (body, variant)
            seen.add((variant, fresh[1], fresh[2]))
    assert len(counted) == checks + len(variants) * len(bodies)  # the --no-cache runs only
    assert len(seen) == len(variants) * len(bodies)  # each edit changed the report
    assert any("--strict: warnings fail" in err for variant, _, err in seen)
    reports = "".join(report for variant, report, _ in seen if variant == ("--format", "text"))
    for code in ("missing-file", "missing-anchor", "anchor-slug", "case-mismatch", "redirected", "windows-separator",
                 "malformed"):
        assert f"[link.{code}]" in reports, code
    assert "did you mean 'guide/b.md'?" in reports and "(known error)" in reports
    text = run(project, capsys, "--no-cache")
    assert "1 baseline entry no longer found" in text[2]  # the last body dropped the known link
    page.write_text(head.replace("inc.md", "other.md") + "[b](guide/b.md#part)\n", encoding="utf-8")
    assert run(project, capsys) == run(project, capsys, "--no-cache")  # an include changed: checked
    assert len(counted) == checks + len(variants) * len(bodies) + 3


def test_an_edit_that_changes_a_pages_ids_checks_the_pages_that_link_to_them(site, capsys, counted):
    """A heading another page's fragment uses, renamed together with a link of its page: the
    other page's finding changes, so the site is checked."""
    run(site, capsys)
    (site / "source" / "b.md").write_text("# B\n\n## Other\n\n[a](a.md)\n", encoding="utf-8")
    code, out, _ = run(site, capsys)
    assert len(counted) == 2 and "no anchor '#part' in 'b.md'" in out
    assert (code, out) == run(site, capsys, "--no-cache")[:2]


def test_the_site_data_of_the_last_command_lines_is_kept(site, capsys):
    """One ``check-relink-*.json`` per command line, as many as the launches kept."""
    from pipeline import checkrelink

    def stored(index: int) -> bool:
        key = checkcommand.launch_key(["-C", str(site), "check", "--no-outputs", "--site-map", f"/docs{index}=."])[1]
        return (site / "out" / ".cache" / f"check-relink-{key[:32]}.json").is_file()

    for index in range(checkrelink.KEEP + 3):
        run(site, capsys, "--site-map", f"/docs{index}=.")
    assert [index for index in range(checkrelink.KEEP + 3) if stored(index)] == list(range(3, checkrelink.KEEP + 3))
    for index in (3, 99):  # the oldest checked again (the same site data), then a new one: the next oldest goes
        (site / "source" / "b.md").write_text(f"# B\n\n## Part {index}\n", encoding="utf-8")  # a heading: checked
        run(site, capsys, "--site-map", f"/docs{index}=.")
    assert stored(3) and stored(99) and not stored(4) and stored(5)
    assert len(list((site / "out" / ".cache").glob("check-relink-*.json"))) == checkrelink.KEEP


@pytest.mark.parametrize("name", ["note.inc", "note.style", "NOTE"])
def test_an_included_file_of_any_name_is_read_for_the_fingerprint(site, capsys, counted, name):
    """A page may paste a file of any name ([!INCLUDE] takes no extension rule), and the
    check takes the ids of what it pastes; files whose name ended otherwise than in .md,
    .txt, .json... counted by name only, so a heading renamed in such a file left the stored
    report replayed: a link to the old heading's anchor went unreported."""
    (site / "source" / name).write_text("## Part\n", encoding="utf-8")
    (site / "source" / "a.md").write_text(f"# A\n\n[!INCLUDE[note]({name})]\n\n[here](#part)\n", encoding="utf-8")
    assert run(site, capsys)[0] == 0
    (site / "source" / name).write_text("## Other\n", encoding="utf-8")
    code, out, _ = run(site, capsys)
    assert code == 1 and "no anchor '#part' in this page" in out and len(counted) == 2
    assert (code, out) == run(site, capsys, "--no-cache")[:2]


def test_a_folder_replaced_by_a_file_is_no_missing_folder(tmp_path, capsys, counted):
    """Review of 2026-11-27: a top-level folder that was missing, then a file, fingerprinted
    the same ('missing' for any error listing it), so the stored run (a warning, exit 0) was
    replayed where the check stops with 'not a folder' (exit 2)."""
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["de-DE"]\n', encoding="utf-8")
    (project / "source" / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    first = run(project, capsys)
    assert first[0] == 0 and "[config.locales]" in first[1]
    (project / "locales").write_text("not a folder\n", encoding="utf-8")
    second = run(project, capsys)
    assert second[0] == 2 and "is not a folder" in second[2]
    assert second == run(project, capsys, "--no-cache")


def test_a_file_argument_through_a_retargeted_link_checks_what_it_leads_to(tmp_path, capsys, counted):
    """Review of 2026-11-27: 'check source/alias' where alias is a link to a folder, then
    pointed at another folder, replayed the first folder's findings (the command line was
    the same, and a link to a folder counted as an unreadable file)."""
    project = tmp_path / "site"
    for folder, page, gone in (("guide", "g.md", "gone-g.md"), ("other", "o.md", "gone-o.md")):
        (project / "source" / folder).mkdir(parents=True)
        (project / "source" / folder / page).write_text(f"# {page}\n\n[x]({gone})\n", encoding="utf-8")
    (project / "pyproject.toml").write_text('[tool.pipeline]\nsource_locale = "en-US"\n', encoding="utf-8")
    alias = project / "source" / "alias"
    alias.symlink_to("guide")
    code, out, _ = run(project, capsys, str(alias))
    assert code == 1 and "gone-g.md" in out and "gone-o.md" not in out
    alias.unlink()
    alias.symlink_to("other")
    code, out, _ = run(project, capsys, str(alias))
    assert code == 1 and "gone-o.md" in out and "gone-g.md" not in out
    assert (code, out) == run(project, capsys, str(alias), "--no-cache")[:2]


def test_a_shard_record_that_appears_or_goes_is_read_again(sample_project, capsys):
    """Review of 2026-11-27: the build records of CI shard jobs (out/.cache/build-K-of-N.json)
    that a run fingerprinted were those there when it was stored; one that appeared later (it
    withholds a page, so no 'not built' warning) was never seen, and a locale's stored result
    was reused over it; removing it again replayed the run made while it was there."""
    shutil.copy(REPO / "check-baseline.json", sample_project)  # the seed's known findings
    assert main(["-C", str(sample_project), "all"]) == 0
    for built in (sample_project / "out").glob(f"*/de-DE/{SEED_STEM}.*"):
        built.unlink()
    capsys.readouterr()

    def both() -> tuple:
        cached = main(["-C", str(sample_project), "check"]), capsys.readouterr()
        fresh = main(["-C", str(sample_project), "check", "--no-cache"]), capsys.readouterr()
        assert (cached[0], cached[1].out, cached[1].err) == (fresh[0], fresh[1].out, fresh[1].err)
        return cached[0], cached[1].out

    assert "[check.not-built]" in both()[1]
    record = json.loads((sample_project / "out/.cache/build.json").read_text(encoding="utf-8"))
    record["units"][f"de-DE\t{SEED_STEM}.md"]["skipped"] = True
    shard = sample_project / "out/.cache/build-1-of-2.json"
    shard.write_text(json.dumps(record), encoding="utf-8")
    assert "[check.not-built]" not in both()[1]
    (sample_project / "out/html/en-US" / f"{SEED_STEM}.html").write_text("edited", encoding="utf-8")
    both()
    shard.unlink()
    assert "[check.not-built]" in both()[1]
    both()


def test_a_library_installed_or_upgraded_changes_the_code_stamp(tmp_path, monkeypatch):
    """Review of 2026-11-27: a report made with another markdown-it-py or lxml was replayed
    (the stamp named our own modules only)."""
    packages = tmp_path / "lib" / "site-packages"
    packages.mkdir(parents=True)
    monkeypatch.syspath_prepend(str(packages))
    runrecord.code_stamp.cache_clear()
    before = runrecord.code_stamp()
    os.utime(packages, ns=(0, 0))
    runrecord.code_stamp.cache_clear()
    assert runrecord.code_stamp() != before
    (packages / "markdown_it_py-4.0.0.dist-info").mkdir()  # pip installs another version
    os.utime(packages, ns=(10**9, 10**9))
    runrecord.code_stamp.cache_clear()
    assert runrecord.code_stamp() not in (before,)
    runrecord.code_stamp.cache_clear()


@pytest.mark.parametrize("broken", [b"# B\n\n\xff [z](A.md).\n",
                                    b"---\ntitle: [unclosed\n---\n# B\n\nText [z](A.md).\n"],
                         ids=["not-utf-8", "front-matter"])
def test_a_reused_built_page_brings_back_its_source_pages_error(tmp_path, capsys, broken):
    """A built page's stored result holds the error of the source page its check parsed (not
    UTF-8, broken front matter): reused after another page's edit (its locale checked again),
    it dropped that error, and the check passed (exit 0) where --no-cache failed."""
    project = tmp_path / "site"
    (project / "source").mkdir(parents=True)
    (project / "pipeline.toml").write_text('source = "source"\nsource_locale = "en-US"\n', encoding="utf-8")
    (project / "source" / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    (project / "source" / "b.md").write_text("# B\n\nText [z](A.md).\n", encoding="utf-8")
    main(["-C", str(project), "all"])
    (project / "source" / "b.md").write_bytes(broken)
    for edit in (None, "# A\n\nText, edited.\n"):
        if edit is not None:
            (project / "source" / "a.md").write_text(edit, encoding="utf-8")
        main(["-C", str(project), "build"])
        capsys.readouterr()
        cached = main(["-C", str(project), "check"]), capsys.readouterr().out
        assert cached == (main(["-C", str(project), "check", "--no-cache"]), capsys.readouterr().out)
        assert cached[0] == 1 and "source/b.md:3:1: error: " in cached[1]


def test_a_pasted_file_that_is_no_page_is_part_of_each_locales_stored_result(tmp_path, capsys):
    """Review of 2026-11-27: a built Markdown page takes ids from a pasted note.inc in the
    source tree; the note lost a heading, the outputs not rebuilt: a locale's stored result
    was reused, its base naming the source pages only (and the run so made was replayed)."""
    project = tmp_path / "site"
    (project / "source" / "includes").mkdir(parents=True)
    (project / "pipeline.toml").write_text('source_locale = "en-US"\ntarget_locales = ["de-DE"]\n', encoding="utf-8")
    (project / "source" / "a.md").write_text("# A\n\n[!INCLUDE [n](includes/note.inc)]\n\n[x](#inc-head)\n",
                                             encoding="utf-8")
    note = project / "source" / "includes" / "note.inc"
    note.write_text("## Inc head\n\nText.\n\n## Other head\n", encoding="utf-8")
    assert main(["-C", str(project), "all"]) == 0
    built = project / "out/frontmatter/de-DE/a.md"
    built.write_text(built.read_text(encoding="utf-8").replace("#inc-head", "#other-head"), encoding="utf-8")
    capsys.readouterr()
    for step in ("as built", "the note loses a heading"):
        if step != "as built":
            note.write_text("## Inc head\n\nText.\n", encoding="utf-8")
        cached = main(["-C", str(project), "check"]), capsys.readouterr().out
        assert cached == (main(["-C", str(project), "check", "--no-cache"]), capsys.readouterr().out), step
    assert cached[0] == 1 and "no anchor '#other-head'" in cached[1]


def test_git_writes_in_a_source_that_is_the_repository_keep_the_replay(tmp_path, capsys, counted):
    """Review of 2026-11-27: with ``source = "."``, every file of .git/ and node_modules/
    counted by its bytes once other names than .md, .json... did: 'git config' or a fetch made
    the next check a real one, and 4,800 scripts of node_modules slowed every replay."""
    project = tmp_path / "repo"
    (project / ".git").mkdir(parents=True)
    (project / "node_modules" / "x").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.pipeline]\nsource = "."\nsource_locale = "en-US"\n', encoding="utf-8")
    (project / "a.md").write_text("# A\n\n[gone](gone.md)\n", encoding="utf-8")
    (project / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    (project / "node_modules" / "x" / "index.js").write_text("1\n", encoding="utf-8")
    first = run(project, capsys)
    assert first[0] == 1 and len(counted) == 1
    (project / ".git" / "config").write_text("[core]\n\tbare = false\n", encoding="utf-8")
    (project / "node_modules" / "x" / "index.js").write_text("2\n", encoding="utf-8")
    assert run(project, capsys) == first and len(counted) == 1
