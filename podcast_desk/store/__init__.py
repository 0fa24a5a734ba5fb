"""Persistence only: peewee models, opening the database, migrations."""
