# Vigie security check (main/services/health/probes/windows.ts): Size and free space of the system drive.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
Get-CimInstance -ClassName Win32_LogicalDisk -Filter ('DeviceID=''' + $env:SystemDrive + '''') | Select-Object DeviceID,Size,FreeSpace | ConvertTo-Json -Compress
