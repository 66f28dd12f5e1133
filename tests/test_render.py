"""Rendering details met on the real corpus: old-style comments and DocFX 2016 heading ids."""

from __future__ import annotations

from pipeline.render import apply_translations, normalize_comments, render_html_body
from pipeline.source import load_document


def test_a_commented_out_link_is_not_rendered_as_a_link():
    # InTuneDocs/GetStarted/application-rollout.md, line 53: `<!---` ... `--->` (CommonMark 0.31 comment)
    html = render_html_body("Ensure x. <!---, as described in [Plan](plan.md--->).\n", ())
    assert "<a " not in html and "plan" not in html
    assert normalize_comments("`<!--- [a](b.md) --->`") == "`<!--- [a](b.md) --->`"  # code is left alone


def test_headings_answer_to_docfx_2016_ids_too():
    html = render_html_body("## Windows Phone 8.1\n\n[x](#windows-phone-8-1)\n", ())
    assert 'id="windows-phone-81"' in html and 'id="windows-phone-8-1"' in html


def test_a_translated_heading_keeps_both_source_ids():
    doc = load_document("p.md", "# Title\n\n## Windows Phone 8.1\n\nText.\n")
    _, body = apply_translations(doc, {"Windows Phone 8.1": "Windows Phone 8.1 (Japanese)"})
    assert '## <a name="windows-phone-81"></a><a name="windows-phone-8-1"></a>Windows Phone 8.1 (Japanese)' in body
    _, same = apply_translations(doc, {"Title": "Titel"})
    assert "## Windows Phone 8.1\n" in same  # untranslated headings are untouched
