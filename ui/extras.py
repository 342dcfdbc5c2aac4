"""Actions backed by modules other features provide; each is imported lazily.

If a module is not installed yet, the person gets one clear Chinese sentence.
"""

from __future__ import annotations

import importlib
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from dzdesk.models import Evidence
from dzdesk.periods import parse_period

from .evidence_panel import open_with_system
from .i18n import tr

log = logging.getLogger("dzdesk.ui")


def _optional(module: str) -> Any | None:
    try:
        return importlib.import_module(module)
    except ImportError:
        log.info("optional module %s not available", module)
        return None


def copy_for_viewer(blob: Path, sha256: str, name: str, folder_name: str = "dzdesk-open") -> Path:
    """Files are stored by content hash; a viewer needs the original name and type."""
    folder = Path(tempfile.gettempdir()) / folder_name / sha256[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (Path(name).name or "file")
    if not target.exists():
        shutil.copyfile(blob, target)
    return target


def viewing_copy(blob: Path, evidence: Evidence) -> Path:
    return copy_for_viewer(blob, evidence.sha256, evidence.original_name)


def _passphrase(window) -> str | None | bool:
    """The signing key's passphrase if it has one; False when the person cancelled."""
    from dzdesk.identity import key_is_encrypted  # cryptography: load only when needed

    if not key_is_encrypted(window.paths):
        return None
    text, ok = QInputDialog.getText(
        window, tr("电子签名密码"), tr("请输入首次设置时填写的电子签名密码："), QLineEdit.EchoMode.Password
    )
    return text if ok else False


def _save_as(window, title: str, start: Path, pattern: str) -> str:
    path, _ = QFileDialog.getSaveFileName(window, title, str(start), pattern)
    return path


def _documents() -> Path:
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def _report_start(profile, period: str) -> Path:
    return _documents() / f"{profile.display_name}-{parse_period(period).label}-自评报告.pdf"


def _bundle_start(profile, period: str) -> Path:
    """``中共××党支部_2026Q4_自评.dzb`` on the first mounted USB drive, else in Documents."""
    bundle = importlib.import_module("dzdesk.bundle")
    return bundle.default_export_folder(_documents()) / bundle.suggested_filename(profile, period)


def _run_export(window, module_name: str, func: str, title: str, start_for, pattern: str, done) -> None:
    module = _optional(module_name)
    if module is None or not hasattr(module, func):
        window.show_error(tr("本版本尚未包含“{0}”功能，请更新到新版本后再试。").format(title))
        return
    session = window.session
    if session is None or session.state is None:  # the menu works from the first frame; data is not in yet
        return
    session.flush()
    period = session.period
    profile = session.state.profile
    out = _save_as(window, title, start_for(profile, period), pattern)
    if not out:
        return
    passphrase = _passphrase(window)
    if passphrase is False:
        return
    fn = getattr(module, func)

    def work(store, progress):
        return fn(store, period, Path(out), passphrase=passphrase, progress=progress)

    def ok(_result) -> None:
        done(window, title, Path(out))

    window.ops.op(work, window).with_progress(tr("正在{0}…").format(title), cancellable=True).success(ok).run()


def _report_done(window, title: str, out: Path) -> None:
    text = tr("自评报告已保存到：\n{0}\n\n现在打开（可打印）吗？打印后请书记签字并加盖党支部公章。").format(out)
    if QMessageBox.question(window, title, text) == QMessageBox.StandardButton.Yes and not open_with_system(out):
        window.show_error(tr("无法打开“{0}”，请用 PDF 阅读器手动打开。").format(out))


def _bundle_done(window, title: str, out: Path) -> None:
    QMessageBox.information(window, title, tr("上报文件已保存并校验无误：\n{0}\n请用U盘等方式交给上级党委。").format(out))


def make_report(window) -> None:
    _run_export(
        window, "dzdesk.report", "write_report", tr("生成自评报告"), _report_start, tr("PDF 文件 (*.pdf)"), _report_done
    )


def export_bundle(window) -> None:
    _run_export(
        window, "dzdesk.bundle", "export_bundle", tr("导出上报文件"), _bundle_start, tr("上报文件 (*.dzb)"), _bundle_done
    )


def show_about(window: QWidget) -> None:
    dialog_module = _optional("ui.about_dialog")
    diagnostics = _optional("dzdesk.diagnostics")
    if dialog_module is None or diagnostics is None:
        QMessageBox.information(window, tr("关于"), tr("dzdesk 党支部建设提升行动自评工具（离线版）。\n本版本尚未包含诊断信息页面。"))
        return
    dialog = dialog_module.AboutDialog(diagnostics.collect(window.paths), parent=window)
    dialog.exec()


def open_committee(paths, window: QWidget | None = None) -> QWidget | None:
    module = _optional("ui.committee.window")
    if module is None:
        QMessageBox.information(window, tr("上级党委模式"), tr("本版本尚未包含上级党委（委员会）模式，请更新到新版本后再试。"))
        return None
    committee = module.open_committee_window(paths, parent=window)
    if window is not None:
        window._committee_window = committee  # keep it alive
    return committee
