"""帮助 → 使用说明: the committee's work in the order a clerk does it."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ..i18n import tr
from ..widgets.screen import fit_to_screen

STEPS = [
    (
        "准备",
        "在“文件 → 党委信息”中填写本党委名称（通报的发文单位）。“文件 → 导入名册”导入党支部名册"
        "（CSV 文件，列为 name,kind,secretary）：名册决定应报送的党支部，也是A级名额的基数。"
        "工具栏“截止日期…”设定本期的报送截止日期，逾期提交的会被标记。",
    ),
    (
        "接收报送包",
        "各党支部把上报文件（.dzb）用U盘交来。“文件 → 导入文件夹”选择U盘中的文件夹，"
        "或“导入报送包”选择文件。每个文件都会校验签名和内容；有问题的文件被拒收并说明原因，不影响其他文件。",
    ),
    (
        "密钥变更",
        "同名党支部换了签名密钥时，它的报送包先暂存。在“密钥变更”中查看新旧密钥指纹，"
        "电话或当面与党支部书记逐组核对后，再确认或拒绝。",
    ),
    (
        "评定等次",
        "选中一个党支部，点“评定等次”（或双击考核分、考核等次列）。"
        "A级不超过党支部总数的10%（向下取整）；名额已满时不能再评A级。",
    ),
    ("查看详情", "双击党支部，查看它的自评内容、佐证材料、签名的自评报告和版本记录。"),
    (
        "生成通报",
        "“文件 → 生成通报”，保存为 PDF（打印后盖章）或 Excel。"
        "还有未评定等次或报送包暂存的党支部时，会先列出并询问是否继续。",
    ),
    (
        "两种身份",
        "同一台电脑也可以作为党支部使用：“文件 → 切换到党支部模式”。两种身份的数据分开保存，"
        "下次打开程序时进入上次使用的模式。",
    ),
]


def help_html() -> str:
    parts = [f"<h3>{html.escape(tr('上级党委考核验收：使用说明'))}</h3><ol>"]
    for title, text in STEPS:
        parts.append(f"<li><b>{html.escape(tr(title))}</b>　{html.escape(tr(text))}</li>")
    parts.append("</ol>")
    parts.append(
        f"<p>{html.escape(tr('以上操作也可以在命令行完成，见 dzdesk committee --help。'))}</p>"
    )
    return "".join(parts)


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CommitteeHelpDialog")
        self.setWindowTitle(tr("使用说明"))
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setHtml(help_html())
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 560)
