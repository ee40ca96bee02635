"""Ukrainian first, English on request; every text a template asks for exists."""

from __future__ import annotations

import re
from pathlib import Path

from web.i18n import TEXTS, language_of, localized, status_text, translate

TEMPLATES = Path(__file__).parents[3] / "web" / "templates"
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_.\-]*[a-z_])["']\s*[,)]""")


def test_ukrainian_unless_english_is_chosen() -> None:
    assert language_of(None) == "uk"
    assert language_of("en") == "en"
    assert language_of("de") == "uk"


def test_a_text_in_both_languages_and_a_missing_key_shows_itself() -> None:
    assert translate("uk", "sign_in") == "Увійти"
    assert translate("en", "sign_in") == "Sign in"
    assert translate("en", "no.such.key") == "no.such.key"


def test_api_names_in_the_chosen_language_with_ukrainian_as_fallback() -> None:
    assert localized("en", {"uk": "Чернівці", "en": "Chernivtsi"}) == "Chernivtsi"
    assert localized("en", {"uk": "Чернівці"}) == "Чернівці"
    assert localized("uk", None) == ""


def test_every_literal_key_in_the_templates_has_both_texts() -> None:
    used = {
        key
        for template in TEMPLATES.rglob("*.html")
        for key in LITERAL_KEY.findall(template.read_text())
    }

    assert used, "the pattern found no keys: the test would prove nothing"
    assert sorted(used - set(TEXTS)) == []
    assert all(uk and en for uk, en in TEXTS.values())


def test_a_stage_we_have_words_for_is_translated_and_any_other_shows_as_sent() -> None:
    assert status_text("uk", "marked_simple").startswith("не потребує")
    assert status_text("en", "answered") == "answered"
    assert status_text("uk", "escalated_to_mayor") == "escalated to mayor"
