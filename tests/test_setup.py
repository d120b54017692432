"""The set-up a newcomer follows: README's commands and the Makefile they run."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from civic.demo.ward import PEOPLE

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_first_screen_has_exactly_the_two_commands():
    first_screen = README.split("\n---\n", 1)[0]
    commands = re.findall(r"^make \w+", first_screen, flags=re.MULTILINE)
    assert commands == ["make run", "make test"]


def test_readme_lists_every_demo_account_and_how_to_reset():
    listed = set(re.findall(r"`([\w.]+@example\.jp)`", README))
    assert {email for email, *_rest in PEOPLE} <= listed
    assert "flask --app civic demo reset" in README
    assert ".venv/bin/flask --app civic" in README and ". .venv/bin/activate" in README


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
@pytest.mark.parametrize("how", ["environment", "argument"])
def test_make_run_listens_where_port_and_host_say(how):
    settings = {"PORT": "8123", "HOST": "0.0.0.0"}  # noqa: S104 - only printed by make -n  # nosec B104
    env = {**os.environ, **settings} if how == "environment" else dict(os.environ)
    arguments = [f"{k}={v}" for k, v in settings.items()] if how == "argument" else []
    plan = subprocess.run(["make", "-n", "run", *arguments], cwd=ROOT, env=env,  # noqa: S603, S607
                          capture_output=True, text=True, check=True).stdout
    assert "run --host 0.0.0.0 --port 8123" in plan


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
def test_make_run_defaults_to_loopback_port_5000():
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "HOST")}
    plan = subprocess.run(["make", "-n", "run"], cwd=ROOT, env=env,  # noqa: S603, S607
                          capture_output=True, text=True, check=True).stdout
    assert "run --host 127.0.0.1 --port 5000" in plan
