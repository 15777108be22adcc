"""The one exception tree of bibobscan.

Everything the package raises on purpose derives from :class:`BibobscanError`::

    BibobscanError
    ├── UsageError              a wrong argument or option (CLI exit code 2)
    │   └── BatchError          a batch CSV with broken lines, or case numbers taken: nothing saved
    ├── ConfigError             a broken settings file or environment variable
    ├── SourceError             a data source did not deliver (never "no findings")
    │   ├── NotConfigured       the source needs a key or URL that is absent
    │   ├── SourceTimeout       connect/read timeout or the per-source deadline
    │   ├── RateLimited         429/503 after the allowed retries
    │   ├── UpstreamError       an unexpected HTTP status (5xx, 401, ...)
    │   ├── NetworkError        DNS, refused connection, TLS, not recorded in the demo world
    │   ├── RequestRefused      a request or redirect to a non-public address the settings do not name
    │   ├── ResponseTooLarge    the body passed the size cap
    │   ├── ErrorInBody         an error reported inside an HTTP 200 (SRU diagnostic, ...)
    │   └── MalformedResponse   a body that does not parse as the documented format
    ├── IndicatorError          a broken indicator or profile file (names file, line, id, field)
    ├── ReportError             a report file that cannot be read back, or was changed
    ├── OutputError             a report file or folder (--out) that cannot be written (exit code 4)
    ├── StoreError              the case store cannot be opened or used (missing, locked, unreachable)
    │   ├── CaseNotFound        no case with that number in the store
    │   └── StoreConflict       a concurrent writer got there first (retried by the caller)
    ├── DossierError            an action the case file refuses (finalised file, four eyes, ...)
    ├── ArchiveError            sealing, verifying or purging the archive failed (the message says how)
    │   └── TimestampError      an RFC 3161 time-stamp token that was refused or does not verify
    └── AccountError            an account that cannot be made or used (name taken, weak password)
        ├── LoginRefused        wrong name or password (one message for both), or a disabled account
        └── LoginThrottled      too many failed logins: wait (``retry_after`` seconds)

The scan orchestrator turns each ``SourceError`` into the status of that source's
``SourceRun`` (see :func:`status_for`), so one failing source never stops a scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from .model import SourceStatus

if TYPE_CHECKING:
    from .batch import LineError


class BibobscanError(Exception):
    """Base class of every error bibobscan raises on purpose."""


class UsageError(BibobscanError):
    """A wrong argument: the message says which and what is accepted."""


class BatchError(UsageError):
    """A batch of applicants refused as a whole (nothing was saved); ``errors`` holds
    the Dutch message of each broken line (:class:`bibobscan.batch.LineError`)."""

    def __init__(self, message: str, *, errors: Sequence[LineError] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)


class ConfigError(BibobscanError):
    """A settings file or environment variable that cannot be used."""


class SourceError(BibobscanError):
    """A data source did not deliver. ``source`` names it.

    The message (``str(error)``) is the technical text; :meth:`dutch_message` is the
    sentence a report shows the officer (``dutch`` of each class), the technical text
    kept apart as ``SourceRun.technische_melding``."""

    status: SourceStatus = SourceStatus.FAILED
    dutch: ClassVar[str] = "De bron heeft geen gegevens geleverd."

    def __init__(self, message: str, *, source: str = "") -> None:
        super().__init__(message)
        self.source = source

    def dutch_message(self) -> str:
        """What went wrong, in one Dutch sentence for the report."""
        return self.dutch


class NotConfigured(SourceError):
    status = SourceStatus.NOT_CONFIGURED
    dutch = "De bron is niet ingesteld (een sleutel of adres ontbreekt in de instellingen) en is niet bevraagd."


class SourceTimeout(SourceError):
    status = SourceStatus.TIMEOUT
    dutch = "De bron gaf niet op tijd antwoord."


class RateLimited(SourceError):
    status = SourceStatus.RATE_LIMITED
    dutch = "De bron weigerde tijdelijk verzoeken (te veel verzoeken of overbelast); probeer het later opnieuw."

    def __init__(self, message: str, *, source: str = "", retry_after: float | None = None) -> None:
        super().__init__(message, source=source)
        self.retry_after = retry_after

    def dutch_message(self) -> str:
        if self.retry_after and self.retry_after >= 1:
            return f"De bron weigerde tijdelijk verzoeken (te veel verzoeken of overbelast); probeer het over {self.retry_after:.0f} seconden opnieuw."
        return self.dutch


class UpstreamError(SourceError):
    dutch = "De bron antwoordde met een foutmelding."

    def __init__(self, message: str, *, source: str = "", status_code: int | None = None) -> None:
        super().__init__(message, source=source)
        self.status_code = status_code

    def dutch_message(self) -> str:
        if self.status_code in (401, 403):
            return f"De bron weigerde de toegang (HTTP {self.status_code}); controleer de sleutel in de instellingen."
        if self.status_code is not None:
            return f"De bron antwoordde met een foutmelding (HTTP {self.status_code})."
        return self.dutch


class NetworkError(SourceError):
    dutch = "De bron was niet bereikbaar (netwerk, naamopzoeking of verbinding mislukt)."


class RequestRefused(SourceError):
    """bibobscan refused to send a request (or follow a redirect) to a loopback, private,
    link-local or otherwise non-public address that the settings do not name (the SSRF
    guard, :mod:`bibobscan._netguard`): the source did not deliver."""

    status = SourceStatus.FAILED
    dutch = ("Het verzoek is niet verstuurd: het adres wijst naar een intern of niet-openbaar netwerkadres dat de "
             "instellingen niet noemen (beveiliging).")


class ResponseTooLarge(SourceError):
    dutch = "Het antwoord van de bron was groter dan de ingestelde limiet en is niet gelezen."


class ErrorInBody(SourceError):
    dutch = "De bron meldde een fout in haar antwoord."


class MalformedResponse(SourceError):
    dutch = ("Het antwoord van de bron had niet het verwachte formaat (bijvoorbeeld afgebroken, of een webpagina in "
             "plaats van gegevens) en is niet gelezen.")


class IndicatorError(BibobscanError):
    """A broken indicator or profile file.

    The message always names the file, and where known the line, the indicator id and
    the field, so an analyst can find the mistake without reading Python.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        line: int | None = None,
        indicator: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.indicator = indicator
        self.field = field
        self.reason = message
        where = file or "<indicators>"
        if line is not None:
            where += f":{line}"
        parts = [where]
        if indicator:
            parts.append(f"indicator {indicator}")
        if field:
            parts.append(f"field {field}")
        super().__init__(f"{' | '.join(parts)}: {message}")


