"""The flags page of the admin pages: each open flag with its shop, card number and records as rows, and
the network administrator's decision on it (resolved or dismissed, with a note); decided flags below."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from cardsvc.core.errors import DomainError
from cardsvc.platform.clock import now
from cardsvc.platform.i18n import N_
from cardsvc.platform.web.forms import Form, done, refused

from .admin_ui import bp, login_required, visible_flags
from .auth import user
from .db import get_db
from .flag_review import DECISIONS, card_number, decide_flag, decisions, flag_records
from .i18n import t

REFUSALS = {
    code: key
    for code, key in (
        ("note_required", N_("error_note_required")),
        ("invalid_note", N_("error_invalid_note")),
        ("invalid_decision", N_("error_invalid_decision")),
        ("unknown_flag", N_("error_unknown_flag")),
        ("flag_closed", N_("error_flag_closed")),
    )
}
DONE = {"resolved": N_("flag_resolved"), "dismissed": N_("flag_dismissed")}
DECISION_KEYS = (N_("decision_resolved"), N_("decision_dismissed"))


def _visible(status: str) -> list[dict[str, Any]]:
    db = get_db()
    return [
        {
            **f,
            "card_number": card_number(f["cti"]),
            "rows": flag_records(db, f),
            "decisions": decisions(db, f["id"]),
        }
        for f in visible_flags(status)
    ]


FIELD_OF = {"note_required": "note", "invalid_note": "note", "invalid_decision": "decision"}


def _page(forms: dict[int, Form], status: int = 200) -> tuple[str, int]:
    """The open flags, each with its decision form (as typed, when ``forms`` holds it), and the decided."""
    return render_template(
        "admin/flags.html",
        flags=_visible("open"),
        closed=_visible("closed")[:50],
        decisions_=[(d, t(f"decision_{d}")) for d in DECISIONS],
        forms=forms,
        blank=Form(),
    ), status


@bp.get("/admin/flags")
@login_required("network_admin", "comune_officer")
def flags() -> tuple[str, int]:
    return _page({})


@bp.post("/admin/flags/<int:flag_id>/decision")
@login_required("network_admin")
def flag_decision(flag_id: int) -> BaseResponse | tuple[str, int]:
    """Resolve or dismiss a flag with a note; a missing choice or note is said beside it, the note kept."""
    form = Form.posted(("decision", "note"))
    try:
        decide_flag(get_db(), flag_id, form.get("decision"), form.get("note"), user()["username"], now())
    except DomainError as refusal:
        said = t(REFUSALS[refusal.code]) if refusal.code in REFUSALS else refusal.message
        if refusal.code not in FIELD_OF:
            refused(said)
            return redirect(url_for("admin.flags"), 303)
        form.error(FIELD_OF[refusal.code], said)
        return _page({flag_id: form}, 422)
    done(t(DONE[form.get("decision")], number=flag_id))
    return redirect(url_for("admin.flags"), 303)
