"""The attacks of the threat model (docs/security.md), each against the real apps: the central service, the
comune office and the till with their test clients, or served by gunicorn on loopback."""

from tests.functional.conftest import central  # noqa: F401 - fixtures shared with the functional tests
from tests.functional.issuer.conftest import office  # noqa: F401
from tests.functional.kiosk.conftest import make_till, till  # noqa: F401
