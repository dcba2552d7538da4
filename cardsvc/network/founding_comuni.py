"""The founding comuni of the Rete dei Comuni amici della Famiglia (SPEC §1), for the demo and tests.

Nothing in the software assumes these are all: comuni are data, added with ``network add-comune``.
"""

FOUNDING_COMUNI: dict[str, str] = {
    "108008": "Besana in Brianza",
    "108012": "Brugherio",
    "108015": "Carate Brianza",
    "108024": "Giussano",
    "108027": "Limbiate",
    "108034": "Muggiò",
    "108040": "Seveso",
}
NETWORK_NAME = "Rete dei Comuni amici della Famiglia"
