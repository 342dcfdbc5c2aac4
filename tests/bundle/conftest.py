"""Fixtures shared by the bundle tests (helpers live in bundle_tools.py; never import this file)."""

from __future__ import annotations

import pytest
from bundle_tools import Base, base_bundle


@pytest.fixture
def base() -> Base:
    """The session's real demo bundle (built once, see bundle_tools)."""
    return base_bundle()
