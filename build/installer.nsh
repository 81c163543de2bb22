; Vigie — additions to electron-builder's NSIS installer (per-user, one click, no elevation).
; Included through `nsis.include` in electron-builder.yml.

!macro customUnInstall
  ; A real uninstall (not the silent uninstall of the previous version during an update) also
  ; removes the start-at-login entry the app wrote (Electron names it after the AppUserModelId).
  ${ifNot} ${isUpdated}
    DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Run" "fr.vigie.app"
    DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run" "fr.vigie.app"
  ${endIf}
!macroend
