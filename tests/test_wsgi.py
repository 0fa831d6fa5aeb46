"""The entry point gunicorn loads: wsgi.py builds the app and freezes what start-up built (the collector skips it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wsgi_builds_the_app_and_freezes_the_start_up_objects(tmp_path):
    env = {
        **os.environ,
        "QUIZAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'quizapp.sqlite'}",
        "QUIZAPP_SECRET_KEY": "wsgi-test-secret",
    }
    code = "import gc, wsgi; print(wsgi.app.name, gc.get_freeze_count())"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    name, frozen = done.stdout.split()
    assert name == "quizapp"
    assert int(frozen) > 50_000  # the app, its modules and mappers: ~160,000 objects
