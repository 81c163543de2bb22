# Vigie security check (main/services/health/probes/windows.ts): Screen saver lock (user settings and policy) and the machine inactivity limit.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$d=Get-ItemProperty -Path 'HKCU:\Control Panel\Desktop' -ErrorAction SilentlyContinue
$pd=Get-ItemProperty -Path 'HKCU:\Software\Policies\Microsoft\Windows\Control Panel\Desktop' -ErrorAction SilentlyContinue
$ps=Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System' -ErrorAction SilentlyContinue
[pscustomobject]@{ ScreenSaveActive=$(if ($pd.ScreenSaveActive) { $pd.ScreenSaveActive } else { $d.ScreenSaveActive })
  ScreenSaverIsSecure=$(if ($pd.ScreenSaverIsSecure) { $pd.ScreenSaverIsSecure } else { $d.ScreenSaverIsSecure })
  ScreenSaveTimeOut=$(if ($pd.ScreenSaveTimeOut) { $pd.ScreenSaveTimeOut } else { $d.ScreenSaveTimeOut })
  InactivityTimeoutSecs=$ps.InactivityTimeoutSecs } | ConvertTo-Json -Compress
