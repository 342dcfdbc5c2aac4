"""Hostile and broken bundles: each gets exit 1, one clear sentence, and nothing written.

Every case is made from the real demo bundle, damaged the way a hostile tool
or a failing USB stick would, then checked through ``dzdesk verify``.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import json
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable

import pytest
from bundle_tools import (
    Base,
    build_zip,
    manifest_of,
    patch_central,
    rebuild,
    set_entry,
    signed,
    tree_state,
)

from dzdesk.bundle import BundleError, verify_bundle
from dzdesk.canonical import canonical_bytes
from dzdesk.cli import main
from dzdesk.identity import Identity, create_identity
from dzdesk.paths import resolve_paths

Case = Callable[[Base], bytes]


def _members(base: Base) -> dict[str, bytes]:
    return base.member_dict()


def _first_evidence(members: dict[str, bytes]) -> str:
    return next(n for n in members if n.startswith("evidence/"))


def _with_member(name: str, data: bytes = b"x", **attrs) -> Case:
    def make(base: Base) -> bytes:
        info = zipfile.ZipInfo(name, (2026, 11, 28, 12, 0, 0))
        for key, value in attrs.items():
            setattr(info, key, value)
        return build_zip([*base.members(), (info, data)])
    return make


def _manifest_bytes(data: bytes) -> Case:
    """The bundle with manifest.json replaced by ``data`` (the signature no longer matters)."""
    def make(base: Base) -> bytes:
        return rebuild({**_members(base), "manifest.json": data})
    return make


def _manifest_edit(edit: Callable[[dict], object], resign: bool = True) -> Case:
    def make(base: Base) -> bytes:
        members = _members(base)
        manifest = manifest_of(members)
        edit(manifest)
        if resign:
            return rebuild(signed(members, manifest, base.identity))
        return rebuild({**members, "manifest.json": canonical_bytes(manifest)})
    return make


def _truncated(base: Base) -> bytes:
    return base.data[: len(base.data) // 2]


def _tail_cut(base: Base) -> bytes:
    return base.data[:-30]


def _duplicate(base: Base) -> bytes:
    members = base.members()
    return build_zip([*members, (members[0][0].filename, b"another content")])


def _case_duplicate(base: Base) -> bytes:
    members = base.members()
    return build_zip([*members, ("MANIFEST.JSON", b"{}")])


def _hash_mismatch(base: Base) -> bytes:
    members = _members(base)
    name = _first_evidence(members)
    data = bytearray(members[name])
    data[len(data) // 2] ^= 0x01
    return rebuild({**members, name: bytes(data)})


def _missing_file(base: Base) -> bytes:
    members = _members(base)
    del members[_first_evidence(members)]
    return rebuild(members)


def _extra_file(base: Base) -> bytes:
    return rebuild({**_members(base), "evidence/" + "ab" * 32: b"not listed"})


def _unsigned(base: Base) -> bytes:
    members = _members(base)
    del members["signature.json"]
    return rebuild(members)


def _no_manifest(base: Base) -> bytes:
    members = _members(base)
    del members["manifest.json"]
    return rebuild(members)


def _garbled_signature(base: Base) -> bytes:
    members = _members(base)
    doc = json.loads(members["signature.json"])
    doc["signature"] = doc["signature"][:-8] + "AAAAAAA="
    return rebuild({**members, "signature.json": canonical_bytes(doc)})


def _other_key() -> Identity:
    """A real branch identity created on another 'computer' (its own data folder)."""
    folder = tempfile.mkdtemp(prefix="dzdesk-other-key-")
    atexit.register(shutil.rmtree, folder, True)
    return create_identity(resolve_paths(folder), "中共冒名党支部", "中共某委员会")


def _signed_by_other_key(base: Base) -> bytes:
    """Signed by another key, signature.json honest about it: not the key the manifest claims."""
    members = _members(base)
    return rebuild(signed(members, manifest_of(members), _other_key()))


def _signed_by_other_key_claiming_branch(base: Base) -> bytes:
    """Signed by another key while signature.json claims the branch key."""
    members = _members(base)
    return rebuild(signed(members, manifest_of(members), _other_key(), claimed=base.identity))


def _snapshot_changed(base: Base) -> bytes:
    """The assessment data edited and re-listed under the branch's own key: the digest gives it away."""
    members = _members(base)
    doc = json.loads(members["assessment.json"])
    doc["snapshot"]["answers"][0]["narrative"] = "事后改写的内容。"
    data = canonical_bytes(doc)
    manifest = manifest_of(members)
    set_entry(manifest, "assessment.json", data, role="assessment")
    return rebuild(signed({**members, "assessment.json": data}, manifest, base.identity))


