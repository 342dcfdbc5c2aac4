"""Shared fixtures. Qt must be told to render offscreen before anything imports it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from dzdesk.models import BranchProfile  # noqa: E402
from dzdesk.paths import AppPaths, resolve_paths  # noqa: E402
from dzdesk.store import Store  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own DZDESK_HOME so nothing touches the real user folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("DZDESK_HOME", str(home))
    yield home


@pytest.fixture
def home(_isolated_home) -> Path:
    return _isolated_home


@pytest.fixture
def paths(home) -> AppPaths:
    return resolve_paths(home)


@pytest.fixture
def profile() -> BranchProfile:
    return BranchProfile(
        name="测试科技有限公司党支部", kind="nonpublic", committee="中共测试区综合委员会",
        secretary="张三", full_members=7, probationary_members=1, founded="2018-07-01",
    )


@pytest.fixture
def store(paths, profile):
    s = Store(paths, actor="tester")
    s.save_profile(profile)
    yield s
    s.close()


@pytest.fixture
def demo_store(paths):
    """A store holding the demo branch: 2 finalized quarters, 44 evidence files."""
    from datetime import date

    from dzdesk.demo import create_demo

    s = Store(paths, actor="tester")
    create_demo(s, today=date(2026, 11, 28))
    yield s
    s.close()
