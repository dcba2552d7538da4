"""The network's own folder and keys: the offline home of the root key, encrypted keys on disk, and the
founding comuni."""
