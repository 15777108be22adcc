"""``bibobscan pdf REPORT.json [--out FILE.pdf]``: PDF/A-3b of a report, with the
report file's exact bytes embedded (person, company or sector report)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import OutputError, UsageError
from ._app import EXIT_OK, app, guarded


def _out_error(out: Path, exc: OSError) -> OutputError:
    return OutputError(f"--out {out}: cannot write the PDF there ({exc.strerror or exc})")


@app.command("pdf")
@guarded
def pdf_command(
    report: Annotated[Path, typer.Argument(help="Report JSON written by bibobscan (scan, demo, rescore or sector).")],
    out: Annotated[Path | None, typer.Option("--out", help="PDF file to write (default: the report's name with .pdf).")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace --out when it exists (default: refuse).")] = False,
) -> int:
    """Write the report as PDF/A-3b on A4: the same layout as the HTML report, a running
    header and footer with the confidentiality marking, the case number and the page
    number on every page, fonts embedded, and the report JSON attached. A changed report
    is refused. The PDF appears complete or not at all."""
    from ..report.pdf import AtomicFile, pdf_of_report_file

    target = out if out is not None else report.with_suffix(".pdf")
    if target.resolve() == report.resolve():
        raise UsageError(f"--out {target} is the report itself; give another file name")
    if target.is_dir():
        raise UsageError(f"--out {target} is a folder; give a file name, e.g. {target / report.with_suffix('.pdf').name}")
    if target.exists() and not overwrite:
        raise UsageError(f"--out {target} exists; give another name or --overwrite to replace it")
    if not target.parent.is_dir():
        raise UsageError(f"--out {target}: the folder {target.parent} does not exist")
    try:
        pending = AtomicFile(target, overwrite=overwrite)  # a folder that cannot be written fails here, before rendering
    except OSError as exc:
        raise _out_error(target, exc) from exc
    try:
        data = pdf_of_report_file(report)
    except BaseException:
        pending.discard()
        raise
    try:
        pending.commit(data)
    except FileExistsError as exc:
        raise UsageError(f"--out {target} was created by someone else meanwhile; nothing was replaced") from exc
    except OSError as exc:
        raise _out_error(target, exc) from exc
    typer.echo(str(target))
    return EXIT_OK
