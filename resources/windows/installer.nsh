; NSIS additions (electron-builder "include"): configuration folder and autostart for every user.
!macro customInstall
  CreateDirectory "$COMMONPROGRAMDATA\BranchLobby"
  IfFileExists "$COMMONPROGRAMDATA\BranchLobby\kiosk.json" +2 0
    CopyFiles /SILENT "$INSTDIR\resources\kiosk.example.json" "$COMMONPROGRAMDATA\BranchLobby\kiosk.example.json"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "BranchLobbyKiosk" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}"'
!macroend

!macro customUnInstall
  DeleteRegValue HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "BranchLobbyKiosk"
!macroend
