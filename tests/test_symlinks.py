"""A user's files kept elsewhere and linked into the project: written through the link.

Teams keep their PO files in a shared folder and link them (or a whole locale folder) into
``locales/<locale>/``. Every command that rewrites a user's file (``update``, ``init``,
``extract``, ``import``, ``check --update-baseline``, ``check -o``) writes the link's target,
atomically in the target's folder, and keeps the link, as GNU ``msgmerge --update`` and
editors do; it replaced the link with a regular file, so the shared copy was never updated.
Each case runs the command twice, on a project whose file is linked and on the same project
whose file is not, and wants the same bytes in both.
"""

from __future__ import annotations

import builtins
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from pipeline import files
from pipeline.cli import main

from .conftest import CORPUS, SEED_NAME, require_shared

STEM = SEED_NAME[:-3]
DE_PO = f"locales/de-DE/{STEM}.po"
EN_PO = f"locales/en-US/{STEM}.po"
POT = f"locales/pot/{STEM}.pot"


def _run(project: Path, *args: str) -> int:
    return main(["-C", str(project), *args])


def _tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root``, through links to files and folders, but the build's caches."""
    found = {}
    for folder, _, names in os.walk(root, followlinks=True):
        for name in names:
            path = Path(folder, name)
            if path.is_file() and ".cache" not in path.parts:
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return dict(sorted(found.items()))


def _link_out(project: Path, relative: str, shared: Path) -> Path:
    """Move ``relative`` (a file or a folder of the project) into ``shared`` and link it back,
    by a relative link as ``ln -s`` makes one; the target."""
    target = shared / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(project / relative, target)
    (project / relative).symlink_to(os.path.relpath(target, (project / relative).parent))
    return target


def _cut_header_fields(po: Path) -> None:
    """Delete two header fields, as by hand: ``update`` puts them back where they stood."""
    text = po.read_text(encoding="utf-8")
    po.write_text("".join(line for line in text.splitlines(keepends=True)
                          if not line.startswith(('"Language: ', '"Plural-Forms: '))), encoding="utf-8")


def _twins(tmp_path: Path, sample_project: Path) -> tuple[Path, Path]:
    """The sample project, built, and a copy of it: the first to link files out, the second
    to run the same command on regular files."""
    assert _run(sample_project, "all") == 0
    twin = tmp_path / "twin"
    shutil.copytree(sample_project, twin, symlinks=True)
    return sample_project, twin


def _same_results(project: Path, twin: Path, links: dict[str, str]) -> None:
    """``project``'s links (path -> link text) are there as they were, and every file of its
    ``locales/`` and ``source/``, read through them, is byte for byte its twin's."""
    for path, text in links.items():
        assert (project / path).is_symlink() and os.readlink(project / path) == text, path
    for folder in ("locales", "source"):
        assert _tree(project / folder) == _tree(twin / folder), folder


def _no_temporary_files(*roots: Path) -> None:
    left = [name for root in roots for _, _, names in os.walk(root, followlinks=True)
            for name in names if name.endswith(".tmp")]
    assert left == []


