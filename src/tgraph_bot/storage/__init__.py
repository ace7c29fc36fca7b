"""SQLite storage: one database file in DATA_DIR, migrated by numbered, recorded migrations."""

from tgraph_bot.storage.db import Database, connect, database_path, migrate

__all__ = ["Database", "connect", "database_path", "migrate"]
