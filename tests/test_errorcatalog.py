"""Error catalog for applications: errors.json and .mo files, read back as applications read them."""

from __future__ import annotations

import gettext
import json
from pathlib import Path

import lxml.html
import pytest

from pipeline.cli import main
from pipeline.errorcatalog import error_entries, errors_json, html_to_text, join_url, mo_bytes, mo_messages
from pipeline.source import load_document

REPO = Path(__file__).resolve().parents[1]
SEED = "you-see-errors-while-trying-to-enroll-your-device-in-intune-ios.md"
CODES = ["DeviceCapReached", "APNSCertificateNotValid", "AccountNotOnboarded", "DeviceTypeNotSupported",
         "UserLicenseTypeInvalid", "MdmAuthorityNotDefined"]
PROBLEM = "Vous avez trop d’appareils mobiles déjà inscrits."
PROBLEM_DE = "Sie haben bereits zu viele mobile Geräte registriert."
PIECE = ("Contactez vos administrateurs informatiques en leur indiquant que vous avez reçu le message "
         "**MdmAuthorityNotDefined** quand vous essayez d’inscrire votre appareil mobile et qu’ils peuvent "
         "trouver comment résoudre le problème dans ce tableau.")
PIECE_DE = "Wenden Sie sich an Ihre IT-Administratoren (**MdmAuthorityNotDefined**)."


@pytest.fixture(scope="module")
def document():
    text = (REPO / "source" / SEED).read_bytes().decode("utf-8")
    return load_document(SEED, text, ("title", "description"))


@pytest.fixture
def german() -> dict[str, dict[str, str]]:
    return {SEED: {PROBLEM: PROBLEM_DE, PIECE: PIECE_DE,
                   "Des erreurs se produisent pendant l’inscription de votre appareil iOS dans Intune":
                   "Fehler beim Registrieren Ihres iOS-Geräts bei Intune"}}


def test_every_error_row_becomes_an_entry_with_its_anchor(document, german) -> None:
    entries = error_entries([document], german, "de-DE")
    assert [e.code for e in entries] == CODES
    first = entries[0]
    assert first.url == f"../../html/de-DE/{SEED[:-3]}.html#DeviceCapReached"
    assert first.problem_text == PROBLEM_DE and first.problem_html == PROBLEM_DE
    assert first.resolution_text.startswith("L’utilisateur doit supprimer")  # untranslated: source text
    assert first.resolution_text.endswith("Android, iOS, Windows.")
    assert not first.complete
    assert 'href="../../html/de-DE/unenroll-your-device-from-intune-android.html"' in first.resolution_html


def test_rows_of_a_page_left_out_give_its_source_page_and_link_the_locales_pages(document, german) -> None:
    """The seed left out of de-DE (--min-coverage): its rows name the source locale's page;
    a row's link to a page de-DE publishes leads to de-DE's copy, one to a page left out too
    to the source locale's."""
    pages = [SEED, "unenroll-your-device-from-intune-android.md", "unenroll-your-device-from-intune-ios.md"]
    withheld = {SEED, "unenroll-your-device-from-intune-ios.md"}
    first = error_entries([document], german, "de-DE", pages=pages, withheld=withheld, source_locale="fr-FR")[0]
    assert first.url == f"../../html/fr-FR/{SEED[:-3]}.html#DeviceCapReached"
    assert 'href="../../html/de-DE/unenroll-your-device-from-intune-android.html"' in first.resolution_html
    assert 'href="../../html/fr-FR/unenroll-your-device-from-intune-ios.html"' in first.resolution_html


def test_cells_with_breaks_become_paragraphs_in_text(document, german) -> None:
    last = error_entries([document], german, "de-DE")[-1]
    assert last.problem_text.split("\n\n") == [
        "Votre administrateur informatique doit configurer la façon dont les appareils mobiles sont gérés "
        "dans votre entreprise.",
        "Wenden Sie sich an Ihre IT-Administratoren (MdmAuthorityNotDefined).",
    ]
    assert "<br><br>" in last.problem_html and "<strong>MdmAuthorityNotDefined</strong>" in last.problem_html


