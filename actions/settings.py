"""Action-server configuration, read from the environment in one place."""

import os
from pathlib import Path

from actions.passage_choice import Settings as PassageChoice
from actions.triage import Thresholds

GUIDANCE_DIR = Path(
    os.getenv("GUIDANCE_DIR", Path(__file__).resolve().parent.parent / "data" / "guidance")
)

# When the topics' summed confidence is below the share, the message is declined as off-topic;
# a topic below the clarify confidence is not offered as an option. Tuned on the real tuning
# split with `make tune` (docs/tuning.md).
THRESHOLDS = Thresholds(
    min_topic_share=float(os.getenv("GUIDANCE_MIN_TOPIC_SHARE", "0.95")),
    clarify_min_confidence=float(os.getenv("GUIDANCE_CLARIFY_MIN_CONFIDENCE", "0.02")),
)

# How a passage is chosen within and across topics (actions/passage_choice.py).
PASSAGE_CHOICE = PassageChoice()

# A person to ask (the communications or information-governance team, the SoR rep), shown in
# help and after "not helpful": an email address or an intranet page. Unset: no contact line.
CONTACT_ADDRESS = os.getenv("GUIDANCE_CONTACT_ADDRESS", "").strip()
CONTACT_NAME = (
    os.getenv("GUIDANCE_CONTACT_NAME", "").strip() or "the team that looks after this guidance"
)

# Teams only: the channel "Ask an expert" posts a question to (its id, 19:...@thread.tacv2;
# channels/teams/ posts it). Unset: no "Ask an expert".
EXPERT_CHANNEL_ID = os.getenv("TEAMS_EXPERT_CHANNEL_ID", "").strip()
