"""``bibobscan archive put|verify|list|purge``: the sealed archive (docs/archive.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..archive import Archive, payload_from_report
from ..config import load_settings
from ..errors import ArchiveError, UsageError
from ..model import to_jsonable
from ..report.store import load_report
from ._app import EXIT_OK, ConfigOpt, app, guarded
from ._store import ByOpt, actor

archive_app = typer.Typer(no_args_is_help=True, help="Seal reports into a verifiable archive; verify, list and destroy after retention.")
app.add_typer(archive_app, name="archive")

ArchiveOpt = Annotated[Path, typer.Option("--archive", help="The archive folder.")]
EXIT_DAMAGED = 1


def open_archive(path: Path, config: Path | None = None) -> Archive:
    """The archive at ``path``, with RFC 3161 timestamps when the settings name a TSA."""
    settings = load_settings(config)
    url = settings.archive.get("tsa_url")
    certificate = settings.archive.get("tsa_certificate")
    if not url:
        return Archive(path, timestamp_check=_checker(certificate))
    try:
        from ..archive.timestamps import timestamper
    except ImportError as exc:  # pragma: no cover - timestamps are optional
        raise ArchiveError(f"[archive] tsa_url is set, but RFC 3161 timestamps are not available in this installation ({exc})") from exc
    return Archive(path, timestamper=timestamper(str(url), certificate), timestamp_check=_checker(certificate))


def _checker(certificate: Any) -> Any:
    try:
        from ..archive.timestamps import checker
    except ImportError:  # pragma: no cover - timestamps are optional
        return None
    return checker(certificate)


@archive_app.command("put")
@guarded
def archive_put(
    report: Annotated[Path, typer.Argument(help="A JSON report written by bibobscan.")],
    archive: ArchiveOpt,
    by: ByOpt = None,
    config: ConfigOpt = None,
) -> int:
    """Seal a report into the archive (a new bag); prints the bag's path. A report changed by hand is refused."""
    if not report.is_file():
        raise UsageError(f"{report}: no such report file")
    loaded, raw, _seal = load_report(report, require_seal=True)
    if loaded.file is not None and loaded.file.status not in ("vastgesteld", "gearchiveerd"):
        typer.echo(f"note: report version {loaded.file.version} of case {loaded.case.case_id} is not finalised (status {loaded.file.status}); "
                   "the bag says so. Seal a finalised file with `bibobscan case seal`.", err=True)
    payload, info = payload_from_report(raw, loaded, sealed_by=actor(by))
    bag = open_archive(archive, config).put(payload, info, by=actor(by))
    typer.echo(str(bag.path))
    return EXIT_OK


@archive_app.command("verify")
@guarded
def archive_verify(archive: ArchiveOpt, config: ConfigOpt = None) -> int:
    """Exit 0 when every bag and the chain are intact; otherwise 1, naming each damaged bag and file and what is wrong."""
    result = open_archive(archive, config).verify()
    for note in result.recovered:
        typer.echo(f"recovered: {note}", err=True)
    for problem in result.problems:
        typer.echo(f"DAMAGED {problem}")
    state = "intact" if result.ok else f"{len(result.problems)} problem(s)"
    typer.echo(f"{result.bags} bag(s), {result.destroyed} destroyed with a tombstone, chain of {result.entries} entries: {state}", err=True)
    return EXIT_OK if result.ok else EXIT_DAMAGED


@archive_app.command("list")
@guarded
def archive_list(
    archive: ArchiveOpt,
    expired: Annotated[bool, typer.Option("--expired", help="Only bags whose retention date has passed (and are not destroyed).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> int:
    """The sealed bags: case, report version, subject, sealed when and by whom, retention date, destroyed."""
    target = Archive(archive)
    if not target.exists():
        raise UsageError(f"--archive {archive}: not an archive (no chain.jsonl, no bags/)")
    bags = target.bags(expired=expired)
    if as_json:
        typer.echo(json.dumps(to_jsonable(bags), ensure_ascii=False, indent=2))
        return EXIT_OK
    for b in bags:
        state = f"destroyed {b.destroyed_at}" if b.destroyed_at else f"keep until {b.retention_until or '-'}"
        typer.echo(f"{b.name}\tcase {b.case_id}\tv{b.report_version}\t{b.subject}\tsealed {b.sealed_at[:19]} by {b.sealed_by}\t{state}")
    if not bags:
        typer.echo("no bags" + (" past their retention date" if expired else ""))
    return EXIT_OK


@archive_app.command("purge")
@guarded
def archive_purge(
    archive: ArchiveOpt,
    expired: Annotated[bool, typer.Option("--expired", help="Required: destroy the bags whose retention date has passed.")] = False,
    reason: Annotated[str, typer.Option("--reason", help="Recorded in each tombstone.")] = "bewaartermijn verstreken (Archiefwet, Selectielijst)",
    by: ByOpt = None,
    bag: Annotated[Optional[list[str]], typer.Option("--bag", help="Only this bag (repeatable); it must be past its retention date.")] = None,
) -> int:
    """Destroy expired bags; a tombstone per bag stays in the chain (case, date, reason, who), so the chain still verifies."""
    if not expired:
        raise UsageError("archive purge destroys bags: give --expired to confirm that only bags past their retention date go")
    target = Archive(archive)
    if not target.exists():
        raise UsageError(f"--archive {archive}: not an archive (no chain.jsonl, no bags/)")
    try:
        tombstones = target.purge(by=actor(by), reason=reason, only=set(bag) if bag else None)
    except ArchiveError:
        raise
    for t in tombstones:
        typer.echo(f"destroyed {t['bag']} (case {t['case_id']}, version {t['report_version']}, kept until {t['retention_until']}); tombstone #{t['seq']}")
    if not tombstones:
        typer.echo("no bag past its retention date")
    return EXIT_OK
