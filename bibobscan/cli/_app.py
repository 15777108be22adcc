"""The typer application, exit codes, error mapping and shared options.

Exit codes (documented in the README and in ``bibobscan --help``):
  0  report(s) written; every applicable source was consulted
  1  internal error (a bug: please report it)
  2  wrong argument or option
  3  report(s) written, but one or more sources failed, timed out, were rate limited
     or are not configured: the report is incomplete (it says which)
  2  also: an action the case file refuses (finalised file, four eyes), an unknown case
  4  broken settings, indicator or profile file, unreadable or changed report, a report
     file or folder that cannot be written, or a case store that cannot be used
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Annotated, Any, get_type_hints

import typer

from ..errors import (
    AccountError,
    ArchiveError,
    BibobscanError,
    CaseNotFound,
    ConfigError,
    DossierError,
    IndicatorError,
    OutputError,
    ReportError,
    StoreError,
    UsageError,
)
from ..model import SourceStatus

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_CONFIG = 0, 1, 2, 3, 4
INCOMPLETE = tuple(s for s in SourceStatus if s.missing)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=(
        "bibobscan: explainable open-source Bibob scan for Dutch municipalities.\n\n"
        "Exit codes: 0 ok; 1 internal error; 2 wrong argument; 3 report written but some "
        "sources were not consulted (failed, timeout, rate limited, not configured); "
        "4 broken settings/indicator/profile/report file."
    ),
)
scan_app = typer.Typer(no_args_is_help=True, help="Scan one person or company.")
app.add_typer(scan_app, name="scan")


def _err(message: str) -> None:
    typer.echo(f"bibobscan: {message}", err=True)


def _handle(exc: BaseException) -> int:
    if isinstance(exc, (UsageError, DossierError, CaseNotFound, AccountError)):
        _err(str(exc))
        return EXIT_USAGE
    if isinstance(exc, (ConfigError, IndicatorError, OutputError, ReportError, StoreError, ArchiveError)):
        _err(str(exc))
        return EXIT_CONFIG
    if isinstance(exc, BibobscanError):
        _err(str(exc))
        return EXIT_INTERNAL
    if isinstance(exc, OSError):
        # A file or folder that cannot be read or written (a full disk, no permission,
        # a file where a folder should be): the environment, not a bug.
        where = f"{exc.filename}: " if exc.filename else ""
        also = f" -> {exc.filename2}" if exc.filename2 else ""
        _err(f"{where}{exc.strerror or exc}{also}")
        return EXIT_CONFIG
    _err(f"internal error: {type(exc).__name__}: {exc}")
    return EXIT_INTERNAL


def guarded(fn: Callable[..., int]) -> Callable[..., None]:
    """Run a command body that returns an exit code; map errors to codes with one clear
    line on standard error, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> None:
        try:
            code = fn(*args, **kwargs)
        except typer.Exit:
            raise
        except Exception as exc:
            code = _handle(exc)
        raise typer.Exit(code)

    return wrapper


CaseOpt = Annotated[str, typer.Option("--case", help="Case number (zaaknummer); required.")]
PurposeOpt = Annotated[str, typer.Option("--purpose", help="Doel: what the research is for; required.")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Aanleiding: why this subject (the application, a signal); needed to finalise.")]
AuthorityOpt = Annotated[str, typer.Option("--authority", help="Bestuursorgaan, e.g. 'burgemeester van Tilburg'.")]
DecisionTypeOpt = Annotated[str, typer.Option("--decision-type", help="Type of beschikking, subsidie or opdracht, e.g. 'exploitatievergunning horeca'.")]
PolicyRuleOpt = Annotated[str, typer.Option("--policy-rule", help="The Bibob policy rule and article that triggered the scan (CVDR link).")]
ZaaktypeOpt = Annotated[str, typer.Option("--zaaktype", help="Zaaktype (sets the retention in the Selectielijst).")]
ReviewerOpt = Annotated[str, typer.Option("--reviewer", help="Who checks the conclusion (four eyes; not the officer).")]
DistributionOpt = Annotated[str | None, typer.Option("--distribution", help="Named distribution list (art. 28), ';'-separated: 'J. Jansen, Bibob; Burgemeester'.")]
IdentifiedByOpt = Annotated[str, typer.Option("--identified-by", help="How the subject's identity was established, e.g. 'KvK-uittreksel bij aanvraag'.")]
IdentifiedOnOpt = Annotated[str | None, typer.Option("--identified-on", help="When the identity was established, YYYY-MM-DD.")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Also write the report as HTML and JSON into this folder (the case store always keeps it).")]
DemoOpt = Annotated[bool, typer.Option("--demo", help="Use the embedded fictional demo world (offline).")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Settings file (TOML).")]
ProfileOpt = Annotated[Path | None, typer.Option("--profile", help="Scoring profile (YAML).")]
IndicatorsOpt = Annotated[Path | None, typer.Option("--indicators", help="Indicator file or folder.")]
MunicipalityOpt = Annotated[str | None, typer.Option("--municipality", help="Municipality name or CBS code (GM0855).")]
OfficerOpt = Annotated[str, typer.Option("--officer", help="Name or role of the officer.")]
GroundOpt = Annotated[str, typer.Option("--legal-ground", help="Legal ground / policy rule.")]
FactsOpt = Annotated[Path | None, typer.Option("--facts", help="Officer-supplied facts (YAML/JSON): questionnaire, earlier Bibob conclusion, ...")]
RetentionOpt = Annotated[int, typer.Option("--retention-years", help="Retention period in years (default 5).")]


def with_args(cls: type) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """A decorator: give typer a command's own parameters plus the fields of the
    dataclass ``cls`` (options shared by several commands, declared once), and call the
    command with those fields gathered into ``args``. The required fields come first,
    then the command's own parameters, then the other fields."""

    def decorate(command: Callable[..., int]) -> Callable[..., int]:
        hints = get_type_hints(cls, include_extras=True)
        shared = [
            inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=inspect.Parameter.empty if f.default is MISSING else f.default,
                              annotation=hints[f.name])
            for f in fields(cls)
        ]
        own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in inspect.signature(command, eval_str=True).parameters.values() if p.name != "args"]
        required = [p for p in shared if p.default is inspect.Parameter.empty]
        params = [*required, *own, *(p for p in shared if p not in required)]

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> int:
            args = cls(**{p.name: kwargs.pop(p.name) for p in shared})
            return command(args=args, **kwargs)

        wrapper.__signature__ = inspect.Signature(params, return_annotation=int)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params} | {"return": int}
        return wrapper

    return decorate


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        _err("interrupted")
        sys.exit(130)
