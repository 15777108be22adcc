"""bibobscan serve: the officer's web workspace; bibobscan users: its local accounts."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ._app import EXIT_OK, ConfigOpt, DemoOpt, app, guarded
from ._store import DatabaseOpt, DataOpt, open_store

users_app = typer.Typer(help="Local accounts of the web workspace (roles: behandelaar, reviewer, bureau, beheerder).", no_args_is_help=True)
app.add_typer(users_app, name="users")
PASSWORD_ENV = "BIBOBSCAN_PASSWORD"


@app.command("serve")
@guarded
def serve(
    demo: DemoOpt = False,
    data: DataOpt = None,
    database: DatabaseOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default loopback only; behind a reverse proxy keep it so).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    config: ConfigOpt = None,
    archive: Annotated[Path | None, typer.Option("--archive", help="Archive folder for sealing (default: <data>/archief).")] = None,
    workers: Annotated[int, typer.Option("--scan-workers", min=1, max=64, help="Scans that run at once; the rest wait in line.")] = 4,
    proxy: Annotated[str | None, typer.Option("--trusted-proxy", help="Address of the reverse proxy whose X-Forwarded-For/-Proto headers to trust (then cookies are Secure).")] = None,
) -> int:
    """Start the web workspace (Dutch pages and the JSON API at /api/v1, OpenAPI at /openapi.json)."""
    import uvicorn

    from ..config import load_settings
    from ..demo import demo_config_note
    from ..store import locate
    from ..web import WebConfig, create_app
    from ..web.demo import DEMO_PASSWORD, prepare_demo

    settings = load_settings(config)  # checked in the demo too: a broken file is an error, never ignored
    if demo and (note := demo_config_note(config)):
        typer.echo(f"note: {note}", err=True)
    location = locate(data=data, database=database, store_settings={} if demo else settings.store, demo=demo)
    web_config = WebConfig(location=location, demo=demo, config=config, archive=archive, workers=workers,
                           secure_cookies=True if proxy else None, keep_raw_bodies=bool(settings.store.get("keep_raw_bodies", False)))
    web_app = create_app(web_config)
    store = web_app.state.workspace.store
    if demo:
        for line in prepare_demo(store):
            typer.echo(f"demo: {line}", err=True)
        typer.echo(f"demo: log in as demo-behandelaar, demo-reviewer, buiten, bureau or beheer, password {DEMO_PASSWORD!r}", err=True)
    elif not web_app.state.workspace.accounts.all():
        typer.echo("note: there are no accounts yet; add one with `bibobscan users add NAME --role beheerder --team TEAM`", err=True)
    typer.echo(f"bibobscan workspace on http://{host}:{port}/ (case store {location.shown}){' [demo world]' if demo else ''}", err=True)
    uvicorn.run(web_app, host=host, port=port, log_level="warning", proxy_headers=bool(proxy), forwarded_allow_ips=proxy or "127.0.0.1")
    return EXIT_OK


def _password(prompt: bool) -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    if not prompt:
        raise UsageError(f"give the password on the terminal or in ${PASSWORD_ENV}")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise UsageError("the two passwords differ")
    return first


def _accounts(data: Path | None, database: str | None, demo: bool, config: Path | None) -> object:
    from ..accounts import Accounts

    return Accounts(open_store(data, database, config=config, demo=demo))


@users_app.command("add")
@guarded
def users_add(
    name: Annotated[str, typer.Argument(help="Account name (lower case, e.g. j.devries).")],
    role: Annotated[str, typer.Option("--role", help="behandelaar, reviewer, bureau or beheerder.")],
    team: Annotated[list[str] | None, typer.Option("--team", help="A case team the account belongs to (repeatable).")] = None,
    display_name: Annotated[str, typer.Option("--display-name", help="The name shown in the pages.")] = "",
    demo: DemoOpt = False, data: DataOpt = None, database: DatabaseOpt = None, config: ConfigOpt = None,
) -> int:
    """Add an account; the password is asked on the terminal (or taken from $BIBOBSCAN_PASSWORD)."""
    from ..accounts import Accounts, Role, check_name, check_teams
    from ..errors import AccountError

    accounts = _accounts(data, database, demo, config)
    assert isinstance(accounts, Accounts)
    # what can be checked is checked before the password is asked (add checks it again)
    check_name(name)
    check_teams(team or ())
    if role not in {r.value for r in Role}:
        raise AccountError(f"role {role!r}: one of {', '.join(r.value for r in Role)}")
    if accounts.get(name) is not None:
        raise AccountError(f"an account {name!r} exists already")
    made = accounts.add(name, role=role, password=_password(True), teams=team or (), display_name=display_name)
    typer.echo(f"account {made.name} ({made.role.value}; teams: {', '.join(made.teams) or '-'}) added")
    return EXIT_OK


@users_app.command("list")
@guarded
def users_list(demo: DemoOpt = False, data: DataOpt = None, database: DatabaseOpt = None, config: ConfigOpt = None) -> int:
    """The accounts with their role and teams."""
    from ..accounts import Accounts

    accounts = _accounts(data, database, demo, config)
    assert isinstance(accounts, Accounts)
    for a in accounts.all():
        typer.echo(f"{a.name}\t{a.role.value}\t{', '.join(a.teams) or '-'}\t{'active' if a.active else 'disabled'}\t{a.display_name}")
    return EXIT_OK


@users_app.command("passwd")
@guarded
def users_passwd(name: Annotated[str, typer.Argument()], demo: DemoOpt = False, data: DataOpt = None, database: DatabaseOpt = None,
                 config: ConfigOpt = None) -> int:
    """Set a new password (ends the account's sessions)."""
    from ..accounts import Accounts
    from ..errors import AccountError

    accounts = _accounts(data, database, demo, config)
    assert isinstance(accounts, Accounts)
    if accounts.get(name) is None:
        raise AccountError(f"no account {name!r}")
    accounts.set_password(name, _password(True))
    typer.echo(f"password of {name} changed; its sessions have ended")
    return EXIT_OK


@users_app.command("disable")
@guarded
def users_disable(name: Annotated[str, typer.Argument()], demo: DemoOpt = False, data: DataOpt = None, database: DatabaseOpt = None,
                  config: ConfigOpt = None) -> int:
    """Disable an account (its sessions end; its API tokens stop working)."""
    from ..accounts import Accounts

    accounts = _accounts(data, database, demo, config)
    assert isinstance(accounts, Accounts)
    accounts.set_active(name, False)
    typer.echo(f"account {name} disabled")
    return EXIT_OK


@users_app.command("token")
@guarded
def users_token(name: Annotated[str, typer.Argument()], label: Annotated[str, typer.Option("--label", help="What the token is for, e.g. zaaksysteem.")] = "",
                revoke: Annotated[bool, typer.Option("--revoke", help="Revoke every token of the account instead.")] = False,
                demo: DemoOpt = False, data: DataOpt = None, database: DatabaseOpt = None, config: ConfigOpt = None) -> int:
    """Make an API token for the JSON API (printed once; only its hash is kept), or --revoke them."""
    from ..accounts import Accounts

    accounts = _accounts(data, database, demo, config)
    assert isinstance(accounts, Accounts)
    if revoke:
        typer.echo(f"{accounts.revoke_tokens(name)} token(s) of {name} revoked")
    else:
        typer.echo(accounts.new_token(name, label=label))
    return EXIT_OK
