"""The `report-search` command line, end to end."""

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT, SEEDS
from indexer.cli import main
from indexer.schema import SCHEMA_VERSION

COMMANDS = ["index", "status", "search", "analyze", "config"]


@pytest.fixture
def cli_env(tmp_path):
    folder = tmp_path / "reports"
    shutil.copytree(SEEDS, folder)
    config = tmp_path / "config.yaml"
    config.write_text("index:\n  path: idx\n  folders: [reports]\n", "utf-8")
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, [*args], catch_exceptions=False)

    return run, config, tmp_path


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_every_command_has_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "--config" in result.output and "--index" in result.output


def test_cli_index_status_search(cli_env):
    run, config, tmp = cli_env
    result = run("index", "--config", str(config))
    assert result.exit_code == 0
    assert result.output.startswith("rebuilt: 5 added, 0 updated, 0 removed, 0 unchanged, 0 skipped, 0 failed;")
    assert (tmp / "idx" / "current").is_symlink()  # relative to the config file

    again = run("index", "--config", str(config))
    assert again.output.startswith("updated: 0 added, 0 updated, 0 removed, 5 unchanged, 0 skipped, 0 failed;")

    status = run("status", "--config", str(config))
    assert "documents:      5\n" in status.output and "paragraphs:     125\n" in status.output
    assert f"schema version: {SCHEMA_VERSION}\n" in status.output

    found = run("search", "--config", str(config), '"户户通"')
    assert found.exit_code == 0
    assert found.output.startswith("3 paragraphs for '\"户户通\"'")
    assert found.output.count("【户户通】") == 3


def test_cli_search_json_matches_api_shape(cli_env):
    run, config, _ = cli_env
    run("index", "--config", str(config))
    result = run("search", "--config", str(config), "--json", "--limit", "2", "乡村振兴")
    data = json.loads(result.output)
    assert set(data) == {"query", "total", "partial_total", "page", "size", "took_ms", "relaxed",
                         "missing", "optional", "results", "facets", "suggestions"}
    assert data["size"] == 2 and len(data["results"]) == 2 and data["total"] > 2
    hit = data["results"][0]
    assert set(hit) == {"doc_id", "title", "file_name", "title_shared", "section_path",
                        "paragraph", "score", "text", "snippet_html", "highlights", "partial",
                        "page"}
    for start, end in hit["highlights"]:
        assert hit["text"][start:end] == "乡村振兴"
    assert set(data["facets"]) == {"doc", "year", "section"}
    assert sum(f["count"] for f in data["facets"]["doc"]) == data["total"]


@pytest.mark.parametrize("query", [
    '"unbalanced', 'OR', '-', '- OR "', '"""', 'AND OR -"', 'doc:', 'year:abc', '（', '\\', '*?',
    '乡村振兴 OR', 'OR 户户通', '-乡村振兴', 'section:疫情 year:2020', '"" 户户通', 'x' * 999,
])
def test_cli_search_malformed_queries_never_crash(cli_env, query):
    run, config, _ = cli_env
    run("index", "--config", str(config))
    result = CliRunner().invoke(main, ["search", "--config", str(config), "--json", "--", query])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["query"] == query


def test_cli_search_too_long_query_is_a_clear_error(cli_env):
    run, config, _ = cli_env
    run("index", "--config", str(config))
    result = CliRunner().invoke(main, ["search", "--config", str(config), "字" * 10_000])
    assert result.exit_code == 1
    assert "Error: query is 10000 characters long; the limit is 1000" in result.output


def test_cli_search_without_index_says_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["search", "--index", str(tmp_path / "none"), "镇"])
    assert result.exit_code == 1
    assert "no index at" in result.output and "report-search index" in result.output


def test_cli_bad_config_names_the_key(tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("index:\n  pth: x\n", "utf-8")
    result = CliRunner().invoke(main, ["status", "--config", str(config)])
    assert result.exit_code == 1
    assert "Invalid setting 'index.pth'" in result.output


def test_cli_analyze_shows_tokens(cli_env):
    run, _, _ = cli_env
    result = run("analyze", "鄉村振興 S313")
    assert result.exit_code == 0
    assert "normalised: 乡村振兴 s313" in result.output
    assert "query: 乡村振兴@0[0:4]  s313@1[5:9]" in result.output
    data = json.loads(run("analyze", "--json", "户户通").output)
    assert [t["text"] for t in data["fields"]["chars"]["query"]] == ["户户", "户通"]


def test_cli_index_reports_failed_files_by_name(cli_env):
    run, config, tmp = cli_env
    (tmp / "reports" / "bad.txt").write_bytes(b"\x81\x20" * 10)
    result = CliRunner().invoke(main, ["index", "--config", str(config)])
    assert result.exit_code == 3  # some files failed, the rest indexed
    assert "bad.txt: not UTF-8 or GB18030/GBK text" in result.output
    assert "5 added" in result.output and "1 failed" in result.output


def test_cli_config_prints_effective_settings(cli_env):
    run, config, tmp = cli_env
    out = run("config", "--config", str(config)).output
    assert f"path: {tmp / 'idx'}" in out and "user_words:" in out


def test_cli_console_script_runs(tmp_path):
    """The installed entry point, in a real process, with --index overriding the config."""
    exe = shutil.which("report-search", path=str(ROOT / ".venv" / "bin")) or "report-search"
    result = subprocess.run(
        [exe, "index", "--index", str(tmp_path / "ix"), str(SEEDS)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "5 added" in result.stdout
    status = subprocess.run([exe, "status", "--json", "--index", str(tmp_path / "ix")],
                            capture_output=True, text=True, check=True)
    assert json.loads(status.stdout)["documents"] == 5


def test_indexer_does_not_import_flask():
    code = "import sys, indexer.cli, indexer.search, indexer.writer; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cli_search_took_ms_is_the_search_not_jieba_loading(tmp_path):
    """In a fresh process jieba's dictionary takes about a second to load; the search of the
    seeds takes milliseconds. took_ms reports the search."""
    subprocess.run([sys.executable, "-m", "indexer.cli", "index", "--index", str(tmp_path / "ix"),
                    str(SEEDS)], check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-m", "indexer.cli", "search", "--json", "--index",
                           str(tmp_path / "ix"), "乡村振兴"], capture_output=True, text=True,
                          check=True)
    assert json.loads(done.stdout)["took_ms"] < 300
