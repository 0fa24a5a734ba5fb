"""Numbered schema migrations: mNNNN_name.py, each with migrate(db, migrator)."""
