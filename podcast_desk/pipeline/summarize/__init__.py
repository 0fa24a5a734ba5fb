"""Summaries: Ollama when it is there, an offline extractive summary otherwise (see engine)."""
