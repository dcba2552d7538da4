"""The card core is pure: no web framework, no database (STYLE: I/O at the edges)."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit


def test_core_imports_neither_flask_nor_sqlite3() -> None:
    probe = (
        "import sys, cardsvc.core, cardsvc.core.verifier, cardsvc.core.qr;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlite3', '_sqlite3', "
        "'sqlite_utils', 'werkzeug'}); print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
