"""Family Card: the card core (``cardsvc.core``) and the network's central service."""
