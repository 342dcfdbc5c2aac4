#!/usr/bin/env bash
# Smoke-test a frozen Linux bundle the way an office PC runs it: no Python on PATH,
# no network, a fresh home folder, and (for the GUI) no fonts known to fontconfig.
#
#   bash packaging/smoke_test.sh packaging/dist/dzdesk
#
# Every frozen program runs under `env -i` with PATH pointing at an empty folder.
# The screenshot helper and the timing script run with the build machine's Python
# (PYTHON, default python3): they watch the frozen program, they are not part of it.
# Writes packaging/build/smoke/ (logs, frozen-*.png, timings.txt); exit 0 = all good.
set -euo pipefail

BUNDLE="$(cd "${1:?usage: smoke_test.sh BUNDLE_DIR}" && pwd)"
PKG="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${SMOKE_OUT:-$PKG/build/smoke}"
PYTHON="${PYTHON:-python3}"
CLI="$BUNDLE/dzdesk-cli"
GUI="$BUNDLE/dzdesk"

rm -rf "$OUT"
mkdir -p "$OUT/nopython-bin" "$OUT/home"
FAIL=0
pass() { echo "  ok   $*"; }
fail() { echo "  FAIL $*"; FAIL=1; }

# A clean environment: an empty PATH folder (so no python, no tools), a throwaway HOME.
frozen() {
    env -i PATH="$OUT/nopython-bin" HOME="$OUT/home" LANG=C.UTF-8 "$@"
}
expect() {  # expect NAME PATTERN COMMAND...
    local name="$1" pattern="$2"; shift 2
    if frozen "$@" > "$OUT/$name.out" 2> "$OUT/$name.err" && { [ -z "$pattern" ] || grep -q -- "$pattern" "$OUT/$name.out"; }; then
        pass "$name"
    else
        fail "$name (wanted '$pattern'; see $OUT/$name.out/.err)"; sed 's/^/       /' "$OUT/$name.err" | tail -5
    fi
}

echo "smoke test of $BUNDLE"
if env -i PATH="$OUT/nopython-bin" sh -c 'command -v python3 || command -v python' >/dev/null 2>&1; then
    fail "python is reachable on the test PATH"; exit 1
fi
pass "no python on PATH"

H="$OUT/branch"
expect version "^dzdesk [0-9].* (template .*template format" "$CLI" --version
expect demo "已生成演示党支部" "$CLI" --home "$H" demo
PERIOD="$(grep -o '^[0-9]\{4\}Q[1-4]' "$OUT/demo.out" | tail -1 || true)"
[ -n "$PERIOD" ] || { echo "  FAIL no period in the demo output; stopping"; exit 1; }
expect status "得分" "$CLI" --home "$H" status --period "$PERIOD"
expect doctor "完整性：完好" "$CLI" --home "$H" doctor
grep -q "运行方式：安装版（已打包）" "$OUT/doctor.out" && pass "doctor sees the frozen build" || fail "doctor frozen flag"
grep -q "_internal/dzdesk/resources" "$OUT/doctor.out" && pass "resources found inside the bundle" || fail "resource path"

if frozen "$CLI" --help | grep -q " report "; then
    expect report "" "$CLI" --home "$H" report --period "$PERIOD" -o "$OUT/report.pdf"
    if [ -s "$OUT/report.pdf" ] && head -c 5 "$OUT/report.pdf" | grep -q '%PDF-'; then pass "report.pdf written"; else fail "report.pdf"; fi
    if command -v pdffonts >/dev/null; then
        unembedded=$(pdffonts "$OUT/report.pdf" | awk 'NR > 2 && $(NF-4) != "yes"' | wc -l)
        [ "$unembedded" = 0 ] && pass "report.pdf: every font embedded (bundled fonts found in the frozen build)" \
            || fail "report.pdf has $unembedded fonts not embedded"
    fi
fi
if frozen "$CLI" --help | grep -q " verify "; then
    expect export "" "$CLI" --home "$H" export --period "$PERIOD" -o "$OUT/branch.dzb"
    expect verify "$PERIOD" "$CLI" verify "$OUT/branch.dzb"
    # The committee side: import, overview, summary PDF and XLSX (openpyxl without lxml).
    C="$OUT/committee"
    # checked in a spawned worker process (the frozen executable started again: freeze_support)
    expect committee-import "已导入 1" /usr/bin/env DZDESK_IMPORT_START=spawn "$CLI" --home "$C" committee import "$OUT/branch.dzb"
    expect committee-import-fork "已导入 1" /usr/bin/env DZDESK_IMPORT_START=fork "$CLI" --home "$OUT/committee-fork" committee import "$OUT/branch.dzb"
    expect committee-list "已提交 1 个" "$CLI" --home "$C" committee list --period "$PERIOD"
    expect committee-pdf "已生成" "$CLI" --home "$C" committee summary --period "$PERIOD" -o "$OUT/summary.pdf"
    expect committee-xlsx "已生成" "$CLI" --home "$C" committee summary --period "$PERIOD" -o "$OUT/summary.xlsx"
    BRANCH_NAME=$(awk -F'\t' '$1 == "1" {print $2}' "$OUT/committee-list.out")
    if "$PYTHON" "$PKG/check_summary.py" "$OUT/summary.xlsx" "$BRANCH_NAME" 2> "$OUT/xlsx-check.err"; then
        pass "summary.xlsx opens with both sheets and the branch ($BRANCH_NAME)"
    else
        fail "summary.xlsx"; cat "$OUT/xlsx-check.err"
    fi