def test_absolute_base_url_makes_absolute_links(document) -> None:
    entries = error_entries([document], {}, "fr-FR", base_url="https://docs.example.com/{locale}/", is_source=True)
    assert entries[0].url == f"https://docs.example.com/fr-FR/{SEED[:-3]}.html#DeviceCapReached"
    assert 'href="https://docs.example.com/fr-FR/unenroll-your-device-from-intune-ios.html"' in entries[0].resolution_html
    assert all(e.complete for e in entries)


def test_errors_json_shape(document, german) -> None:
    data = json.loads(errors_json(error_entries([document], german, "de-DE"), "de-DE", "fr-FR"))
    assert (data["locale"], data["source_locale"]) == ("de-DE", "fr-FR")
    assert list(data["errors"]) == CODES
    entry = data["errors"]["DeviceCapReached"]
    assert set(entry) == {"page", "url", "problem", "resolution", "complete"}
    assert entry["problem"] == {"text": PROBLEM_DE, "html": PROBLEM_DE}
    assert entry["page"] == SEED


def test_hostile_translation_stays_text_in_the_catalog(document) -> None:
    hostile = {SEED: {PROBLEM: "<img src=x onerror=alert(1)> [x](javascript:alert(2)) </td></table><script>alert(3)</script>"}}
    entry = error_entries([document], hostile, "de-DE")[0]
    root = lxml.html.fragment_fromstring(entry.problem_html, create_parent="div")
    assert [e.tag for e in root.iter() if e is not root] == ["a"]
    assert root.find("a").get("href").endswith("#blocked")
    assert "<img src=x onerror=alert(1)>" in entry.problem_text
    assert "<script>" in entry.problem_text


def install_mo(root: Path, locale: str, data: bytes, domain: str = "errors") -> None:
    folder = root / locale / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{domain}.mo").write_bytes(data)


def test_mo_files_answer_gettext_lookups_with_source_fallback(tmp_path: Path, document, german) -> None:
    german_entries = error_entries([document], german, "de-DE")
    source_entries = error_entries([document], {}, "fr-FR", is_source=True)
    install_mo(tmp_path, "de-DE", mo_bytes(mo_messages([document], german, german_entries), "de_DE"))
    install_mo(tmp_path, "fr-FR", mo_bytes(mo_messages([document], {}, source_entries), "fr_FR"))

    app = gettext.translation("errors", str(tmp_path), languages=["de-DE", "fr-FR"])
    assert app.pgettext("DeviceCapReached", "problem") == PROBLEM_DE
    assert app.pgettext("DeviceCapReached", "resolution").startswith("L’utilisateur doit supprimer")  # fallback
    assert app.pgettext("MdmAuthorityNotDefined", PIECE) == PIECE_DE  # the PO message under its code
    assert app.gettext("Des erreurs se produisent pendant l’inscription de votre appareil iOS dans Intune") == \
        "Fehler beim Registrieren Ihres iOS-Geräts bei Intune"
    assert app.pgettext("NoSuchCode", "problem") == "problem"
    assert app.info()["language"] == "de_DE"
    assert app.info()["content-type"] == "text/plain; charset=UTF-8"


def test_a_front_matter_translation_is_text_in_the_mo_as_in_the_yaml(document) -> None:
    """The title is plain text (the YAML output keeps its '<'); the .mo had it as '&lt;'."""
    title = "Des erreurs se produisent pendant l’inscription de votre appareil iOS dans Intune | Microsoft Intune"
    messages = mo_messages([document], {SEED: {title: "iOS < 8 & co | Microsoft Intune"}}, [])
    assert messages[(None, title)] == "iOS < 8 & co | Microsoft Intune"


