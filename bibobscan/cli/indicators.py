"""Commands for the RIEC bureau: ``indicators validate|test|docs`` and ``rescore``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import IndicatorError, OutputError, UsageError
from ._app import EXIT_CONFIG, EXIT_OK, IndicatorsOpt, ProfileOpt, app, guarded

indicators_app = typer.Typer(no_args_is_help=True, help="Validate, test and document indicator files.")
app.add_typer(indicators_app, name="indicators")

PathArg = Annotated[Path | None, typer.Argument(help="Indicator file or folder (default: the shipped set).")]


@indicators_app.command("validate")
@guarded
def validate(path: PathArg = None, profile: ProfileOpt = None) -> int:
    """Check every indicator file and the profile (also against the indicators: unknown
    ids in weights and suppress, unknown themes in theme_caps); errors name file, line,
    indicator and field."""
    from ..resources import default_profile, indicators_dir
    from ..rules import check_profile_against, load_indicators_collecting, load_profile
    target = path or indicators_dir()
    indicators, errors = load_indicators_collecting(target)
    messages = [str(err) for err in errors]
    try:
        loaded = load_profile(profile or default_profile())
    except IndicatorError as exc:
        messages.append(str(exc))
    else:
        broken_ids = {err.indicator for err in errors if err.indicator}
        messages.extend(str(err) for err in check_profile_against(loaded, indicators, also_known=broken_ids))
    for message in messages:
        typer.echo(f"ERROR {message}", err=True)
    tests = sum(len(i.tests) for i in indicators)
    typer.echo(f"{len(indicators)} indicators valid, {len(messages)} error(s); {tests} inline tests ({target})")
    return EXIT_CONFIG if messages else EXIT_OK


@indicators_app.command("test")
@guarded
def test(path: PathArg = None) -> int:
    """Run every inline test; print each failure with expected vs actual."""
    from ..resources import indicators_dir
    from ..rules import load_indicators_collecting, run_all
    target = path or indicators_dir()
    indicators, errors = load_indicators_collecting(target)
    for err in errors:
        typer.echo(f"ERROR {err}", err=True)
    results = run_all(indicators)
    for r in results:
        if not r.passed:
            where = f"{r.indicator.file}:{r.test.line}" if r.test.line else r.indicator.file
            typer.echo(f"FAIL {r.indicator.id} – {r.test.name} ({where})\n     expected: {r.expected}\n     actual:   {r.actual}")
    passed = sum(r.passed for r in results)
    failed = len(results) - passed
    typer.echo(f"{passed} passed, {failed} failed")
    return EXIT_CONFIG if failed or errors else EXIT_OK


@indicators_app.command("docs")
@guarded
def docs(
    path: PathArg = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to FILE (.md or .html); default: Markdown on standard output.")] = None,
    profile: ProfileOpt = None,
) -> int:
    """A readable catalogue of every indicator with its sentences, legal anchor, references and weights."""
    from ..report.catalogue import render_html, render_markdown
    from ..resources import indicators_dir
    from ..rules import indicator_files, set_hash
    from ..scan import load_rule_set
    rules = load_rule_set(path, profile)
    set_id = set_hash(indicator_files(path or indicators_dir()))
    if out is not None and out.suffix.lower() in (".html", ".htm"):
        text = render_html(rules.indicators, rules.profile, set_id)
    elif out is None or out.suffix.lower() in (".md", ".markdown"):
        text = render_markdown(rules.indicators, rules.profile, set_id)
    else:
        raise UsageError(f"--out {out}: use a .md or .html file name")
    if out is None:
        typer.echo(text)
    else:
        from .._atomic import write_text

        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            write_text(out, text)
        except OSError as exc:
            raise OutputError(f"--out {out}: cannot be written ({exc.strerror or exc})") from None
        typer.echo(str(out))
    return EXIT_OK


@app.command("rescore")
@guarded
def rescore_command(
    report: Annotated[Path, typer.Argument(help="A JSON report written by bibobscan.")],
    indicators: IndicatorsOpt = None,
    profile: ProfileOpt = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the new report.")] = Path("."),
) -> int:
    """Re-evaluate the stored evidence of an earlier scan with other indicators or weights (offline)."""
    from ..collectors import load_collectors
    from ..model import sha256_hex
    from ..report import write_report
    from ..report.store import load_report
    from ..scan import load_rule_set, rescore

    if not report.is_file():
        raise UsageError(f"{report}: no such report file")
    old, raw, seal = load_report(report)  # a report changed by hand is refused here, naming the check
    if not seal.sealed:
        typer.echo(f"note: {report.name} carries no integrity digest (written by an older bibobscan); it cannot be shown to be unchanged", err=True)
    rules = load_rule_set(indicators, profile)
    new = rescore(old, load_collectors(), rules, source_file=report.name, source_hash=sha256_hex(raw))
    if not seal.sealed:
        new.indicator_set["rescored_from"] += "; niet te verifiëren: geschreven zonder controlegetal"
    name = f"{report.stem}-herberekend"
    html_path, json_path = write_report(new, out, basename=name)
    a, b = old.assessment, new.assessment
    typer.echo(f"was: {a.band_label}, {a.total_points:g} points ({old.indicator_set.get('profile', '?')}, set {str(old.indicator_set.get('hash', ''))[:12]})", err=True)
    typer.echo(f"now: {b.band_label}, {b.total_points:g} points ({new.indicator_set.get('profile', '?')}, set {str(new.indicator_set.get('hash', ''))[:12]})", err=True)
    typer.echo(str(html_path))
    typer.echo(str(json_path))
    return EXIT_OK
