"""Child process of test_committee_gui_fit.py: the committee window and every dialog on a
1366×768 screen (QT_SCALE_FACTOR as the parent sets it). Prints one JSON object: per view,
its geometry, the available screen and the widgets outside it.

Run by hand: QT_SCALE_FACTOR=1.25 python tests/committee/committee_fit_child.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]
SCREEN = {
    "screens": [
        {"name": "office", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96, "dpr": 1}
    ]
}


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="dzdesk-fit-"))
    config = home / "screen.json"
    config.write_text(json.dumps(SCREEN), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["DZDESK_HOME"] = str(home / "data")

    from committee_fixtures import FakeBundles
    from committee_tour import TODAY, fake_import, fill, quiet_message_boxes, settle, tour
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView

    import ui.committee.actions as actions
    from dzdesk.committee.grading import set_grade
    from dzdesk.committee.store import CommitteeStore
    from dzdesk.paths import resolve_paths
    from ui.app import prepare_app
    from ui.committee.columns import NAME_SAMPLE
    from ui.committee.roles import open_committee
    from ui.committee.window import CommitteeWindow
    from ui.operations import SyncExecutor
    from ui.widgets.screen import available, outside_screen

    paths = resolve_paths(home / "data")
    app, settings = prepare_app(paths)
    said: list[str] = []
    quiet_message_boxes(said)
    results: dict[str, dict] = {}

    def record(name: str, widget) -> None:  # noqa: ANN001
        widget.show()
        app.processEvents()
        area = available(widget)
        views = [v for v in widget.findChildren(QTableView) if v.isVisible()]
        results[name] = {
            "frame": list(widget.frameGeometry().getRect()),
            "screen": [area.x(), area.y(), area.width(), area.height()],
            "outside": outside_screen(widget),
            "elide": sorted({int(v.textElideMode().value) for v in views}),
        }

    # the first run: no committee name yet, the 党委信息 dialog with its passphrase fields
    first = open_committee(resolve_paths(home / "first"), executor=SyncExecutor())
    first.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    record("first-run", first.last_dialog)
    first.last_dialog.reject()
    first.close()

    store = CommitteeStore(paths)
    usb = home / "usb"
    usb.mkdir()
    bundles = FakeBundles(usb)
    fill(store, bundles, count=30)
    set_grade(store, "2026Q4", "第05党支部", "A")
    set_grade(store, "2026Q4", "第06党支部", "A")
    set_grade(store, "2026Q4", "第07党支部", "A")
    more_folder = home / "usb2"
    more_folder.mkdir()
    more = FakeBundles(more_folder)
    for i in range(3):
        more.make(f"合肥市某某信息技术服务有限公司第{i + 1}党支部（名字很长的一个党支部）")
    actions.import_bundles = fake_import(bundles, more)
    window = CommitteeWindow(store, SyncExecutor(), paths=paths, settings=settings, today=TODAY)
    for name, widget in tour(window, more_folder):
        if (
            name == "grade"
        ):  # the tallest state: with an error line (nothing chosen: no A place left)
            assert widget.selected_grade() == "", widget.selected_grade()
            widget.save()
        record(name, widget)
        if name == "window":  # the branch names get room: the other columns shrink first
            results[name]["name_column"] = [
                widget.table.horizontalHeader().sectionSize(0),
                widget.table.fontMetrics().horizontalAdvance(NAME_SAMPLE),
            ]
    settle(window)
    window.close()
    print(
        json.dumps(
            {"scale": os.environ.get("QT_SCALE_FACTOR", "1"), "views": results}, ensure_ascii=False
        )
    )


if __name__ == "__main__":
    main()