def _score_changed(base: Base) -> bytes:
    members = _members(base)
    doc = json.loads(members["assessment.json"])
    doc["score"]["total"] = 99.5
    data = canonical_bytes(doc)
    manifest = manifest_of(members)
    set_entry(manifest, "assessment.json", data, role="assessment")
    return rebuild(signed({**members, "assessment.json": data}, manifest, base.identity))


def _ratio_bomb(base: Base) -> bytes:
    """A listed, correctly hashed entry of 48 MiB of zeros: the compression ratio gives it away."""
    size = 48 * 1024 * 1024
    zeros = bytes(size)
    sha = hashlib.sha256(zeros).hexdigest()
    members = _members(base)
    manifest = manifest_of(members)
    set_entry(manifest, f"evidence/{sha}", zeros)
    doc = json.loads(members["assessment.json"])
    doc["snapshot"]["evidence"].append({"task_key": "1", "sha256": sha, "name": "炸弹.txt", "size": size, "caption": ""})
    all_members = signed(members, manifest, base.identity)
    return rebuild({**all_members, f"evidence/{sha}": zeros})


def _oversized_entry(base: Base) -> bytes:
    """An entry whose header declares 300 MiB: refused from the header, before any byte is inflated."""
    name = "evidence/" + "cd" * 32
    return patch_central(build_zip([*base.members(), (name, b"placeholder")]), name, file_size=300 * 1024 * 1024)


def _total_too_big(base: Base) -> bytes:
    names = [f"evidence/{i:064x}" for i in range(40)]
    data = build_zip([*base.members(), *[(n, b"small") for n in names]])
    for name in names:
        data = patch_central(data, name, file_size=250 * 1024 * 1024)
    return data


def _overlapping(base: Base) -> bytes:
    members = base.members()
    data = build_zip(members)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        first = zf.infolist()[0]
        second = zf.infolist()[1]
    return patch_central(data, second.filename, header_offset=first.header_offset)


def _lying_size(base: Base) -> bytes:
    """manifest.json's header claims 10 bytes; the real stream is longer."""
    return patch_central(rebuild(_members(base)), "manifest.json", file_size=10)