else
    echo "  skip verify: this build has no 'verify' command yet"
fi

# Bad input: one clear sentence, exit 1, no traceback.
if frozen "$CLI" --home "$H" status --period 2026Q9 > "$OUT/bad.out" 2> "$OUT/bad.err"; then
    fail "bad period accepted"
elif grep -q "Traceback" "$OUT/bad.err"; then fail "traceback on bad input"; else pass "bad period -> $(head -1 "$OUT/bad.err")"; fi

# Portable mode: a `portable` file beside the executable keeps data beside it.
USB="$OUT/usb/dzdesk"
mkdir -p "$OUT/usb"
cp -al "$BUNDLE" "$USB" 2>/dev/null || cp -a "$BUNDLE" "$USB"
touch "$USB/portable"
expect portable-demo "已生成演示党支部" "$USB/dzdesk-cli" demo --draft
if [ -f "$USB/data/dzdesk.sqlite" ] && [ -f "$USB/data/keys/branch-cert.pem" ] && [ ! -e "$OUT/home/.local/share/dzdesk" ]; then
    pass "portable: data in $USB/data, nothing in HOME"
else
    fail "portable data location"
fi
expect portable-doctor "便携模式" "$USB/dzdesk-cli" doctor

# GUI under Xvfb with an empty fontconfig: only the bundled font can draw Chinese.
if [ -x "$GUI" ]; then
    cat > "$OUT/empty-fonts.conf" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><cachedir>/nonexistent-fontconfig-cache</cachedir></fontconfig>
EOF
    fonts_known=$(FONTCONFIG_FILE="$OUT/empty-fonts.conf" fc-list 2>/dev/null | wc -l || true)
    [ "$fonts_known" = 0 ] && pass "empty fontconfig: fc-list finds 0 fonts" || fail "fontconfig still finds $fonts_known fonts"
    DISPLAY_NUM=$(( 90 + RANDOM % 100 ))
    /usr/bin/Xvfb ":$DISPLAY_NUM" -screen 0 1366x768x24 -nolisten tcp -noreset > "$OUT/xvfb.log" 2>&1 &
    XVFB=$!
    trap 'kill $XVFB 2>/dev/null || true' EXIT
    sleep 1
    shot() {  # shot HOME PNG: start the GUI, time the first window, screenshot it, stop it
        local home="$1" png="$2" name; name="$(basename "$png" .png)"
        env -i PATH="$OUT/nopython-bin" HOME="$OUT/home" LANG=C.UTF-8 DISPLAY=":$DISPLAY_NUM" \
            FONTCONFIG_FILE="$OUT/empty-fonts.conf" QT_QPA_PLATFORM=xcb \
            "$GUI" --home "$home" > "$OUT/$name.out" 2> "$OUT/$name.err" &
        local pid=$!
        if DISPLAY=":$DISPLAY_NUM" "$PYTHON" "$PKG/screen_wait.py" "$png" >> "$OUT/timings.txt"; then
            kill -0 "$pid" 2>/dev/null && pass "GUI $name running, screenshot $png" || fail "GUI $name exited early"
        else
            fail "GUI $name: no window within the time limit"
        fi
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        if grep -q "Traceback" "$OUT/$name.err"; then fail "GUI $name printed a traceback"; sed 's/^/       /' "$OUT/$name.err" | tail -8; fi
    }
    shot "$H" "$OUT/frozen-gui-main-nofonts.png"
    shot "$OUT/fresh" "$OUT/frozen-gui-setup-nofonts.png"
    if [ -f "$OUT/committee/committee.sqlite" ]; then  # committee mode on the folder the CLI imported into
        printf '{"mode": "committee"}' > "$OUT/committee/settings.json"
        shot "$OUT/committee" "$OUT/frozen-gui-committee-nofonts.png"
    fi
    kill $XVFB 2>/dev/null || true
    trap - EXIT

    if timeout 8 env -i PATH="$OUT/nopython-bin" HOME="$OUT/home" QT_QPA_PLATFORM=offscreen \
        "$GUI" --home "$H" > "$OUT/offscreen.out" 2> "$OUT/offscreen.err"; then
        fail "offscreen GUI exited before the timeout"
    elif [ $? -eq 124 ] && ! grep -q Traceback "$OUT/offscreen.err"; then
        pass "GUI runs offscreen (stopped after 8 s)"
    else
        fail "offscreen GUI"; tail -5 "$OUT/offscreen.err"
    fi
else
    echo "  skip GUI: this bundle has no dzdesk GUI executable"
fi

"$PYTHON" "$PKG/bench_start.py" "$BUNDLE" >> "$OUT/timings.txt" || fail "start-time measurement"
cat "$OUT/timings.txt"
[ "$FAIL" = 0 ] && echo "smoke test passed" || { echo "smoke test FAILED"; exit 1; }
