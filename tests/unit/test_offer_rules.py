import pytest
from hypothesis import given
from hypothesis import strategies as st

from cardsvc.core.offer_rules import Offer, OfferRefused, discount_cents
from cardsvc.platform.euros import parse_euros
from cardsvc.platform.i18n import format_money

pytestmark = pytest.mark.unit
PERCENT = Offer(1, "10%", "percent", percent=10)


@pytest.mark.parametrize(
    ("offer", "amount", "expected"),
    [
        (PERCENT, 10_000, 1000),
        (PERCENT, 1_005, 101),  # 100.5 cents rounds half up
        (PERCENT, 1_004, 100),
        (Offer(2, "15% max 5€", "percent", percent=15, cap_cents=500), 10_000, 500),
        (Offer(2, "15% max 5€", "percent", percent=15, cap_cents=500), 2_000, 300),
        (Offer(3, "5€", "fixed", amount_cents=500), 10_000, 500),
        (Offer(3, "5€", "fixed", amount_cents=500), 300, 300),  # never more than the purchase
        (Offer(4, "20€ su 100€", "fixed", amount_cents=2000, min_spend_cents=10_000), 10_000, 2000),
    ],
)
def test_discounts(offer: Offer, amount: int, expected: int) -> None:
    assert discount_cents(offer, amount, minors=2, used_today=0) == expected


@pytest.mark.parametrize(
    ("offer", "amount", "minors", "used", "code"),
    [
        (Offer(4, "x", "fixed", amount_cents=2000, min_spend_cents=10_000), 9_999, 2, 0, "below_min_spend"),
        (Offer(5, "x", "percent", percent=10, min_minors=3), 5_000, 2, 0, "too_few_minors"),
        (Offer(6, "x", "percent", percent=10, daily_limit=1), 5_000, 2, 1, "daily_limit"),
        (PERCENT, 0, 2, 0, "invalid_amount"),
        (PERCENT, -5, 2, 0, "invalid_amount"),
        (PERCENT, 10_000_001, 2, 0, "invalid_amount"),
    ],
)
def test_refusals(offer: Offer, amount: int, minors: int, used: int, code: str) -> None:
    with pytest.raises(OfferRefused) as refused:
        discount_cents(offer, amount, minors, used)
    assert refused.value.code == code


@given(st.integers(1, 10_000_000), st.integers(1, 100), st.one_of(st.none(), st.integers(1, 100_000)))
def test_a_discount_is_never_negative_nor_above_the_amount_or_cap(
    amount: int, percent: int, cap: int | None
) -> None:
    discount = discount_cents(Offer(1, "p", "percent", percent=percent, cap_cents=cap), amount, 1, 0)
    assert 0 <= discount <= amount
    assert cap is None or discount <= cap


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12,50", 1250),
        ("12.50", 1250),
        ("12", 1200),
        ("0,5", 50),
        ("€ 1.234,50", 123450),
        ("1.234", 123400),
        (" 7,05 ", 705),
    ],
)
def test_parse_euros(typed: str, cents: int) -> None:
    assert parse_euros(typed) == cents


@pytest.mark.parametrize("typed", ["", "abc", "12,505", "1,2,3", "-5", "12.5.0"])
def test_parse_euros_refuses(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_euros(typed)


def test_format_money() -> None:
    assert format_money(123450, "it") == "1.234,50 €" and format_money(5, "it") == "0,05 €"
    assert format_money(123450, "en") == "€1,234.50" and format_money(-1250, "it") == "-12,50 €"
