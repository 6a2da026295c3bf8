"""Settings: defaults, YAML files, validation that names the key."""

import pytest

from indexer.config import SETTINGS, load_settings
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
