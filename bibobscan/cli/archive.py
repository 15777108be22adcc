"""``bibobscan archive put|verify|list|purge``: the sealed archive (docs/archive.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError
from ..model import to_jsonable, utcnow
from ._app import EXIT_OK, ConfigOpt, app, guarded
from ._store import ByOpt, actor

if TYPE_CHECKING:
    from ..archive import Archive

archive_app = typer.Typer(no_args_is_help=True, help="Seal reports into a verifiable archive; verify, list and destroy after retention.")
app.add_typer(archive_app, name="archive")

ArchiveOpt = Annotated[Path, typer.Option("--archive", help="The archive folder.")]
EXIT_DAMAGED = 1


def open_archive(path: Path, config: Path | None = None, *, sealing: bool = True) -> Archive:
    """The archive at ``path``. Sealing adds an RFC 3161 timestamp to each entry when the
    settings name a TSA (``[archive] tsa_url``); stored tokens are checked in any case."""
    from ..archive import Archive, timestamps
    from ..config import load_settings
    settings = load_settings(config)
    url = settings.archive.get("tsa_url")
    certificate = settings.archive.get("tsa_certificate")
    check = timestamps.checker(certificate)
    if not url or not sealing:
        return Archive(path, timestamp_check=check)
    return Archive(path, timestamper=timestamps.timestamper(str(url), certificate), timestamp_check=check)


def existing_archive(path: Path, config: Path | None = None) -> Archive:
    """An archive that must exist already (verify, list, purge): a usage error if not."""
    if not path.is_dir():
        raise UsageError(f"--archive {path}: no such folder")
    target = open_archive(path, config, sealing=False)
    if not target.exists():
        raise UsageError(f"--archive {path}: not an archive (no chain.jsonl, no bags/); `bibobscan archive put` makes one")
    return target


@archive_app.command("put")
@guarded
def archive_put(
    report: Annotated[Path, typer.Argument(help="A JSON report written by bibobscan.")],
    archive: ArchiveOpt,
    by: ByOpt = None,
    config: ConfigOpt = None,
) -> int:
    """Seal a report into the archive (a new bag); prints the bag's path. A report changed by hand is refused."""
    from ..archive import payload_from_report
    from ..report.store import load_report
    if not report.is_file():
        raise UsageError(f"{report}: no such report file")
    loaded, raw, _seal = load_report(report, require_seal=True)
    if loaded.file is not None and loaded.file.status not in ("vastgesteld", "gearchiveerd"):
        typer.echo(f"note: report version {loaded.file.version} of case {loaded.case.case_id} is not finalised (status {loaded.file.status}); "
                   "the bag says so. Seal a finalised file with `bibobscan case seal`.", err=True)
    target = open_archive(archive, config)
    if archive.exists() and not archive.is_dir():
        raise UsageError(f"--archive {archive}: a file, not a folder")
    if archive.is_dir() and not target.exists() and any(archive.iterdir()):
        raise UsageError(f"--archive {archive}: a folder with other files, not an archive; give a new or empty folder to start one")
    sealer = actor(by)
    payload, info = payload_from_report(raw, loaded, sealed_by=sealer)
    bag = target.put(payload, info, by=sealer)
    typer.echo(str(bag.path))
    return EXIT_OK


@archive_app.command("verify")
@guarded
def archive_verify(archive: ArchiveOpt, config: ConfigOpt = None) -> int:
    """Exit 0 when every bag and the chain are intact; otherwise 1, naming each damaged bag and file and what is wrong."""
    result = existing_archive(archive, config).verify()
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
    config: ConfigOpt = None,
) -> int:
    """The sealed bags: case, report version, subject, sealed when and by whom, retention date, expired, destroyed."""
    today = utcnow().date()
    bags = existing_archive(archive, config).bags(expired=expired, today=today)
    if as_json:
        typer.echo(json.dumps([{**to_jsonable(b), "expired": b.expired(today)} for b in bags], ensure_ascii=False, indent=2))
        return EXIT_OK
    for b in bags:
        if b.destroyed_at:
            state = f"destroyed {b.destroyed_at[:19]}"
        else:
            state = f"keep until {b.retention_until or '-'}" + (" (expired)" if b.expired(today) else "")
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
    bag: Annotated[list[str] | None, typer.Option("--bag", help="Only this bag (repeatable); it must be past its retention date.")] = None,
    config: ConfigOpt = None,
) -> int:
    """Destroy expired bags; a tombstone per bag stays in the chain (case, date, reason, who), so the chain still verifies."""
    if not expired:
        raise UsageError("archive purge destroys bags: give --expired to confirm that only bags past their retention date go")
    tombstones = existing_archive(archive, config).purge(by=actor(by), reason=reason, only=set(bag) if bag else None)
    for t in tombstones:
        typer.echo(f"destroyed {t['bag']} (case {t['case_id']}, version {t['report_version']}, kept until {t['retention_until']}); tombstone #{t['seq']}")
    if not tombstones:
        typer.echo("no bag past its retention date")
    return EXIT_OK
