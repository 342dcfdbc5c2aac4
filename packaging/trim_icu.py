"""Shrink the ICU data library that PySide6's Linux wheels ship (libicudata.so.NN, ~31 MB).

Qt Core links ICU unconditionally, but of ICU's data it only reads what collation
(QCollator: pinyin order of branch names), time-zone names, case mapping and a few
legacy text codecs need. This keeps the data for the root, English and Chinese
locales and the Chinese and single-byte codecs, drops everything else (other
languages, transliteration, word-break dictionaries, unit/currency names, EBCDIC
and Japanese/Korean codecs) and relinks the library with the same soname and
the same exported symbol (``icudtNN_dat``), so nothing else in the bundle changes.

    python packaging/trim_icu.py BUNDLE/_internal/PySide6/Qt/lib/libicudata.so.73

Needs a C compiler driver (``cc``/``gcc``) for the relink. check_icu.py compares what
Qt answers with the original and the trimmed library (build_linux.sh runs both).

ICU's common data package format (ucmndata.h): a data header of ``headerSize`` bytes,
then a table of contents: uint32 count, count × (name offset, data offset) pairs,
offsets relative to the table of contents, names sorted (ICU binary-searches
them), items 16-byte aligned.
"""

from __future__ import annotations

import argparse
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

# Locales kept in every tree; parents first (en_US → en → root, zh_Hant_TW → zh_Hant → root).
# (rbnf's zh_Hant_HK falls back to yue.)
KEEP_LOCALE = re.compile(r"^(root|en|en_US(_POSIX)?|en_001|zh(_[A-Za-z]+)*|yue(_[A-Za-z]+)*)$")
LOCALE_NAME = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*$")  # also collation aliases such as de_
# Trees Qt never reads (transliteration) or whose per-locale data it never asks for.
DROP_TREES = {"translit"}
# Multi-byte codecs kept: the Chinese ones (GB18030, GBK/CP936, GB2312/EUC-CN, Big5/CP950).
KEEP_CODEC = re.compile(r"^(gb18030|windows-936-2000|windows-950-2000|ibm-1383_|ibm-1386_|ibm-5478_|ibm-1373_|"
                        r"ibm-950_|ibm-1375_|ibm-5471_|ibm-1381_)")
SMALL_CODEC = 20_000  # single-byte code pages (ISO-8859-x, Windows-125x, …) are a few kB each


def keep_item(name: str, size: int) -> bool:
    """Whether the package item ``name`` (without the ``icudtNNl/`` prefix) stays."""
    tree, _, leaf = name.rpartition("/")
    if tree in DROP_TREES:
        return False
    stem, _, ext = leaf.rpartition(".")
    if ext == "dict":  # word-break dictionaries (CJK, Thai, Khmer, …): Qt breaks text itself
        return False
    if ext == "cnv":
        return size <= SMALL_CODEC or bool(KEEP_CODEC.match(stem))
    if ext == "res" and stem != "root" and LOCALE_NAME.match(stem):
        return bool(KEEP_LOCALE.match(stem))
    return True  # pool.res, res_index.res, supplemental data, normalisation, properties, rules


