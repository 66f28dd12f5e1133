"""``pipeline check`` on unchanged files replays the stored report (``pipeline.runrecord``):
the same output and exit status, no checking; any change to what the check reads, to the
command line or to our code runs the check again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import checking, checkcommand, reports
from pipeline.cli import main


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


def test_an_edited_checkout_does_not_replay_what_older_code_wrote(site, capsys, counted, monkeypatch):
    run(site, capsys)
    monkeypatch.setattr(checkcommand, "_code_stamp", lambda: "another build of pipeline")
    run(site, capsys)
    assert len(counted) == 2


def test_a_broken_record_file_is_an_empty_one(site, capsys, counted):
    first = run(site, capsys)
    records = site / "out" / ".cache" / checkcommand.RECORD_FILE
    for junk in ("{", '{"format": 1, "runs": {"x": 1}}', json.dumps({"format": 1, "runs": []})):
        records.write_text(junk, encoding="utf-8")
        assert run(site, capsys) == first
    assert len(counted) == 4
    stored = json.loads(records.read_text(encoding="utf-8"))
    assert stored["format"] == 1 and len(stored["runs"]) == 1


def test_an_unknown_locale_is_still_an_error_when_nothing_is_stored(site, capsys):
    (site / "pyproject.toml").write_text('[tool.pipeline]\ntarget_locales = ["xx-QQ"]\n', encoding="utf-8")
    code, _, err = run(site, capsys)
    assert code == 2 and err == "pyproject.toml:1:1: error: unknown locale 'xx-QQ' [config.locale]\n"


def test_the_report_formats_offered_are_the_ones_written():
    assert checkcommand.REPORT_FORMATS == reports.FORMATS


def test_locales_are_checked_as_by_every_other_command_with_or_without_locale_options(site, capsys):
    (site / "pyproject.toml").write_text('[tool.pipeline]\ntarget_locales = ["de-DE", "xx-QQ"]\n', encoding="utf-8")
    for extra in ((), ("--locale", "de-DE")):
        code = main(["-C", str(site), "check", *extra])
        assert (code, capsys.readouterr().err) == (2, "pyproject.toml:1:1: error: unknown locale 'xx-QQ' [config.locale]\n")
        assert main(["-C", str(site), "build", *extra]) == 2
        assert capsys.readouterr().err == "pyproject.toml:1:1: error: unknown locale 'xx-QQ' [config.locale]\n"
    (site / "pyproject.toml").write_text('[tool.pipeline]\ntarget_locales = ["de-DE"]\n', encoding="utf-8")
    assert main(["-C", str(site), "check", "--locale", "yy-ZZ"]) == 2
    assert capsys.readouterr().err == "<command line>:1:1: error: unknown locale 'yy-ZZ' [config.locale]\n"
