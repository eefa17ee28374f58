"""Action-server configuration, read from the environment in one place."""
import os
from pathlib import Path

from actions.triage import Thresholds

GUIDANCE_DIR = Path(
    os.getenv("GUIDANCE_DIR", Path(__file__).resolve().parent.parent / "data" / "guidance")
)

# A topic below this confidence is not offered as a clarify option; when no topic reaches it,
# the assistant declines. Tuned on tests/evaluation/dev.yml with `make tune`.
THRESHOLDS = Thresholds(
    clarify_min_confidence=float(os.getenv("GUIDANCE_CLARIFY_MIN_CONFIDENCE", "0.14")),
)
