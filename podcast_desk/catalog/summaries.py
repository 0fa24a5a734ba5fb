"""Summary engines: LLM servers and the offline summary."""

from __future__ import annotations

from podcast_desk.catalog.types import Template

MESSAGES: dict[str, Template] = {
    # ---- summaries (engines speak through these)
    "summary.ollama_down": "Ollama is not running at {host}.",
    "hint.ollama_install": (
        "Install Ollama and run “ollama pull {model}” for better summaries."),
    "summary.openai_down": "No LLM server answers at {host}.",
    "hint.ollama_down": "Start Ollama, or choose the offline summary in Settings.",
    "summary.model_missing": "The model “{model}” is not available on {host}.",
    "hint.pull_model": "Run “ollama pull {model}” for better summaries.",
    "summary.timeout": "The LLM server did not answer within {seconds} s.",
    "hint.smaller_model": "A smaller model or a longer timeout may help.",
    "summary.stopped": "The LLM server at {host} stopped in the middle of its answer.",
    "summary.failed": "The LLM server at {host} failed to answer ({reason}).",
    "summary.bad_answer": "The LLM server's answer was not a summary.",
    "summary.not_json": "The LLM server's answer was not valid JSON.",
    "summary.server_error": "The LLM server had a problem (HTTP {status}).",
    "hint.summary_server": "Check the server, or choose the offline summary in Settings.",
}