@pytest.mark.parametrize("linked", [DE_PO, "locales/de-DE"])
def test_update_writes_a_linked_catalog_through_its_link(tmp_path, sample_project, monkeypatch, linked):
    """A catalog linked in by itself, or in a linked locale folder: update writes the shared
    file and keeps the link, its permission bits too (a group-writable shared file stays so)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    project, twin = _twins(tmp_path, sample_project)
    shared = tmp_path / "shared"
    target = _link_out(project, linked, shared)
    po = target if linked == DE_PO else target / f"{STEM}.po"
    links = {linked: os.readlink(project / linked)}
    (shared / "README.txt").write_text("The team's catalogs.\n", encoding="utf-8")
    others = {name: data for name, data in _tree(shared).items() if name != DE_PO}
    before = po.read_bytes()
    for root in (project, twin):
        _cut_header_fields(root / DE_PO)
    po.chmod(0o664)
    (twin / DE_PO).chmod(0o664)
    for root in (project, twin):
        assert _run(root, "update") == 0
    _same_results(project, twin, links)
    assert po.read_bytes() == before  # the fields put back, in the shared file
    assert stat.S_IMODE(po.stat().st_mode) == 0o664
    assert {name: data for name, data in _tree(shared).items() if name != DE_PO} == others
    _no_temporary_files(project, shared)
    assert _run(project, "build") == 0  # built from the shared catalog
    assert (project / "out/html/de-DE" / f"{STEM}.html").read_bytes() == \
        (twin / "out/html/de-DE" / f"{STEM}.html").read_bytes()


def test_extract_writes_a_linked_template_through_its_link(tmp_path, sample_project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    project, twin = _twins(tmp_path, sample_project)
    shared = tmp_path / "shared"
    target = _link_out(project, POT, shared)
    links = {POT: os.readlink(project / POT)}
    before = target.read_bytes()
    for root in (project, twin):
        page = root / "source" / SEED_NAME
        page.write_bytes(page.read_bytes() + b"\nA paragraph added since.\n")
        assert _run(root, "extract") == 0
        assert _run(root, "update") == 0
    assert target.read_bytes() != before and b"A paragraph added since." in target.read_bytes()
    _same_results(project, twin, links)
    _no_temporary_files(project, shared)


def test_import_writes_a_linked_catalog_through_its_link(tmp_path, sample_project, monkeypatch):
    """The English page of the real site imported into en-US's catalog, an empty file (no
    translations yet) in the shared folder."""
    require_shared()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    project, twin = _twins(tmp_path, sample_project)
    shared = tmp_path / "shared"
    target = _link_out(project, EN_PO, shared)
    links = {EN_PO: os.readlink(project / EN_PO)}
    pages = tmp_path / "english"
    pages.mkdir()
    shutil.copy(CORPUS / "en-us/InTuneDocs/EndUser" / SEED_NAME, pages / SEED_NAME)
    for root in (project, twin):
        (root / EN_PO).write_bytes(b"")
        assert _run(root, "import", "--locale", "en-US", "--from", str(pages)) == 0
    assert b'msgstr "You see errors while trying to enroll your iOS device in Intune"' in target.read_bytes()
    _same_results(project, twin, links)
    _no_temporary_files(project, shared)


@pytest.mark.parametrize("option", ["--update-baseline", "-o"])
def test_check_writes_a_linked_baseline_or_report_through_its_link(tmp_path, sample_project, option, capsys):
    project, twin = _twins(tmp_path, sample_project)
    shared = tmp_path / "shared"
    name = "check-baseline.json" if option == "--update-baseline" else "report.txt"
    for root in (project, twin):  # an older baseline or report: the check writes another
        (root / name).write_text("{}\n", encoding="utf-8")
    target = _link_out(project, name, shared)
    links = {name: os.readlink(project / name)}
    before = target.read_bytes()
    args = [option] if option == "--update-baseline" else ["-o", name, "--no-baseline"]
    for root in (project, twin):
        cwd = os.getcwd()
        os.chdir(root)  # -o is relative to the folder the command runs in
        try:
            _run(root, "check", *args)
        finally:
            os.chdir(cwd)
    capsys.readouterr()
    assert target.read_bytes() != before and target.read_bytes() == (twin / name).read_bytes()
    assert (project / name).is_symlink() and os.readlink(project / name) == links[name]
    _no_temporary_files(project, shared)


@pytest.mark.parametrize("option", ["--update-baseline", "-o"])
@pytest.mark.parametrize("how", ["dangling link", "link loop"])
def test_a_report_named_by_a_broken_link_is_a_located_error_and_the_link_stays(tmp_path, sample_project, capsys,
                                                                               option, how):
    """A report or baseline named by a link that leads nowhere is not replaced by a file (it
    was): the link is the user's, and where they meant the file to go is not known."""
    assert _run(sample_project, "build") == 0
    name = sample_project / ("check-baseline.json" if option == "--update-baseline" else "report.txt")
    name.unlink(missing_ok=True)
    name.symlink_to(tmp_path / "gone" / "file" if how == "dangling link" else name)
    text = os.readlink(name)
    capsys.readouterr()
    code = _run(sample_project, "check", *([option] if option == "--update-baseline"
                                           else ["-o", str(name), "--no-baseline"]))
    why = "No such file or directory" if how == "dangling link" else "Too many levels of symbolic links"
    shown = "check-baseline.json" if option == "--update-baseline" else str(name)
    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"{shown}:1:1: error: cannot write: {why} [io.write]"
    assert name.is_symlink() and os.readlink(name) == text
    assert not (tmp_path / "gone").exists()
    _no_temporary_files(sample_project)


