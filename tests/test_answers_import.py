"""``dzdesk answers import`` with hostile files: shapes, duplicate keys, evidence paths, nothing changed on refusal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dzdesk.answers_import import import_answers
from dzdesk.cli import main
from dzdesk.progress import Cancelled, Progress
from dzdesk.store import Store
from dzdesk.store.blobs import BlobStore

PERIOD = "2026Q4"
INIT = [
    "init",
    "--branch",
    "测试党支部",
    "--kind",
    "nonpublic",
    "--committee",
    "中共测试区委员会",
    "--secretary",
    "张三",
    "--members",
    "5",
]
NEST = 200_000  # far beyond any recursion limit


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def branch_home(tmp_path, capsys):
    home = tmp_path / "home"
    assert run(capsys, "--home", str(home), *INIT)[0] == 0
    return home


def state(home: Path) -> tuple:
    """Everything an import could change: assessments, answers, evidence rows, the change log, stored files."""
    with Store.open(home) as store:
        tables = tuple(
            tuple(tuple(r.values()) for r in store.db.query(f"SELECT * FROM {t} ORDER BY rowid"))
            for t in ("assessments", "answers", "evidence", "change_log")
        )
    files = (
        sorted(str(p.relative_to(home)) for p in (home / "evidence").rglob("*"))
        if (home / "evidence").exists()
        else []
    )
    return tables, files


def import_cli(capsys, home: Path, path: Path, *extra: str):
    return run(
        capsys, "--home", str(home), "answers", "import", str(path), "--period", PERIOD, *extra
    )


def refused(capsys, home: Path, path: Path, fragment: str, *extra: str) -> str:
    """The import fails with one clear line naming ``fragment``, and nothing in the store changed."""
    before = state(home)
    code, out, err = import_cli(capsys, home, path, *extra)
    assert code == 1, out
    assert fragment in err, err
    assert err.count("\n") == 1 and "Traceback" not in err and "程序内部错误" not in err, err
    assert "\x1b" not in err and "\x00" not in err
    assert len(err) < 600, err
    assert state(home) == before
    return err


def raw(tmp_path: Path, data: bytes, name: str = "answers.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def as_json(tmp_path: Path, data: object, name: str = "answers.json") -> Path:
    return raw(tmp_path, json.dumps(data, ensure_ascii=False).encode(), name)


GOOD = {"2": {"status": "done", "narrative": "不应写入"}}
GOOD_TEXT = json.dumps(GOOD, ensure_ascii=False)[1:-1]


def with_good_entry(body: str) -> bytes:
    """A valid entry first, then the crafted one: the valid one must not be written either."""
    return ("{" + GOOD_TEXT + ", " + body + "}").encode()


# -- item 7: every shape error is a validation message ----------------------------------------
SHAPES = [
    (
        "deep array in a field",
        with_good_entry('"1": {"narrative": ' + "[" * NEST + "]" * NEST + "}"),
        "嵌套",
    ),
    (
        "deep object in a field",
        with_good_entry('"1": {"narrative": ' + '{"a": ' * NEST + "1" + "}" * NEST + "}"),
        "嵌套",
    ),
    ("deep array at the top", b"[" * NEST + b"]" * NEST, "嵌套"),
    (
        "moderately deep status",
        with_good_entry('"1": {"status": ' + "[" * 500 + "]" * 500 + "}"),
        "完成状态",
    ),
    ("status a list", with_good_entry('"1": {"status": ["done"]}'), "完成状态"),
    ("status an object", with_good_entry('"1": {"status": {"done": true}}'), "完成状态"),
    ("status a number", with_good_entry('"1": {"status": 1}'), "完成状态"),
    ("status true", with_good_entry('"1": {"status": true}'), "完成状态"),
    ("status NaN", with_good_entry('"1": {"status": NaN}'), "NaN"),
    ("narrative Infinity", with_good_entry('"1": {"narrative": Infinity}'), "Infinity"),
    (
        "deadline -Infinity",
        with_good_entry('"1": {"rectification": {"deadline": -Infinity}}'),
        "Infinity",
    ),
    ("a 5000-digit number", with_good_entry('"1": {"narrative": ' + "9" * 5000 + "}"), "数字"),
    ("top-level list", b'[{"1": {"status": "done"}}]', "JSON 对象"),
    ("top-level string", b'"done"', "JSON 对象"),
    ("top-level number", b"19", "JSON 对象"),
    ("top-level null", b"null", "JSON 对象"),
    ("empty object", b"{}", "不能为空"),
    ("empty file", b"", "JSON"),
    ("only whitespace", b"  \n\t ", "JSON"),
    ("text after the object", b'{"1": {"status": "done"}} {"2": {}}', "JSON"),
    ("entry null", with_good_entry('"1": null'), "JSON 对象"),
    ("entry a list", with_good_entry('"1": ["done"]'), "JSON 对象"),
    (
        "rectification a list",
        with_good_entry('"1": {"status": "partial", "rectification": ["李四"]}'),
        "整改信息",
    ),
    (
        "rectification owner an object",
        with_good_entry('"1": {"rectification": {"owner": {"name": "李四"}}}'),
        "应为文字",
    ),
    ("evidence a string", with_good_entry('"1": {"evidence": "a.jpg"}'), "文件路径列表"),
    ("evidence holding a number", with_good_entry('"1": {"evidence": [1]}'), "文件路径列表"),
    ("evidence holding null", with_good_entry('"1": {"evidence": [null]}'), "文件路径列表"),
    ("evidence holding a list", with_good_entry('"1": {"evidence": [["a.jpg"]]}'), "文件路径列表"),
    ("evidence path with NUL", with_good_entry('"1": {"evidence": ["a\\u0000.jpg"]}'), "无效字符"),
    (
        "evidence path 5000 characters",
        with_good_entry('"1": {"evidence": ["' + "长" * 5000 + '.jpg"]}'),
        "佐证材料",
    ),
    ("lone surrogate in narrative", with_good_entry('"1": {"narrative": "\\ud800"}'), "无效字符"),
    ("lone surrogate in a key", with_good_entry('"\\udc00": {"status": "done"}'), "无效字符"),
    (
        "terminal escape as task key",
        with_good_entry('"\\u001b[31m1": {"status": "done"}'),
        "没有这个任务编号",
    ),
    ("1 MB status", with_good_entry('"1": {"status": "' + "x" * 1_000_000 + '"}'), "完成状态"),
    (
        "status with escapes",
        with_good_entry('"1": {"status": "\\u001b]0;pwned\\u0007"}'),
        "完成状态",
    ),
    ("UTF-16 with BOM", json.dumps({"1": {"status": "done"}}).encode("utf-16"), "UTF-16"),
    ("UTF-16 LE without BOM", json.dumps({"1": {"status": "done"}}).encode("utf-16-le"), "UTF-16"),
    ("UTF-16 BE without BOM", json.dumps({"1": {"status": "done"}}).encode("utf-16-be"), "UTF-16"),
    ("UTF-32 with BOM", json.dumps({"1": {"status": "done"}}).encode("utf-32"), "UTF-32"),
    (
        "GBK text",
        json.dumps({"1": {"narrative": "已完成"}}, ensure_ascii=False).encode("gbk"),
        "UTF-8",
    ),
    ("NUL bytes in UTF-8", b'{"1": {"status": "done"}}\x00\x00', "UTF-8"),
    ("not JSON at all", b"\x89PNG\r\n\x1a\n", "JSON"),
]


@pytest.mark.parametrize(
    ("content", "fragment"), [s[1:] for s in SHAPES], ids=[s[0] for s in SHAPES]
)
def test_every_shape_error_is_one_validation_sentence(
    branch_home, tmp_path, capsys, content, fragment
):
    refused(capsys, branch_home, raw(tmp_path, content), fragment)


def test_a_refused_file_creates_no_period(branch_home, tmp_path, capsys):
    """Item 10: today a refused import left the period's draft and its change-log row behind."""
    refused(
        capsys, branch_home, raw(tmp_path, with_good_entry('"1": {"status": ["done"]}')), "完成状态"
    )
    refused(
        capsys,
        branch_home,
        as_json(tmp_path, {"1": {"status": "done", "evidence": ["nope.jpg"]}}),
        "找不到",
    )
    with Store.open(branch_home) as store:
        assert store.assessments() == []
        assert [c.field for c in store.changes()] == [
            c.field for c in store.changes() if c.field.startswith("branch.")
        ]


