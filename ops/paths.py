"""Where the project's files are, for every process and tool that needs to find them."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's `rasa`, beside the Python running us
DEFAULT_MODEL = ROOT / "models" / "guidance-assistant.tar.gz"
