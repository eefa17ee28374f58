"""The project's Rasa channels, registered by dotted path in credentials.yml: REST (rest.py),
socket.io (socketio.py) and Teams (teams/), each behind the one guard (guard.py)."""
