"""Time pycose decoding and verifying one FC1 COSE_Sign1 (runs in .venv-xcheck).

Reads ``{"cose_hex", "public_key_hex", "rounds"}`` as JSON on stdin, prints ``{"per_s": N}``.
"""

import json
import sys
import time

from pycose.keys import OKPKey
from pycose.messages import CoseMessage

request = json.load(sys.stdin)
data = bytes.fromhex(request["cose_hex"])
key = OKPKey(crv="ED25519", x=bytes.fromhex(request["public_key_hex"]))


def once() -> None:
    message = CoseMessage.decode(data)
    message.key = key
    if not message.verify_signature():
        raise SystemExit("pycose refused the card")


best = 0.0
for _ in range(request["rounds"]):
    n = 300
    start = time.perf_counter()
    for _ in range(n):
        once()
    best = max(best, n / (time.perf_counter() - start))
print(json.dumps({"per_s": best}))
