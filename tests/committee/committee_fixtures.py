"""Committee fixtures (imported by each test module; a conftest.py here would shadow tests/conftest.py
for `from conftest import …`): a committee store, and bundles written as real zip files.

``fake_bundles`` writes a zip with evidence and report members and returns the
VerifiedBundle a verifier would produce; tests of grading, roster, overview and
summary use it with ``verify=fake_bundles.verify`` so they do not depend on the
bundle writer. The end-to-end test (test_committee_e2e.py) uses the real
export_bundle / verify_bundle.
"""

from __future__ import annotations

__all__ = ["committee", "fake_bundles", "real_branches"]  # the fixtures test modules import

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from dzdesk.bundle import export_bundle, verify_bundle
from dzdesk.bundle.manifest import Entry
from dzdesk.bundle.types import BundleError, BundleEvidence, VerifiedBundle
from dzdesk.committee.store import CommitteeStore
from dzdesk.identity import create_identity, fingerprint_of
from dzdesk.models import Answer, BranchProfile, Rectification
from dzdesk.paths import resolve_paths
from dzdesk.progress import Progress
from dzdesk.scoring import score
from dzdesk.snapshot import snapshot_digest
from dzdesk.store import Store
from dzdesk.template import builtin_template


def new_key() -> tuple[bytes, str]:
    der = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return der, fingerprint_of(der)


