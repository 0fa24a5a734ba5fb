"""Podcast Desk: podcast links to searchable transcripts and summaries, on your own computer."""

__version__ = "0.1.0"
