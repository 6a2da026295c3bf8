"""Settings: defaults, YAML files, validation that names the key."""

import pytest
import yaml
from click.testing import CliRunner

from indexer.cli import main
from indexer.config import SETTINGS, annotated, dump_settings, load_settings
from indexer.errors import ConfigError


def test_config_defaults_without_file(monkeypatch):
    monkeypatch.delenv("REPORT_SEARCH_CONFIG", raising=False)
    settings = load_settings()
    assert settings.source == "defaults"
    assert settings["index.folders"] == ["seeds"]
    assert "乡村振兴" in settings.user_words() and "的" in settings.stop_words()
    assert all(s.help for s in SETTINGS)


def test_config_file_from_environment(tmp_path, monkeypatch):
    config = tmp_path / "c.yaml"
    config.write_text("search:\n  page_size: 25\nanalysis:\n  extra_user_words: [数字乡村]\n")
    monkeypatch.setenv("REPORT_SEARCH_CONFIG", str(config))
    settings = load_settings()
    assert settings["search.page_size"] == 25
    assert settings.user_words()[-1] == "数字乡村"
    assert settings["index.path"] == "index_data"


def test_config_relative_paths_follow_the_file(tmp_path):
    config = tmp_path / "sub" / "c.yaml"
    config.parent.mkdir()
    config.write_text("index:\n  path: ix\n  folders: [a, /abs/b]\n")
    settings = load_settings(config)
    assert settings["index.path"] == str(tmp_path / "sub" / "ix")
    assert settings["index.folders"] == [str(tmp_path / "sub" / "a"), "/abs/b"]


@pytest.mark.parametrize("text, message", [
    ("index:\n  pth: x\n", "Invalid setting 'index.pth'"),
    ("serve:\n  port: 1\n", "Invalid setting 'serve.port'"),
    ("server:\n  port: http\n", "Invalid value for 'server.port'"),
    ("server:\n  workers: 0\n", "Invalid value for 'server.workers'"),
    ("analysis:\n  stop_words: 的\n", "Invalid value for 'analysis.stop_words'"),
    ("cleaning:\n  extra_boilerplate: ['(']\n", "bad regular expression '('"),
    ("- a\n- b\n", "must hold a mapping"),
    ("index: [\n", "not valid YAML"),
])
def test_config_errors_name_the_problem(tmp_path, text, message):
    config = tmp_path / "c.yaml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("'(", "'")):
        load_settings(config)


def test_config_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(tmp_path / "nope.yaml")


def test_config_facet_size_zero_as_the_api_allows(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("search:\n  facet_size: 0\n")
    assert load_settings(config)["search.facet_size"] == 0
    config.write_text("search:\n  facet_size: -1\n")
    with pytest.raises(ConfigError, match="Invalid value for 'search.facet_size'"):
        load_settings(config)


def test_config_dump_loads_back_with_absolute_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(None).replace(search__page_size=7, server__admin_token="12345678")
    dumped = tmp_path / "elsewhere" / "c.yaml"
    dumped.parent.mkdir()
    dumped.write_text(dump_settings(settings), "utf-8")
    again = load_settings(dumped)
    assert again["index.path"] == str(tmp_path / "index_data")  # not relative to the file
    assert again["index.folders"] == [str(tmp_path / "seeds")]
    assert {k: v for k, v in again.as_dict().items() if k not in ("index.path", "index.folders")} \
        == {k: v for k, v in settings.as_dict().items() if k not in ("index.path", "index.folders")}


def test_config_annotated_names_meaning_default_and_changes(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("search:\n  page_size: 25\n")
    text = annotated(load_settings(config))
    assert "  # results per page by default; default: 10  [changed]\n  page_size: 25" in text
    assert "unset (the default) turns them off; default: null" in text
    assert "default: the shipped list (" in text
    assert yaml.safe_load(text)["search"]["page_size"] == 25  # still a valid config file


def test_cli_config_and_serve_help_explain_the_admin_token():
    for command in ("config", "serve"):
        out = CliRunner().invoke(main, [command, "--help"]).output
        assert "admin_token:" in out and "relative to" in out
