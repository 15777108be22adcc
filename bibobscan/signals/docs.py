"""Render the signal vocabulary as Markdown (docs/signals.md is this output).

    python -m bibobscan.signals.docs > docs/signals.md
"""

from __future__ import annotations

from .vocabulary import FORBIDDEN_TERMS, SIGNAL_TYPES


def render_markdown(providers: dict[str, list[str]]) -> str:
    lines = [
        "# Signal vocabulary",
        "",
        "Indicators are written against these signal types only (`signal:`, `requires:`,",
        "`where:` attributes). Signals are derived from evidence that the resolver attributed",
        "to the subject (`match`); possible namesakes never produce signals.",
        "The list lives in `bibobscan/signals/vocabulary.py`; this page is generated from it",
        "(`python -m bibobscan.signals.docs > docs/signals.md`) and a test fails when it is stale.",
        "",
        "A signal type counts as *covered* in a scan when a source that can deliver it was",
        "consulted (status `ok` or `no_results`). An indicator whose `requires` are not all",
        "covered comes out as **insufficient data**, never as zero risk.",
        "",
        "| signal type | meaning | attributes | delivered by |",
        "|---|---|---|---|",
    ]
    for name, (desc, attrs) in SIGNAL_TYPES.items():
        shown = "; ".join(f"`{k}`: {v}" for k, v in attrs.items())
        if name.startswith("officer."):
            by = "the officer (`--facts`)"
        else:
            by = ", ".join(f"`{x}`" for x in sorted(providers.get(name, []))) or "no source yet"
        lines.append(f"| `{name}` | {desc} | {shown} | {by} |")
    lines += [
        "",
        "## Never usable",
        "",
        "No signal type or attribute may carry nationality, ethnicity, country of birth or other",
        "special-category data (BIBOB.md §2.H). The validator refuses names containing any of:",
        "",
        ", ".join(f"`{t}`" for t in FORBIDDEN_TERMS),
        "",
    ]
    return "\n".join(lines)


def current_markdown() -> str:
    from ..collectors import load_collectors

    providers: dict[str, list[str]] = {}
    for c in load_collectors():
        for p in c.provides:
            providers.setdefault(p, []).append(c.id)
    return render_markdown(providers)


if __name__ == "__main__":  # pragma: no cover
    print(current_markdown(), end="")
