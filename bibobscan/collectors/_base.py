"""The collector contract.

A collector knows one source's wire format and turns its answers into Evidence. It
knows nothing of indicators. It raises :mod:`bibobscan.errors` SourceErrors when the
source does not deliver; the orchestrator records them as the source's status.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

from ..errors import NotConfigured
from ..http import HttpClient
from ..model import Evidence, Reliability, Subject, SubjectKind


def public_url(url: str) -> str:
    """``url`` as it may appear in a report: scheme, host and path, without user
    name, password, query or fragment (a key in a URL never reaches a report)."""
    parts = urlsplit(str(url).strip())
    if not parts.scheme or not parts.hostname:
        return ""
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


@dataclass(slots=True)
class CollectContext:
    http: HttpClient
    config: Mapping[str, Any]  # this source's settings: [sources.<id>] + its env vars
    reference_date: date
    demo: bool = False


@dataclass(slots=True)
class Collected:
    evidence: list[Evidence]
    query: str = ""  # overrides describe_query() when the collector knows better
    notes: list[str] = field(default_factory=list)  # partial failures, caveats (Dutch or English)
    uncovered: frozenset[str] = frozenset()  # provided types not delivered this run (e.g. not found)
    partial: frozenset[str] = frozenset()  # provided types whose answer is incomplete
    # provided types this source holds nothing on for this subject although it answered
    # in full (no LEI in GLEIF): the dependent indicators say "onvoldoende gegevens", but
    # the research is not incomplete because of it
    absent: frozenset[str] = frozenset()


class Collector(abc.ABC):
    """Base class of every collector (built-in or plugin).

    Class attributes document the source for ``bibobscan sources`` and the report.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    covers: ClassVar[str]  # what the source covers, one sentence
    licence: ClassVar[str]  # terms / licence note
    applies_to: ClassVar[frozenset[SubjectKind]]
    provides: ClassVar[frozenset[str]]  # signal types this source can deliver
    env: ClassVar[Mapping[str, str]] = {}  # config key -> environment variable
    required: ClassVar[tuple[str, ...]] = ()  # config keys without which it is not configured
    # True: works only with the subject's KvK number. In a scan by name the orchestrator
    # runs it after the other sources, with the KvK number the register gave.
    uses_kvk: ClassVar[bool] = False
    # True: delivers register profiles (``register.company``) from which the KvK number of
    # a company given by name is learned for the ``uses_kvk`` sources.
    gives_kvk: ClassVar[bool] = False
    # What kind of source this is: shown with every piece of evidence it gives.
    reliability: ClassVar[Reliability] = Reliability.UNKNOWN
    # The endpoint asked when the settings name none (describe_endpoint).
    default_endpoint: ClassVar[str] = ""
    # Every key of [sources.<id>] this collector reads; any other key is a settings error.
    # Default (when a subclass does not set it): the inherited options + env keys + required.
    options: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "options" not in cls.__dict__:
            cls.options = tuple(dict.fromkeys([*cls.options, *cls.env, *cls.required]))

    def not_configured_reason(self, config: Mapping[str, Any]) -> str | None:
        """Why this source cannot run with ``config``; None when it can."""
        missing = [k for k in self.required if not config.get(k)]
        if not missing:
            return None
        names = ", ".join(f"{k} (env {self.env[k]})" if k in self.env else k for k in missing)
        return f"missing setting(s): {names}"

    def require_configured(self, config: Mapping[str, Any]) -> None:
        """Raise NotConfigured with the reason when ``config`` cannot run this source (the
        orchestrator checks first; this guards direct calls)."""
        reason = self.not_configured_reason(config)
        if reason:
            raise NotConfigured(reason, source=self.id)

    def describe_endpoint(self, config: Mapping[str, Any]) -> str:
        """The base URL this source asks with ``config`` (for the report's source list):
        the ``url`` setting when there is one, else ``default_endpoint``; never a key."""
        configured = config.get("url") or config.get("base_url")
        return public_url(str(configured)) if configured else self.default_endpoint

    def describe_query(self, subject: Subject, config: Mapping[str, Any]) -> str:
        """The query as it will be sent, recorded even when the source then fails."""
        return subject.name

    @abc.abstractmethod
    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        """Query the source about ``subject``; return its evidence."""
