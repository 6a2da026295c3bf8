"""`report-search`: index, search, analyze, status, config and serve from the command line.

Domain errors become ``Error: …`` on stderr and exit code 1; usage errors exit 2 (click).
"""

from __future__ import annotations

import functools
import json
import sys

import click
import yaml

from .config import Settings, load_settings
from .errors import ReportSearchError


def _settings(config: str | None, index: str | None) -> Settings:
    settings = load_settings(config)
    return settings.replace(index__path=index) if index else settings


def common(command):
    """--config, --index and --verbose on every command; domain errors become exit 1."""

    @click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
                  help="YAML settings file (default: $REPORT_SEARCH_CONFIG, else built-in).")
    @click.option("--index", "index", type=click.Path(file_okay=False), default=None,
                  help="Index folder (overrides index.path).")
    @click.option("--verbose", is_flag=True, help="Show tracebacks.")
    @functools.wraps(command)
    def wrapper(config, index, verbose, **kwargs):
        try:
            return command(_settings(config, index), **kwargs)
        except ReportSearchError as e:
            if verbose:
                raise
            raise click.ClickException(e.message) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="report-search")
def main():
    """Full-text search for Chinese reports."""


def _progress(files, total):
    from tqdm import tqdm

    return tqdm(files, total=total, unit="file", disable=not sys.stderr.isatty(), leave=False)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--rebuild", is_flag=True, help="Build a new index from scratch.")
@click.option("--prune/--no-prune", default=None,
              help="Remove documents whose files are gone (default: on for configured folders).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@common
def index(settings, paths, rebuild, prune, as_json):
    """Index report files (default: the configured folders), incrementally."""
    from .writer import index_reports

    summary = index_reports(settings, list(paths) or None, rebuild=rebuild, prune=prune,
                            progress=_progress)
    for _path, reason in summary.failed:
        click.echo(f"failed: {reason}", err=True)
    if summary.rebuilt and summary.rebuild_reason not in ("asked for", "no index yet"):
        click.echo(f"rebuilt because {summary.rebuild_reason}", err=True)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(summary.line())


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@common
def status(settings, as_json):
    """Documents, paragraphs, size, schema version and last update of the index."""
    from .search import IndexReader

    info = IndexReader(settings).status()
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    click.echo(f"index:          {info['index']}")
    click.echo(f"documents:      {info['documents']}")
    click.echo(f"paragraphs:     {info['paragraphs']}")
    click.echo(f"size:           {info['size_bytes'] / 1e6:.2f} MB")
    click.echo(f"schema version: {info['schema_version']}")
    click.echo(f"generation:     {info['generation']}")
    click.echo(f"last update:    {info['updated_at'] or info['created_at']}")


@main.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON the API returns.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="Results per page.")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--doc", multiple=True, help="Only this document id (repeatable).")
@click.option("--year", multiple=True, help="Only this year (repeatable).")
@click.option("--section", multiple=True, help="Only sections with this heading.")
@common
def search(settings, query, as_json, limit, page, doc, year, section):
    """Search paragraphs: words (AND), "exact phrases", OR, -exclude, doc:/year:/section:."""
    from .search import IndexReader

    result = IndexReader(settings).search(query, page=page, size=limit, doc=list(doc),
                                          year=list(year), section=list(section))
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    color = sys.stdout.isatty()
    click.echo(f"{result.total} paragraphs for {query!r} ({result.took_ms:.1f} ms)")
    for rank, hit in enumerate(result.results, (page - 1) * limit + 1):
        crumbs = " › ".join([hit.title, *hit.section_path])
        click.echo(f"\n{rank}. {crumbs} ¶{hit.paragraph}  [{hit.doc_id}] score {hit.score:.2f}")
        click.echo("   " + _terminal_snippet(hit.text, hit.highlights, color))


def _terminal_snippet(text: str, spans: list[list[int]], color: bool, width: int = 120) -> str:
    begin = max(0, spans[0][0] - 20) if spans else 0
    end = min(len(text), begin + width)
    out, last = [], begin
    for start, stop in spans:
        if stop <= begin or start >= end:
            continue
        start, stop = max(start, begin), min(stop, end)
        out.append(text[last:start])
        piece = text[start:stop]
        out.append(click.style(piece, reverse=True) if color else f"【{piece}】")
        last = stop
    out.append(text[last:end])
    return ("…" if begin else "") + "".join(out) + ("…" if end < len(text) else "")


@main.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@common
def analyze(settings, text, as_json):
    """Show how TEXT is cut: the tokens of each field with positions and offsets."""
    from .analysis import explain

    result = explain(text, settings.user_words(), settings.stop_words())
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    click.echo(f"normalised: {result['normalized']}")
    for name, fieldinfo in result["fields"].items():
        click.echo(f"\n{name} ({fieldinfo['description']})")
        for mode in ("index", "query"):
            tokens = fieldinfo[mode]
            shown = "  ".join(
                f"{t['text']}@{t['position']}[{t['start']}:{t['end']}]" for t in tokens
            )
            click.echo(f"  {mode:5}: {shown or '(none)'}")


@main.command()
@click.option("--host", default=None, help="Address (default: server.host).")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port (default: server.port).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="gunicorn workers (default: server.workers).")
@common
def serve(settings, host, port, workers):
    """Serve the search page and API with gunicorn."""
    import os

    bind = f"{host or settings['server.host']}:{port or settings['server.port']}"
    env = dict(os.environ, REPORT_SEARCH_INDEX=os.path.abspath(settings["index.path"]))
    if settings.source != "defaults":
        env["REPORT_SEARCH_CONFIG"] = os.path.abspath(settings.source)
    # The app is named as a string: the indexer never imports the web layer.
    # --preload builds it once (jieba's dictionary included) before the workers fork.
    args = [sys.executable, "-m", "gunicorn", "--preload", "--bind", bind,
            "--workers", str(workers or settings["server.workers"]), "webui:create_app()"]
    click.echo(f"serving on http://{bind}/", err=True)
    os.execvpe(sys.executable, args, env)


@main.command("config")
@common
def show_config(settings):
    """Print the settings in effect, as YAML."""
    nested: dict = {}
    for key, value in settings.as_dict().items():
        section, name = key.split(".", 1)
        nested.setdefault(section, {})[name] = value
    click.echo(f"# from: {settings.source}")
    click.echo(yaml.safe_dump(nested, allow_unicode=True, sort_keys=False).rstrip())


if __name__ == "__main__":
    main()
