"""What every app factory does the same way, in one call: the clock, the web policy, the words, CSRF in
forms and their fields, the shared look, and the app's own template globals. (Each factory reads
its secret first, from its settings or its instance folder: see
``cardsvc.network.keystore.instance_secret``.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from cardsvc.platform.clock import install_clock
from cardsvc.platform.web.csrf import csrf_token
from cardsvc.platform.web.forms import init_forms
from cardsvc.platform.web.i18n import Catalog, init_i18n
from cardsvc.platform.web.login import password_method
from cardsvc.platform.web.look import install_look
from cardsvc.platform.web.security import configure_web


def configure_app(
    app: Flask,
    catalog: Catalog,
    template_globals: dict[str, Callable[..., Any]] | None = None,
    logins: bool = False,
) -> None:
    """For an app with ``logins``, the scrypt cost checked (``login.password_method``); then the system
    clock unless the settings bring one, cookies and security headers (``security``), Flask-Babel with
    ``catalog``, the shared form macros (``fields.html``), the shared look (``look``: Bootstrap Italia at
    ``/look/``), and ``csrf_token`` with ``template_globals`` in every template."""
    if logins:
        password_method()  # a scrypt cost out of range is refused at start, not at the first login
    install_clock(app.config)
    configure_web(app)
    init_i18n(app, catalog)
    init_forms(app)
    install_look(app)
    app.jinja_env.globals.update(csrf_token=csrf_token, **(template_globals or {}))
