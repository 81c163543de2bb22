# Vigie (main/platform/node/system-info.ts): the computer's model, sent with a help request.
# Run as: powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File <this file>.
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [Text.Encoding]::UTF8
(Get-CimInstance Win32_ComputerSystem).Model
