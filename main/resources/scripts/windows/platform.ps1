# Vigie security check (main/services/health/probes/windows.ts): Secure Boot and Defender tamper protection.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$o=[ordered]@{}
$o.SecureBoot=(Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\SecureBoot\State' -ErrorAction SilentlyContinue).UEFISecureBootEnabled
try { $m=Get-MpComputerStatus -ErrorAction Stop
  $o.TamperProtected=$m.IsTamperProtected
  $o.AMRunningMode=[string]$m.AMRunningMode } catch { $o.TamperProtected=$null }
[pscustomobject]$o | ConvertTo-Json -Compress
