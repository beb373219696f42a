"""`python -m assistant agents add` registers an agent; seeding the embedded profile adds the demo agents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from assistant.db import make_engine
from assistant.handoff.agents import authenticate
from assistant.handoff.demo import DEMO_AGENT_PASSWORD
from assistant.handoff.models import Agent

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, stdin: str = "", profile: str = "embedded") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, env={**os.environ, "ASSISTANT_PROFILE": profile})


def _emails(url: str) -> list[str]:
    with Session(make_engine(url)) as session:
        return sorted(a.email for a in session.exec(select(Agent)).all())


def test_agents_add_registers_an_agent_who_can_sign_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    result = _run("agents", "add", "--email", "Kim@Lumen.example", "--name", "Kim", "--password-stdin",
                  "--database-url", url, stdin="a-strong-password\n")
    with Session(make_engine(url)) as session:
        agent = authenticate(session, "kim@lumen.example", "a-strong-password")
    assert (result.returncode, agent.display_name if agent else None) == (0, "Kim")


def test_agents_add_with_a_short_password_adds_nobody_and_says_why(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    result = _run("agents", "add", "--email", "kim@lumen.example", "--name", "Kim", "--password-stdin",
                  "--database-url", url, stdin="short\n")
    assert (result.returncode, "at least 10 characters" in result.stderr, _emails(url)) == (1, True, [])


def test_agents_add_with_a_taken_email_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    args = ("agents", "add", "--email", "kim@lumen.example", "--name", "Kim", "--password-stdin", "--database-url", url)
    _run(*args, stdin="a-strong-password\n")
    again = _run(*args, stdin="another-strong-password\n")
    assert (again.returncode, "already an agent" in again.stderr) == (1, True)


def test_seeding_the_embedded_profile_adds_the_demo_agents_with_the_documented_password(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    _run("seed", "--customers", "1", "--as-of", "2026-11-20", "--database-url", url)
    with Session(make_engine(url)) as session:
        alex = authenticate(session, "alex@lumen.example", DEMO_AGENT_PASSWORD)
    assert (_emails(url), alex is not None) == (["alex@lumen.example", "sam@lumen.example"], True)


def test_seeding_the_production_profile_adds_no_demo_agents(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    _run("seed", "--customers", "1", "--as-of", "2026-11-20", "--database-url", url, profile="production")
    assert _emails(url) == []
