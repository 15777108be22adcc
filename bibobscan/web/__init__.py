"""The officer's web workspace (``bibobscan serve``): Dutch pages that work without
JavaScript, on top of the case store, the Bibob file and the archive, and a JSON API for
the municipality's case system. The pages and the CLI call the same library functions
(docs/web.md)."""

from ._app import create_app
from ._context import WebConfig, Workspace

__all__ = ["WebConfig", "Workspace", "create_app"]
