"""The set-up script explains a missing Python 3.10 instead of failing with a traceback."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tools.training_data import ROOT

pytestmark = pytest.mark.e2e  # servers, a browser or the trained model: not in `make test-fast`


@pytest.mark.skipif(
    any(Path(p).exists() for p in ("/usr/bin/python3.10", "/usr/local/bin/python3.10")),
    reason="this machine has a system Python 3.10 the script would find",
)
def test_a_missing_python_3_10_gets_a_message_naming_what_to_install(tmp_path):
    bin_dir = tmp_path / "bin"  # the basic tools, but no python3.10 and no pyenv
    bin_dir.mkdir()
    for tool in ("cat", "grep"):
        (bin_dir / tool).symlink_to(shutil.which(tool))

    result = subprocess.run(
        [shutil.which("bash"), str(ROOT / "ops" / "make-venv.sh"), str(tmp_path / "venv")],
        cwd=ROOT,
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
    )

    assert result.returncode == 1
    assert "Python 3.10 was not found" in result.stderr
    assert "pyenv install 3.10" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "venv").exists()
