# Vigie security check (main/services/health/probes/windows.ts): The built-in Guest account (SID ending in -501).
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
@(Get-CimInstance -ClassName Win32_UserAccount -Filter 'LocalAccount=True' | Where-Object { $_.SID -like '*-501' } | Select-Object Name,SID,Disabled) | ConvertTo-Json -Compress
