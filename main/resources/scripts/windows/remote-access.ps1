# Vigie security check (main/services/health/probes/windows.ts): Remote Desktop settings (local and policy) and remote-control tools running or installed.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
param(
  # Regular expressions of the remote-control tools' service and process names (parsers/remote-tools.ts).
  [string]$ServicePattern = '^$',
  [string]$ProcessPattern = '^$'
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$o=[ordered]@{}
$t=Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server' -ErrorAction SilentlyContinue
$o.fDenyTSConnections=$t.fDenyTSConnections
$l=Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp' -ErrorAction SilentlyContinue
$o.UserAuthentication=$l.UserAuthentication
$o.PortNumber=$l.PortNumber
$g=Get-ItemProperty -Path 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services' -ErrorAction SilentlyContinue
$o.PolicyDenyTSConnections=$g.fDenyTSConnections
$o.PolicyUserAuthentication=$g.UserAuthentication
$s=@(Get-Service -ErrorAction SilentlyContinue)
$o.Services=$(if ($s.Count) { @($s | Where-Object { $_.Name -match $ServicePattern -or $_.DisplayName -match $ServicePattern } | Select-Object Name,DisplayName,@{n='Status';e={[string]$_.Status}},@{n='StartType';e={[string]$_.StartType}}) } else { $null })
$o.Processes=@(Get-Process -ErrorAction SilentlyContinue | Where-Object { $_.ProcessName -match $ProcessPattern } | Select-Object -ExpandProperty ProcessName -Unique)
[pscustomobject]$o | ConvertTo-Json -Depth 3 -Compress
