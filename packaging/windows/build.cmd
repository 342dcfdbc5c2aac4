@echo off
rem One command on a Windows build PC: builds packaging\dist\dzdesk-<version>-setup.exe
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0build_windows.ps1" %*
