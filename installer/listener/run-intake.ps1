<#
.SYNOPSIS
    Keeps `tuffops intake serve` running (started by the scheduled task that
    install-intake-task.ps1 registers; not meant to be run by hand).

.DESCRIPTION
    Reads intake.env (KEY=VALUE lines: TUFFOPS_DATABASE_URL) into this process's
    environment, so the database password is never on a command line, then runs the
    listener with its output in logs\intake-<start time>.log. If it stops, it is started
    again after 5 seconds (requests it had accepted are safe in its spool).
#>
param(
    [Parameter(Mandatory)] [string]$Exe,
    [Parameter(Mandatory)] [string]$DataDir,
    [string]$ListenHost = '127.0.0.1',
    [int]$Port = 8765,
    [string]$TrustedProxy = '',
    [string]$PublicUrl = ''
)
$ErrorActionPreference = 'Stop'
$envFile = Join-Path $DataDir 'intake.env'
foreach ($line in Get-Content -LiteralPath $envFile) {
    if ($line -match '^\s*([A-Z_][A-Z0-9_]*)\s*=\s*(.*)$') {
        [Environment]::SetEnvironmentVariable($Matches[1], $Matches[2].Trim(), 'Process')
    }
}
if (-not $env:TUFFOPS_DATABASE_URL -or $env:TUFFOPS_DATABASE_URL -match 'CHANGE-ME') {
    throw "Set TUFFOPS_DATABASE_URL in $envFile first."
}
$env:TUFFOPS_DATA_DIR = $DataDir
$logs = Join-Path $DataDir 'logs'
New-Item -ItemType Directory -Force -Path $logs | Out-Null

$listenerArgs = @('intake', 'serve', '--host', $ListenHost, '--port', $Port, '--data-dir', "`"$(Join-Path $DataDir 'data')`"")
if ($TrustedProxy) { $listenerArgs += @('--trusted-proxy', $TrustedProxy, '--trusted-proxy-headers', 'x-forwarded-for,x-forwarded-proto') }
if ($PublicUrl) { $listenerArgs += @('--public-url', $PublicUrl) }

while ($true) {
    $started = Get-Date -Format 'yyyy-MM-dd-HHmmss'
    $out = Join-Path $logs "intake-$started.log"
    $err = Join-Path $logs "intake-$started.err.log"
    $process = Start-Process -FilePath $Exe -ArgumentList $listenerArgs -NoNewWindow -Wait -PassThru `
        -RedirectStandardOutput $out -RedirectStandardError $err
    Add-Content -LiteralPath (Join-Path $logs 'restarts.log') -Value "$(Get-Date -Format o) listener exited with code $($process.ExitCode); restarting in 5 s"
    Start-Sleep -Seconds 5
}
