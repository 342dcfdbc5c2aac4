"""GB/T 9704 layout of the report, read back with poppler: page, margins, fonts, page numbers,
and a hostile case (a 2,000-character narrative and 60 evidence files)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from dzdesk.demo import create_demo
from dzdesk.paths import resolve_paths
from dzdesk.report import write_report
from dzdesk.report.cjkwrap import CANNOT_START
from dzdesk.store import Store

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LEFT, TOP, RIGHT, BOTTOM = 28 * MM, 37 * MM, (28 + 156) * MM, (37 + 225) * MM
HANG = 0.5  # nothing hangs: a closing mark that would start a line pulls a character down with it

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None, reason="poppler-utils not installed"
)


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float  # from the top of the page, as pdftotext reports
    x1: float
    y1: float
    text: str


def words(pdf: Path) -> list[Word]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            found.append(Word(page, x0, y0, x1, y1, html.unescape(m.group(5))))
    return found


def body(ws: list[Word]) -> list[Word]:
    return [w for w in ws if w.y1 < BOTTOM + 3 * MM]


def assert_inside_text_block(pdf: Path) -> None:
    ws = words(pdf)
    for w in body(ws):
        assert w.x0 >= LEFT - 0.5, w
        assert w.x1 <= RIGHT + HANG, w
        assert w.y0 >= TOP - 1.5 * MM, w
        assert w.y1 <= BOTTOM + 1.5 * MM, w
    pages = max(w.page for w in ws)
    tops = []
    for n in range(1, pages + 1):
        page_words = [w for w in body(ws) if w.page == n]
        assert page_words, f"page {n} is empty"
        tops.append(min(w.y0 for w in page_words))
    # poppler's box starts at the face's ascent, a little below the em box that reportlab
    # sets at the margin: up to 2 mm for the 22 pt title, or a table's cell padding
    assert all(TOP - 0.5 * MM <= top <= TOP + 2.5 * MM for top in tops), [round(t / MM, 1) for t in tops]
    assert abs(min(tops) - TOP) <= 1 * MM


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory) -> Path:
    paths = resolve_paths(tmp_path_factory.mktemp("demo-home"))
    with Store(paths, actor="tester") as store:
        create_demo(store, today=date(2026, 11, 28))
        return write_report(store, "2026Q4", tmp_path_factory.mktemp("out") / "report.pdf").path


def test_page_is_a4(demo_pdf):
    for page in PdfReader(str(demo_pdf)).pages:
        assert abs(float(page.mediabox.width) - PAGE_W) < 0.5
        assert abs(float(page.mediabox.height) - PAGE_H) < 0.5


@needs_poppler
def test_margins_match_gbt_9704_within_1mm(demo_pdf):
    ws = body(words(demo_pdf))
    assert abs(min(w.x0 for w in ws) - LEFT) <= 1 * MM
    lines_reaching_right = [w for w in ws if w.x1 > RIGHT - 1 * MM]
    assert lines_reaching_right, "justified body lines should end at the right edge of the text block"
    assert all(w.x1 <= RIGHT + 0.5 for w in lines_reaching_right)
    assert_inside_text_block(demo_pdf)
    assert BOTTOM - 1 * MM - 29 <= max(w.y1 for w in ws) <= BOTTOM + 1 * MM  # a full page reaches the bottom line


@needs_poppler
def test_body_line_holds_28_characters(demo_pdf):
    ws = [w for w in body(words(demo_pdf)) if abs(w.x0 - LEFT) < 1 and abs(w.x1 - RIGHT) < 2 * MM]
    assert any(len(w.text) == 28 and re.fullmatch(r"[\u4e00-\u9fff，。、“”：；（）《》]+", w.text) for w in ws)


@needs_poppler
def test_page_numbers_odd_right_even_left_below_the_text_block(demo_pdf):
    ws = words(demo_pdf)
    pages = max(w.page for w in ws)
    assert pages >= 2
    for n in range(1, pages + 1):
        dashes = [w for w in ws if w.page == n and w.text == "—" and w.y0 > BOTTOM]
        number = [w for w in ws if w.page == n and w.text == str(n) and w.y0 > BOTTOM]
        assert len(dashes) == 2 and len(number) == 1, n
        assert 5 * MM <= number[0].y0 - BOTTOM <= 8 * MM
        if n % 2:
            assert abs(max(d.x1 for d in dashes) - (RIGHT - 14)) < 1 * MM
        else:
            assert abs(min(d.x0 for d in dashes) - (LEFT + 14)) < 1 * MM


@needs_poppler
def test_every_font_is_embedded_and_subset(demo_pdf):
    out = subprocess.run(["pdffonts", str(demo_pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert len(rows) >= 3
    for row in rows:
        cols = row.split()
        name, emb, sub = cols[0], cols[-5], cols[-4]
        assert emb == "yes" and sub == "yes", row
        assert re.match(r"^[A-Z]{6}\+", name), row
        assert "TrueType" in row


def without_page_furniture(page: str) -> str:
    """Drop the watermark, page number and footer note, which the page template draws first."""
    furniture = re.compile(r"^(草稿|—\s*\d+\s*—|.*自评报告\s+快照摘要 [0-9A-F ]+)$")
    return "\n".join(line for line in page.splitlines() if not furniture.match(line.strip()))


def _stress_store(store: Store, tmp_path: Path) -> tuple[str, list[str]]:
    """19 answers, one narrative of 2,000 characters, 60 evidence files with long names."""
    template = store.template_for(store.create_assessment("2026Q4"))
    phrases = ["支部书记王喆同志", "组织集中学习3次", "（含专题研讨）", "“三会一课”", "参学率100%",
               "党员〇〇七号", "，", "。", "；", "：", "、", "！", "？", "——"]
    text, i = "", 0
    while len(text) < 2000:
        text += phrases[(i * 5) % len(phrases)]
        i += 1
    long_narrative = text[:1999] + "。"
    names: list[str] = []
    with store.batch():
        for task in template.tasks:
            store.set_answer(
                "2026Q4", task.key, status="partial",
                narrative=long_narrative if task.key == "1" else f"任务{task.key}：部分完成，正在推进。",
                problem=f"任务{task.key}存在的问题说明较长，需要在表格中自动换行显示，不能溢出单元格。",
                measures="按计划逐项整改，责任到人，限期完成；整改情况报上级党组织。", owner="李红梅", deadline="2027-03-31",
            )
    for n in range(60):
        task = template.tasks[n % len(template.tasks)]
        src = tmp_path / f"第{n + 1:02d}号佐证材料_主题党日活动现场照片及签到表扫描件_{n}.txt"
        src.write_text(f"佐证材料 {n}", encoding="utf-8")
        store.add_evidence("2026Q4", task.key, src, caption=f"第{n + 1}号材料：活动记录、签到表和照片的说明文字")
        names.append(src.name)
    return long_narrative, names


@needs_poppler
def test_long_narrative_and_60_files_lay_out_without_overflow(store, tmp_path):
    narrative, names = _stress_store(store, tmp_path)
    result = write_report(store, "2026Q4", tmp_path / "stress.pdf")
    assert result.signed is False
    pages = [p.extract_text() for p in PdfReader(str(result.path)).pages]
    flat = re.sub(r"\s+", "", "".join(without_page_furniture(p) for p in pages))
    assert re.sub(r"\s+", "", narrative) in flat
    # continued on the next page without stray spaces (reportlab joins split lines with " ")
    assert narrative in "".join(without_page_furniture(p) for p in pages).replace("\n", "")
    for name in names:
        assert name in flat
    assert "王喆" in flat and "〇〇七" in flat  # outside GB 2312: drawn with the fallback face
    assert sum("SHA-256前12位" in re.sub(r"\s+", "", p) for p in pages) >= 2  # the header row repeats on the next page
    assert_inside_text_block(result.path)
    for page in pages:
        for line in without_page_furniture(page).splitlines():
            stripped = line.strip()
            assert not stripped or stripped[0] not in "".join(sorted(CANNOT_START)), line


@needs_poppler
def test_longest_allowed_names_stay_on_the_page(paths, tmp_path):
    from dzdesk.models import BranchProfile

    name = "合肥" + "超长名称测试" * 16 + "有限公司党支部"  # 100 characters, the store's limit
    committee = "中共" + "上级党组织名称" * 14  # 100 characters
    with Store(paths, actor="tester") as store:
        store.save_profile(BranchProfile(name=name[:100], kind="social", committee=committee[:100],
                                         secretary="欧阳" * 10, full_members=2))
        template = store.template_for(store.create_assessment("2026Q4"))
        store.set_answer("2026Q4", template.tasks[0].key, status="done", narrative="已完成。")
        result = write_report(store, "2026Q4", tmp_path / "long.pdf")
    assert_inside_text_block(result.path)
    ws = words(result.path)
    assert all(0 <= w.x0 and w.x1 <= PAGE_W for w in ws)
    flat = "".join(p.extract_text() for p in PdfReader(str(result.path)).pages)
    assert re.sub(r"\s+", "", f"中共{name[:100]}（盖章）") in re.sub(r"\s+", "", flat)
