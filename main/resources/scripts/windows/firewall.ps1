# Vigie security check (main/services/health/probes/windows.ts): Firewall profiles (the effective ActiveStore when readable), network profiles, domain membership.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$o=[ordered]@{}
try { try { $p=Get-NetFirewallProfile -PolicyStore ActiveStore -ErrorAction Stop } catch { $p=Get-NetFirewallProfile -ErrorAction Stop }
  $o.Profiles=@($p | Select-Object Name,@{n='Enabled';e={[string]$_.Enabled}}) } catch { netsh advfirewall show allprofiles state
  return }
try { $o.Connections=@(Get-NetConnectionProfile -ErrorAction Stop | Select-Object Name,InterfaceAlias,@{n='NetworkCategory';e={[string]$_.NetworkCategory}}) } catch { $o.Connections=$null
  $o.ConnectionsError=$_.Exception.Message }
try { $o.PartOfDomain=(Get-CimInstance -ClassName Win32_ComputerSystem -ErrorAction Stop).PartOfDomain } catch { $o.PartOfDomain=$null }
[pscustomobject]$o | ConvertTo-Json -Depth 3 -Compress
