"""What is done to a user's message before anything reads, stores or logs it, free of Rasa so
it can be tested and reviewed on its own (docs/privacy.md): the text is cleaned and its
identifiers redacted (text.py, redaction.py with the word lists in words/), and the metadata a
client sends is cut down to an allowlist of safe shapes (metadata.py)."""
