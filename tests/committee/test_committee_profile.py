"""分类定级标准: the committee issues its checklists and rules as a signed .dzp; branches follow it.

Real stores, real files: a committee loads an 机关 checklist and exports the profile; an organ branch
imports it, answers that checklist, exports; the committee scores it on that checklist; a 非公企业
branch of the same committee keeps attachment 2. Hostile profiles each get one clear sentence.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from committee_fixtures import committee  # noqa: F401

from dzdesk.bundle import BundleError, export_bundle
from dzdesk.bundle.profile_kind import verify_profile
from dzdesk.canonical import canonical_bytes, sha256_hex
from dzdesk.cli import main
from dzdesk.committee import models as m
from dzdesk.committee.identity import init_committee
from dzdesk.committee.importer import import_bundles
from dzdesk.committee.store import CommitteeStore
from dzdesk.identity import create_identity
from dzdesk.models import BranchProfile
from dzdesk.paths import resolve_paths
from dzdesk.store import Store
from dzdesk.template import builtin_template

PERIOD = "2027Q1"
COMMITTEE = "中共合肥市测试行业委员会"


def organ_template() -> dict:
    """A committee-written checklist for 机关 branches: two areas, four tasks, points summing to 100."""
    raw = json.loads(json.dumps(builtin_template().raw))
    raw.update(id="测试委员会-机关-2027", version="1", title="机关党支部重点任务（测试委员会）", applies_to=["organ"])
    raw["areas"] = [
        {"key": "A", "number": "一", "name": "基本队伍", "tasks": [
            {"key": "1", "title": "班子建设", "text": "配齐建强支部班子。", "points": 30},
            {"key": "2", "title": "党员教育", "text": "落实党员教育培训。", "points": 20}]},
        {"key": "B", "number": "二", "name": "基本制度", "tasks": [
            {"key": "3", "title": "三会一课", "text": "严格落实三会一课。", "points": 30},
            {"key": "4", "title": "主题党日", "text": "每月开展主题党日。", "points": 20}]},
    ]
    return raw


def write_json(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def branch(root: Path, name: str, kind: str) -> Store:
    paths = resolve_paths(root / name)
    store = Store(paths, actor="书记")
    profile = BranchProfile(name=name, kind=kind, committee=COMMITTEE, secretary="王书记", full_members=8)
    store.save_profile(profile)
    create_identity(paths, profile.display_name, COMMITTEE)
    return store


def answer_all(store: Store, period: str = PERIOD) -> None:
    assessment = store.require(period)
    with store.batch():
        for key in store.template_for(assessment).task_keys:
            store.set_answer(period, key, status="done", narrative=f"任务{key}已落实。")
    store.finalize(period)


@pytest.fixture
def issued(tmp_path, committee, capsys):  # noqa: F811
    """The committee named, an organ checklist loaded, the profile exported; returns its path."""
    home = str(committee.paths.data_dir)
    init_committee(committee, COMMITTEE)
    source = write_json(tmp_path / "organ.json", organ_template())
    assert main(["committee", "profile", "template", str(source), "--kind", "organ", "--home", home]) == 0
    assert main(["committee", "profile", "quota", "--percent", "20", "--first-grading", "--home", home]) == 0
    assert main(["committee", "deadline", "--period", "2027Q2", "--date", "2027-08-10", "--home", home]) == 0
    out_dir = tmp_path / "usb"
    out_dir.mkdir()
    assert main(["committee", "profile", "export", "-o", str(out_dir), "--home", home]) == 0
    capsys.readouterr()
    [path] = list(out_dir.glob("*.dzp"))
    assert path.name == f"{COMMITTEE}_分类定级标准_{__import__('datetime').date.today().year}.dzp"
    return path


def test_the_profile_round_trip_from_committee_to_organ_branch_and_back(issued, committee, tmp_path, capsys):  # noqa: F811
    verified = verify_profile(issued)
    assert verified.committee == COMMITTEE and verified.serial == 1 and verified.encryption_key
    assert verified.kinds["organ"].template.id == "测试委员会-机关-2027"
    assert verified.kinds["nonpublic"].builtin and verified.deadlines == {"2027Q2": "2027-08-10"}
    assert verified.quota.percent == 20 and verified.quota.scope == "first"

    organ = branch(tmp_path / "branches", "某局机关党支部", "organ")
    home = str(organ.paths.data_dir)
    organ.close()
    assert main(["profile", "import", str(issued), "--home", home]) == 0
    out = capsys.readouterr().out
    assert "已固定上级党委的签名密钥" in out and verified.fingerprint in out
    assert "机关党支部重点任务（测试委员会）（上级党委下发" in out and "4 项" in out
    assert main(["profile", "show", "--home", home]) == 0
    assert "A级比例：不超过 20%" in capsys.readouterr().out
    with Store(resolve_paths(home), actor="书记") as store:
        assessment = store.create_assessment(PERIOD)
        assert store.template_for(assessment).task_keys == ("1", "2", "3", "4")
        answer_all(store)
        bundle = export_bundle(store, PERIOD, tmp_path / "organ.dzb")
    assert bundle.read_bytes()[:8] == b"\x89DZSEAL\n"  # sealed to the committee (and the branch itself)

    public = branch(tmp_path / "branches", "某某科技有限公司党支部", "nonpublic")
    public.standards.record(verified, "0" * 64)
    public.create_assessment(PERIOD)
    assert public.template_for(public.require(PERIOD)).task_keys == builtin_template().task_keys
    answer_all(public)
    plain = export_bundle(public, PERIOD, tmp_path / "public.dzb")
    public.close()

    report = import_bundles(committee, [bundle, plain])
    assert [o.outcome for o in report.outcomes] == [m.IMPORTED, m.IMPORTED], report.outcomes
    subs = {s.kind: s for s in committee.submissions(PERIOD)}
    assert subs["organ"].template_id == "测试委员会-机关-2027" and subs["organ"].score == 100
    assert subs["nonpublic"].template_id == builtin_template().id


def test_an_organ_branch_on_attachment_2_is_held_for_the_committees_standard(issued, committee, tmp_path):  # noqa: F811
    store = branch(tmp_path / "b", "某局机关第二党支部", "organ")
    choice = store.standards.choose_template("organ")
    assert choice.source == "unconfirmed" and "尚未下发机关事业单位党支部的检查清单" in choice.note
    store.create_assessment(PERIOD)  # no profile imported: attachment 2, as the note says
    answer_all(store)
    path = export_bundle(store, PERIOD, tmp_path / "organ-a2.dzb")
    store.close()
    [outcome] = import_bundles(committee, [path]).outcomes
    assert outcome.outcome == m.HELD and outcome.hold == m.HOLD_STANDARD
    assert "未按本党委标准填报" in outcome.reason and builtin_template().id in outcome.reason


def test_a_profile_from_another_key_is_refused_unless_confirmed(issued, tmp_path, capsys):
    other_home = tmp_path / "other-committee"
    with CommitteeStore(resolve_paths(other_home)) as other:
        init_committee(other, COMMITTEE)  # the same name, another key: an impostor or a reinstalled PC
    assert main(["committee", "profile", "export", "-o", str(tmp_path / "other.dzp"), "--home", str(other_home)]) == 0
    store = branch(tmp_path / "b", "某公司党支部", "nonpublic")
    home = str(store.paths.data_dir)
    store.close()
    assert main(["profile", "import", str(issued), "--home", home]) == 0
    capsys.readouterr()
    before = _state(home)
    assert main(["profile", "import", str(tmp_path / "other.dzp"), "--home", home]) == 1
    err = capsys.readouterr().err
    assert "签名密钥与此前导入的不同" in err and err.count("\n") == 1 and _state(home) == before
    assert main(["profile", "import", str(tmp_path / "other.dzp"), "--accept-new-key", "--home", home]) == 0
    assert "上级党委签名密钥已更换" in capsys.readouterr().out
    # the first profile again: a replay (same key as now? no: the old key) is refused as a key change
    assert main(["profile", "import", str(issued), "--home", home]) == 1


def test_a_replayed_or_older_profile_is_refused(issued, committee, tmp_path, capsys):  # noqa: F811
    home_c = str(committee.paths.data_dir)
    second = tmp_path / "second.dzp"
    assert main(["committee", "profile", "export", "-o", str(second), "--home", home_c]) == 0
    store = branch(tmp_path / "b", "某公司党支部", "nonpublic")
    home = str(store.paths.data_dir)
    store.close()
    assert main(["profile", "import", str(second), "--home", home]) == 0
    capsys.readouterr()
    for stale in (issued, second):
        assert main(["profile", "import", str(stale), "--home", home]) == 1
        assert "已导入过同一上级党委较新或相同的分类定级标准" in capsys.readouterr().err


def _state(home: str) -> list:
    with Store(resolve_paths(home)) as store:
        return [(s.serial, s.fingerprint) for s in store.standards.history()]


# -- hostile profiles --------------------------------------------------------------------------------
def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _rebuild(members: dict[str, bytes]) -> bytes:
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _resigned(issued: Path, committee, edit_template=None, edit_doc=None) -> bytes:  # noqa: ANN001, F811
    """A profile remade by someone holding the committee's key (so only the content checks can refuse it)."""
    import hashlib

    from dzdesk.committee.identity import key_files
    from dzdesk.identity import read_identity

    members = _members(issued)
    manifest = json.loads(members["manifest.json"])
    doc = json.loads(members["profile.json"])
    if edit_template is not None:
        [name] = [n for n in members if n.startswith("templates/")]
        template = json.loads(members.pop(name))
        edit_template(template)
        data = canonical_bytes(template)
        new = f"templates/{sha256_hex(template)}"
        members[new] = data
        manifest["entries"] = [e for e in manifest["entries"] if e["path"] != name]
        manifest["entries"].append({"path": new, "role": "template", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        doc["kinds"]["organ"]["template"] = sha256_hex(template)
    if edit_doc is not None:
        edit_doc(doc)
    members["profile.json"] = canonical_bytes(doc)
    for e in manifest["entries"]:
        if e["path"] == "profile.json":
            e.update(size=len(members["profile.json"]), sha256=hashlib.sha256(members["profile.json"]).hexdigest())
    identity = read_identity(key_files(committee.paths))
    data = canonical_bytes(manifest)
    import base64

    members["manifest.json"] = data
    members["signature.json"] = canonical_bytes({
        "format": "dzdesk-signature", "format_version": 1, "algorithm": "ECDSA-P256-SHA256",
        "signed_member": "manifest.json", "public_key": base64.b64encode(identity.public_key_der).decode(),
        "signature": base64.b64encode(identity.sign(data)).decode(),
    })
    return _rebuild(members)


def _ten_thousand_tasks(t: dict) -> None:
    tasks = [{"key": str(i), "title": f"任务{i}", "text": "内容", "points": 0.01} for i in range(10_000)]
    t["areas"] = [{"key": "A", "number": "一", "name": "全部", "tasks": tasks}]


def _five_megabytes(t: dict) -> None:
    t["areas"][0]["tasks"][0]["text"] = "很长" * 2_500_000


HOSTILE = {
    "truncated": (lambda issued, c: issued.read_bytes()[: len(issued.read_bytes()) // 2], "不是 zip 格式，或文件不完整"),
    "tampered": (lambda issued, c: _rebuild({**_members(issued), "profile.json": _members(issued)["profile.json"].replace(b'"percent":20', b'"percent":90')}), "哈希值不符"),
    "points not 100": (lambda issued, c: _resigned(issued, c, edit_template=lambda t: t["areas"][0]["tasks"][0].update(points=31)), "分值合计为 101"),
    "duplicate task keys": (lambda issued, c: _resigned(issued, c, edit_template=lambda t: t["areas"][1]["tasks"][0].update(key="1")), "任务编号“1”重复"),
    "10,000 tasks": (lambda issued, c: _resigned(issued, c, edit_template=_ten_thousand_tasks), "模板的任务过多"),
    "5 MB of text": (lambda issued, c: _resigned(issued, c, edit_template=_five_megabytes), "过长"),
    "quota 150%": (lambda issued, c: _resigned(issued, c, edit_doc=lambda d: d["quota"].update(percent=150)), "quota.percent”超出范围"),
    "missing template": (lambda issued, c: _resigned(issued, c, edit_doc=lambda d: d["kinds"]["organ"].update(template="ab" * 32)), "缺少“机关事业单位”党支部的模板文件"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_profile_gets_one_sentence_and_changes_nothing(case, issued, committee, tmp_path, capsys):  # noqa: F811
    make, expected = HOSTILE[case]
    target = tmp_path / "hostile.dzp"
    target.write_bytes(make(issued, committee))
    store = branch(tmp_path / "b", "某公司党支部", "nonpublic")
    home = str(store.paths.data_dir)
    store.close()
    with pytest.raises(BundleError) as info:
        verify_profile(target)
    assert expected in info.value.zh, info.value.zh
    assert main(["profile", "import", str(target), "--home", home]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "内部错误" not in err
    assert _state(home) == []


def test_a_sealed_bundle_reads_only_with_the_committees_or_the_branchs_key(issued, committee, tmp_path, capsys):  # noqa: F811
    """Nothing of the answers, names or evidence is in the file; verify opens it on the branch (own key) and
    on the committee (its key); another committee gets "此文件不是发给本党委的"."""
    store = branch(tmp_path / "b", "某局机关党支部", "organ")
    store.standards.record(verify_profile(issued), "0" * 64)
    store.create_assessment(PERIOD)
    evidence = tmp_path / "三会一课记录_第一季度.pdf"
    evidence.write_bytes(b"%PDF-1.4 minutes of the branch meeting " * 100)
    store.add_evidence(PERIOD, "3", evidence, caption="支部党员大会记录")
    answer_all(store)
    bundle = export_bundle(store, PERIOD, tmp_path / "sealed.dzb")
    branch_home = str(store.paths.data_dir)
    store.close()
    data = bundle.read_bytes()
    for secret in ("任务1已落实", "某局机关党支部", "三会一课记录_第一季度", "支部党员大会记录", "王书记", "manifest.json"):
        assert secret.encode() not in data, secret
    assert b"minutes of the branch meeting" not in data and b"%PDF" not in data
    for home in (branch_home, str(committee.paths.data_dir)):
        assert main(["verify", str(bundle), "--home", home]) == 0
        assert "已加密" in capsys.readouterr().out
    stranger = tmp_path / "stranger"
    with CommitteeStore(resolve_paths(stranger)) as other:
        init_committee(other, "中共另一委员会")
    assert main(["committee", "profile", "export", "-o", str(tmp_path / "x.dzp"), "--home", str(stranger)]) == 0
    capsys.readouterr()
    assert main(["verify", str(bundle), "--home", str(stranger)]) == 1
    assert "此文件不是发给本党委的" in capsys.readouterr().err
    with CommitteeStore(resolve_paths(stranger)) as other:
        [outcome] = import_bundles(other, [bundle]).outcomes
    assert outcome.outcome == m.REJECTED and outcome.reason.startswith("此文件不是发给本党委的")
