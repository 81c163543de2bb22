# Vigie security check (main/services/health/probes/windows.ts): BitLocker state of the system drive (Get-BitLockerVolume, else the shell's BitLockerProtection property).
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>. Prints one JSON document.
# No administrator rights needed; no double quote (the same text worked on the command line).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$d=$env:SystemDrive
$o=[ordered]@{MountPoint=$d}
try { $v=Get-BitLockerVolume -MountPoint $d -ErrorAction Stop
  $o.ProtectionStatus=[string]$v.ProtectionStatus
  $o.VolumeStatus=[string]$v.VolumeStatus
  $o.EncryptionPercentage=$v.EncryptionPercentage } catch {}
try { $o.BitLockerProtection=(New-Object -ComObject Shell.Application).NameSpace($d + '\').Self.ExtendedProperty('System.Volume.BitLockerProtection') } catch { $o.BitLockerProtection=$null }
[pscustomobject]$o | ConvertTo-Json -Compress
