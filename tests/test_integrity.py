"""Evidence that verifies: content hashes per item, a digest per report, refused when
changed by hand, accepted when only newer fields are missing; no machine paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _demo_scans import demo_scan
from typer.testing import CliRunner

from bibobscan.cli import app
from bibobscan.errors import ReportError
from bibobscan.model import canonical_json, sha256_hex
from bibobscan.report import read_report, render_html, render_json
from bibobscan.report.integrity import sealed

runner = CliRunner()


def _write(tmp_path: Path, data: dict, name: str = "r.json") -> Path:  # type: ignore[type-arg]
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _report_dict() -> dict:  # type: ignore[type-arg]
    report, _ = demo_scan("person")
    return json.loads(render_json(report))  # type: ignore[no-any-return]


def test_each_item_has_its_own_content_hash_over_the_documented_form() -> None:
    data = _report_dict()
    hashes = [e["content_sha256"] for e in data["evidence"]]
    assert len(set(hashes)) == len(hashes) == len(data["evidence"]) > 5
    # the raw-response hash is shared by the items of one answer; the content hash is not
    assert len({e["sha256"] for e in data["evidence"]}) < len(hashes)
    first = data["evidence"][0]
    keys = ("id", "source", "kind", "url", "query", "retrieved_at", "sha256", "title", "excerpt", "published_at", "fields", "supplied_by")
    form = json.dumps({k: first[k] for k in keys}, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert sha256_hex(form) == first["content_sha256"] == sha256_hex(canonical_json({k: first[k] for k in keys}))
    assert data["integrity"]["digest"] == sha256_hex(canonical_json({k: v for k, v in data.items() if k != "integrity"}))


@pytest.mark.parametrize(("edit", "check"), [
    (lambda d: d["evidence"][0].__setitem__("title", "Iets anders"), "content_sha256"),
    (lambda d: d["evidence"][1]["fields"].__setitem__("outlet", "Andere krant"), "content_sha256"),
    (lambda d: d["assessment"].__setitem__("total_points", 0), "report digest does not match"),
    (lambda d: d["case"].__setitem__("purpose", "ander doel"), "report digest does not match"),
    (lambda d: d["integrity"].__setitem__("digest", "0" * 64), "report digest does not match"),
    (lambda d: d.__setitem__("integrity", {"form": "x"}), "integrity entry is damaged"),
])
def test_a_report_changed_by_hand_is_refused_naming_the_check(tmp_path: Path, edit: object, check: str) -> None:
    data = _report_dict()
    edit(data)  # type: ignore[operator]
    path = _write(tmp_path, data)
    with pytest.raises(ReportError, match=check):
        read_report(path)
    result = runner.invoke(app, ["rescore", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 4 and check in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_report_that_only_lacks_a_newer_field_is_not_refused(tmp_path: Path) -> None:
    data = _report_dict()
    # sealed by a version that did not know "review" and "file" yet
    older = sealed({k: v for k, v in data.items() if k not in ("review", "file", "integrity")})
    assert read_report(_write(tmp_path, older)).review.dispositions == []
    # written before reports carried hashes at all: read, with a note, never refused
    oldest = {k: v for k, v in data.items() if k not in ("review", "file", "integrity")}
    for ev in oldest["evidence"]:
        del ev["content_sha256"]
    path = _write(tmp_path, oldest, "oldest.json")
    with pytest.raises(ReportError, match="no integrity digest"):
        read_report(path, require_seal=True)
    result = runner.invoke(app, ["rescore", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "carries no integrity digest" in result.output
    # a newer version's extra field is ignored, not a crash
    newer = sealed({**data, "indicators": [{**h, "explanation_v9": "x"} for h in data["indicators"]]})
    assert read_report(_write(tmp_path, newer, "newer.json")).indicators


def test_no_machine_paths_in_any_report(tmp_path: Path) -> None:
    report, _ = demo_scan("company")
    html, text = render_html(report), render_json(report)
    root = str(Path(__file__).resolve().parent.parent)
    for needle in (root, str(Path.home()), "/site-packages/", "/work/"):
        assert needle not in html and needle not in text, needle
    assert "meegeleverde indicatorenset" in report.indicator_set["path"]


def test_a_profile_suppression_no_longer_reads_as_attributed(tmp_path: Path) -> None:
    from bibobscan.collectors import load_collectors
    from bibobscan.scan import load_rule_set, rescore

    report, _ = demo_scan("person")
    fight = next(e for e in report.evidence if e.title.startswith("Vechtpartij"))
    profile = tmp_path / "profiel.yaml"
    profile.write_text(
        "name: proef\nthresholds:\n  - {min: 0, band: geen, label: geen indicaties}\n  - {min: 25, band: nader_onderzoek, label: nader onderzoek}\n"
        f"suppress:\n  - reason: Bekende vals-positief van het bureau\n    match: {{evidence_id: {fight.id}}}\n", encoding="utf-8")
    new = rescore(report, load_collectors(), load_rule_set(None, profile))
    html = render_html(new)
    block = html.split(fight.id, 1)[0].rsplit('<div class="evidence">', 1)[1]
    assert "onderdrukt door profiel" in block and "toegeschreven (" not in block
    section = html.split('id="beoordeelde-treffers"', 1)[1].split('id="naamgenoten"', 1)[0]
    assert "Vechtpartij" in section and "Bekende vals-positief van het bureau" in section
    assert "Vechtpartij" not in html.split('id="overig"', 1)[1].split('id="conclusie"', 1)[0]


def test_no_machine_paths_in_a_sector_report(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bibobscan.cli import app

    out = tmp_path / "uit"
    result = CliRunner().invoke(app, ["sector", "kappers", "--municipality", "Tilburg", "--demo", "--no-pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    root = str(Path(__file__).resolve().parent.parent)
    written = [p for p in out.iterdir() if p.suffix in (".json", ".html", ".csv", ".txt")]
    assert {p.suffix for p in written} == {".json", ".html", ".csv", ".txt"}
    for path in written:
        text = path.read_text(encoding="utf-8")
        for needle in (root, str(tmp_path), str(Path.home()), "/site-packages/", "/work/"):
            assert needle not in text, (path.name, needle)
