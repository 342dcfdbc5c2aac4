#!/usr/bin/env bash
# Build the Linux one-folder bundle, smoke-test it, and pack it as .tar.gz and .deb.
#
#   bash packaging/build_linux.sh            # everything (venv, freeze, smoke test, archives)
#   SKIP_SMOKE=1 bash packaging/build_linux.sh
#   PYSIDE6_VERSION=6.9.3 bash packaging/build_linux.sh   # for glibc 2.28 (UOS 20, Kylin V10)
#
# Needs: python3.11+ with venv and headers, a C compiler (cc), zlib1g-dev, binutils (objdump,
# readelf, strip), Xvfb, dpkg-deb (optional).
# Output: packaging/dist/dzdesk/ (the bundle), packaging/dist/dzdesk-<ver>-linux-x86_64.tar.gz,
#         packaging/dist/dzdesk_<ver>_amd64.deb, packaging/dist/build-report.txt
set -euo pipefail

PKG="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$PKG")"
BUILD="$PKG/build"
DIST="$PKG/dist"
PYTHON="${PYTHON:-python3}"
VENV="$BUILD/venv"
cd "$REPO"

say() { printf '\n== %s\n' "$*"; }

say "build environment (isolated venv: only dzdesk's pinned runtime deps + PyInstaller)"
mkdir -p "$BUILD" "$DIST"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" - <<'EOF' > "$BUILD/deps.txt"
import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))
EOF
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$BUILD/deps.txt" -r "$PKG/requirements.txt"
# PySide6 6.10 and later need glibc ≥ 2.34. For UOS 20 (glibc 2.28) and Kylin V10 (2.31),
# build on a glibc 2.28 system with PYSIDE6_VERSION=6.9.3, the last release with
# manylinux_2_28 wheels (the tests pass with it; see packaging/README.md).
if [ -n "${PYSIDE6_VERSION:-}" ]; then
    say "using PySide6 $PYSIDE6_VERSION instead of the pinned version"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "PySide6-Essentials==$PYSIDE6_VERSION" "shiboken6==$PYSIDE6_VERSION"
fi
# reportlab imports PIL.Image, so Pillow must be there, but dzdesk puts no raster image in a PDF:
# a Pillow built here with zlib only drops the JPEG/TIFF/JPEG 2000/WebP/XCB libraries of the
# PyPI wheel (~5 MB of pillow.libs). Needs a C compiler and the zlib headers (zlib1g-dev).
if "$VENV/bin/python" -c 'from PIL import features; raise SystemExit(not features.check("jpg"))' 2>/dev/null; then
    say "rebuilding Pillow with zlib only"
    PILLOW="$("$VENV/bin/python" -c 'import PIL; print(PIL.__version__)')"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
        --no-binary pillow -C jpeg=disable -C tiff=disable -C xcb=disable -C jpeg2000=disable \
        -C webp=disable -C avif=disable -C lcms=disable -C freetype=disable -C imagequant=disable \
        -C raqm=disable "pillow==$PILLOW"
fi
VERSION="$("$VENV/bin/python" -c 'import dzdesk; print(dzdesk.__version__)')"

say "freezing dzdesk $VERSION"
rm -rf "$DIST/dzdesk"
start=$(date +%s)
"$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$BUILD/work" "$PKG/dzdesk.spec"
echo "freeze took $(( $(date +%s) - start )) s"
BUNDLE="$DIST/dzdesk"
# On Linux one executable serves both: no arguments opens the GUI, a command runs headless.
ln -sfn dzdesk "$BUNDLE/dzdesk-cli"
[ -x "$BUNDLE/dzdesk-cli" ] || { echo "dzdesk missing from the bundle" >&2; exit 1; }

# Qt links ICU, whose data library is 31 MB; keep the root/English/Chinese data Qt uses
# (pinyin collation, time-zone names, case mapping, Chinese codecs) and prove Qt's answers
# are unchanged before the trimmed library goes into the bundle.
ICU_LIB=$(find "$BUNDLE/_internal/PySide6/Qt/lib" -name 'libicudata.so.*' -type f | head -1)
if [ -n "$ICU_LIB" ]; then
    say "trimming the ICU data library"
    rm -rf "$BUILD/icu" && mkdir -p "$BUILD/icu"
    "$VENV/bin/python" "$PKG/trim_icu.py" "$ICU_LIB" --output "$BUILD/icu/$(basename "$ICU_LIB")"
    "$VENV/bin/python" "$PKG/check_icu.py" > "$BUILD/icu-full.json"
    LD_LIBRARY_PATH="$BUILD/icu" "$VENV/bin/python" "$PKG/check_icu.py" > "$BUILD/icu-trimmed.json"
    "$VENV/bin/python" "$PKG/check_icu.py" --compare "$BUILD/icu-full.json" "$BUILD/icu-trimmed.json"
    cp "$BUILD/icu/$(basename "$ICU_LIB")" "$ICU_LIB"
fi

say "checking that every bundled library resolves inside the bundle or the base system"
missing=$(find "$BUNDLE" -name '*.so*' -type f -print0 \
    | LD_LIBRARY_PATH="$BUNDLE/_internal:$BUNDLE/_internal/PySide6/Qt/lib" xargs -0 -r ldd 2>/dev/null \
    | grep 'not found' | sort -u || true)
