"""Smoke-test helper: the frozen build's summary workbook opens and lists the branch.

    python packaging/check_summary.py summary.xlsx BRANCH_NAME
"""

import sys

import openpyxl


def main(path: str, branch: str) -> int:
    book = openpyxl.load_workbook(path, read_only=True)
    if book.sheetnames != ["党支部", "整改事项"]:
        print(f"sheets: {book.sheetnames}", file=sys.stderr)
        return 1
    names = [row[1] for row in book["党支部"].iter_rows(min_row=2, values_only=True)]
    if not branch or branch not in names:
        print(f"{branch!r} not among {names[:5]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