def _elf_symbol(data: bytes, symbol: bytes) -> tuple[int, int]:
    """File offset and size of a defined dynamic symbol in an ELF64 little-endian file."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit("not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strtab = sections[link]
        for pos in range(offset, offset + size, entsize):
            st_name, _st_info, _other, shndx, value, st_size = struct.unpack_from("<IBBHQQ", data, pos)
            start = strtab[4] + st_name
            if data[start : data.index(b"\0", start)] == symbol:
                sec = sections[shndx]
                return value - sec[3] + sec[4], st_size
    raise SystemExit(f"symbol {symbol.decode()} not found")


def _codecs_missing_their_base(every: dict[bytes, bytes], kept: set[bytes]) -> set[bytes]:
    """Extension-only codecs (e.g. ibm-971 over ibm-970) name their base table; drop them with it."""
    stems = {name.rpartition(b"/")[2][:-4]: name for name in every if name.endswith(b".cnv")}
    dropped: set[bytes] = set()
    changed = True
    while changed:
        changed = False
        for stem, name in stems.items():
            if name not in kept or name in dropped:
                continue
            payload = every[name]
            bases = [other for other in stems if other != stem and b"\0" + other + b"\0" in payload]
            if any(stems[b] not in kept or stems[b] in dropped for b in bases):
                dropped.add(name)
                changed = True
    return dropped


def trimmed_package(blob: bytes) -> tuple[bytes, int, int]:
    """The package with only the kept items; also the item counts before and after."""
    header_size, = struct.unpack_from("<H", blob, 0)
    if blob[2:4] != b"\xda\x27":
        raise SystemExit("not an ICU common data package")
    toc = header_size
    count, = struct.unpack_from("<I", blob, toc)
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    ends = [entries[i + 1][1] for i in range(count - 1)] + [len(blob) - toc]
    every = {}
    for (name_off, data_off), end in zip(entries, ends, strict=True):
        raw_name = blob[toc + name_off : blob.index(b"\0", toc + name_off)]
        every[raw_name] = blob[toc + data_off : toc + end]
    kept = {name for name, payload in every.items() if keep_item(name.decode("ascii").split("/", 1)[1], len(payload))}
    kept -= _codecs_missing_their_base(every, kept)
    items = [(name, payload) for name, payload in every.items() if name in kept]
    names_start = 4 + 8 * len(items)
    names = bytearray()
    name_offsets = []
    for raw_name, _ in items:
        name_offsets.append(names_start + len(names))
        names += raw_name + b"\0"
    data_start = -(-(names_start + len(names)) // 16) * 16
    body = bytearray()
    data_offsets = []
    for _, payload in items:
        data_offsets.append(data_start + len(body))
        body += payload
        body += b"\0" * (-len(body) % 16)
    out = bytearray(blob[:header_size])
    out += struct.pack("<I", len(items))
    for name_off, data_off in zip(name_offsets, data_offsets, strict=True):
        out += struct.pack("<II", name_off, data_off)
    out += names
    out += b"\0" * (data_start - (len(out) - header_size))
    out += body
    return bytes(out), count, len(items)


def relink(library: Path, package: bytes, symbol: str, soname: str) -> None:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise SystemExit("no C compiler (cc/gcc) to relink the ICU data library")
    with tempfile.TemporaryDirectory() as tmp:
        dat = Path(tmp, "icu.dat")
        dat.write_bytes(package)
        asm = Path(tmp, "icu.S")
        asm.write_text(
            f'.section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n'
            f'{symbol}:\n.incbin "{dat}"\n.size {symbol}, .-{symbol}\n'
            '.section .note.GNU-stack,"",@progbits\n'
        )
        out = Path(tmp, soname)
        subprocess.run([cc, "-shared", "-nostdlib", "-s", f"-Wl,-soname,{soname}", "-o", str(out), str(asm)],
                       check=True)
        if library.exists():
            shutil.copymode(library, out)
        shutil.copyfile(out, library)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", type=Path, help="libicudataNN.so.NN inside the bundle (replaced in place)")
    parser.add_argument("--output", type=Path, help="write the trimmed library here instead")
    args = parser.parse_args(argv)
    data = args.library.read_bytes()
    match = re.search(rb"libicudata\.so\.(\d+)", args.library.name.encode())
    if not match:
        raise SystemExit(f"{args.library.name}: expected libicudata.so.NN")
    major = match.group(1).decode()
    symbol = f"icudt{major}_dat"
    offset, size = _elf_symbol(data, symbol.encode())
    package, before, after = trimmed_package(data[offset : offset + size])
    target = args.output or args.library
    relink(target, package, symbol, f"libicudata.so.{major}")
    print(f"ICU data: {before} items, {size / 2**20:.1f} MB → {after} items, {len(package) / 2**20:.1f} MB; "
          f"library {len(data) / 2**20:.1f} MB → {target.stat().st_size / 2**20:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