def test_a_finalized_period_is_refused_before_the_file_is_read(branch_home, tmp_path, capsys):
    with Store.open(branch_home) as store:
        store.create_assessment(PERIOD)
        for key in store.template_for(store.require(PERIOD)).task_keys:
            store.set_answer(PERIOD, key, status="na", narrative="不适用")
        store.finalize(PERIOD)
    refused(capsys, branch_home, as_json(tmp_path, {"1": {"status": "done"}}), "已定稿")


def test_a_utf8_file_with_bom_and_chinese_statuses_imports(branch_home, tmp_path, capsys):
    data = {"1": {"status": "已完成", "narrative": "按期召开"}, "2": {"status": None}}
    path = raw(tmp_path, b"\xef\xbb\xbf" + json.dumps(data, ensure_ascii=False).encode())
    code, out, err = import_cli(capsys, branch_home, path)
    assert code == 0, err
    with Store.open(branch_home) as store:
        answers = store.answers(store.require(PERIOD))
    assert answers["1"].status == "done" and answers["1"].narrative == "按期召开"


# -- item 8: duplicate keys --------------------------------------------------------------------
DUPLICATES = [
    ("identical task entries", '{"1": {"status": "done"}, "1": {"status": "done"}}', "任务“1”"),
    (
        "different task entries",
        '{"1": {"status": "undone"}, "2": {}, "1": {"status": "done"}}',
        "任务“1”",
    ),
    ("a field twice", '{"1": {"status": "undone", "status": "done"}}', "status"),
    (
        "a rectification field twice",
        '{"1": {"rectification": {"owner": "甲", "owner": "乙"}}}',
        "owner",
    ),
]


