"""Random small networks over two months: whatever the families do, the open data files of the two
months, read back, give the auditor no hidden figure, month by month or together."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cardsvc.central.opendata import DATASETS, dataset_csv
from cardsvc.central.reports.report import publish
from tests.functional.central.report_auditor import insider_findings, recover, recover_across_months
from tests.functional.central.report_readers import read_open_data
from tests.functional.central.test_suppression_property import family, figures_of

pytestmark = pytest.mark.functional


def open_data(truth: dict[str, Any]) -> dict[str, Any]:
    published = publish(truth, [])
    texts = {name: dataset_csv(published, dataset) for name, dataset in DATASETS.items()}
    files = read_open_data(texts, truth["month"])
    for table in ("by_family_comune", "by_shop_comune", "by_category", "flow"):
        assert len(files[table]) == len(published[table]), table
    return files


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(family, max_size=25), st.lists(family, max_size=25))
def test_no_open_data_figure_is_recovered(
    september: list[dict[str, Any]], october: list[dict[str, Any]]
) -> None:
    truths = {month: {**figures_of(families), "month": month}
              for month, families in (("2026-09", september), ("2026-10", october))}  # fmt: skip
    files = {month: open_data(truth) for month, truth in truths.items()}
    for month, published in files.items():
        assert recover(published) == [], month
        assert insider_findings(published, truths[month]) == [], month
    assert recover_across_months(files, first_month="2026-09") == []
