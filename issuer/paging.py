"""Long lists in pages: the page asked for in ``?page=``, checked, and what the pager under a list shows.

A page that is not a whole number from 1, or past the last page, is refused with :class:`PageRefused`
(``not_a_page`` or ``past_the_end``), which the list's page says in words next to the first page's link.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardsvc.platform.web.numbers import whole_number

PAGE_SIZE = 25
MAX_PAGE = 1_000_000


class PageRefused(ValueError):
    """A ``?page=`` that is not a page of the list (the list's own page says it); ``code`` says why."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class Page:
    number: int
    total: int  # items in the whole list
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_item(self) -> int:
        return min(self.total, self.offset + 1)

    @property
    def last_item(self) -> int:
        return min(self.total, self.offset + self.size)


def page_number(text: str | None) -> int:
    """The page asked for: 1 when none; :class:`PageRefused` when it is not a whole number from 1."""
    if text is None or text == "":
        return 1
    try:
        return whole_number(text.strip(), 1, MAX_PAGE)
    except ValueError:
        raise PageRefused("not_a_page", value=text[:20]) from None


def checked_page(number: int, total: int, size: int = PAGE_SIZE) -> Page:
    """The page of a list of ``total`` items; :class:`PageRefused` past the last page (an empty list has one
    empty page)."""
    page = Page(number, total, size)
    if number > page.pages:
        raise PageRefused("past_the_end", page=number, pages=page.pages)
    return page
