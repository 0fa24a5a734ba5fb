"""Tests against a real llama.cpp llama-server (marked ``llm``; built once into a cache)."""
