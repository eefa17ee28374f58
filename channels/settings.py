"""Rasa-server-side configuration of the channels, read from the environment in one place."""

import os

# Longer messages are cut here before redaction and NLU (a question needs far fewer).
MAX_MESSAGE_CHARS = int(os.getenv("GUIDANCE_MAX_MESSAGE_CHARS", "5000"))
# Per-sender flood protection: a burst of RATE_BURST messages, then RATE_PER_MINUTE.
RATE_PER_MINUTE = float(os.getenv("GUIDANCE_RATE_PER_MINUTE", "30"))
RATE_BURST = int(os.getenv("GUIDANCE_RATE_BURST", "10"))
# How many recent conversations the rate limit and the once-per-conversation notice remember.
TRACKED_SENDERS = int(os.getenv("GUIDANCE_TRACKED_SENDERS", "10000"))
