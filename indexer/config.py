"""Settings: every key once, with its default and help; load and validate a YAML file.

Precedence: shipped defaults < YAML file (``--config`` or ``REPORT_SEARCH_CONFIG``) < command-line
flags. Relative paths in a YAML file are relative to that file's folder; the shipped defaults are
relative to the working directory.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

ENV_VAR = "REPORT_SEARCH_CONFIG"


def _data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a shipped data file."""
    text = resources.files("indexer").joinpath("data", name).read_text("utf-8")
    return [s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#")]


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _positive_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _groups(value: Any) -> bool:
    return isinstance(value, list) and all(_str_list(g) and len(g) > 1 for g in value)


def _data_yaml(name: str) -> Any:
    # libyaml's loader where built: the pure-Python one took 90 ms on the thesaurus, at every
    # import of this module (each command, each spawned indexing process)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(resources.files("indexer").joinpath("data", name).read_text("utf-8"), loader)


def _regex_list(value: Any) -> bool:
    if not _str_list(value):
        return False
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as e:
            raise ConfigError(f"bad regular expression {pattern!r}: {e}") from None
    return True


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    check: Callable[[Any], bool]
    help: str
    is_path: bool = False


# Question words and filler a person types around what they want (怎样, 如何 ...)
QUESTION_WORDS = ["怎样", "怎么", "怎么样", "如何", "如何才能", "哪些", "哪个", "什么", "为什么",
                  "是否", "是不是", "有没有", "有哪些", "情况", "吗", "呢", "关于", "请问"]

SETTINGS: list[Setting] = [
    Setting("index.path", "index_data", lambda v: isinstance(v, str) and v != "",
            "folder that holds the index", is_path=True),
    Setting("index.folders", ["seeds"], _str_list,
            "folders `report-search index` always reads (beside every path it was given before)",
            is_path=True),
    Setting("index.extensions", [".txt", ".md", ".docx", ".pdf", ".doc", ".wps"], _str_list,
            "file endings that are read; files of other types are skipped and counted "
            "(.doc and .wps only where LibreOffice's soffice is installed)"),
    Setting("index.lock_timeout", 30, lambda v: isinstance(v, (int, float)) and v >= 0,
            "seconds a second writer waits for the first before giving up"),
    Setting("index.max_file_mb", 50, _positive_int,
            "larger files are reported as failed and not read"),
    Setting("index.parse_timeout", 60, _positive_number,
            "seconds a .docx or .pdf may take to read before it is skipped as failed"),
    Setting("index.parse_memory_mb", 1024, _positive_int,
            "memory a .docx or .pdf may take to read before it is skipped as failed"),
    Setting("index.max_unzipped_mb", 200, _positive_int,
            "a .docx that unpacks to more is refused (a zip bomb)"),
    Setting("index.convert_timeout", 120, _positive_number,
            "seconds LibreOffice may take to convert a .doc or .wps before it is skipped"),
    Setting("index.processes", 0, _count,
            "worker processes for a large rebuild; 0 = one per CPU core, 1 = no workers"),
    Setting("index.parallel_min_mb", 2.0,
            lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0,
            "a rebuild of at least this many MB of files uses the worker processes"),
    Setting("cleaning.boilerplate", _data_lines("boilerplate.txt"), _regex_list,
            "regular expressions; a line they match (searched) is dropped as website boilerplate"),
    Setting("cleaning.extra_boilerplate", [], _regex_list, "more patterns, added to the above"),
    Setting("cleaning.boilerplate_max_line", 160, _positive_int,
            "lines longer than this are never treated as boilerplate"),
    Setting("analysis.user_words", _data_lines("userdict.txt"), _str_list,
            "domain words jieba must keep whole (jieba dictionary line format also accepted)"),
    Setting("analysis.extra_user_words", [], _str_list, "more words, added to the above"),
    Setting("analysis.stop_words", _data_lines("stopwords.txt"), _str_list,
            "words left out of the word fields (phrase search still finds them)"),
    Setting("analysis.extra_stop_words", [], _str_list, "more stop words, added to the above"),
    Setting("search.synonyms", _data_yaml("synonyms.yaml"), _groups,
            "groups of words that stand for one another in unquoted queries"),
    Setting("search.extra_synonyms", [], _groups, "more groups, added to the above"),
    Setting("search.thesaurus", _data_yaml("thesaurus.yaml"), _groups,
            "a general thesaurus of report vocabulary (abbreviations, old and new names, "
            "everyday and official wording), weighed below the synonyms; [] switches it off"),
    Setting("search.question_words", QUESTION_WORDS, _str_list,
            "words of a typed question left out of unquoted queries (如何提高村民收入 searches "
            "提高, 村民, 收入); a query of only these still searches them"),
    Setting("search.page_size", 10, _positive_int, "results per page by default"),
    Setting("search.max_page_size", 100, _positive_int, "largest page size a client may ask for"),
    Setting("search.max_page", 1000, _positive_int, "deepest page a client may ask for"),
    Setting("search.facet_size", 20, _count,
            "values listed per facet by default: those with the most matches (0 = no facets)"),
    Setting("search.max_query_length", 1000, _positive_int, "longest query, in characters"),
    Setting("index.uploads", None, lambda v: v is None or (isinstance(v, str) and v != ""),
            "folder for reports uploaded from /admin or POST /api/documents; unset: "
            "<index.path>/uploads", is_path=True),
    Setting("server.max_upload_mb", 50, _positive_int,
            "largest upload request (all its files), in MB; larger ones get a 413"),
    Setting("server.host", "127.0.0.1", lambda v: isinstance(v, str) and v != "", "address"),
    Setting("server.port", 8000, lambda v: _positive_int(v) and v < 65536, "TCP port"),
    Setting("server.workers", 3, _positive_int, "gunicorn worker processes"),
    Setting("server.admin_token", None, lambda v: v is None or (isinstance(v, str) and len(v) >= 8),
            "secret (8+ characters) that the admin page (/admin), uploads, POST /api/index and "
            "/api/jobs require ('Authorization: Bearer <token>' from scripts); unset (the "
            "default) turns them off"),
]
BY_KEY = {s.key: s for s in SETTINGS}


class Settings:
    """Validated settings; read with ``settings["index.path"]``."""

    def __init__(self, values: dict[str, Any], source: str):
        self._values = values
        self.source = source

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def replace(self, **overrides: Any) -> Settings:
        """A copy with some keys replaced (dotted keys written with ``__``: index__path=...)."""
        values = dict(self._values)
        for name, value in overrides.items():
            key = name.replace("__", ".")
            if key not in BY_KEY:
                raise ConfigError(f"Invalid setting '{key}'")
            values[key] = value
        return Settings(values, self.source)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def boilerplate_patterns(self) -> list[str]:
        return self["cleaning.boilerplate"] + self["cleaning.extra_boilerplate"]

    def user_words(self) -> list[str]:
        return self["analysis.user_words"] + self["analysis.extra_user_words"]

    def stop_words(self) -> list[str]:
        return self["analysis.stop_words"] + self["analysis.extra_stop_words"]

    def synonyms(self) -> list[list[str]]:
        return self["search.synonyms"] + self["search.extra_synonyms"]


def nested(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{"index.path": x} -> {"index": {"path": x}}, as a config file writes it."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        section, name = key.split(".", 1)
        out.setdefault(section, {})[name] = value
    return out


def dump_settings(settings: Settings) -> str:
    """A config file that loads back as ``settings`` (paths made absolute), for a child process."""
    values = settings.as_dict()
    for setting in SETTINGS:
        if setting.is_path and values[setting.key] is not None:
            value = values[setting.key]
            values[setting.key] = ([os.path.abspath(v) for v in value]
                                   if isinstance(value, list) else os.path.abspath(value))
    return yaml.safe_dump(nested(values), allow_unicode=True, sort_keys=False)


def annotated(settings: Settings) -> str:
    """The settings as a config file, each key with its meaning and default as a comment."""
    lines = []
    for section, values in nested(settings.as_dict()).items():
        lines.append(f"{section}:")
        for name, value in values.items():
            setting = BY_KEY[f"{section}.{name}"]
            default = setting.default
            if isinstance(default, list) and len(default) > 3:
                shown = f"the shipped list ({len(default)} entries)"
            else:
                shown = yaml.safe_dump(default, allow_unicode=True,
                                       default_flow_style=True).strip().removesuffix("...").strip()
            note = "" if value == default else "  [changed]"
            lines.append(f"  # {setting.help}; default: {shown}{note}")
            dumped = yaml.safe_dump({name: value}, allow_unicode=True, sort_keys=False)
            lines += ["  " + line for line in dumped.rstrip().splitlines()]
    return "\n".join(lines)


def _flatten(data: dict, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and key not in BY_KEY:
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = value
    return flat


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    """Defaults, overridden by the YAML file at ``path`` (or ``$REPORT_SEARCH_CONFIG``)."""
    if path is None:
        path = os.environ.get(ENV_VAR) or None
    values = {s.key: s.default for s in SETTINGS}
    if path is None:
        return Settings(values, "defaults")
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except OSError as e:
        raise ConfigError(f"cannot read config file {path}: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"config file {path} is not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of settings")
    for key, value in _flatten(data).items():
        setting = BY_KEY.get(key)
        if setting is None:
            known = ", ".join(sorted(BY_KEY))
            raise ConfigError(f"Invalid setting '{key}' in {path}; known settings: {known}")
        if not setting.check(value):
            raise ConfigError(
                f"Invalid value for '{key}' in {path}: {value!r} ({setting.help}; "
                f"default {setting.default!r})"
                if not isinstance(setting.default, list)
                else f"Invalid value for '{key}' in {path}: expected a list of strings"
            )
        if setting.is_path and value is not None:
            value = _resolve(value, path.parent)
        values[key] = value
    return Settings(values, str(path))


def _resolve(value: str | list[str], base: Path) -> str | list[str]:
    if isinstance(value, list):
        return [str(base / v) for v in value]
    return str(base / value)
