"""`report-search`: index, search, analyze, status, config and serve from the command line.

Domain errors become ``Error: …`` on stderr and exit code 1; usage errors exit 2 (click).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections import Counter

import click

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


EXIT_NOTHING_INDEXED = 1
EXIT_SOME_FAILED = 3
LISTED = 10  # skipped files named one by one on the terminal; the rest are counted by type


@main.command(epilog="""\b
Exit codes: 0 every file read; 1 nothing indexed (or another error);
2 wrong usage; 3 some files or sources failed (named on stderr), the rest indexed.""")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--rebuild", is_flag=True,
              help="Build a new index from every source (analysis settings changed, etc.).")
@click.option("--prune/--no-prune", default=None,
              help="Remove documents whose files are gone (default: on when no PATHS are "
                   "given); --prune also forgets sources that no longer exist.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--job", hidden=True, help="Record progress in this job file (POST /api/index).")
@common
def index(settings, paths, rebuild, prune, as_json, job):
    """Index report files: PATHS (files or folders), else every source of the index.

    The index remembers every file and folder it was given, and the configured
    index.folders; without PATHS, and on a rebuild, it reads all of them again.
    Reads .txt, .md, .docx, .pdf, .doc and .wps files (see index.extensions;
    .doc and .wps need LibreOffice); other types are skipped and counted.
    Unchanged files are not re-read.
    """
    from .writer import index_reports

    progress = _progress
    if job:
        from .jobs import JobFile

        recorder = JobFile(job)
        progress = recorder.progress
    try:
        summary = index_reports(settings, list(paths) or None, rebuild=rebuild, prune=prune,
                                progress=progress)
    except ReportSearchError as e:
        if job:
            recorder.fail(e.code, e.message)
        raise
    except BaseException:
        if job:
            recorder.fail("internal", "the indexer failed unexpectedly; see the server's log")
        raise
    if job:
        recorder.finish(summary.as_dict())
    _report_skipped(summary.skipped, settings["index.extensions"])
    for _path, reason in summary.problems:
        click.echo(f"failed: {reason}", err=True)
    for path in summary.forgotten:
        click.echo(f"removed source: {path} (no longer exists)", err=True)
    if summary.rebuilt and summary.rebuild_reason not in ("asked for", "no index yet"):
        click.echo(f"rebuilt because {summary.rebuild_reason}", err=True)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(summary.line())
    if summary.problems:
        read = summary.added + summary.updated + summary.unchanged
        sys.exit(EXIT_SOME_FAILED if read else EXIT_NOTHING_INDEXED)
    if not summary.documents:
        types = ", ".join(settings["index.extensions"])
        click.echo(f"Error: nothing indexed: no report files ({types}) in "
                   f"{', '.join(summary.sources) or 'the sources'}", err=True)
        sys.exit(EXIT_NOTHING_INDEXED)


@main.command("run-job", hidden=True)
@click.argument("job_file", type=click.Path(dir_okay=False, exists=True))
@common
def run_job(settings, job_file):
    """Do an upload or delete job (started by the web app; see indexer/jobs.py)."""
    from .job_runner import run

    job = run(job_file, settings)
    if job["state"] == "failed":
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@common
def forget(settings, paths, as_json):
    """Stop indexing PATHS (sources given to `index` before, or files and folders inside one)
    and remove their documents. `report-search status` lists the sources."""
    from .writer import forget_sources

    summary = forget_sources(settings, list(paths))
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        return
    for path in summary.forgotten:
        click.echo(f"forgot source: {path}", err=True)
    click.echo(summary.line())


def _report_skipped(skipped: list[tuple[str, str]], extensions: list[str]) -> None:
    from .readers.office import NEEDS_SOFFICE

    unconverted = [p for p, reason in skipped if NEEDS_SOFFICE in reason]
    if len(unconverted) > LISTED:
        click.echo(f"skipped {len(unconverted)} .doc/.wps files: they {NEEDS_SOFFICE}, which is "
                   "not installed (apt-get install libreoffice-writer-nogui); --json lists them",
                   err=True)
        skipped = [(p, reason) for p, reason in skipped if NEEDS_SOFFICE not in reason]
    if len(skipped) <= LISTED:
        for _path, reason in skipped:
            click.echo(f"skipped: {reason}", err=True)
        return
    kinds = Counter(os.path.splitext(p)[1].lower() or "(none)" for p, _ in skipped)
    listed = ", ".join(f"{ext} {n}" for ext, n in kinds.most_common())
    click.echo(f"skipped {len(skipped)} files of unsupported types ({listed}); supported: "
               f"{', '.join(extensions)}; --json lists them", err=True)


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
    click.echo("sources:" + ("" if info["sources"] else "        (none recorded)"))
    for source in info["sources"]:
        notes = ["index.folders"] if source["configured"] else []
        if not source["exists"]:
            notes.append("gone: `index --prune` removes its documents")
        note = f"  ({'; '.join(notes)})" if notes else ""
        click.echo(f"  {source['path']}  {source['documents']} documents{note}")


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
    from .analysis import warm_up
    from .search import IndexReader

    warm_up(settings.user_words())  # load jieba first: took_ms is the search alone
    result = IndexReader(settings).search(query, page=page, size=limit, doc=list(doc),
                                          year=list(year), section=list(section), suggest=True)
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


@main.command(epilog="""\b
POST /api/index (re-index from a script) is off until the config file sets a
token, which calls must send as 'Authorization: Bearer <token>':
  server:
    admin_token: "a-long-random-secret"
Pass that file with --config or $REPORT_SEARCH_CONFIG; relative paths in it
are relative to the file's folder.""")
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


@main.command("config", epilog="""\b
A config file sets only what it changes, e.g. to turn on POST /api/index:
  server:
    admin_token: "a-long-random-secret"
Relative paths in a config file (index.path, index.folders) are relative to
the file's folder; without a file, to the current folder.""")
@common
def show_config(settings):
    """Print the settings in effect as YAML, each with its meaning and default."""
    from .config import annotated

    click.echo(f"# from: {settings.source}")
    click.echo(annotated(settings))


if __name__ == "__main__":
    main()
