# Vigie security check (main/services/health/probes/windows.ts): Windows edition, version and build; on Windows 10 22H2, the Extended Security Updates licences.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
param(
  # The Windows 10 build that may carry Extended Security Updates, and the WQL filter on their activation IDs (parsers/eol.ts).
  [string]$EsuBuild = '',
  [string]$EsuFilter = ''
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$v=Get-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
$o=[ordered]@{ ProductName=$v.ProductName
  EditionID=$v.EditionID
  DisplayVersion=$v.DisplayVersion
  CurrentBuild=$v.CurrentBuild
  UBR=$v.UBR }
if ($v.CurrentBuild -eq $EsuBuild) { try { $o.Esu=@(Get-CimInstance -ClassName SoftwareLicensingProduct -Filter $EsuFilter -Property ID,LicenseStatus -ErrorAction Stop | Select-Object ID,LicenseStatus) } catch { $o.Esu=$null
    $o.EsuError=$_.Exception.Message } }
[pscustomobject]$o | ConvertTo-Json -Depth 3 -Compress