@pytest.mark.parametrize(
    ("text", "fragment"), [d[1:] for d in DUPLICATES], ids=[d[0] for d in DUPLICATES]
)
def test_duplicate_keys_are_refused(branch_home, tmp_path, capsys, text, fragment):
    err = refused(capsys, branch_home, raw(tmp_path, text.encode()), fragment)
    assert "重复" in err


# -- item 9: evidence paths --------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path) -> Path:
    """The answers file's folder with a photo in it, and another folder beside it."""
    inside = tmp_path / "answers"
    (inside / "照片").mkdir(parents=True)
    (inside / "照片" / "签到表.jpg").write_bytes(b"\xff\xd8 inside")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "外部.jpg").write_bytes(b"\xff\xd8 outside")
    return inside


def evidence_of(home: Path) -> list[tuple[str, str, int]]:
    with Store.open(home) as store:
        current = store.current(PERIOD)
        return (
            []
            if current is None
            else [(e.task_key, e.original_name, e.size) for e in store.evidence(current)]
        )


def test_a_symlink_to_a_system_file_is_refused_even_when_allowed_outside(
    branch_home, folder, capsys
):
    (folder / "passwd.zip").symlink_to("/etc/passwd")
    path = as_json(folder, {"1": {"status": "done", "evidence": ["passwd.zip"]}})
    err = refused(capsys, branch_home, path, "--allow-outside")
    assert "/etc/passwd" in err
    # judged by its target: no suffix
    refused(capsys, branch_home, path, "不支持", "--allow-outside")


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink", "symlinked folder"])
def test_a_file_outside_the_answers_folder_needs_allow_outside(branch_home, folder, capsys, how):
    outside = folder.parent / "elsewhere" / "外部.jpg"
    if how == "absolute":
        ref = str(outside)
    elif how == "dotdot":
        ref = "../elsewhere/外部.jpg"
    elif how == "symlink":
        (folder / "link.jpg").symlink_to(outside)
        ref = "link.jpg"
    else:
        (folder / "linked").symlink_to(outside.parent, target_is_directory=True)
        ref = "linked/外部.jpg"
    path = as_json(folder, {"1": {"status": "done", "evidence": [ref]}})
    refused(capsys, branch_home, path, "--allow-outside")
    code, _, err = import_cli(capsys, branch_home, path, "--allow-outside")
    assert code == 0, err
    assert evidence_of(branch_home) == [("1", "外部.jpg", len(b"\xff\xd8 outside"))]