if [ -n "$missing" ]; then
    echo "unresolved libraries:" >&2
    echo "$missing" >&2
    exit 1
fi

# The newest glibc symbol any bundled file needs is the oldest Linux the bundle runs on.
find "$BUNDLE" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
    | xargs -0 -r objdump -T 2>/dev/null > "$BUILD/dynsyms.txt" || true
GLIBC=$(grep -o 'GLIBC_[0-9.]*' "$BUILD/dynsyms.txt" | sed 's/GLIBC_//' | sort -uV | tail -1)
echo "needs glibc >= $GLIBC"
# Libraries taken from the system on purpose (dzdesk.spec's SYSTEM_LIBS) and the newest C++
# runtime symbol the bundle asks of the system's libstdc++.
FROM_SYSTEM=$(comm -23 \
    <(find "$BUNDLE" \( -name '*.so*' -o -name dzdesk \) -type f -exec readelf -d {} + 2>/dev/null \
        | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u) \
    <(find "$BUNDLE" -name '*.so*' -printf '%f\n' | sort -u) \
    | grep -v -E '^(libc|libm|libdl|libpthread|librt|libutil|ld-linux[^ ]*)\.so' | tr '\n' ' ')
GLIBCXX=$(grep -o 'GLIBCXX_[0-9.]*' "$BUILD/dynsyms.txt" | sed 's/GLIBCXX_//' | sort -uV | tail -1)
echo "from the system: $FROM_SYSTEM(libstdc++ with GLIBCXX_$GLIBCXX)"

if [ "${SKIP_SMOKE:-0}" != 1 ]; then
    say "smoke test"
    bash "$PKG/smoke_test.sh" "$BUNDLE"
fi

say "archives"
STAGE="$BUILD/stage"
rm -rf "$STAGE"
NAME="dzdesk-$VERSION-linux-x86_64-glibc$GLIBC"  # the oldest glibc it runs on, in its name
mkdir -p "$STAGE/$NAME"
cp -a "$BUNDLE/." "$STAGE/$NAME/"
cp "$PKG/linux/dzdesk.desktop" "$PKG/icons/dzdesk.png" "$PKG/linux/install-user.sh" "$STAGE/$NAME/"
cp "$PKG/linux/README-linux.txt" "$STAGE/$NAME/使用说明.txt"
tar -C "$STAGE" -czf "$DIST/$NAME.tar.gz" "$NAME"

if command -v dpkg-deb >/dev/null; then
    DEB="$STAGE/deb"
    mkdir -p "$DEB/DEBIAN" "$DEB/opt" "$DEB/usr/bin" "$DEB/usr/share/applications"
    cp -a "$BUNDLE" "$DEB/opt/dzdesk"
    ln -s /opt/dzdesk/dzdesk "$DEB/usr/bin/dzdesk"
    ln -s /opt/dzdesk/dzdesk-cli "$DEB/usr/bin/dzdesk-cli"
    sed -e 's|^Exec=.*|Exec=/opt/dzdesk/dzdesk|' -e 's|^Icon=.*|Icon=dzdesk|' \
        "$PKG/linux/dzdesk.desktop" > "$DEB/usr/share/applications/dzdesk.desktop"
    for size in 16 24 32 48 64 128 256; do
        mkdir -p "$DEB/usr/share/icons/hicolor/${size}x${size}/apps"
        cp "$PKG/icons/dzdesk-$size.png" "$DEB/usr/share/icons/hicolor/${size}x${size}/apps/dzdesk.png"
    done
    sed -e "s/@VERSION@/$VERSION/" -e "s/@SIZE_KB@/$(du -sk "$DEB" | cut -f1)/" -e "s/@GLIBC@/$GLIBC/" \
        "$PKG/linux/control.in" > "$DEB/DEBIAN/control"
    dpkg-deb --root-owner-group -Zxz --build "$DEB" "$DIST/dzdesk_${VERSION}_amd64.deb" >/dev/null
fi

say "measurements"
{
    echo "dzdesk $VERSION Linux bundle, built $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "unpacked bundle: $(du -sm "$BUNDLE" | cut -f1) MB ($(du -sb "$BUNDLE" | cut -f1) bytes, $(find "$BUNDLE" -type f | wc -l) files)"
    echo "tar.gz: $(du -sm "$DIST/$NAME.tar.gz" | cut -f1) MB"
    echo "needs glibc >= $GLIBC (PySide6 $("$VENV/bin/python" -c 'import PySide6; print(PySide6.__version__)'); 6.10+ itself needs 2.34)"
    echo "from the system: $FROM_SYSTEM(libstdc++ with GLIBCXX_$GLIBCXX)"
    [ -f "$DIST/dzdesk_${VERSION}_amd64.deb" ] && echo "deb: $(du -sm "$DIST/dzdesk_${VERSION}_amd64.deb" | cut -f1) MB"
    echo "largest parts:"
    du -sm "$BUNDLE"/_internal/* | sort -rn | head -8 | sed 's/^/  /'
    [ -f "$BUILD/smoke/timings.txt" ] && cat "$BUILD/smoke/timings.txt"
} | tee "$DIST/build-report.txt"
