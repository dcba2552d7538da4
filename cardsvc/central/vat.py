"""Italian VAT numbers (partita IVA): eleven digits, the last a check digit (Luhn-style)."""

from __future__ import annotations


class VatNumberError(ValueError):
    """What is wrong with a VAT number: ``code`` is the key of its message in the central catalogue
    (``vat_length``, ``vat_check_digit``); the exception's text is the API's English message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def vat_check_digit(first_ten: str) -> int:
    total = 0
    for index, char in enumerate(first_ten):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def normalize_vat(text: str) -> str:
    """The eleven digits of a partita IVA, or :class:`VatNumberError` saying what is wrong."""
    digits = "".join(text.split()).upper().removeprefix("IT")
    if len(digits) != 11 or not (digits.isascii() and digits.isdigit()):
        raise VatNumberError("vat_length", "a VAT number has 11 digits")
    if vat_check_digit(digits[:10]) != int(digits[10]):
        raise VatNumberError("vat_check_digit", "the VAT number's check digit is wrong")
    return digits
