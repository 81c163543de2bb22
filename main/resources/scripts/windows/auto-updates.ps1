# Vigie security check (main/services/health/probes/windows.ts): Automatic update policy, pause, and the Windows Update service start type.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$o=[ordered]@{}
$p=Get-ItemProperty -Path 'HKLM:\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU' -ErrorAction SilentlyContinue
$o.NoAutoUpdate=$p.NoAutoUpdate
$o.AUOptions=$p.AUOptions
$u=Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\WindowsUpdate\UX\Settings' -ErrorAction SilentlyContinue
$o.PauseUpdatesExpiryTime=$u.PauseUpdatesExpiryTime
$o.WuauservStartType=[string](Get-Service -Name wuauserv).StartType
[pscustomobject]$o | ConvertTo-Json -Compress
