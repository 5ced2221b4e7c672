"""What a command checks before anything starts: dates, paths, URLs and the whole configuration.

Every check here runs before Prefect or Great Expectations is imported (this module
imports neither, nor anything that does: the settings model needs PyYAML and pydantic,
a URL's check fsspec), so a bad input costs a fraction of a second and one line.
Each problem is a `BadInputError` whose message names the input.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from flows.engine.settings import DEFAULT_CONFIG, ConfigError, Settings, load_settings

LOCAL_KINDS = ("folder", "jsonl", "warc")


class BadInputError(ValueError):
    """A date, path, URL or configuration the command cannot use (exit 2)."""


def day(value: str, option: str) -> dt.date:
    """A YYYY-MM-DD option as a date."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadInputError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def day_range(start: str, end: str) -> tuple[dt.date, dt.date]:
    """--start and --end as dates, the start not after the end."""
    first, last = day(start, "--start"), day(end, "--end")
    if first > last:
        raise BadInputError(f"--start {first} is after --end {last}")
    return first, last


def timezone(value: str, option: str) -> str:
    """A timezone option (an IANA name such as UTC or Europe/London)."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problem = f"{option} {value!r} is not a timezone (e.g. UTC, Europe/London)"
        raise BadInputError(problem) from None
    return value


def settings(config: str | None, lake: str | None = None, workers: int | None = None) -> Settings:
    """The whole configuration, checked (file, YAML, every key at every level, values)."""
    try:
        return load_settings(config, lake=lake, workers=workers)
    except ConfigError as exc:
        raise BadInputError(str(exc)) from exc


def check_models(settings: Settings) -> None:
    """Every configured spaCy model is installed (or is a folder that exists)."""
    for language, model in settings.language_models().items():
        key = "model" if language == "en" else f"models.{language}"
        if "/" in model or os.sep in model:
            if not Path(model).is_dir():
                raise BadInputError(f"{key}: spaCy model folder {model} does not exist")
        elif importlib.util.find_spec(model) is None:
            raise BadInputError(f"{key}: spaCy model {model!r} is not installed in {sys.prefix}")


def check_location(path: str, what: str) -> None:
    """A local path exists; a URL names a storage whose fsspec implementation is installed."""
    if "://" in path:
        protocol = path.split("://", 1)[0]
        import fsspec

        try:
            fsspec.get_filesystem_class(protocol)
        except ValueError:
            raise BadInputError(f"{what} {path}: unknown storage protocol {protocol!r}") from None
        except ImportError as exc:
            raise BadInputError(f"{what} {path}: {protocol}:// needs a package ({exc})") from None
        return
    if not Path(path).exists():
        raise BadInputError(f"{what} {path} does not exist")


def check_inputs(paths: Iterable[str], option: str) -> None:
    """Files, folders or archives given on the command line exist."""
    for path in paths:
        check_location(path, option)


def check_sources(settings: Settings, names: list[str] | None = None) -> None:
    """Named sources are configured; the local paths of the sources to read exist."""
    known = {s.name for s in settings.sources}
    unknown = sorted(set(names or ()) - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        names_ = ", ".join(unknown)
        raise BadInputError(f"--source: unknown source(s) {names_} (configured: {listed})")
    for s in settings.sources:
        if not s.enabled or (names and s.name not in names):
            continue
        if s.kind in LOCAL_KINDS and s.path is not None:
            check_location(s.path, f"source {s.name!r}: path")


def has_input(settings: Settings, paths: list[str] | None = None) -> bool:
    """Whether a run may read anything: False only when every input is a local folder
    with no files in it (so the run has nothing to validate)."""
    if paths:
        locations = list(paths)
    else:
        enabled = [s for s in settings.sources if s.enabled]
        if any(s.kind not in LOCAL_KINDS or s.path is None for s in enabled):
            return True
        locations = [s.path for s in enabled if s.path is not None]
    for location in locations:
        root = Path(location)
        if "://" in location or not root.is_dir():
            return True
        if any(p.is_file() and not p.name.startswith(".") for p in root.rglob("*")):
            return True
    return False


def check_lake_for_writing(settings: Settings) -> None:
    """The lake root is a folder (or can be made one) or a usable storage URL."""
    if "://" in settings.lake:
        check_location(settings.lake, "lake")
        return
    root = Path(settings.lake)
    blocker = next((p for p in (root, *root.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise BadInputError(f"lake {settings.lake}: {blocker} is a file, not a folder")


def check_lake_exists(settings: Settings) -> None:
    """The lake holds at least one table: reading commands never report a missing lake
    as an empty one."""
    from transforms.schemas import TABLES

    shown = settings.lake
    if "://" in settings.lake:
        check_location(settings.lake, "lake")
        import fsspec

        fs, base = fsspec.core.url_to_fs(settings.lake, **settings.storage_options)
        found = fs.isdir(base) and any(fs.isdir(f"{base}/{t}") for t in TABLES)
    else:
        root = Path(settings.lake)
        found = root.is_dir() and any((root / t).is_dir() for t in TABLES)
        shown = os.path.relpath(root) if root.is_absolute() and _under_cwd(root) else str(root)
    if not found:
        raise BadInputError(
            f"no lake at {shown} (no table folders there): run `newslake run` first, "
            "or name the lake with --lake or the config's `lake`"
        )


def _under_cwd(path: Path) -> bool:
    try:
        path.relative_to(Path.cwd())
    except ValueError:
        return False
    return True


def project_root(config: str | None) -> Path:
    """The project a command works for: $NEWSLAKE_HOME, else the folder of the
    configuration file in use, else the checkout this code runs from (when it is one),
    else the working folder."""
    home = os.environ.get("NEWSLAKE_HOME")
    if home:
        return Path(home).resolve()
    config_path = Path(config or DEFAULT_CONFIG)
    if config_path.is_file():
        return config_path.resolve().parent
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / DEFAULT_CONFIG).is_file() and (checkout / "prefect.yaml").is_file():
        return checkout
    return Path.cwd()


def set_prefect_home(config: str | None) -> str:
    """PREFECT_HOME, unless already set: the project's `.prefect/`, whatever the working
    folder (importing Prefect creates its home, and a flow run writes its database
    there). Call before Prefect is imported; returns the home in use."""
    return os.environ.setdefault("PREFECT_HOME", str(project_root(config) / ".prefect"))
