# Vigie security check (main/services/health/probes/windows.ts): SMBv1 on the server side: registry, optional feature state, srv driver.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$o=[ordered]@{}
$p=Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\LanmanServer\Parameters' -ErrorAction SilentlyContinue
$o.ServerSMB1=$p.SMB1
$o.LanmanServerStart=(Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\LanmanServer' -ErrorAction SilentlyContinue).Start
try { $f=Get-CimInstance -ClassName Win32_OptionalFeature -Filter 'Name=''SMB1Protocol-Server''' -ErrorAction Stop
  $o.FeatureServer=$(if ($f) { [int]$f.InstallState } else { 3 }) } catch { $o.FeatureServer=$null }
$d=Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\srv' -ErrorAction SilentlyContinue
$o.Srv1Present=[bool]$d
$o.Srv1Start=$d.Start
[pscustomobject]$o | ConvertTo-Json -Compress
