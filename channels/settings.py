"""Rasa-server-side configuration of the channels, read from the environment in one place."""

import os

# Longer messages are cut here before redaction and NLU (a question needs far fewer).
MAX_MESSAGE_CHARS = int(os.getenv("GUIDANCE_MAX_MESSAGE_CHARS", "5000"))
# A request over this many bytes is refused: REST gets 413, the web chat a message_error. The
# web server reads up to TRANSPORT_MAX_BYTES so that such a request arrives whole and can be
# answered; beyond that it closes the connection (Sanic's 413, a websocket's 1009).
MAX_REQUEST_BYTES = int(os.getenv("SANIC_REQUEST_MAX_SIZE", "1000000"))
TRANSPORT_MAX_BYTES = 4 * MAX_REQUEST_BYTES
# Per-sender flood protection: a burst of RATE_BURST messages, then RATE_PER_MINUTE.
RATE_PER_MINUTE = float(os.getenv("GUIDANCE_RATE_PER_MINUTE", "30"))
RATE_BURST = int(os.getenv("GUIDANCE_RATE_BURST", "10"))
# How many recent conversations the rate limit and the once-per-conversation notice remember.
TRACKED_SENDERS = int(os.getenv("GUIDANCE_TRACKED_SENDERS", "10000"))
# Per client address, across its conversations (web chat and REST; not Teams, whose messages
# all come from Microsoft): a burst, then a rate. Addresses in RATE_EXEMPT (the operators'
# own tools on the server) are not limited. Behind a reverse proxy, list it in TRUSTED_PROXIES
# so the address it forwarded for (X-Forwarded-For) counts, not the proxy's.
ADDRESS_RATE_PER_MINUTE = float(os.getenv("GUIDANCE_ADDRESS_RATE_PER_MINUTE", "120"))
ADDRESS_RATE_BURST = int(os.getenv("GUIDANCE_ADDRESS_RATE_BURST", "60"))
TRUSTED_PROXIES = frozenset(os.getenv("GUIDANCE_TRUSTED_PROXIES", "").split())
RATE_EXEMPT = frozenset(os.getenv("GUIDANCE_RATE_EXEMPT", "127.0.0.1 ::1").split())
# A stopped, hung or slow action server: Rasa gives up after this many seconds (its own default
# is 5 minutes) and the user gets the apology instead.
ACTION_TIMEOUT_S = float(os.getenv("GUIDANCE_ACTION_TIMEOUT_S", "4"))
# Whatever else hangs (NLU, the tracker store): the guard stops waiting and apologises after
# this many seconds, well below Sanic's 60 s request timeout.
REPLY_DEADLINE_S = float(os.getenv("GUIDANCE_REPLY_DEADLINE_S", "20"))
