"""Small key-value settings the kiosk keeps in its database: identity, lists, sync status (JSON)."""

from __future__ import annotations

from cardsvc.platform.storage.key_values import KeyValues

_kv = KeyValues("kv", as_json=True)
get = _kv.get
get_many = _kv.get_many
put = _kv.put
put_many = _kv.put_many
