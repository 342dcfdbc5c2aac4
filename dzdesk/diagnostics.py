"""What a helper on the phone needs to know: versions, data paths, fonts, key, database health.

``collect(paths)`` only reads: the database is opened read-only (``mode=ro``)
and nothing is created when it does not exist yet. ``dzdesk doctor`` prints
the result and the GUI's About dialog shows it.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from . import __version__
from .identity import certificate_fingerprint
from .logs import LOG_FILE
from .paths import APP_AUTHOR, APP_NAME, AppPaths, portable_root
from .resources import resource_path
from .store.database import MIN_SQLITE

ROLE_LABELS = {
    "fangsong": "正文 仿宋", "heiti": "一级标题 黑体", "kaiti": "二级标题 楷体",
    "songti": "宋体", "title": "标题 小标宋", "fallback": "缺字补充",
}
SOURCE_LABELS = {"override": "DZDESK_FONT_DIR 指定", "windows": "Windows 系统字体", "bundled": "随程序附带"}


@dataclass(frozen=True)
class FontFound:
    role: str  # a key of ROLE_LABELS
    path: Path
    source: str  # "override", "windows" or "bundled"

    @property
    def present(self) -> bool:
        return self.path.is_file()

    @property
    def text(self) -> str:
        note = SOURCE_LABELS.get(self.source, self.source) + ("" if self.present else "，文件缺失")
        return f"{self.path.name}（{note}）  {self.path.parent}"


# SQLite's usual complaints, said in Chinese; the English original stays in as_dict().
SQLITE_MESSAGES = {
    "file is not a database": "不是 dzdesk 数据文件，或文件头已损坏",
    "malformed": "数据页损坏",
    "locked": "正被其他程序占用，请关闭后重试",
    "unable to open": "无法打开文件，请检查权限",
    "disk i/o error": "磁盘读写错误",
}


@dataclass(frozen=True)
class DatabaseHealth:
    path: Path
    state: str  # "missing", "ok", "damaged" or "unreadable"
    detail: str
    size: int = 0

    @property
    def ok(self) -> bool:
        return self.state in ("ok", "missing")

    @property
    def label(self) -> str:
        detail = next((zh for en, zh in SQLITE_MESSAGES.items() if en in self.detail.lower()), self.detail)
        return {
            "missing": "尚未创建（首次设置后生成）",
            "ok": "完好（integrity_check: ok）",
            "damaged": f"已损坏（{detail}）",
            "unreadable": f"无法读取（{detail}）",
        }[self.state]


@dataclass(frozen=True)
class Diagnostics:
    app_version: str
    template: str  # "<id> v<version>"
    template_format: int
    bundle_format: str | None
    python: str
    system: str
    sqlite_version: str
    sqlite_ok: bool
    frozen: bool
    location_mode: str  # how the data folder was chosen, in Chinese
    data_dir: Path
    log_file: Path
    config_dir: Path
    resource_dir: Path
    fonts: tuple[FontFound, ...]
    key_fingerprint: str | None
    database: DatabaseHealth
    problems: tuple[str, ...] = field(default=())

    def sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(section title, [(label, value)]) in the order the dialog and doctor show them."""
        fonts = [(ROLE_LABELS.get(f.role, f.role), f.text) for f in self.fonts]
        return [
            ("版本", [
                ("dzdesk", self.app_version),
                ("检查表模板", f"{self.template}（模板格式 {self.template_format}）"),
                ("导出包格式", self.bundle_format or "—"),
                ("运行方式", "安装版（已打包）" if self.frozen else "Python 源码/开发环境"),
                ("Python", self.python),
                ("操作系统", self.system),
                ("SQLite", self.sqlite_version + ("" if self.sqlite_ok else "（过旧）")),
            ]),
            ("数据位置", [
                ("数据目录", f"{self.data_dir}（{self.location_mode}）"),
                ("数据库", str(self.database.path)),
                ("日志文件", str(self.log_file)),
                ("设置目录", str(self.config_dir)),
                ("程序资源", str(self.resource_dir)),
            ]),
            ("报告字体", fonts or [("中文字体", "未找到")]),
            ("签名密钥", [("公钥指纹", self.key_fingerprint or "尚未创建")]),
            ("数据库检查", [("完整性", self.database.label)]),
            ("结论", [("问题", "；".join(self.problems) if self.problems else "未发现问题")]),
        ]

    def as_text(self, sections: list[tuple[str, list[tuple[str, str]]]] | None = None) -> str:
        """Plain text for the clipboard or a terminal; ``sections`` lets a front end add rows."""
        lines = [f"dzdesk 诊断信息（dzdesk {self.app_version}）"]
        for title, rows in sections if sections is not None else self.sections():
            lines.append(f"[{title}]")
            lines.extend(f"  {label}：{value}" for label, value in rows)
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "app_version": self.app_version, "template": self.template,
            "template_format": self.template_format, "bundle_format": self.bundle_format,
            "python": self.python, "system": self.system, "sqlite_version": self.sqlite_version,
            "sqlite_ok": self.sqlite_ok, "frozen": self.frozen, "location_mode": self.location_mode,
            "data_dir": str(self.data_dir), "log_file": str(self.log_file),
            "config_dir": str(self.config_dir), "resource_dir": str(self.resource_dir),
            "fonts": [{"role": f.role, "path": str(f.path), "source": f.source, "present": f.present}
                      for f in self.fonts],
            "key_fingerprint": self.key_fingerprint,
            "database": {"path": str(self.database.path), "state": self.database.state,
                         "detail": self.database.detail, "size": self.database.size},
            "problems": list(self.problems),
        }


