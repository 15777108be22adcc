"""bibobscan users: the web workspace's accounts from the command line, against a real
case store in a tmp folder; bad input gets exit code 2 and one clear line."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bibobscan.accounts import Accounts, Role
from bibobscan.cli import app
from bibobscan.errors import LoginRefused
from bibobscan.store import CaseStore, locate

runner = CliRunner()
PASSWORD = "correct paard batterij nietje"
NEW_PASSWORD = "een heel ander wachtwoord"


class Terminal:
    """The answers typed at the password prompt (getpass reads the terminal itself,
    which a test cannot type into); asking when no answer is left fails the test."""

    def __init__(self) -> None:
        self.answers: list[str] = []
        self.prompts: list[str] = []

    def __call__(self, prompt: str = "") -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise AssertionError(f"the password was asked ({prompt!r}) although it should not be")
        return self.answers.pop(0)


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    typed = Terminal()
    monkeypatch.setattr(getpass, "getpass", typed)
    return typed


def run(data: Path, *args: str, code: int = 0, password: str | None = PASSWORD) -> str:
    """``bibobscan users ARGS --data DATA``, the password in $BIBOBSCAN_PASSWORD (or none)."""
    result = runner.invoke(app, ["users", *args, "--data", str(data)], env={"BIBOBSCAN_PASSWORD": password or ""})
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def accounts(data: Path) -> tuple[CaseStore, Accounts]:
    store = CaseStore.open(locate(data=data, environ={}))
    return store, Accounts(store)


def test_add_list_passwd_disable(tmp_path: Path) -> None:
    out = run(tmp_path, "add", "j.devries", "--role", "behandelaar", "--team", "Bibob", "--team", "Horeca", "--display-name", "Jan de Vries")
    assert "account j.devries (behandelaar; teams: Bibob, Horeca) added" in out
    assert "account beheer (beheerder; teams: -) added" in run(tmp_path, "add", "beheer", "--role", "beheerder")
    lines = run(tmp_path, "list").splitlines()
    assert lines == ["beheer\tbeheerder\t-\tactive\t", "j.devries\tbehandelaar\tBibob, Horeca\tactive\tJan de Vries"]

    store, accs = accounts(tmp_path)
    with store:
        assert accs.authenticate("j.devries", PASSWORD, client="test").role is Role.BEHANDELAAR
        secret, _ = accs.start_session(accs.get("j.devries"))  # type: ignore[arg-type]

        assert "password of j.devries changed; its sessions have ended" in run(tmp_path, "passwd", "j.devries", password=NEW_PASSWORD)
        assert accs.session(secret) is None
        assert accs.authenticate("j.devries", NEW_PASSWORD, client="test").name == "j.devries"
        try:
            accs.authenticate("j.devries", PASSWORD, client="test")
            raise AssertionError("the old password still works")
        except LoginRefused:
            pass

        assert "account j.devries disabled" in run(tmp_path, "disable", "j.devries")
        assert "j.devries\tbehandelaar\tBibob, Horeca\tdisabled\tJan de Vries" in run(tmp_path, "list")
        assert accs.get("j.devries").active is False  # type: ignore[union-attr]


def test_a_token_is_printed_once_and_works_until_revoked(tmp_path: Path) -> None:
    run(tmp_path, "add", "j.devries", "--role", "reviewer", "--team", "Bibob")
    first = run(tmp_path, "token", "j.devries", "--label", "zaaksysteem").strip()
    second = run(tmp_path, "token", "j.devries").strip()
    assert first.startswith("bbs_") and "\n" not in first and first != second
    store, accs = accounts(tmp_path)
    with store:
        assert accs.token_account(first) == accs.get("j.devries")
        assert accs.token_account(second) is not None
        assert first not in run(tmp_path, "list")
        assert "2 token(s) of j.devries revoked" in run(tmp_path, "token", "j.devries", "--revoke")
        assert accs.token_account(first) is None and accs.token_account(second) is None
        assert "0 token(s) of j.devries revoked" in run(tmp_path, "token", "j.devries", "--revoke")


def test_the_demo_store_keeps_its_own_accounts(tmp_path: Path) -> None:
    run(tmp_path, "add", "demo-x", "--role", "bureau", "--demo")
    assert "demo-x" in run(tmp_path, "list", "--demo")
    assert run(tmp_path, "list") == ""


def test_an_unknown_role_is_refused_before_the_password_is_asked(tmp_path: Path) -> None:
    out = run(tmp_path, "add", "piet", "--role", "admin", code=2, password=None)  # no password given: it is not asked
    assert "role 'admin': one of behandelaar, reviewer, bureau, beheerder" in out
    assert "password" not in out
    assert run(tmp_path, "list") == ""


def test_bad_names_and_teams_are_refused(tmp_path: Path) -> None:
    assert "account name 'Piet de Vries'" in run(tmp_path, "add", "Piet de Vries", "--role", "behandelaar", code=2)
    assert "team '<script>'" in run(tmp_path, "add", "piet", "--role", "behandelaar", "--team", "<script>", code=2)
    assert run(tmp_path, "list") == ""


def test_a_short_or_weak_password_is_refused(tmp_path: Path) -> None:
    assert "the password is too short: at least 12 characters" in run(tmp_path, "add", "piet", "--role", "behandelaar", code=2, password="kort")
    assert "too few characters" in run(tmp_path, "add", "piet", "--role", "behandelaar", code=2, password="abababababababab")
    assert run(tmp_path, "list") == ""
    run(tmp_path, "add", "piet", "--role", "behandelaar")
    assert "too short" in run(tmp_path, "passwd", "piet", code=2, password="kort")
    store, accs = accounts(tmp_path)
    with store:
        assert accs.authenticate("piet", PASSWORD, client="test").name == "piet"  # unchanged


def test_a_duplicate_is_refused(tmp_path: Path) -> None:
    run(tmp_path, "add", "piet", "--role", "behandelaar", "--team", "Bibob")
    out = run(tmp_path, "add", "piet", "--role", "beheerder", code=2, password=None)
    assert "an account 'piet' exists already" in out
    assert run(tmp_path, "list").splitlines() == ["piet\tbehandelaar\tBibob\tactive\t"]


def test_commands_on_an_unknown_account_say_so(tmp_path: Path) -> None:
    for args in (("passwd", "nobody"), ("disable", "nobody"), ("token", "nobody"), ("token", "nobody", "--revoke")):
        out = run(tmp_path, *args, code=2, password=None)
        assert "no account 'nobody'" in out, args


def test_without_the_variable_the_password_is_asked_twice(tmp_path: Path, terminal: Terminal) -> None:
    terminal.answers = [PASSWORD, NEW_PASSWORD]
    assert "the two passwords differ" in run(tmp_path, "add", "piet", "--role", "behandelaar", code=2, password=None)
    assert run(tmp_path, "list") == ""
    terminal.answers = [PASSWORD, PASSWORD]
    run(tmp_path, "add", "piet", "--role", "behandelaar", password=None)
    assert terminal.prompts == ["password: ", "again: ", "password: ", "again: "]
    store, accs = accounts(tmp_path)
    with store:
        assert accs.authenticate("piet", PASSWORD, client="test").name == "piet"
