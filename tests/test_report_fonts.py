"""Font discovery (Windows faces, override folder, bundled fallback) and the reusable typography API."""

from __future__ import annotations

import shutil
import subprocess

from pypdf import PdfReader
from reportlab.lib.units import mm

from dzdesk.fonts import BUNDLED_HEI, BUNDLED_KAI, BUNDLED_SONG, discover_fonts
from dzdesk.report.cjkwrap import CANNOT_END, CANNOT_START, split_lines
from dzdesk.report.typography import BLOCK_WIDTH, OfficialDocTemplate, typography
from dzdesk.resources import resource_path


def test_bundled_fonts_and_licences_are_shipped():
    fonts = resource_path("fonts")
    for name in (BUNDLED_SONG, BUNDLED_KAI, BUNDLED_HEI):
        assert (fonts / name).is_file()
    assert (fonts / "ARPHICPL.TXT").is_file() and (fonts / "wqy-microhei.LICENSE.txt").is_file()
    total = sum(p.stat().st_size for p in (fonts / BUNDLED_SONG, fonts / BUNDLED_KAI))
    assert total < 30 * 1024 * 1024


def test_without_windows_fonts_the_bundled_faces_are_used(monkeypatch):
    monkeypatch.delenv("WINDIR", raising=False)
    monkeypatch.delenv("SystemRoot", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.delenv("DZDESK_FONT_DIR", raising=False)
    choice = discover_fonts()
    assert choice.fangsong.path.name == BUNDLED_SONG and choice.fangsong.source == "bundled"
    assert choice.kaiti.path.name == BUNDLED_KAI
    assert choice.heiti.path.name == BUNDLED_HEI
    assert choice.fallback.path.name == BUNDLED_HEI


def test_windows_font_folder_wins_and_broken_files_are_skipped(tmp_path, monkeypatch):
    fonts = tmp_path / "Windows" / "Fonts"
    fonts.mkdir(parents=True)
    shutil.copy(resource_path("fonts", BUNDLED_KAI), fonts / "SIMKAI.TTF")  # case differs, as on Windows
    (fonts / "simfang.ttf").write_bytes(b"not a font at all")  # damaged: skipped, not fatal
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.delenv("DZDESK_FONT_DIR", raising=False)
    choice = discover_fonts()
    assert choice.kaiti.source == "windows" and choice.kaiti.path.name == "SIMKAI.TTF"
    assert choice.fangsong.source == "bundled"


def test_override_folder_comes_first(tmp_path, monkeypatch):
    override, windows = tmp_path / "licensed", tmp_path / "Windows" / "Fonts"
    override.mkdir()
    windows.mkdir(parents=True)
    shutil.copy(resource_path("fonts", BUNDLED_SONG), override / "simfang.ttf")
    shutil.copy(resource_path("fonts", BUNDLED_KAI), windows / "simfang.ttf")
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.setenv("DZDESK_FONT_DIR", str(override))
    assert discover_fonts().fangsong.source == "override"
    assert discover_fonts(font_dir=tmp_path / "missing").fangsong.source == "windows"


def test_cff_font_is_refused(tmp_path):
    # an OpenType/CFF file (as Noto CJK ships) must not be chosen: reportlab cannot embed it
    (tmp_path / "simhei.ttf").write_bytes(b"OTTO" + b"\0" * 400)
    assert discover_fonts(font_dir=tmp_path, use_windows=False).heiti.source == "bundled"


def test_glyph_fallback_for_characters_outside_gb2312():
    typo = typography()
    body = typo.names["fangsong"]
    runs = typo.runs("王喆同志〇", body)
    assert runs == [(body, "王"), (typo.fallback, "喆"), (body, "同志"), (typo.fallback, "〇")]
    assert "<font" in typo.markup("王喆", body) and "&lt;b&gt;" in typo.markup("<b>", body)


def test_line_breaking_keeps_closing_marks_off_line_starts():
    text = "甲乙丙丁戊（己庚），辛壬癸。“子丑”寅卯辰巳午未申酉戌亥"
    lines = split_lines(text, [1.0] * len(text), [7.0])
    for start, end, width, _ in lines:
        assert text[start] not in CANNOT_START
        assert text[end - 1] not in CANNOT_END
        assert width <= 7.0
    assert "".join(text[s:e] for s, e, _, _ in lines) == text


def test_typography_api_builds_a_committee_style_document(tmp_path):
    """The public API the committee's 通报 uses: template, styles, tables, page numbers."""
    typo = typography()
    story = [typo.para("关于2026年第四季度党支部建设提升行动自评情况的通报", "title"),
             typo.para("各党支部：", "addressee"), typo.para("一、总体情况", "h1"), typo.para("（一）自评得分", "h2")]
    rows = [[str(i), f"第{i}党支部", "92.5", "A"] for i in range(1, 80)]
    story.append(typo.table(["序号", "党支部", "得分", "等次"], rows, [20 * mm, 86 * mm, 25 * mm, 25 * mm]))
    story.append(typo.para("正文" * 200))
    out = tmp_path / "notice.pdf"
    OfficialDocTemplate(str(out), typo, footer_note="通报测试").build(story)
    reader = PdfReader(str(out))
    assert len(reader.pages) >= 3
    assert all(f"— {n} —" in page.extract_text() for n, page in enumerate(reader.pages, 1))
    assert sum("党支部" in p.extract_text() and "序号" in p.extract_text() for p in reader.pages) >= 2
    assert abs(BLOCK_WIDTH - 156 * mm) < 1e-6
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
        assert all(" yes yes " in row for row in listing.splitlines()[2:])