def check_database(path: Path) -> DatabaseHealth:
    """PRAGMA integrity_check on a read-only connection; never creates the file."""
    if not path.is_file():
        return DatabaseHealth(path, "missing", "")
    size = path.stat().st_size
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return DatabaseHealth(path, "unreadable", str(exc), size)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        state = "unreadable" if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc) else "damaged"
        return DatabaseHealth(path, state, str(exc), size)
    finally:
        conn.close()
    if rows == ["ok"]:
        return DatabaseHealth(path, "ok", "ok", size)
    return DatabaseHealth(path, "damaged", "; ".join(str(r) for r in rows[:3]), size)


def report_fonts() -> list[FontFound]:
    """The faces the PDF report will use on this computer, role by role (dzdesk.fonts decides)."""
    from .fonts import ROLES, discover_fonts

    choice = discover_fonts()
    return [FontFound(role, choice.role(role).path, choice.role(role).source) for role in (*ROLES, "fallback")]


def _location_mode(paths: AppPaths) -> str:
    portable = portable_root()
    if os.environ.get("DZDESK_HOME") and Path(os.environ["DZDESK_HOME"]).expanduser().resolve() == paths.data_dir:
        return "环境变量 DZDESK_HOME"
    if portable is not None and portable.resolve() == paths.data_dir.resolve():
        return "便携模式：程序旁的 data 文件夹"
    if paths.data_dir == Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)):
        return "系统默认位置"
    return "命令行 --home 指定"


def _bundle_format() -> str:
    from .bundle.format import FORMAT_NAME, FORMAT_VERSION

    return f"{FORMAT_NAME} {FORMAT_VERSION}"


def collect(paths: AppPaths) -> Diagnostics:
    from .template import FORMAT_VERSION, builtin_template

    problems: list[str] = []
    try:
        template = builtin_template()
        template_text = f"{template.id} v{template.version}"
    except Exception as exc:  # a broken installation is exactly what doctor must report
        template_text = f"无法读取（{exc}）"
        problems.append("内置检查表模板无法读取，请重新安装程序")
    sqlite_ok = sqlite3.sqlite_version_info >= MIN_SQLITE
    if not sqlite_ok:
        problems.append(f"SQLite {sqlite3.sqlite_version} 过旧，需要 3.35 或更高版本")
    try:
        resources = resource_path()
    except FileNotFoundError:
        resources = Path("?")
        problems.append("程序资源文件夹缺失，请重新安装程序")
    fonts = report_fonts() if resources.is_dir() else []
    missing = sorted({f.path.name for f in fonts if not f.present})
    if missing or not fonts:
        problems.append(f"随程序附带的字体缺失（{'、'.join(missing) or '全部'}），报告无法生成，请重新安装程序")
    try:
        fingerprint = certificate_fingerprint(paths)
    except (OSError, ValueError) as exc:
        fingerprint = f"证书文件无法读取（{exc}）"
        problems.append("签名证书文件已损坏，请从密钥备份恢复")
    database = check_database(paths.branch_db)
    if not database.ok:
        problems.append(f"数据库{database.label}，请从 backups 文件夹恢复备份")
    return Diagnostics(
        app_version=__version__,
        template=template_text,
        template_format=FORMAT_VERSION,
        bundle_format=_bundle_format(),
        python=platform.python_version(),
        system=f"{platform.system()} {platform.release()} ({platform.machine()})",
        sqlite_version=sqlite3.sqlite_version,
        sqlite_ok=sqlite_ok,
        frozen=bool(getattr(sys, "frozen", False)),
        location_mode=_location_mode(paths),
        data_dir=paths.data_dir,
        log_file=paths.log_dir / LOG_FILE,
        config_dir=paths.config_dir,
        resource_dir=resources,
        fonts=tuple(fonts),
        key_fingerprint=fingerprint,
        database=database,
        problems=tuple(problems),
    )