def _read_only(monkeypatch, folder: Path) -> None:
    """``folder`` made read-only (``chmod a-w``). The tests may run as root, whom permissions
    do not stop: then making a file in it is refused in the process, as it is for a user."""
    folder.chmod(0o555)
    inside = str(folder) + os.sep
    real_open, real_os_open = builtins.open, os.open

    def refused(path) -> bool:
        return not isinstance(path, int) and os.path.abspath(os.fsdecode(path)).startswith(inside)

    def opening(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+") and refused(file):
            raise PermissionError(13, "Permission denied", os.fsdecode(file))
        return real_open(file, mode, *args, **kwargs)

    def os_opening(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and refused(path):
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", opening)
    monkeypatch.setattr(os, "open", os_opening)


def test_a_catalog_linked_into_a_read_only_folder_is_a_located_error_and_nothing_is_lost(
        tmp_path, sample_project, monkeypatch, capsys):
    """The shared copy cannot be written: one located line at the catalog as the project names
    it, exit 1, the shared file and the link as they were, the other catalogs merged."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    project, twin = _twins(tmp_path, sample_project)
    shared = tmp_path / "shared"
    target = _link_out(project, DE_PO, shared)
    text = os.readlink(project / DE_PO)
    for root in (project, twin):
        for po in (DE_PO, EN_PO):
            _cut_header_fields(root / po)
    cut = target.read_bytes()
    try:
        with monkeypatch.context() as patched:
            _read_only(patched, target.parent)
            capsys.readouterr()
            assert _run(project, "update") == 1
        assert capsys.readouterr().err.splitlines() == [f"{DE_PO}:1:1: error: cannot write: Permission denied [io.write]"]
    finally:
        target.parent.chmod(0o755)  # for pytest to remove it
    assert target.read_bytes() == cut and (project / DE_PO).is_symlink() and os.readlink(project / DE_PO) == text
    assert _run(twin, "update") == 0
    assert (project / EN_PO).read_bytes() == (twin / EN_PO).read_bytes() != cut  # the other catalog merged
    _no_temporary_files(project, shared)


def test_write_through_follows_a_chain_of_links_and_refuses_a_broken_one(tmp_path):
    real = tmp_path / "real" / "x.po"
    real.parent.mkdir()
    real.write_bytes(b"old\n")
    real.chmod(0o640)
    first, second = tmp_path / "first.po", tmp_path / "links" / "second.po"
    second.parent.mkdir()
    second.symlink_to("../real/x.po")
    first.symlink_to("links/second.po")
    assert files.write_through(first, "new\n") is True
    assert real.read_bytes() == b"new\n" and stat.S_IMODE(real.stat().st_mode) == 0o640
    assert os.readlink(first) == "links/second.po" and os.readlink(second) == "../real/x.po"
    assert files.write_through(first, "new\n") is False  # unchanged: not written
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["first.po", "links", "real", "second.po", "x.po"]
    dangling, loop = tmp_path / "dangling.po", tmp_path / "loop.po"
    dangling.symlink_to(tmp_path / "nowhere" / "x.po")
    loop.symlink_to(loop)
    with pytest.raises(FileNotFoundError):
        files.write_through(dangling, "new\n")
    with pytest.raises(OSError, match="Too many levels of symbolic links"):
        files.write_through(loop, "new\n")
    assert dangling.is_symlink() and loop.is_symlink() and not (tmp_path / "nowhere").exists()


def test_a_link_in_out_is_replaced_and_its_target_left_alone(tmp_path, sample_project):
    """``out/`` is ours: an output that is a link (made by hand) is replaced by the built file,
    as a clean build makes it; the file it led to, outside ``out/``, is not written."""
    assert _run(sample_project, "build") == 0
    html = sample_project / "out/html/de-DE" / f"{STEM}.html"
    built = html.read_bytes()
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_bytes(b"not ours\n")
    html.unlink()
    html.symlink_to(elsewhere)
    shutil.rmtree(sample_project / "out/.cache")  # built again: its output is not taken for up to date
    assert _run(sample_project, "build") == 0
    assert not html.is_symlink() and html.read_bytes() == built and elsewhere.read_bytes() == b"not ours\n"


def test_the_temporary_file_a_killed_run_left_beside_a_linked_catalog_is_removed(tmp_path, sample_project):
    """``write_atomic``'s ``.<name>.<pid>.tmp`` goes beside the link's target now: the sweep
    after a killed run looks there too, and into linked locale folders."""
    assert _run(sample_project, "all") == 0
    shared = tmp_path / "shared"
    target = _link_out(sample_project, DE_PO, shared)
    folder = _link_out(sample_project, "locales/en-US", tmp_path / "shared-folder")
    dead = subprocess.Popen(["true"])  # a process id that is gone
    dead.wait()
    leftovers = [target.parent / f".{target.name}.{dead.pid}.tmp", folder / f".{STEM}.po.{dead.pid}.tmp"]
    live = target.parent / f".{target.name}.1.tmp"  # pid 1: a run still going
    for path in [*leftovers, live]:
        path.write_bytes(b"half a catalog")
    (sample_project / "out/.cache/running").write_text(str(dead.pid), encoding="ascii")
    assert _run(sample_project, "update") == 0
    assert [p for p in leftovers if p.exists()] == [] and live.exists()


def test_check_of_a_file_named_by_a_link_loop_is_a_usage_error(tmp_path, sample_project, capsys):
    """``pipeline check loop.md`` (pre-commit passes the files a commit touches: a link that
    points at itself is one) was a RuntimeError traceback from resolving the name."""
    loop = sample_project / "source" / "loop.md"
    loop.symlink_to("loop.md")
    capsys.readouterr()
    assert _run(sample_project, "check", str(loop)) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines() == [f"{loop}:1:1: error: symbolic link loop [config.files]"], err
