#!/bin/sh
# 为当前用户安装 dzdesk（无需管理员权限）：复制到 ~/.local/share/dzdesk-app，并添加菜单和桌面图标。
# Per-user install without root. Data stays in ~/.local/share/dzdesk and is never touched here.
set -eu
SRC="$(cd "$(dirname "$0")" && pwd)"
DEST="${XDG_DATA_HOME:-$HOME/.local/share}/dzdesk-app"
APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
ICONS="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
mkdir -p "$DEST" "$APPS" "$ICONS"
cp -a "$SRC/." "$DEST/"
cp "$SRC/dzdesk.png" "$ICONS/dzdesk.png"
sed -e "s|^Exec=.*|Exec=\"$DEST/dzdesk\"|" -e "s|^Icon=.*|Icon=$DEST/dzdesk.png|" \
    "$SRC/dzdesk.desktop" > "$APPS/dzdesk.desktop"
chmod +x "$APPS/dzdesk.desktop"
DESKTOP="$(xdg-user-dir DESKTOP 2>/dev/null || echo "$HOME/Desktop")"
if [ -d "$DESKTOP" ]; then
    cp "$APPS/dzdesk.desktop" "$DESKTOP/dzdesk.desktop"
    chmod +x "$DESKTOP/dzdesk.desktop"
fi
echo "已安装到 $DEST 。可在开始菜单“办公”中找到“dzdesk 党支部自评”。"
