"""Which files hold links whose built form depends on the page list: a PO file by its translations."""

from __future__ import annotations

from pathlib import Path

import polib
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import catalog
from pipeline.pagelistlinks import catalog_translations, depends_on_page_list

REPO = Path(__file__).resolve().parents[1]
HEADER = "Content-Type: text/plain; charset=UTF-8\n"


def _catalog(*entries: polib.POEntry) -> bytes:
    """The bytes our writer (GNU's wrapping and escapes) gives a catalog of ``entries``."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        po.append(entry)
    return catalog.format_catalog(po).encode("utf-8")


_TEXT = st.text(alphabet=st.sampled_from(list('ab -/.:()[]<>="\'\\\t\n~#日本語、🇫🇷é')), max_size=160)


@settings(max_examples=150, deadline=None, database=None)  # no .hypothesis/ in the cwd
@given(st.lists(st.tuples(_TEXT, st.sampled_from(["", "fuzzy", "plural", "obsolete"])), min_size=1, max_size=5))
def test_the_translations_are_the_msgstrs_as_written_whole(texts: list[tuple[str, str]]) -> None:
    """Wrapped over continuation lines (inside a link too), escaped: read back whole, in
    order, one a line; obsolete entries' not, nor any msgid."""
    entries, expected = [], [HEADER]
    for i, (text, kind) in enumerate(texts):
        if kind == "plural":
            entries.append(polib.POEntry(msgid=f"m{i}", msgid_plural=f"p{i}", msgstr_plural={0: text, 1: text[::-1]}))
            expected += [text, text[::-1]]
        else:
            entries.append(polib.POEntry(msgid=f"m{i}", msgstr=text, flags=["fuzzy"] if kind == "fuzzy" and text else [],
                                         obsolete=kind == "obsolete"))
            expected += [] if kind == "obsolete" else [text]
    assert catalog_translations(_catalog(*entries)) == "\n".join(expected).encode("utf-8")


def test_the_translations_of_the_sample_catalogs_are_those_polib_reads():
    """The header's fields first, then every msgstr of the shipped catalogs (not their
    obsolete entries), as the catalog reader reads them."""
    for po in sorted((REPO / "locales").glob("*/*.po")):
        data = po.read_bytes()
        entries = catalog.parse_catalog(data.decode("utf-8"), po.name)
        texts = [e.msgstr for e in entries if not e.obsolete]
        found = catalog_translations(data)
        assert found.startswith(b"Project-Id-Version: ") and found.endswith("\n".join(texts).encode("utf-8")), po


def test_a_link_a_translation_adds_is_found_wrapped_and_escaped():
    """The page's text has none; the translation adds one, which GNU wraps over two lines
    (after a hyphen) or writes with escaped quotes (``href=\\"...\\"``)."""
    pages = frozenset({"EndUser/set-your-pin-or-password-android.md", "EndUser/enroll-your-device-in-Intune-android.md"})
    page = "EndUser/set-your-pin-or-password-android.md"
    prose = "Choisissez votre nouveau mot de passe et confirmez-le. Vérifiez que votre appareil est inscrit : "
    for link, found in [("[Inscrire](enroll-your-device-in-intune-android.md)", True),  # another letter case
                        ("[Inscrire](enroll-your-device-in-Intune-android.md)", False),  # the page's own
                        ('<a href="enroll-your-device-in-intune-android">Inscrire</a>', True),
                        ('<a href="/intune/enduser/enroll-your-device-in-Intune-android">Inscrire</a>', True),
                        ("[Inscrire](/intune/enduser/enroll-your-device-in-Intune-android)", True),
                        ("[Inscrire](~/EndUser/enroll-your-device-in-Intune-android.md)", True)]:
        data = _catalog(polib.POEntry(msgid="Choose and confirm your new password.", msgstr=prose + link))
        assert b"\n\"" in data.split(b"msgstr", 2)[2]  # wrapped
        assert depends_on_page_list(catalog_translations(data), page, pages) is found, link
    # a link of the msgid, which the page has, is the page's: not its translations'
    data = _catalog(polib.POEntry(msgid="See [x](/intune/enduser/x).", msgstr="Voir x."))
    assert not depends_on_page_list(catalog_translations(data), page, pages)
