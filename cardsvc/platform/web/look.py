"""One look for the three apps: Bootstrap Italia's built files (``static/bootstrap-italia/``, see its
README) and the network's own stylesheet over them (``static/familycard.css``), served by every app at
``/look/`` from this one folder; the page frame's macros (``templates/_look.html``); and the
accessibility statement's view, which the office and the central service serve at ``/accessibilita``."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Flask, current_app, render_template, url_for

from cardsvc.platform.web.i18n import day

SPRITES = "bootstrap-italia/svg/sprites.svg"
# The day the accessibility statement was last reviewed (AgID asks for it): change it with the text.
STATEMENT_REVIEWED = date(2026, 12, 4)


def icon_href(name: str) -> str:
    """The address of one of Bootstrap Italia's icons (``it-camera``) for ``<svg><use href=…>``."""
    return url_for("look.static", filename=SPRITES) + "#" + name


def look_url(filename: str) -> str:
    return url_for("look.static", filename=filename)


def install_look(app: Flask) -> None:
    """Serve the shared files at ``/look/``, find ``_look.html`` after the app's own templates, and
    give the templates ``look_url(filename)`` and ``icon_href(name)``."""
    look = Blueprint(
        "look", __name__, static_folder="static", static_url_path="/look", template_folder="templates"
    )
    app.register_blueprint(look)
    app.jinja_env.globals.update(look_url=look_url, icon_href=icon_href)


def accessibility_statement() -> str:
    """The app's ``accessibility.html`` with the review day and the contact for feedback
    (``ACCESSIBILITY_CONTACT``, else the comune's URP)."""
    return render_template(
        "accessibility.html",
        statement_date=day(STATEMENT_REVIEWED, "long"),
        contact=current_app.config.get("ACCESSIBILITY_CONTACT", ""),
    )
