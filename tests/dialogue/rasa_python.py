"""Run a script in Rasa's Python (the dialogue engine's virtualenv) and read the JSON it prints last."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from assistant.local_stack import RASA_PYTHON, ROOT


def json_from_rasa_python(script: str, timeout: float = 300) -> Any:
    """The JSON on the last line the script prints; AssertionError with its stderr if it fails."""
    ran = subprocess.run([str(RASA_PYTHON), "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout.strip().splitlines()[-1])
