"""Stores the Rasa server is configured with (endpoints files) beyond Rasa's own."""
