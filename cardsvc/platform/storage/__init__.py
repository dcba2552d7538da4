"""SQLite files of the apps: per-thread connections and migrations, write transactions, health checks."""