class ReportError(BibobscanError):
    """A stored report that cannot be read back (e.g. for rescore)."""


class OutputError(BibobscanError):
    """A report file or folder (``--out``) that cannot be written: a file where the
    folder should be, no permission, a full disk. The message names the path."""


class StoreError(BibobscanError):
    """The case store cannot be opened or used: the message names the database and why."""


class CaseNotFound(StoreError):
    """No case with this number in the store."""


class StoreConflict(StoreError):
    """A change collided with a concurrent one (e.g. two scans creating the same case at
    once); the operation can be retried."""


class ArchiveError(BibobscanError):
    """The archive cannot seal, verify or purge: the message names the folder, the bag
    and what is wrong. A failed sealing leaves the archive as it was."""


class TimestampError(ArchiveError):
    """A time-stamping authority gave no valid token, or a stored token does not verify
    (imprint, signature, certificate): the message says what is wrong."""


class DossierError(BibobscanError):
    """An action the case file refuses, e.g. a disposition on a finalised file, or a
    reviewer who is the officer; the message says why and what to do instead. ``dutch``
    says the same for the web pages (empty where no Dutch wording exists yet)."""

    def __init__(self, message: str, *, dutch: str = "") -> None:
        super().__init__(message)
        self.dutch = dutch


def status_for(error: BaseException) -> SourceStatus:
    """The SourceRun status that an error during collection stands for: each
    SourceError's ``status`` (RequestRefused and the other delivery failures: failed;
    SourceTimeout: timeout; RateLimited: rate_limited; NotConfigured: not_configured),
    anything else failed."""
    if isinstance(error, SourceError):
        return error.status
    return SourceStatus.FAILED


class AccountError(BibobscanError):
    """An account of the workspace that cannot be made or used."""


class LoginRefused(AccountError):
    """Wrong name or password, or a disabled account (one message, never which)."""


class LoginThrottled(AccountError):
    """Too many failed logins for this name or client; ``retry_after`` in seconds."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
