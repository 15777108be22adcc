"""The command line (typer). Thin: parses arguments and calls the library.

Each command group lives in its own module and registers itself on ``app``.
"""

from . import archive as _archive  # noqa: F401  (archive put/verify/list/purge)
from . import batch as _batch  # noqa: F401  (case batch)
from . import case as _case  # noqa: F401  (case ..., store info)
from . import indicators as _indicators  # noqa: F401  (indicators validate/test/docs, rescore)
from . import match as _match  # noqa: F401
from . import media as _media  # noqa: F401
from . import pdf as _pdf  # noqa: F401  (pdf)
from . import scan as _scan  # noqa: F401  (registers scan/demo/sources/version)
from . import sector as _sector  # noqa: F401
from . import serve as _serve  # noqa: F401  (serve, users ...)
from ._app import app, main

__all__ = ["app", "main"]
