"""The central service's words: gettext domain ``central``, Italian (the default) and English, in
``translations/{it,en}/LC_MESSAGES/central.po``.

``t("key", name=…)`` gives a message in the page's language (or an enclosing ``in_language`` block's),
``tn("key", n)`` a plural one; ``t.in_language(lang, key, …)`` names the language outright.
"""

from __future__ import annotations

from pathlib import Path

from cardsvc.platform.i18n import N_, N_plural
from cardsvc.platform.web.i18n import Catalog, language

from .reports.columns import Column

__all__ = ["COMPOSED_KEYS", "column_label", "language", "t", "tn"]

t = Catalog("central", Path(__file__).parent / "translations")
tn = t.plural

# Keys the code composes from a code, listed so that ``make messages-extract`` finds them.
COMPOSED_KEYS = (
    # the shared login view (cardsvc/platform/web/login_view.py)
    N_("bad_login"),
    N_plural("too_many_logins"),
    # storage_errors.py: t(f"storage_{problem}")
    N_("storage_disk_full"),
    N_("storage_database_damaged"),
    N_("storage_disk_error"),
    N_("storage_database_unavailable"),
    # admin_ui.ACTION_LABELS, shown by admin/offers.html
    N_("approve"),
    N_("reject"),
    N_("suspend"),
    N_("end"),
    N_("submit"),
    # vat.VatNumberError.code
    N_("vat_length"),
    N_("vat_check_digit"),
    # column_label(): a report column's label, "column_" + its key (reports/columns.py)
    N_("column_istat"),
    N_("column_comune"),
    N_("column_category"),
    N_("column_from"),
    N_("column_to"),
    N_("column_month"),
    N_("column_active_cards"),
    N_("column_households_with_card"),
    N_("column_households"),
    N_("column_redemptions"),
    N_("column_spend_cents"),
    N_("column_discount_cents"),
    N_("column_avg_discount_cents"),
    N_("column_new_cards"),
    N_("column_revoked_cards"),
    N_("column_open_flags"),
    N_("column_shops_participating"),
    N_("column_shops_with_redemptions"),
    # reports/headline.change_text(): "summary_" + a status, or + a card figure's key
    N_("summary_first_month"),
    N_("summary_previous_hidden"),
    N_("summary_hidden"),
    N_("summary_active_cards"),
    N_("summary_new_cards"),
    # admin/report.html: "csv_" + a table's name
    N_("csv_network"),
    N_("csv_by_family_comune"),
    N_("csv_by_shop_comune"),
    N_("csv_by_category"),
    N_("csv_flow"),
    N_("csv_trend"),
    # _report_summary.html: "chart_" + a chart's name + "_title", "_caption", "_alt"
    N_("chart_andamento_title"),
    N_("chart_andamento_caption"),
    N_("chart_andamento_alt"),
    N_("chart_comuni_title"),
    N_("chart_comuni_caption"),
    N_("chart_comuni_alt"),
    N_("chart_flussi_title"),
    N_("chart_flussi_caption"),
    N_("chart_flussi_alt"),
    # admin/report_error.html: "bad_query_" + report_views.BadQuery's key, and its way back
    N_("bad_query_bad_month"),
    N_("bad_query_bad_comune"),
    N_("bad_query_bad_decimals"),
    N_("bad_query_bad_merchant"),
    N_("bad_query_back_reports"),
    N_("bad_query_back_statement"),
    N_("bad_query_back_merchants"),
)


def column_label(column: Column | str, lang: str | None = None) -> str:
    """A report column's label (by the column or its key), in ``lang`` or else the current language."""
    key = f"column_{column if isinstance(column, str) else column.key}"
    return t(key) if lang is None else t.in_language(lang, key)
