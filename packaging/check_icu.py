"""Ask Qt the questions it answers with ICU data, to compare the full and the trimmed library.

    python packaging/check_icu.py > full.json
    LD_LIBRARY_PATH=DIR_WITH_TRIMMED_LIBICUDATA python packaging/check_icu.py > trimmed.json
    python packaging/check_icu.py --compare full.json trimmed.json

Qt Core uses ICU for collation (QCollator: the committee overview sorts branch names
in pinyin order), time-zone names, locale case mapping and codecs beyond UTF/Latin-1
(QStringDecoder). trim_icu.py keeps the data for those in root/English/Chinese; the
answers must be identical.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

NAMES = ["合肥市律师协会党支部", "安徽某科技有限公司党支部", "长丰县公证处党支部", "重庆路社区党支部",
         "蚌埠分所党支部", "肥东县司法所党支部", "Zeta 党支部", "alpha 党支部", "第10党支部", "第9党支部",
         "中共合肥市司法局机关党支部", "庐阳区法律援助中心党支部", "瑶海区调解委员会党支部", "包河区党支部"]
CODECS = ["GB18030", "GBK", "GB2312", "Big5", "windows-1252", "ISO-8859-5", "KOI8-R"]


def answers() -> dict[str, object]:
    from PySide6.QtCore import (
        QByteArray,
        QCollator,
        QDateTime,
        QLocale,
        QStringDecoder,
        QStringEncoder,
        QTimeZone,
    )

    zh = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    en = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    out: dict[str, object] = {}
    for label, locale in (("zh", zh), ("en", en), ("zh_TW", QLocale("zh_TW")), ("de", QLocale("de_DE"))):
        collator = QCollator(locale)
        out[f"sort/{label}"] = sorted(NAMES, key=collator.sortKey)
        collator.setNumericMode(True)
        out[f"sort-numeric/{label}"] = sorted(NAMES, key=collator.sortKey)
        collator.setCaseSensitivity(collator.caseSensitivity().CaseInsensitive)
        out[f"compare-ci/{label}"] = collator.compare("Alpha", "alpha")
    moment = QDateTime.fromString("2026-11-28T12:00:00Z", "yyyy-MM-ddTHH:mm:ssZ")
    for zone_id in (b"Asia/Shanghai", b"Asia/Urumqi", b"Europe/Berlin", b"America/New_York"):
        zone = QTimeZone(QByteArray(zone_id))
        for label, locale in (("zh", zh), ("en", en)):
            for kind in (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName, QTimeZone.NameType.OffsetName):
                key = f"zone/{zone_id.decode()}/{label}/{kind.name}"
                out[key] = zone.displayName(moment, kind, locale)
    out["zones"] = len(QTimeZone.availableTimeZoneIds())
    out["case"] = [QLocale("tr_TR").toLower("TITLE İI"), zh.toUpper("dzdesk ß"), en.toLower("ΣΑΣ")]
    # PySide6 does not expose QStringEncoder's conversion; opening a codec loads its ICU table.
    for name in CODECS:
        encoder, decoder = QStringEncoder(name), QStringDecoder(name)
        out[f"codec/{name}"] = [encoder.isValid(), encoder.name(), decoder.isValid()]
    return out


def loaded_icu_data() -> str:
    with open("/proc/self/maps", encoding="utf-8") as maps:
        return next((line.split()[-1] for line in maps if "libicudata" in line), "not loaded")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--compare"]:
        full, trimmed = (json.load(open(path, encoding="utf-8")) for path in argv[1:3])
        library = trimmed.pop("library"), full.pop("library")
        different = sorted(k for k in full.keys() | trimmed.keys() if full.get(k) != trimmed.get(k))
        for key in different:
            print(f"different: {key}: {full.get(key)!r} vs {trimmed.get(key)!r}", file=sys.stderr)
        if library[0] == library[1]:
            print(f"both runs loaded the same ICU data library ({library[0]})", file=sys.stderr)
            return 1
        print(f"ICU check: {len(full)} answers, {len(different)} different ({library[0]})")
        return 1 if different else 0
    result = answers()
    result["library"] = loaded_icu_data()
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
