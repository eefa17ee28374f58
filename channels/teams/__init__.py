"""Microsoft Teams: the channel (channel.py), reading its activities (activity.py), Microsoft's
tokens (auth.py) and the answer card (cards.py). `channels.teams.TeamsInput` is the dotted path
credentials.yml and ops/teams_credentials.py register."""

from channels.teams.channel import TeamsInput

__all__ = ["TeamsInput"]
