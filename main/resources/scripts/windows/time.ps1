# Vigie security check (main/services/health/probes/windows.ts): Windows Time service configuration and state.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$p=Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\W32Time\Parameters' -ErrorAction SilentlyContinue
$s=Get-Service -Name W32Time -ErrorAction SilentlyContinue
[pscustomobject]@{ Type=$p.Type
  StartType=[string]$s.StartType
  Status=[string]$s.Status } | ConvertTo-Json -Compress
