# Vigie security check (main/services/health/probes/windows.ts): Automatic logon: only whether a DefaultPassword is stored, never the password itself.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$w=Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon'
[pscustomobject]@{ AutoAdminLogon=$w.AutoAdminLogon
  DefaultUserName=$w.DefaultUserName
  DefaultPasswordSet=(-not [string]::IsNullOrEmpty([string]$w.DefaultPassword)) } | ConvertTo-Json -Compress
