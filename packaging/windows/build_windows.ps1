# (UTF-8 with BOM: Windows PowerShell 5.1 needs it for the Chinese strings below.)
# One-command Windows build: venv -> PyInstaller one-folder build -> smoke test -> Inno Setup installer.
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build_windows.ps1
#
# Needs (on the build PC, not on the secretaries' PCs): 64-bit Python 3.11 (the `py` launcher),
# Inno Setup 6 (ISCC.exe), and network access to PyPI for the first run.
# Output: packaging\dist\dzdesk\ and packaging\dist\dzdesk-<version>-setup.exe
param(
    [string]$Python = "py -3.11",
    [switch]$SkipInstaller
)
$ErrorActionPreference = "Stop"
# The frozen programs run in Python's UTF-8 mode; read their output as UTF-8.
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$Windows = $PSScriptRoot
$Pkg = Split-Path $Windows -Parent
$Repo = Split-Path $Pkg -Parent
$Build = Join-Path $Pkg "build"
$Venv = Join-Path $Build "venv-win"
$Dist = Join-Path $Pkg "dist"
Set-Location $Repo

function Step($text) { Write-Host "`n== $text" -ForegroundColor Cyan }
function Check($ok, $what) { if (-not $ok) { throw "FAILED: $what" } ; Write-Host "  ok   $what" }

Step "build environment"
New-Item -ItemType Directory -Force $Build, $Dist | Out-Null
if (-not (Test-Path "$Venv\Scripts\python.exe")) {
    Invoke-Expression "$Python -m venv `"$Venv`""
}
$Py = "$Venv\Scripts\python.exe"
& $Py -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" |
    Set-Content -Encoding ascii "$Build\deps.txt"
& $Py -m pip install --quiet --disable-pip-version-check -r "$Build\deps.txt" -r "$Pkg\requirements.txt"
if ($LASTEXITCODE) { throw "pip install failed" }
$Version = (& $Py -c "import dzdesk; print(dzdesk.__version__)").Trim()

Step "freezing dzdesk $Version"
& "$Venv\Scripts\pyinstaller.exe" --noconfirm --log-level WARN --distpath $Dist --workpath "$Build\work-win" "$Pkg\dzdesk.spec"
if ($LASTEXITCODE) { throw "PyInstaller failed" }
$Bundle = Join-Path $Dist "dzdesk"
$Cli = Join-Path $Bundle "dzdesk-cli.exe"

Step "smoke test (frozen, no Python on PATH)"
$Home_ = Join-Path $Build "smoke-win"
if (Test-Path $Home_) { Remove-Item -Recurse -Force $Home_ }
$SavedPath = $env:Path
$env:Path = "$env:SystemRoot\System32;$env:SystemRoot"
try {
    $out = & $Cli --version; Check ($LASTEXITCODE -eq 0 -and "$out" -match "^dzdesk $Version") "--version: $out"
    $out = & $Cli --home $Home_ demo; Check ($LASTEXITCODE -eq 0 -and "$out" -match "已生成演示党支部") "demo"
    $out = & $Cli --home $Home_ doctor; Check ($LASTEXITCODE -eq 0 -and "$out" -match "完整性：完好") "doctor"
    $period = [regex]::Matches(($out -join "`n") + (& $Cli --home $Home_ status --json | Out-String), '"period": "(\d{4}Q[1-4])"') |
        ForEach-Object { $_.Groups[1].Value } | Select-Object -Last 1
    $help = (& $Cli --help) -join "`n"
    if ($help -match " verify ") {
        & $Cli --home $Home_ export --period $period -o "$Home_\branch.dzb"; Check ($LASTEXITCODE -eq 0) "export"
        & $Cli verify "$Home_\branch.dzb"; Check ($LASTEXITCODE -eq 0) "verify"
        & $Cli --home $Home_ report --period $period -o "$Home_\report.pdf"
        Check ($LASTEXITCODE -eq 0 -and (Test-Path "$Home_\report.pdf")) "report"
        # The committee side, including the XLSX that openpyxl writes without lxml in the frozen build.
        $Committee = Join-Path $Home_ "committee"
        # checked in a spawned worker process: the frozen executable started again (freeze_support)
        $env:DZDESK_IMPORT_START = "spawn"
        $out = & $Cli --home $Committee committee import "$Home_\branch.dzb"
        Remove-Item Env:DZDESK_IMPORT_START
        Check ($LASTEXITCODE -eq 0 -and "$out" -match "已导入 1") "committee import (worker process)"
        foreach ($kind in "pdf", "xlsx") {
            & $Cli --home $Committee committee summary --period $period -o "$Home_\summary.$kind"
            Check ($LASTEXITCODE -eq 0 -and (Test-Path "$Home_\summary.$kind")) "committee summary .$kind"
        }
    }
    $gui = Start-Process -FilePath (Join-Path $Bundle "dzdesk.exe") -ArgumentList "--home", "`"$Home_`"" -PassThru
    Start-Sleep -Seconds 8
    Check (-not $gui.HasExited) "GUI still running after 8 s"
    Stop-Process -Id $gui.Id
} finally {
    $env:Path = $SavedPath
}
if ($SkipInstaller) { exit 0 }

Step "installer"
$Iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
          "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") | Where-Object { Test-Path $_ } | Select-Object -First 1
if (-not $Iscc) { throw "Inno Setup 6 not found: install it from jrsoftware.org (ISCC.exe)" }
$CompilerLang = Join-Path (Split-Path $Iscc) "Languages\ChineseSimplified.isl"
$LocalLang = Join-Path $Windows "ChineseSimplified.isl"
if (-not (Test-Path $CompilerLang) -and -not (Test-Path $LocalLang)) {
    # Older Inno Setup releases keep Simplified Chinese among the unofficial translations.
    $url = "https://raw.githubusercontent.com/jrsoftware/issrc/main/Files/Languages/Unofficial/ChineseSimplified.isl"
    Write-Host "  fetching ChineseSimplified.isl (copy it into $Windows by hand on an offline build PC)"
    Invoke-WebRequest -UseBasicParsing -Uri $url -OutFile $LocalLang
}
& $Iscc /Q "/DAppVersion=$Version" "$Windows\dzdesk.iss"
if ($LASTEXITCODE) { throw "ISCC failed" }
$Setup = Join-Path $Dist "dzdesk-$Version-setup.exe"
$mb = [math]::Round((Get-ChildItem -Recurse $Bundle | Measure-Object Length -Sum).Sum / 1MB, 1)
Write-Host "`nbundle: $mb MB unpacked; installer: $([math]::Round((Get-Item $Setup).Length / 1MB, 1)) MB -> $Setup"
