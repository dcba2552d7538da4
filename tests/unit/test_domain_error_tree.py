"""Every domain error in the code base belongs to a kind the central service answers with a status, has
a snake_case code, carries no HTTP status of its own, and is drawn in the tree of
``cardsvc.core.errors``."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import cardsvc
import issuer
import merchant_kiosk
from cardsvc.core import errors
from cardsvc.core.errors import DomainError
from cardsvc.platform.web.error_status import HTTP_STATUS, http_status

pytestmark = pytest.mark.unit
SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


def _all_subclasses() -> list[type[DomainError]]:
    for package in (cardsvc, issuer, merchant_kiosk):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not module.name.endswith((".wsgi", ".gunicorn_conf")):  # these build an app when imported
                importlib.import_module(module.name)
    found: list[type[DomainError]] = []
    waiting = list(DomainError.__subclasses__())
    while waiting:
        kind = waiting.pop()
        found.append(kind)
        waiting.extend(kind.__subclasses__())
    return found


def test_every_domain_error_has_a_status_in_the_central_mapping() -> None:
    subclasses = _all_subclasses()
    assert len(subclasses) > 20  # the kinds and the named errors of the three apps, the network, the platform
    for kind in subclasses:
        assert any(base in HTTP_STATUS for base in kind.__mro__), kind
        assert SNAKE.fullmatch(kind.code), (kind, kind.code)
        assert kind.code != DomainError.code, kind
        assert not hasattr(kind, "status"), kind


def test_every_domain_error_is_drawn_in_the_tree() -> None:
    tree = errors.__doc__ or ""
    for kind in _all_subclasses():
        assert re.search(rf"\b{kind.__name__}\b", tree), kind


def test_a_domain_error_without_a_kind_is_a_server_error() -> None:
    assert http_status(DomainError("no kind")) == 500
