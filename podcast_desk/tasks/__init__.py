"""Durable task queue and runner: no Qt, no yt-dlp, no whisper."""