@dataclass
class FakeBundles:
    folder: Path
    made: dict[Path, VerifiedBundle] = field(default_factory=dict)
    keys: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    @staticmethod
    def new_key() -> tuple[bytes, str]:
        return new_key()

    def key_for(self, name: str) -> tuple[bytes, str]:
        if name not in self.keys:
            self.keys[name] = new_key()
        return self.keys[name]

    def make(
        self, name: str, *, period: str = "2026Q4", revision: int = 1, members: int = 7,
        done: int = 19, partial: int = 0, kind: str = "nonpublic", key: tuple[bytes, str] | None = None,
        generated_at: str = "2026-12-20T10:00:00.000+08:00", evidence_bytes: int = 1000, file: str | None = None,
        committee: str = "中共测试区综合委员会",
    ) -> Path:
        template = builtin_template()
        der, fp = key or self.key_for(name)
        keys = template.task_keys
        answers = {}
        for i, k in enumerate(keys):
            status = "done" if i < done else ("partial" if i < done + partial else "undone")
            rect = Rectification() if status == "done" else Rectification(
                problem=f"{name}任务{k}尚有差距。", measures="限期补齐。", owner="书记", deadline=f"2027-0{1 + i % 3}-15")
            answers[k] = Answer(task_key=k, status=status, narrative=f"{name}落实任务{k}。", rectification=rect)
        result = score(template, answers, members)
        profile = BranchProfile(name=name, kind=kind, committee=committee, secretary="书记甲", full_members=members)
        ev_data = hashlib.sha256(name.encode() + str(revision).encode()).digest() * (evidence_bytes // 32 + 1)
        ev_data = ev_data[:evidence_bytes]
        ev_sha = hashlib.sha256(ev_data).hexdigest()
        snapshot = {
            "format": "dzdesk-snapshot", "format_version": 1,
            "branch": {"name": name, "kind": kind, "committee": committee, "secretary": "书记甲",
                       "full_members": members, "probationary_members": 0, "founded": ""},
            "template": {"id": template.id, "version": template.version, "hash": template.hash},
            "period": period, "revision": revision, "finalized_at": generated_at,
            "answers": [{"task_key": k, "status": a.status, "narrative": a.narrative,
                         "rectification": a.rectification.__dict__} for k, a in answers.items()],
            "evidence": [{"task_key": "1", "sha256": ev_sha, "name": "照片.png", "size": len(ev_data), "caption": "现场"}],
        }
        path = self.folder / (file or f"{name}_{period}_r{revision}_{fp[:4]}.dzb")
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(f"evidence/{ev_sha}", ev_data)
            zf.writestr("report.pdf", b"%PDF-1.7 fake report of " + name.encode())
        self.made[path] = VerifiedBundle(
            path=path, manifest={"format": "dzdesk-bundle"}, snapshot=snapshot,
            snapshot_digest=snapshot_digest(snapshot), branch=profile, period=period, revision=revision,
            template={"id": template.id, "version": template.version, "hash": template.hash},
            score=result.total, grade=result.grade, flags=result.flags, signer_public_key_der=der,
            signer_fingerprint=fp,
            evidence=(BundleEvidence("1", ev_sha, "照片.png", len(ev_data), "现场", f"evidence/{ev_sha}"),),
            report_member="report.pdf", generated_at=generated_at, app_version="test",
        )
        return path

    def verify(self, path: Path, progress: object = None, *, sink: object = None) -> VerifiedBundle:
        """Like verify_bundle: hands the evidence and report to ``sink`` while hashing them."""
        vb = self.made.get(Path(path))
        if vb is None:  # anything this factory did not make goes to the real verifier
            return verify_bundle(path, sink=sink)
        if sink is not None:
            with zipfile.ZipFile(path) as zf:
                for ev in vb.evidence:
                    _hand_over(zf, sink, Entry(ev.member, "evidence", ev.size, ev.sha256))
                report = zf.read(vb.report_member)
                _hand_over(zf, sink, Entry(vb.report_member, "report", len(report), hashlib.sha256(report).hexdigest()))
        return vb


def _hand_over(zf: zipfile.ZipFile, sink, entry: Entry) -> None:
    """Copy one member to the sink while hashing it; a member that does not match is refused, as verify_bundle does."""
    out = sink(entry)
    digest = hashlib.sha256()
    try:
        with zf.open(entry.path) as member:
            while chunk := member.read(65536):
                digest.update(chunk)
                if out is not None:
                    out.write(chunk)
    finally:
        if out is not None:
            out.close()
    if digest.hexdigest() != entry.sha256:
        raise BundleError(f"“{entry.path}”的内容与清单记录的哈希值不符，文件已被改动或损坏。", "Member does not match.")


@pytest.fixture
def fake_bundles(tmp_path) -> FakeBundles:
    folder = tmp_path / "usb"
    folder.mkdir()
    return FakeBundles(folder)


@pytest.fixture
def committee(paths):
    store = CommitteeStore(paths, actor="委员甲")
    yield store
    store.close()


# -- real branches and real bundles (dzdesk.bundle.export_bundle) ---------------------
REAL_PERIOD = "2026Q4"
TASK_KEYS = builtin_template().task_keys
MEMBERS = [9, 2, 0, 5, 12, 3, 7]


def branch_name(i: int) -> str:
    return f"测试{i:02d}号企业党支部"


def _answers(i: int) -> dict[str, str]:
    statuses = {}
    for n, key in enumerate(TASK_KEYS):
        statuses[key] = "done" if (n + i) % 7 or i < 4 else ("partial" if n % 2 else "undone")
        if n == 18 and i % 5 == 0:
            statuses[key] = "na"
    return statuses


def build_branch(root: Path, i: int, *, name: str | None = None, home: str | None = None) -> tuple[Store, Path]:
    paths = resolve_paths(root / (home or f"branch{i:02d}"))
    store = Store(paths, actor="书记")
    profile = BranchProfile(
        name=name or branch_name(i), kind="social" if i % 4 == 0 else "nonpublic",
        committee="中共测试区综合委员会", secretary=f"书记{i}", full_members=MEMBERS[i % len(MEMBERS)],
    )
    store.save_profile(profile)
    create_identity(paths, profile.display_name, profile.committee)
    store.create_assessment(REAL_PERIOD)
    with store.batch():
        for key, status in _answers(i).items():
            rect = {} if status in ("done", "na") else {
                "problem": f"任务{key}推进不够。", "measures": "按计划整改。", "owner": "书记", "deadline": f"2027-0{1 + i % 5}-20"}
            store.set_answer(REAL_PERIOD, key, status=status, narrative=f"第{i}号支部任务{key}情况。", **rect)
    store.finalize(REAL_PERIOD)
    return store, paths


def export(store: Store, out: Path) -> Path:
    return export_bundle(store, REAL_PERIOD, out)


def revise(store: Store, key: str, status: str) -> None:
    store.reopen(REAL_PERIOD)
    store.set_answer(REAL_PERIOD, key, status=status, problem="", measures="", owner="", deadline="")
    store.finalize(REAL_PERIOD)




class RealBranches:
    """Build real branch stores (own data folder and key each) and export their bundles."""

    period = REAL_PERIOD
    keys = TASK_KEYS
    name = staticmethod(branch_name)
    build = staticmethod(build_branch)
    export = staticmethod(export)
    revise = staticmethod(revise)


@pytest.fixture(scope="session")
def real_branches() -> type[RealBranches]:
    return RealBranches


class CancelWhileRecording(Progress):
    """A person pressing 取消 while bundle number ``at`` (from 1) is recorded: it and those before it are kept."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at

    def step(self, amount: int = 1, label: str | None = None) -> None:
        if self.done == self.at - 1:
            self.cancel()
        super().step(amount, label)


def submission_states(store: CommitteeStore) -> list[tuple[str, int, str, str]]:
    """Every submission (history included) as (branch, revision, bundle file, state), sorted."""
    subs = store.submissions(states=("current", "superseded", "held", "declined"))
    return sorted((s.branch_name, s.revision, s.bundle_name, s.state) for s in subs)


def outcome_rows(report) -> list[tuple[str, str, str, int, str]]:  # noqa: ANN001 - an ImportReport
    return [(o.file, o.outcome, o.branch, o.revision, o.reason) for o in report.outcomes]
