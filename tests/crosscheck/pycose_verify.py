"""Verify FC1 COSE_Sign1 messages with pycose, an independent COSE implementation.

Runs in ``.venv-xcheck`` (pycose 1.1 needs cbor2 < 6). Reads a JSON list of
``{"cose_hex", "public_key_hex"}`` on stdin; prints a JSON list of results with the decoded payload and
protected header, or the error pycose raised.
"""

import json
import sys

import cbor2
from pycose import headers
from pycose.keys import OKPKey
from pycose.messages import CoseMessage

results = []
for item in json.load(sys.stdin):
    try:
        message = CoseMessage.decode(bytes.fromhex(item["cose_hex"]))
        message.key = OKPKey(crv="ED25519", x=bytes.fromhex(item["public_key_hex"]))
        ok = message.verify_signature()
        alg = message.get_attr(headers.Algorithm)
        kid = message.get_attr(headers.KID)
        results.append(
            {
                "verified": bool(ok),
                "alg": getattr(alg, "identifier", None),
                "kid_hex": kid.hex() if kid else None,
                "payload": {
                    str(k): v
                    for k, v in cbor2.loads(message.payload).items()
                    if not isinstance(v, (bytes, dict))
                },
            }
        )
    except Exception as exc:  # report, do not hide: the test asserts on this
        results.append({"verified": False, "error": f"{exc.__class__.__name__}: {exc}"})
print(json.dumps(results))