def test_mo_bytes_round_trip_through_gnutranslations(tmp_path: Path) -> None:
    messages = {(None, "Hello"): "Hallo", ("Code", "problem"): "Problem ü", (None, "empty"): "", ("X", "a"): "b"}
    install_mo(tmp_path, "de", mo_bytes(messages, "de"))
    app = gettext.translation("errors", str(tmp_path), languages=["de"])
    assert (app.gettext("Hello"), app.pgettext("Code", "problem"), app.gettext("empty"), app.pgettext("X", "a")) == \
        ("Hallo", "Problem ü", "empty", "b")


def test_helpers() -> None:
    assert html_to_text("a<br><br>b <strong>c</strong>\u00a0 d") == "a\n\nb c d"
    assert join_url("../../html/de-DE/p.html", "q.html#x") == "../../html/de-DE/q.html#x"
    assert join_url("../../html/de-DE/p.html", "#x") == "../../html/de-DE/p.html#x"
    assert join_url("https://e.example/de/p.html", "../q.html") == "https://e.example/q.html"
    assert join_url("../../html/de-DE/p.html", "https://other.example/") == "https://other.example/"


def test_each_locale_mo_carries_its_own_plural_forms(sample_project) -> None:
    """The .mo header said ``nplurals=2; plural=(n != 1);`` for every locale, Japanese too."""
    settings = sample_project / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('"qps-plocm"]', '"qps-plocm", "ja-JP"]'),
                        encoding="utf-8")
    assert main(["-C", str(sample_project), "build"]) == 0
    forms = {}
    for locale in ("de-DE", "ja-JP", "qps-ploc"):
        (mo,) = (sample_project / "out/catalog" / locale / "LC_MESSAGES").glob("*.mo")
        with open(mo, "rb") as handle:
            forms[locale] = gettext.GNUTranslations(handle).info()["plural-forms"]
    assert forms == {"de-DE": "nplurals=2; plural=(n != 1);", "ja-JP": "nplurals=1; plural=0;",
                     "qps-ploc": "nplurals=2; plural=(n != 1);"}


def test_a_hexadecimal_code_column_is_no_problem_text(corpus) -> None:
    """The corpus's company-resource-access page has tables 'Status code | Hexadecimal error
    code | Error message': the hexadecimal code, the cell after the code, was taken for the
    problem (306 of the catalog's 316 codes said '0x87D1FDF3' as their problem)."""
    page = "InTuneDocs/Troubleshoot/troubleshoot-company-resource-access-problems-with-microsoft-intune.md"
    document = load_document(page, (corpus / "en-us" / page).read_text(encoding="utf-8"))
    entries = {e.code: e for e in error_entries([document], {}, "en-US", is_source=True)}
    assert len(entries) > 300
    assert (entries["-2016281101"].problem_text, entries["-2016281101"].resolution_text) == \
        ("MDM CRP request not found", "")
    assert not any(e.problem_text.startswith("0x") for e in entries.values())


@pytest.mark.parametrize("blank", [" ", "\t \n", "<!-- rien -->"])
def test_a_translation_blank_once_sanitized_is_not_used_in_the_catalog(document, blank) -> None:
    """As on the pages (``render._substitution``): a translation that is blank once sanitized
    (accepted or not) leaves the source text; the catalog took it, so an application asking
    for the problem of DeviceCapReached got nothing to show."""
    title = "Des erreurs se produisent pendant l’inscription de votre appareil iOS dans Intune | Microsoft Intune"
    blanks = {SEED: {PROBLEM: blank, PIECE: blank, title: blank}}
    entries = error_entries([document], blanks, "de-DE")
    by_code = {entry.code: entry for entry in entries}
    assert by_code["DeviceCapReached"].problem_text == PROBLEM
    assert all(entry.problem_text.strip() and entry.resolution_text.strip() for entry in entries)
    messages = mo_messages([document], blanks, entries)
    assert not [key for key in messages if key[1] in (PROBLEM, PIECE, title)]
    assert messages[("DeviceCapReached", "problem")] == PROBLEM
