# Vigie security check (main/services/health/probes/windows.ts): Microsoft Defender status and the antivirus products Security Center knows.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$o=[ordered]@{}
try { $o.Defender = Get-MpComputerStatus -ErrorAction Stop | Select-Object AMRunningMode,AntivirusEnabled,RealTimeProtectionEnabled,AntivirusSignatureAge,DefenderSignaturesOutOfDate,@{n='AntivirusSignatureLastUpdated';e={ if ($_.AntivirusSignatureLastUpdated) { $_.AntivirusSignatureLastUpdated.ToUniversalTime().ToString('o') } }} } catch { $o.Defender=$null
  $o.DefenderError=$_.Exception.Message }
try { $o.Products=@(Get-CimInstance -Namespace root/SecurityCenter2 -ClassName AntivirusProduct -ErrorAction Stop | Select-Object displayName,productState) } catch { $o.Products=$null
  $o.ProductsError=$_.Exception.Message }
[pscustomobject]$o | ConvertTo-Json -Depth 4 -Compress
