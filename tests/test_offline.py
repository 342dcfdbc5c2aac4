"""The whole flow runs with the network switched off: any socket use fails the test."""

from __future__ import annotations

import socket

import pytest

from dzdesk.cli import main


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network access attempted: {args!r}")

    class GuardedSocket(socket.socket):
        """Local IPC (asyncio's self-pipe is an AF_UNIX socketpair) is allowed; IP is not."""

        def __init__(self, family=-1, *args, **kwargs):
            if family in (socket.AF_INET, socket.AF_INET6, -1):
                raise NetworkUsed(f"an IP socket was created (family {family})")
            super().__init__(family, *args, **kwargs)

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, refuse)


def test_branch_to_committee_flow_without_network(no_network, tmp_path, capsys):
    branch = tmp_path / "branch"
    committee = tmp_path / "committee"
    out = tmp_path / "out"
    out.mkdir()

    def run(*argv):
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        return captured.out

    run("demo", "--home", branch)
    periods = run("--home", branch, "status", "--json", "--period", _current_quarter())
    assert '"answered": 19' in periods
    run("--home", branch, "report", "--period", _current_quarter(), "-o", out / "report.pdf")
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    run("--home", branch, "export", "--period", _current_quarter(), "-o", out / "bundle.dzb")
    verified = run("verify", out / "bundle.dzb")
    assert "合肥智联" in verified
    run("--home", committee, "committee", "import", out / "bundle.dzb")
    listing = run("--home", committee, "committee", "list", "--period", _current_quarter())
    assert "合肥智联" in listing
    run("--home", committee, "committee", "summary", "--period", _current_quarter(), "-o", out / "summary.pdf")
    run("--home", committee, "committee", "summary", "--period", _current_quarter(), "-o", out / "summary.xlsx")
    assert (out / "summary.pdf").stat().st_size > 0 and (out / "summary.xlsx").stat().st_size > 0


def _current_quarter() -> str:
    from dzdesk.periods import current_quarter

    return current_quarter().code


def test_the_guard_catches_network_use(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkUsed):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
