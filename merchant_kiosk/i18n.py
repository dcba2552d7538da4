"""The till's words: gettext domain ``kiosk``, Italian first (shop staff), English available, in
``translations/{it,en}/LC_MESSAGES/kiosk.po``.

``t("key", name=…)`` gives a message in the page's language, ``tn("key", n)`` a plural one. A card's
verdict is said in the words of the card core (``cardsvc.core.verdicts``), in the page's language.
"""

from __future__ import annotations

from pathlib import Path

from cardsvc.core.verdicts import MESSAGES as VERDICT_MESSAGES
from cardsvc.platform.i18n import N_
from cardsvc.platform.web.i18n import Catalog, language

__all__ = ["language", "t", "tn", "verdict_message"]

t = Catalog("kiosk", Path(__file__).parent / "translations")
tn = t.plural

# Keys the code composes from a code, listed so that ``make messages-extract`` finds them.
COMPOSED_KEYS = (
    # the pages' error codes: t("error_" + error), from checkout, ledger, photos and the views
    N_("error_invalid_amount"),
    N_("error_below_min_spend"),
    N_("error_too_few_minors"),
    N_("error_daily_limit"),
    N_("error_unknown_offer"),
    N_("error_invalid_form"),
    N_("error_scan_expired"),
    N_("error_card_refused"),
    N_("error_unknown_redemption"),
    N_("error_already_voided"),
    N_("error_void_window_passed"),
    N_("error_day_already_closed"),
    N_("error_no_code"),
    N_("error_not_an_image"),
    N_("error_image_too_large"),
    N_("error_several_codes"),
    N_("error_empty_scan"),
    N_("error_csrf_failed"),
    N_("error_not_loopback"),
    N_("error_invalid_month"),
    # storage_error.html: t("storage_" + problem) and t("storage_" + problem + "_todo")
    N_("storage_disk_full"),
    N_("storage_database_damaged"),
    N_("storage_disk_error"),
    N_("storage_database_missing"),
    N_("storage_disk_full_todo"),
    N_("storage_database_damaged_todo"),
    N_("storage_disk_error_todo"),
    N_("storage_database_missing_todo"),
)


def verdict_message(code: str) -> str:
    italian, english = VERDICT_MESSAGES[code]
    return english if language() == "en" else italian
