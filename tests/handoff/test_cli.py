"""`python -m assistant agents ...` adds, lists, disables, enables and links agents; seeding adds the demo agents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from assistant.__main__ import main
from assistant.bank.models import AuditLog
from assistant.db import make_engine
from assistant.handoff.agents import authenticate
from assistant.handoff.demo import DEMO_AGENT_PASSWORD
from assistant.handoff.models import Agent
from assistant.identities.links import agent_for

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


ISSUER = "https://id.bank.test/realms/lumen"


def _agents_db(tmp_path: Path) -> str:
    """A bank database with agent Kim (id 1), added by the command line."""
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    assert main(["agents", "add", "--email", "kim@lumen.example", "--name", "Kim Lee", "--no-password",
                 "--database-url", url]) == 0
    return url


def _agent(url: str) -> Agent:
    with Session(make_engine(url)) as session:
        return session.exec(select(Agent)).one()


def test_agents_disable_disables_the_agent_by_email_and_is_audited(tmp_path: Path) -> None:
    url = _agents_db(tmp_path)
    code = main(["agents", "disable", "Kim@Lumen.example", "--database-url", url])
    with Session(make_engine(url)) as session:
        actions = [(e.action, e.entity_id) for e in session.exec(select(AuditLog)).all()]
    assert (code, _agent(url).disabled_at is not None, actions) == (0, True, [("agent.disable", "1")])


def test_agents_enable_lets_a_disabled_agent_back_by_id(tmp_path: Path) -> None:
    url = _agents_db(tmp_path)
    main(["agents", "disable", "1", "--database-url", url])
    assert (main(["agents", "enable", "1", "--database-url", url]), _agent(url).disabled_at) == (0, None)


def test_agents_disable_of_an_unknown_agent_fails_and_says_so(tmp_path: Path, capsys) -> None:
    url = _agents_db(tmp_path)
    code = main(["agents", "disable", "nobody@lumen.example", "--database-url", url])
    assert (code, "There is no agent nobody@lumen.example" in capsys.readouterr().err) == (1, True)


def test_agents_list_shows_each_agent_with_their_state_and_sign_ins(tmp_path: Path, capsys) -> None:
    url = _agents_db(tmp_path)
    main(["agents", "link", "kim@lumen.example", "--subject", "sub-kim", "--issuer", ISSUER, "--database-url", url])
    main(["agents", "disable", "1", "--database-url", url])
    capsys.readouterr()
    main(["agents", "list", "--database-url", url])
    fields = capsys.readouterr().out.strip().split("\t")
    assert (fields[:3], fields[3].startswith("disabled"), fields[4]) == (
        ["1", "kim@lumen.example", "Kim Lee"], True, f"sub-kim at {ISSUER}")


def test_agents_link_lets_the_sign_in_stand_for_the_agent_and_unlink_undoes_it(tmp_path: Path) -> None:
    url = _agents_db(tmp_path)
    linked = main(["agents", "link", "1", "--subject", "sub-kim", "--issuer", ISSUER, "--database-url", url])
    with Session(make_engine(url)) as session:
        found = agent_for(session, ISSUER, "sub-kim")
    unlinked = main(["agents", "unlink", "--subject", "sub-kim", "--issuer", ISSUER, "--database-url", url])
    with Session(make_engine(url)) as session:
        assert (linked, found, unlinked, agent_for(session, ISSUER, "sub-kim")) == (0, 1, 0, None)


def test_an_agent_added_without_a_password_cannot_sign_in_with_one(tmp_path: Path) -> None:
    url = _agents_db(tmp_path)
    with Session(make_engine(url)) as session:
        assert authenticate(session, "kim@lumen.example", "!") is None
