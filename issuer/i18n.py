"""The comune office's words: gettext domain ``issuer``, Italian first, English available, in
``translations/{it,en}/LC_MESSAGES/issuer.po``; every error says what to fix.

``t("key", name=…)`` gives a message in the page's language (or an enclosing ``in_language`` block's),
``tn("key", n)`` a plural one; refusals, field and row errors are described from their codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cardsvc.platform.i18n import N_, N_plural, format_money
from cardsvc.platform.web.i18n import Catalog, language

__all__ = ["batch_error_text", "describe", "language", "t", "tn"]

t = Catalog("issuer", Path(__file__).parent / "translations")
tn = t.plural

# Plural messages described from a code: the value that chooses the form.
PLURAL_COUNTS = {N_plural("rule_too_few_minors"): "needed"}

# Keys the code composes from a code, listed so that ``make messages-extract`` finds them.
COMPOSED_KEYS = (
    # the shared login view (cardsvc/platform/web/login_view.py)
    N_("bad_login"),
    N_plural("too_many_logins"),
    # the buttons of a card's page: t(action)
    N_("reissue"),
    N_("revoke"),
    # eligibility.Failure codes: describe("rule", code)
    N_("rule_not_resident"),
    N_("rule_isee_missing"),
    N_("rule_isee_above_ceiling"),
    # households.FieldError codes: describe("field", code)
    N_("field_required"),
    N_("field_too_long"),
    N_("field_formula_start"),
    N_("field_direction_control"),
    N_("field_control_character"),
    N_("field_too_many"),
    N_("field_invalid_year"),
    N_("field_invalid_amount"),
    N_("field_invalid_yes_no"),
    # cards.CardRefused codes: describe("refused", code)
    N_("refused_ineligible"),
    N_("refused_duplicate_card"),
    N_("refused_unknown_guardian"),
    N_("refused_unknown_household"),
    N_("refused_unknown_card"),
    N_("refused_card_not_active"),
    N_("refused_too_early_to_renew"),
    N_("refused_invalid_reason"),
    N_("refused_key_not_active"),
    # batch.RowError codes: describe("batch", code)
    N_("batch_file_too_large"),
    N_("batch_not_text"),
    N_("batch_cell_too_long"),
    N_("batch_malformed_csv"),
    N_("batch_missing_columns"),
    N_("batch_unknown_columns"),
    N_("batch_duplicate_ref"),
    N_("batch_invalid_cards"),
    N_("batch_extra_cells"),
    N_("batch_too_many_rows"),
    N_("batch_no_rows"),
    # card and key statuses, revocation reasons: t("status_" + status), t("reason_" + reason)
    N_("status_active"),
    N_("status_superseded"),
    N_("status_revoked"),
    # the trust list's word on a signing key: t("key_status_" + status)
    N_("key_status_active"),
    N_("key_status_retired"),
    N_("key_status_revoked"),
    N_("reason_lost"),
    N_("reason_stolen"),
    N_("reason_moved"),
    N_("reason_fraud"),
    N_("reason_other"),
    N_("reason_superseded"),
    # paging.PageRefused codes: describe("page", code)
    N_("page_not_a_page"),
    N_("page_past_the_end"),
    N_("page_query_too_long"),
    # batch states (batch_jobs, views_batch.state_of): t("batch_state_" + state)
    N_("batch_state_ready"),
    N_("batch_state_running"),
    N_("batch_state_interrupted"),
    N_("batch_state_done"),
    N_("batch_state_failed"),
    # the two confirmations of views_cards.change: t("confirm_" + action + "_title") …
    N_("confirm_revoke_title"),
    N_("confirm_revoke_text"),
    N_("confirm_revoke_button"),
    N_("confirm_reissue_title"),
    N_("confirm_reissue_text"),
    N_("confirm_reissue_button"),
    # reminders.ReminderRefused codes: describe("reminder_refused", code)
    N_("reminder_refused_nothing_chosen"),
    N_("reminder_refused_not_due"),
    N_("reminder_refused_too_many"),
    # storage_failure(): t(f"storage_{problem}")
    N_("storage_disk_full"),
    N_("storage_database_damaged"),
    N_("storage_disk_error"),
    N_("storage_database_unavailable"),
    N_("storage_database_missing"),
)


def describe(prefix: str, code: str, values: dict[str, Any], lang: str | None = None) -> str:
    """The message for a refusal code with its values, amounts in cents written as euros; in ``lang``, else
    in the page's language."""
    lang = lang or language()
    shown = {
        k: format_money(v, lang) if k == "ceiling" and isinstance(v, int) else v for k, v in values.items()
    }
    key = f"{prefix}_{code}"
    if key in PLURAL_COUNTS:
        return t.plural_in_language(lang, key, int(values[PLURAL_COUNTS[key]]), **shown)
    return t.in_language(lang, key, **shown)


def batch_error_text(error: Any, lang: str | None = None) -> str:
    """A CSV row error in words: the batch's own codes, or the household field's."""
    if f"batch_{error.code}" in t:
        return describe("batch", error.code, {**error.values, "column": error.column}, lang)
    return describe("field", error.code, error.values, lang)
