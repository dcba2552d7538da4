"""The gettext catalogues: every key has its text in Italian and English with the same placeholders, every
plural message both forms, the code uses exactly the keys the catalogues hold, the compiled ``.mo`` files
are those of the ``.po`` files, and numbers, money and dates are Babel's in both languages."""

from __future__ import annotations

import re
import shlex
import string
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from cardsvc.platform.i18n import (
    LANGUAGES,
    Messages,
    format_amount,
    format_day,
    format_moment,
    format_money,
    format_number,
    in_language,
)
from cardsvc.platform.web.i18n import Catalog as WebCatalog
from cardsvc.platform.web.i18n import language

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
DOMAINS = {"central": ROOT / "cardsvc/central", "issuer": ROOT / "issuer", "kiosk": ROOT / "merchant_kiosk"}
CASES = [(domain, lang) for domain in DOMAINS for lang in LANGUAGES]


def po_path(domain: str, lang: str) -> Path:
    return DOMAINS[domain] / "translations" / lang / "LC_MESSAGES" / f"{domain}.po"


def catalog(domain: str, lang: str) -> Catalog:
    with po_path(domain, lang).open("rb") as source:
        return read_po(source)


def key(message: Message) -> str:
    return str(message.id[0] if message.pluralizable else message.id)


def entries(domain: str, lang: str) -> dict[str, Message]:
    return {key(m): m for m in catalog(domain, lang) if m.id}


def texts(message: Message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize(("domain", "lang"), CASES)
def test_every_message_is_translated_with_its_placeholders(domain: str, lang: str) -> None:
    ours, italian = entries(domain, lang), entries(domain, "it")
    assert ours.keys() == italian.keys()
    for name, message in ours.items():
        assert message.pluralizable == italian[name].pluralizable, name
        forms = texts(message)
        assert all(form.strip() for form in forms), (name, forms)
        assert "fuzzy" not in message.flags, name
        expected = set().union(*(placeholders(form) for form in texts(italian[name])))
        for form in forms:
            assert placeholders(form) <= expected | {"count"}, (name, form)
        assert set().union(*(placeholders(form) for form in forms)) == expected, name


@pytest.mark.parametrize(("domain", "lang"), CASES)
def test_plural_messages_have_both_forms_and_the_languages_rule(domain: str, lang: str) -> None:
    found = catalog(domain, lang)
    assert found.plural_forms == "nplurals=2; plural=(n != 1);"
    plurals = [m for m in found if m.id and m.pluralizable]
    assert plurals or domain == "kiosk"
    for message in plurals:
        one, other = message.string
        assert one != other, key(message)


def _keywords() -> dict[str, object]:
    """The extraction keywords the Makefile gives ``pybabel extract``."""
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    words = shlex.split(re.search(r"^BABEL_KEYWORDS := (.*)$", makefile, re.M).group(1))  # type: ignore[union-attr]
    return parse_keywords(words[i + 1] for i, word in enumerate(words) if word == "-k")


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_code_uses_exactly_the_catalogues_keys(domain: str) -> None:
    """``make messages-extract`` finds every key of the .po files in the code and templates, and no other;
    plural keys are used as plurals."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    used: dict[str, bool] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        DOMAINS[domain], method_map, options_map, keywords=_keywords()
    ):
        plural = isinstance(message, tuple)
        used[str(message[0] if plural else message)] = plural or used.get(str(message), False)
    held = {name: m.pluralizable for name, m in entries(domain, "it").items()}
    assert sorted(used.keys() - held.keys()) == [], "used in the code, missing from the .po files"
    assert sorted(held.keys() - used.keys()) == [], "in the .po files, used nowhere"
    assert {k for k, plural in used.items() if plural} == {k for k, plural in held.items() if plural}


@pytest.mark.parametrize(("domain", "lang"), CASES)
def test_the_compiled_catalogues_are_the_po_files(domain: str, lang: str) -> None:
    """A stale .mo (a .po changed since ``make messages-compile``) fails here, not on a page."""
    with po_path(domain, lang).with_suffix(".mo").open("rb") as compiled:
        built = {key(m): texts(m) for m in read_mo(compiled) if m.id}
    assert built == {name: texts(m) for name, m in entries(domain, lang).items()}


def test_plural_forms_in_italian_and_english() -> None:
    messages = Messages("issuer", DOMAINS["issuer"] / "translations")
    said = {
        (lang, n): messages.plural_in_language(lang, "batch_errors", n)
        for lang in LANGUAGES
        for n in (0, 1, 6)
    }
    assert said["it", 1] == "Il file ha 1 errore: nulla è stato registrato."
    assert said["it", 6] == "Il file ha 6 errori: nulla è stato registrato."
    assert said["it", 0] == "Il file ha 0 errori: nulla è stato registrato."
    assert said["en", 1] == "The file has 1 error: nothing was stored."
    assert said["en", 0] == "The file has 0 errors: nothing was stored."
    assert messages.plural_in_language("it", "rules_text", 1) == "residenza, almeno 1 figlio minore"
    assert messages.is_plural("batch_ready") and not messages.is_plural("batch_done")
    assert "batch_no_rows" in messages and "no_such_key" not in messages


def test_outside_a_request_the_language_is_explicit() -> None:
    """The command line, the PDF and the standalone report name their language; without one it is
    Italian, never a page's."""
    t = WebCatalog("central", DOMAINS["central"] / "translations")
    assert language() == "it" and t("network") == "Rete"
    with in_language("en") as chosen:
        assert chosen == "en" and language() == "en" and t("network") == "Network"
        assert t.plural("too_many_logins", 1) == "Too many failed logins: try again in 1 minute."
        with in_language("it"):
            assert t("comune_of", comune="Seveso") == "Comune di Seveso"
        assert t("comune_of", comune="Seveso") == "Comune of Seveso"
    assert t("network") == "Rete" and t.in_language("en", "month") == "Month"
    with in_language("de"):  # a language without a catalogue: Italian
        assert t("network") == "Rete"


def test_numbers_money_and_dates_by_babel() -> None:
    assert format_money(950, "it") == "9,50 €" and format_money(950, "en") == "€9.50"
    assert format_money(123_456_789, "it") == "1.234.567,89 €" and format_money(0, "it") == "0,00 €"
    assert format_amount(1_850_000, "it") == "18500,00" and format_amount(-1250, "en") == "-12.50"
    assert format_number(12_345, "it") == "12.345" and format_number(12_345, "en") == "12,345"
    day = date(2026, 11, 25)
    assert format_day(day, "it", "long") == "25 novembre 2026" and format_day(day, "it") == "25/11/2026"
    assert (
        format_day(day, "en", "long") == "25 November 2026" and format_day("2026-11-25", "en") == "25/11/2026"
    )
    late_utc = 1_795_649_400  # 2026-11-25 23:30 UTC: already the 26th in Rome
    assert format_day(late_utc, "it") == "26/11/2026" and format_moment(late_utc, "it") == "26/11/2026 00:30"
    summer = 1_782_991_800  # 2026-07-02 11:30 UTC, 13:30 in Rome (CEST)
    assert format_moment(summer, "en") == "02/07/2026 13:30"
