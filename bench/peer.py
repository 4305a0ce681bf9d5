"""Runs the peer benchmark (bench/peer_appointment.py) in its own virtual environment.

The environment lives at var/bench-peer-venv and is rebuilt only when
bench/peer-requirements.txt changes (a stamp file holds the requirements' hash).
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VENV = BASE_DIR / "var" / "bench-peer-venv"
REQUIREMENTS = Path(__file__).resolve().parent / "peer-requirements.txt"


def _python():
    return VENV / "bin" / "python"


def ensure_venv(log=print):
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    stamp = VENV / ".bench-requirements"
    if _python().exists() and stamp.exists() and stamp.read_text() == wanted:
        return
    log(f"Creating the peer's environment at {VENV.relative_to(BASE_DIR)} ...")
    # Same interpreter as the project's, so both sides run on the same Python.
    base_python = getattr(sys, "_base_executable", None) or sys.executable
    subprocess.run([base_python, "-m", "venv", "--clear", str(VENV)], check=True)
    pip = subprocess.run(
        [
            str(_python()),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(REQUIREMENTS),
        ],
        capture_output=True,
        text=True,
    )
    if pip.returncode != 0:
        raise RuntimeError(f"pip could not install the peer:\n{pip.stdout}\n{pip.stderr}")
    stamp.write_text(wanted)


def run_peer(*, date_from, runs, budget_s, timeout_s=600):
    """Build and time the scenario in django-appointment; returns its JSON result."""
    with tempfile.TemporaryDirectory(prefix="bench-peer-out-") as tmp:
        out = Path(tmp) / "peer.json"
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PYTHONPATH")
        }
        process = subprocess.run(
            [
                str(_python()),
                "-m",
                "bench.peer_appointment",
                "--out",
                str(out),
                "--date-from",
                date_from.isoformat(),
                "--runs",
                str(runs),
                "--budget",
                str(budget_s),
            ],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
        if process.returncode != 0 or not out.exists():
            raise RuntimeError(
                f"The peer benchmark failed ({process.returncode}):\n"
                f"{process.stdout[-3000:]}\n{process.stderr[-3000:]}"
            )
        return json.loads(out.read_text())