def test_paths_are_relative_to_the_answers_file_not_the_working_folder(
    branch_home, folder, tmp_path, capsys, monkeypatch
):
    (folder / "pointer.jpg").symlink_to("照片/签到表.jpg")  # a symlink inside, to a file inside
    monkeypatch.chdir(tmp_path / "elsewhere")
    (tmp_path / "elsewhere" / "照片").mkdir()
    (tmp_path / "elsewhere" / "照片" / "签到表.jpg").write_bytes(b"\xff\xd8 wrong one")
    path = as_json(
        folder,
        {"1": {"status": "done", "evidence": ["照片/签到表.jpg", str(folder / "pointer.jpg")]}},
    )
    code, _, err = import_cli(capsys, branch_home, Path(os.path.relpath(path)))
    assert code == 0, err
    # the same file, once
    assert evidence_of(branch_home) == [("1", "签到表.jpg", len(b"\xff\xd8 inside"))]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("what", ["fifo", "link to fifo", "folder", "folder named .jpg"])
def test_only_regular_files_are_evidence(branch_home, folder, capsys, what):
    if what == "fifo":
        os.mkfifo(folder / "pipe.jpg")
        ref = "pipe.jpg"
    elif what == "link to fifo":
        os.mkfifo(folder / "pipe")
        (folder / "pipe-link.jpg").symlink_to("pipe")
        ref = "pipe-link.jpg"
    elif what == "folder":
        ref = "照片"
    else:
        (folder / "相册.jpg").mkdir()
        ref = "相册.jpg"
    refused(
        capsys,
        branch_home,
        as_json(folder, {"1": {"status": "done", "evidence": [ref]}}),
        "不是普通文件",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_never_opened(branch_home, folder):
    """Opening a FIFO for reading blocks until a writer comes: a child process must finish on its own."""
    os.mkfifo(folder / "pipe.jpg")
    os.mkfifo(folder / "answers-pipe.json")
    for target in (
        as_json(folder, {"1": {"evidence": ["pipe.jpg"]}}),
        folder / "answers-pipe.json",
    ):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "dzdesk",
                "--home",
                str(branch_home),
                "answers",
                "import",
                str(target),
                "--period",
                PERIOD,
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1 and "不是普通文件" in done.stderr, done.stderr


def test_a_dangling_symlink_is_not_found(branch_home, folder, capsys):
    (folder / "gone.jpg").symlink_to("no-such-file.jpg")
    refused(capsys, branch_home, as_json(folder, {"1": {"evidence": ["gone.jpg"]}}), "找不到")


def test_the_same_file_listed_many_times_is_hashed_once(branch_home, folder, capsys, monkeypatch):
    puts: list[Path] = []
    real_put = BlobStore.put

    def counting_put(self, src, *args, **kwargs):
        puts.append(Path(src))
        return real_put(self, src, *args, **kwargs)

    monkeypatch.setattr(BlobStore, "put", counting_put)
    os.link(folder / "照片" / "签到表.jpg", folder / "硬链接.jpg")
    same = [
        "照片/签到表.jpg",
        "./照片/签到表.jpg",
        str(folder / "照片" / "签到表.jpg"),
        "硬链接.jpg",
    ] * 500
    data = {
        "1": {"status": "done", "evidence": same},
        "2": {"status": "done", "evidence": same[:3]},
    }
    code, _, err = import_cli(capsys, branch_home, as_json(folder, data))
    assert code == 0, err
    assert len(puts) == 1
    assert sorted(k for k, _, _ in evidence_of(branch_home)) == ["1", "2"]


# -- item 10: a refused or interrupted import changes nothing -------------------------------
class CancelAfter(Progress):
    def __init__(self, steps: int) -> None:
        super().__init__()
        self.left = steps

    def step(self, amount: int = 1, label: str | None = None) -> None:
        self.left -= 1
        if self.left < 0:
            self.cancel()
        super().step(amount, label)


def test_an_import_stopped_midway_writes_nothing(branch_home, folder):
    for i in range(5):
        (folder / f"{i}.jpg").write_bytes(b"\xff\xd8" + bytes([i]) * 1000)
    data = {
        str(k): {"status": "done", "narrative": "已完成", "evidence": [f"{k % 5}.jpg"]}
        for k in range(1, 20)
    }
    path = as_json(folder, data)
    before = state(branch_home)
    with Store.open(branch_home) as store, pytest.raises(Cancelled):
        import_answers(store, PERIOD, path, CancelAfter(3))
    tables, _files = state(branch_home)
    assert tables == before[0]  # no period, no answer, no evidence row, no change-log row
    with Store.open(branch_home) as store:
        result = import_answers(store, PERIOD, path)
    assert result.answers == 19 and result.evidence_added == 19
    with Store.open(branch_home) as store:
        created = [c for c in store.changes() if c.field == "assessment.created"]
        assert len(created) == 1
