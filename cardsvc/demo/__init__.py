"""The demo network: the seven founding comuni, their shared comune office, shops with offers, families
with cards, an enrolled till and months of redemptions, built with the same code operators use, then
served on 127.0.0.1 (``familycard demo``)."""
