"""Render the indicator catalogue (``bibobscan indicators docs``) as Markdown or HTML."""

from __future__ import annotations

from ..rules.catalogue import catalogue
from ..rules.model import Indicator
from ..rules.profile import Profile
from .render import environment


def _md(text: str) -> str:
    """Keep Markdown table cells and inline text intact."""
    return " ".join(text.split()).replace("|", "\\|")


def render_markdown(indicators: list[Indicator], profile: Profile, indicator_set_hash: str) -> str:
    entries = catalogue(indicators, profile)
    lines = [
        "# Indicatorencatalogus bibobscan",
        "",
        f"{len(entries)} indicatoren · scoringsprofiel **{_md(profile.name)}** · indicatorenset `{indicator_set_hash[:16]}`",
        "",
        "De punten zijn een signaal voor nader onderzoek, geen besluit. Indicatoren waarvan de",
        "gegevens ontbreken geven \"onvoldoende gegevens\", nooit \"geen risico\".",
        "",
        "## Drempels van het profiel",
        "",
        "| vanaf punten | band | betekenis |",
        "|---|---|---|",
        *[f"| {t.min:g} | {t.band} | {_md(t.label)} |" for t in profile.thresholds],
        "",
    ]
    if profile.theme_caps:
        lines += ["Maximum per thema: " + ", ".join(f"{k} {v:g}" for k, v in sorted(profile.theme_caps.items())), ""]
    lines += ["## Overzicht", "", "| id | titel | thema's | voor | status | punten (na gewicht) |", "|---|---|---|---|---|---|"]
    for e in entries:
        ind = e.indicator
        pts = ", ".join(f"{b} {p:g}" for b, p in e.effective_points)
        lines.append(f"| [`{ind.id}`](#{ind.id.replace('.', '')}) | {_md(ind.title)} | {', '.join(ind.themes)} | {', '.join(ind.applies_to)} | {ind.status} | {pts} |")
    lines.append("")
    for e in entries:
        ind = e.indicator
        lines += [
            f"## {ind.id}",
            "",
            f"**{_md(ind.title)}** · versie {ind.version} · status {ind.status}" + (f" · catalogus {ind.bibob_ref}" if ind.bibob_ref else ""),
            "",
            _md(ind.description),
            "",
            f"- Wettelijk anker: {_md(ind.legal_anchor)}",
            f"- Thema's: {', '.join(ind.themes)}; voor: {', '.join(ind.applies_to)}",
            f"- Vereiste signalen: {', '.join(f'`{r}`' for r in ind.requires)}",
            f"- Gewicht in profiel {_md(profile.name)}: {e.weight:g}",
            f"- Onvoldoende gegevens: {_md(ind.insufficient)}",
            f"- Geen treffer: {_md(ind.no_hit)}",
            "",
            "| band | punten | punten na gewicht | zin in het rapport |",
            "|---|---|---|---|",
        ]
        for band, (_, eff) in zip(ind.bands, e.effective_points):
            lines.append(f"| {_md(band.name)} | {band.points:g} | {eff:g} | {_md(band.sentence)} |")
        lines.append("")
        if ind.false_positives:
            lines += ["Bekende fout-positieven:", "", *[f"- {_md(fp)}" for fp in ind.false_positives], ""]
        if e.suppressions:
            lines += ["Onderdrukkingen in dit profiel:", "", *[f"- {_md(s)}" for s in e.suppressions], ""]
        if ind.references:
            lines += ["Bronnen:", "", *[f"- <{r}>" for r in ind.references], ""]
        lines += [f"Ingebouwde tests: {len(ind.tests)} ({', '.join(_md(t.name) for t in ind.tests)})", ""]
    return "\n".join(lines)


def render_html(indicators: list[Indicator], profile: Profile, indicator_set_hash: str) -> str:
    template = environment().get_template("catalogue.html.j2")
    return template.render(entries=catalogue(indicators, profile), profile=profile, set_hash=indicator_set_hash)
