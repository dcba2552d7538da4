"""The login form's handling, one for the central service's admin pages and the comune office."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from cardsvc.platform.web.forms import Form
from cardsvc.platform.web.i18n import Catalog
from cardsvc.platform.web.login import TooManyAttempts, safe_next


def login_page(
    check: Callable[[str, str], dict[str, Any] | None],
    log_in: Callable[[dict[str, Any]], None],
    template: str,
    home_endpoint: str,
    t: Catalog,
) -> Response | str:
    """GET shows the form; POST checks the password (throttled: 429 with ``Retry-After``), starts the
    session and goes to ``next`` when it is a path on this site, else home. A wrong password: 401, the
    form again with the user name as typed."""
    if request.method != "POST":
        return render_template(template, form=Form())
    form = Form({"username": request.form.get("username", "")})  # the password is never shown again
    try:
        found = check(request.form.get("username", ""), request.form.get("password", ""))
    except TooManyAttempts as refused:
        flash(t.plural("too_many_logins", -(-refused.retry_after // 60)), "error")
        page = make_response(render_template(template, form=form), 429)
        page.headers["Retry-After"] = str(refused.retry_after)
        return page
    if found is None:
        flash(t("bad_login"), "error")
        return make_response(render_template(template, form=form), 401)
    log_in(found)
    return redirect(safe_next(request.args.get("next"), url_for(home_endpoint)))
