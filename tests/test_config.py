"""Settings: a typo in the settings file is an error naming the key, never silently ignored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bibobscan.cli import app
from bibobscan.collectors import Collector, load_collectors
from bibobscan.config import HTTP_KEYS, load_settings, settings_from_mapping, validate_sources
from bibobscan.demo import demo_settings
from bibobscan.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent

runner = CliRunner()
COLLECTORS_DIR = Path(__file__).resolve().parent.parent / "bibobscan" / "collectors"


def write(tmp_path: Path, text: str | bytes, name: str = "settings.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- [http] --------------------------------------------------------------------------


def test_unknown_http_key_names_the_key_and_the_known_keys() -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_mapping({"http": {"timout": 10}})
    message = str(info.value)
    assert "timout" in message and "did you mean 'timeout'" in message
    for key in ("timeout", "connect_timeout", "max_redirects", "source_timeout"):
        assert key in message


def test_every_documented_http_key_is_accepted() -> None:
    settings = settings_from_mapping({"http": {"timeout": 20, "connect_timeout": 3, "max_redirects": 0, "max_bytes": 1000,
                                               "retries": 0, "backoff": 0, "max_retry_after": 10, "source_timeout": 90}})
    assert settings.http.timeout == 20.0 and settings.http.connect_timeout == 3.0
    assert settings.http.max_redirects == 0 and isinstance(settings.http.max_redirects, int)
    assert settings.source_timeout == 90.0
    assert set(HTTP_KEYS) == {"timeout", "connect_timeout", "max_bytes", "retries", "backoff", "max_retry_after", "max_redirects", "source_timeout"}


@pytest.mark.parametrize(("key", "value"), [("timeout", 0), ("timeout", True), ("connect_timeout", "5"), ("retries", -1), ("max_bytes", 0)])
def test_bad_http_values_are_errors(key: str, value: object) -> None:
    with pytest.raises(ConfigError, match=f"http.{key}"):
        settings_from_mapping({"http": {key: value}})


# --- [sources.<id>] ------------------------------------------------------------------


def test_unknown_source_id_suggests_the_nearest_collector() -> None:
    settings = settings_from_mapping({"sources": {"kwk": {"api_key": "x"}}})
    with pytest.raises(ConfigError) as info:
        validate_sources(settings, load_collectors())
    assert "[sources.kwk]" in str(info.value) and "did you mean [sources.kvk]" in str(info.value)


def test_unknown_key_in_a_source_table_names_the_keys_it_reads() -> None:
    settings = settings_from_mapping({"sources": {"kvk": {"apikey": "x"}}})
    with pytest.raises(ConfigError) as info:
        validate_sources(settings, load_collectors())
    message = str(info.value)
    assert "apikey" in message and "[sources.kvk]" in message and "did you mean 'api_key'" in message
    assert "environment" in message and "base_url" in message


def test_every_key_a_collector_reads_is_accepted() -> None:
    settings = settings_from_mapping({"sources": {c.id: {k: "x" for k in c.options} for c in load_collectors()}})
    validate_sources(settings, load_collectors())


def test_the_demo_world_settings_are_valid() -> None:
    validate_sources(demo_settings(), load_collectors())


def test_options_cover_env_and_required_and_every_config_key_read() -> None:
    """``options`` lists exactly the config keys each module reads (so a new key cannot be
    forgotten: the settings file would reject it)."""
    for c in load_collectors():
        assert set(c.env) | set(c.required) <= set(c.options), c.id
        module = COLLECTORS_DIR / f"{type(c).__module__.rsplit('.', 1)[-1]}.py"
        source = module.read_text(encoding="utf-8")
        read = set(re.findall(r"config\.get\(\s*\"(\w+)\"", source)) | set(re.findall(r"config\[['\"](\w+)['\"]\]", source))
        assert read <= set(c.options), (c.id, read - set(c.options))


def test_options_default_to_env_and_required_keys() -> None:
    class Plugin(Collector):
        id = "plugin"
        env = {"token": "PLUGIN_TOKEN"}
        required = ("token", "endpoint")

        async def collect(self, subject, ctx):  # type: ignore[no-untyped-def]
            raise NotImplementedError

    class Child(Plugin):
        env = {"token": "PLUGIN_TOKEN", "region": "PLUGIN_REGION"}

    assert Plugin.options == ("token", "endpoint")
    assert set(Child.options) == {"token", "endpoint", "region"}


# --- the file itself -----------------------------------------------------------------


def test_load_settings_validates_sources_against_the_collectors(tmp_path: Path) -> None:
    path = write(tmp_path, '[sources.opensanction]\nurl = "http://localhost:8000"\n')
    with pytest.raises(ConfigError, match=r"did you mean \[sources.opensanctions\]"):
        load_settings(path)
    good = write(tmp_path, '[sources.opensanctions]\nurl = "http://localhost:8000"\n', "good.toml")
    assert load_settings(good).sources == {"opensanctions": {"url": "http://localhost:8000"}}


def test_non_utf8_settings_file_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, "# Instellingen voor de gemeente \xe9\xe9n\n[http]\ntimeout = 10\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="UTF-8") as info:
        load_settings(path)
    assert str(path) in str(info.value)


def test_config_env_var_pointing_nowhere_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIBOBSCAN_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="BIBOBSCAN_CONFIG"):
        load_settings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[http]\ntimout = 10\n", "timout"),
        ("[sources.kwk]\napi_key = 'x'\n", "[sources.kvk]"),
        ("[sources.news]\nfeed = ['https://x.example/rss']\n", "feeds"),
        (b"[http]\n# \xff\xfe\ntimeout = 10\n", "UTF-8"),
    ],
)
def test_sources_command_with_a_broken_settings_file_is_exit_4(tmp_path: Path, text: str | bytes, message: str) -> None:
    path = write(tmp_path, text)
    result = runner.invoke(app, ["sources", "--config", str(path)])
    assert result.exit_code == 4, result.output
    assert message in result.output and "Traceback" not in result.output


def test_scan_with_a_settings_typo_is_exit_4(tmp_path: Path) -> None:
    path = write(tmp_path, "[sources.kvk]\napi_kye = 'x'\n")
    result = runner.invoke(app, ["scan", "person", "Jan Jansen", "--case", "Z1", "--purpose", "t", "--config", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 4, result.output
    assert "api_kye" in result.output
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_store_and_archive_tables_are_checked_and_documented() -> None:
    from bibobscan.config import ARCHIVE_KEYS, STORE_KEYS

    settings = settings_from_mapping({"store": {"data": "/srv/b", "keep_raw_bodies": True, "max_body_bytes": 10}, "archive": {"tsa_url": "https://t"}})
    assert settings.store["keep_raw_bodies"] is True and settings.archive["tsa_url"] == "https://t"
    with pytest.raises(ConfigError, match="unknown key 'databse' in \\[store\\]; did you mean 'database'"):
        settings_from_mapping({"store": {"databse": "x"}})
    with pytest.raises(ConfigError, match=r"\[store\] keep_raw_bodies must be a bool"):
        settings_from_mapping({"store": {"keep_raw_bodies": "ja"}})
    with pytest.raises(ConfigError, match=r"\[store\] max_body_bytes must be a int"):
        settings_from_mapping({"store": {"max_body_bytes": True}})
    with pytest.raises(ConfigError, match=r"\[archive\] must be a table"):
        settings_from_mapping({"archive": "x"})
    docs = "\n".join((ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "docs/dossier.md", "docs/archive.md") if (ROOT / name).exists())
    from bibobscan import config

    for key in [*STORE_KEYS, *ARCHIVE_KEYS]:
        assert key in (config.__doc__ or ""), f"{key} is not in the settings layout of bibobscan/config.py"
    for key in STORE_KEYS:
        assert f"[store] {key}" in docs, f"[store] {key} is not documented in README.md or docs/dossier.md"


def test_every_endpoint_setting_is_accepted() -> None:
    settings = settings_from_mapping({"sources": {
        "news": {"google_news_url": "https://nieuws.example/rss/search"},
        "websearch": {"brave_api_key": "k", "brave_url": "https://brave.example/search"},
        "rechtspraak": {"url": "https://zoeken.example", "content_url": "https://rs.example/content"},
        "kvk": {"base_url": "https://kvk.example/api"}, "gleif": {"url": "https://gleif.example/api/v1"},
        "koop": {"url": "https://sru.example/sru"}, "osm": {"url": "https://overpass.example/api/interpreter"},
        "cbs": {"base_url": "https://cbs.example/odata"}, "opensanctions": {"url": "https://yente.example"},
    }})
    validate_sources(settings, load_collectors())
    with pytest.raises(ConfigError, match="content_url"):  # a near miss names the real key
        validate_sources(settings_from_mapping({"sources": {"rechtspraak": {"contents_url": "x"}}}), load_collectors())
