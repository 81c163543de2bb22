# Vigie security check (main/services/health/probes/windows.ts): Updates not yet installed (offline search of the local catalogue) and the date of the last one installed.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$o=[ordered]@{}
try { $s=(New-Object -ComObject Microsoft.Update.Session).CreateUpdateSearcher()
  $s.Online=$false
  $r=$s.Search('IsInstalled=0 and IsHidden=0 and Type=''Software''')
  $o.Pending=@($r.Updates | ForEach-Object { [pscustomobject]@{ Title=$_.Title
      Severity=[string]$_.MsrcSeverity
      Security=[bool]($_.Categories | Where-Object { $_.CategoryID -eq '0fa1201d-4330-4fa8-8ae9-b877473b6441' }) } }) } catch { $o.SearchError=$_.Exception.Message }
try { $h=Get-HotFix -ErrorAction Stop | Where-Object InstalledOn | Sort-Object InstalledOn | Select-Object -Last 1
  if ($h) { $o.LastInstalled=$h.InstalledOn.ToUniversalTime().ToString('o') } } catch {}
[pscustomobject]$o | ConvertTo-Json -Depth 4 -Compress
