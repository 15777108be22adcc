"""For the bureau: the indicator catalogue and the indicator tests."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