CASES: dict[str, tuple[Case, str]] = {
    "not a zip": (lambda b: "这不是压缩包，只是一段文字。\n".encode() * 50, "不是 zip 格式"),
    "empty file": (lambda b: b"", "文件为空"),
    "truncated half": (_truncated, "文件不完整"),
    "truncated tail": (_tail_cut, "文件不完整"),
    "absolute path": (_with_member("/etc/cron.d/evil"), "绝对路径"),
    "parent dir": (_with_member("../../evil.txt"), "“..”"),
    "nested parent": (_with_member("evidence/../../evil.txt"), "“..”"),
    "backslash": (_with_member("..\\..\\evil.txt"), "反斜杠"),
    "drive letter": (_with_member("C:/Windows/evil.txt"), "盘符"),
    "newline in name": (_with_member("evidence/evil\nname"), "控制字符"),
    "right-to-left override": (_with_member("evidence/\u202etxt.exe"), "清单以外的文件“evidence/?txt.exe”"),
    "symlink": (_with_member("evidence/link", b"/etc/passwd", external_attr=(stat.S_IFLNK | 0o777) << 16, create_system=3), "符号链接"),
    "directory entry": (_with_member("evidence/sub/"), "文件夹条目"),
    "device file": (_with_member("fifo", b"", external_attr=(stat.S_IFIFO | 0o644) << 16, create_system=3), "不是普通文件"),
    "duplicate name": (_duplicate, "重名"),
    "duplicate by case": (_case_duplicate, "重名"),
    "ratio bomb": (_ratio_bomb, "压缩炸弹"),
    "oversized entry": (_oversized_entry, "大小上限"),
    "total too big": (_total_too_big, "总大小超过上限"),
    "overlapping entries": (_overlapping, "重叠"),
    "lying size header": (_lying_size, "校验码不符"),
    "huge manifest": (_manifest_bytes(b"[" + b" " * (5 * 1024 * 1024) + b"]"), "大小上限"),
    "manifest not utf-8": (_manifest_bytes("{\"format\": \"上报\"}".encode("gb18030")), "不是 UTF-8"),
    "manifest not json": (_manifest_bytes(b"{format: dzdesk-bundle"), "不是有效的 JSON"),
    "manifest duplicate keys": (_manifest_bytes(b'{"format": "dzdesk-bundle", "format": "x"}'), "不是有效的 JSON"),
    "manifest deeply nested": (_manifest_bytes(b"[" * 200000 + b"]" * 200000), "不是有效的 JSON"),
    "manifest NaN": (_manifest_bytes(b'{"format": "dzdesk-bundle", "format_version": NaN}'), "不是有效的 JSON"),
    "manifest is a list": (_manifest_bytes(b"[]"), "顶层不是"),
    "manifest other format": (_manifest_bytes(b'{"format": "csetw", "format_version": 1}'), "格式名不是"),
    "manifest missing entries": (_manifest_edit(lambda m: m.pop("entries")), "缺少字段“entries”"),
    "manifest size as text": (_manifest_edit(lambda m: m["entries"][0].update(size="12")), "类型不对"),
    "manifest bad role": (_manifest_edit(lambda m: m["entries"][0].update(role="script")), "未知"),
    "manifest entry escapes": (_manifest_edit(lambda m: m["entries"][0].update(path="../x")), "路径应为"),
    "manifest unknown version": (_manifest_edit(lambda m: m.update(format_version=2)), "第 2 版格式"),
    "manifest version as text": (_manifest_edit(lambda m: m.update(format_version="1")), "格式版本无效"),
    "hash mismatch": (_hash_mismatch, "哈希值不符"),
    "missing file": (_missing_file, "缺少“evidence/"),
    "extra file": (_extra_file, "清单以外的文件"),
    "no manifest": (_no_manifest, "缺少清单"),
    "absent signature": (_unsigned, "没有签名"),
    "manifest edited after signing": (_manifest_edit(lambda m: m.update(period="2026Q3"), resign=False), "签名无效"),
    "garbled signature": (_garbled_signature, "签名无效"),
    "signed by another key": (_signed_by_other_key, "不是清单声明的签名密钥"),
    "other key claiming branch": (_signed_by_other_key_claiming_branch, "签名无效"),
    "snapshot digest differs": (_snapshot_changed, "快照摘要与清单不符"),
    "score tampered": (_score_changed, "得分"),
}


@pytest.fixture
def hostile_dir(tmp_path, monkeypatch, home):
    """Where the hostile file lies; the current folder is an empty one beside it."""
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return incoming


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_hostile_bundle_is_refused_cleanly(case, base, hostile_dir, home, tmp_path, capsys):
    make, expected = CASES[case]
    target = hostile_dir / "bundle.dzb"
    target.write_bytes(make(base))
    before = tree_state(tmp_path, home)

    code = main(["verify", str(target)])

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.startswith("错误：") and err.count("\n") == 1, err
    assert expected in err, err
    assert "Traceback" not in err and "内部错误" not in err
    assert tree_state(tmp_path, home) == before
    with pytest.raises(BundleError) as info:
        verify_bundle(target)
    assert expected in info.value.zh and info.value.en


def test_every_issue_case_is_covered():
    """The issue's list of hostile inputs, each mapped to at least one case above."""
    required = {"truncated half", "not a zip", "absolute path", "parent dir", "backslash", "drive letter", "symlink",
                "duplicate name", "ratio bomb", "oversized entry", "total too big", "huge manifest",
                "manifest not utf-8", "manifest not json", "manifest missing entries", "manifest unknown version",
                "hash mismatch", "missing file", "extra file", "garbled signature", "absent signature",
                "snapshot digest differs", "signed by another key"}
    assert required <= set(CASES)


