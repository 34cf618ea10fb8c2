<#
.SYNOPSIS
    Runs the TuffOps intake listener on Windows from boot, as a scheduled task.

.DESCRIPTION
    `tuffops intake serve` is a console program, not a Windows service (the Service
    Control Manager would stop it after 30 seconds), so it runs from Task Scheduler: at
    startup, whether anyone is signed in or not, under the low-privilege LOCAL SERVICE
    account (or the account you give with -Credential), restarted by run-intake.ps1 if it
    ever stops. No third-party service wrapper is needed.

    What it sets up (run once, in an elevated PowerShell):
      C:\ProgramData\TuffOps\intake\data\        the listener's spool, unit snapshot and signing secret
      C:\ProgramData\TuffOps\intake\logs\        its output, one file per start
      C:\ProgramData\TuffOps\intake\intake.env    TUFFOPS_DATABASE_URL=... (you fill it in)
      C:\ProgramData\TuffOps\intake\run-intake.ps1
      Task Scheduler: \TuffOps\TuffOps intake listener
    Only Administrators and SYSTEM may change these files; the listener's account may
    read the configuration and write its data folder.

.EXAMPLE
    .\install-intake-task.ps1 -Exe 'C:\Program Files\TuffOps Desktop\tuffops.exe' -PublicUrl https://service.example.com
    notepad C:\ProgramData\TuffOps\intake\intake.env
    Start-ScheduledTask -TaskPath '\TuffOps\' -TaskName 'TuffOps intake listener'
    Invoke-WebRequest http://127.0.0.1:8765/healthz -UseBasicParsing    # 200 "ok"

.EXAMPLE
    .\install-intake-task.ps1 -Remove      # removes the task; keeps the data folder
#>
[CmdletBinding()]
param(
    [string]$Exe = 'C:\Program Files\TuffOps Desktop\tuffops.exe',
    [string]$DataDir = 'C:\ProgramData\TuffOps\intake',
    [string]$ListenHost = '127.0.0.1',
    [int]$Port = 8765,
    # The reverse proxy's address (Caddy on this machine: 127.0.0.1); empty = none.
    [string]$TrustedProxy = '127.0.0.1',
    [string]$PublicUrl = '',
    # A dedicated local account is better than LOCAL SERVICE when other services share it.
    [pscredential]$Credential = $null,
    [switch]$Remove
)
$ErrorActionPreference = 'Stop'
$TaskPath = '\TuffOps\'
$TaskName = 'TuffOps intake listener'

$principal = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    throw 'Run this in an elevated PowerShell (Run as administrator).'
}

if ($Remove) {
    Unregister-ScheduledTask -TaskPath $TaskPath -TaskName $TaskName -Confirm:$false -ErrorAction SilentlyContinue
    Write-Host "Removed the task. The data folder $DataDir (spool, secret) is kept."
    return
}

if (-not (Test-Path -LiteralPath $Exe)) { throw "No TuffOps program at $Exe (use -Exe)." }
$account = if ($Credential) { $Credential.UserName } else { 'NT AUTHORITY\LOCAL SERVICE' }

# Data folder: Administrators and SYSTEM full control, the listener's account may write.
New-Item -ItemType Directory -Force -Path $DataDir | Out-Null
& icacls.exe $DataDir /inheritance:r /grant:r '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-18:(OI)(CI)F' "${account}:(OI)(CI)M" | Out-Null
if ($LASTEXITCODE -ne 0) { throw "icacls failed on $DataDir" }

# Configuration: written by Administrators only, read (not written) by the listener.
$envFile = Join-Path $DataDir 'intake.env'
if (-not (Test-Path -LiteralPath $envFile)) {
    Copy-Item -LiteralPath (Join-Path $PSScriptRoot 'intake.env.example') -Destination $envFile
    Write-Host "Fill in the database address in $envFile (the restricted tuffops_intake role)."
}
$runner = Join-Path $DataDir 'run-intake.ps1'
Copy-Item -LiteralPath (Join-Path $PSScriptRoot 'run-intake.ps1') -Destination $runner -Force
foreach ($file in @($envFile, $runner)) {
    & icacls.exe $file /inheritance:r /grant:r '*S-1-5-32-544:F' '*S-1-5-18:F' "${account}:R" | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "icacls failed on $file" }
}

$arguments = @(
    '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass',
    '-File', "`"$runner`"",
    '-Exe', "`"$Exe`"",
    '-DataDir', "`"$DataDir`"",
    '-ListenHost', $ListenHost,
    '-Port', $Port
)
if ($TrustedProxy) { $arguments += @('-TrustedProxy', $TrustedProxy) }
if ($PublicUrl) { $arguments += @('-PublicUrl', $PublicUrl) }
$action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument ($arguments -join ' ') -WorkingDirectory $DataDir
$trigger = New-ScheduledTaskTrigger -AtStartup
$settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries `
    -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
    -MultipleInstances IgnoreNew
if ($Credential) {
    $task = Register-ScheduledTask -TaskPath $TaskPath -TaskName $TaskName -Action $action -Trigger $trigger `
        -Settings $settings -User $Credential.UserName -Password $Credential.GetNetworkCredential().Password `
        -RunLevel Limited -Force
} else {
    $servicePrincipal = New-ScheduledTaskPrincipal -UserId 'NT AUTHORITY\LOCAL SERVICE' -LogonType ServiceAccount -RunLevel Limited
    $task = Register-ScheduledTask -TaskPath $TaskPath -TaskName $TaskName -Action $action -Trigger $trigger `
        -Settings $settings -Principal $servicePrincipal -Force
}
Write-Host "Registered '$TaskPath$TaskName' (runs as $account at startup)."
Write-Host "Start it now:  Start-ScheduledTask -TaskPath '$TaskPath' -TaskName '$TaskName'"
Write-Host "Check it:      Invoke-WebRequest http://127.0.0.1:$Port/healthz -UseBasicParsing"
