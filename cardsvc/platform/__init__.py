"""What the three apps, the command line and the demo stand on: web setup, storage, settings, the Rome
calendar and card-validity dates, money, words and their formats (gettext catalogues, Babel), plain text,
background loops and the JSON client.

Nothing here knows an app: the platform imports only the card core and libraries.
"""