def test_missing_path_and_folder(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "nothing.dzb")]) == 1
    assert "找不到上报文件" in capsys.readouterr().err
    assert main(["verify", str(tmp_path)]) == 1
    assert "不是一个文件" in capsys.readouterr().err
    fifo = tmp_path / "pipe.dzb"
    os.mkfifo(fifo)
    assert main(["verify", str(fifo)]) == 1
    assert "不是一个文件" in capsys.readouterr().err


def test_reordered_entries_still_verify(base, tmp_path):
    """Entry order is not significant (documented): a re-packed bundle is still the same bundle."""
    members = list(reversed(base.members()))
    target = tmp_path / "reordered.dzb"
    target.write_bytes(build_zip([(info.filename, data) for info, data in members]))
    assert verify_bundle(target).snapshot_digest == base.digest


def test_reworded_score_reasons_still_verify(base, tmp_path):
    """Only the facts of a score are recomputed, so a later dzdesk that words its reasons differently still accepts old bundles."""
    members = base.member_dict()
    doc = json.loads(members["assessment.json"])
    doc["score"]["reasons"] = ["旧版本的说明文字。"]
    data = canonical_bytes(doc)
    manifest = manifest_of(members)
    set_entry(manifest, "assessment.json", data, role="assessment")
    target = tmp_path / "reworded.dzb"
    target.write_bytes(rebuild(signed({**members, "assessment.json": data}, manifest, base.identity)))
    assert verify_bundle(target).extra["score"]["reasons"] == ["旧版本的说明文字。"]


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_hostile_bundle_is_refused_by_committee_import_leaving_nothing(case, base, tmp_path):
    """The committee's single-pass import (verifier writing members as it hashes them) refuses the same way."""
    from dzdesk.committee import models as m
    from dzdesk.committee.importer import import_bundles
    from dzdesk.committee.store import CommitteeStore

    make, expected = CASES[case]
    target = tmp_path / "bundle.dzb"
    target.write_bytes(make(base))
    with CommitteeStore(resolve_paths(tmp_path / "committee"), actor="委员") as committee:
        [outcome] = import_bundles(committee, [target]).outcomes
        assert outcome.outcome == m.REJECTED and expected in outcome.reason, outcome.reason
        assert committee.submissions(states=("current", "superseded", "held")) == []
        stored = [p for p in committee.blobs.root.rglob("*") if p.is_file()] if committee.blobs.root.exists() else []
        assert stored == []


def test_member_names_are_shown_exactly_as_printable_shows_them():
    """safezip's fast path for plain names must never show a name differently from printable()."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from dzdesk.bundle.format import printable
    from dzdesk.bundle.safezip import shown_name

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=120) | st.text(alphabet=st.characters(max_codepoint=127), max_size=120))
    def check(name: str) -> None:
        assert shown_name(name) == printable(name)

    check()


def test_crc_is_skipped_only_where_a_signed_sha256_covers_the_bytes(tmp_path):
    """verify_bundle hashes listed members against the signed manifest and skips their weaker CRC-32 pass;
    every other read (manifest, signature) still checks it."""
    from dzdesk.bundle.memberread import stream_member
    from dzdesk.bundle.safezip import open_zip

    data = b"evidence bytes " * 1000
    target = tmp_path / "bad-crc.zip"
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("evidence/x", data)
    raw = bytearray(target.read_bytes())
    central = raw.rindex(b"PK\x01\x02")
    raw[central + 16 : central + 20] = (zipfile.crc32(data) ^ 1).to_bytes(4, "little")  # CRC field only
    target.write_bytes(bytes(raw))
    with open_zip(target) as (zf, _size):
        info = zf.getinfo("evidence/x")
        with pytest.raises(BundleError, match="校验码不符"):
            b"".join(stream_member(zf, info, 1 << 20))
        assert b"".join(stream_member(zf, info, 1 << 20, check_crc=False)) == data
