#!/bin/sh
# deb post-install: configuration directory, example file, XDG autostart for every desktop session.
set -e
install -d -m 0755 /etc/branch-lobby
if [ ! -f /etc/branch-lobby/kiosk.json ]; then
  install -m 0640 "/opt/Branch Lobby Kiosk/resources/kiosk.example.json" /etc/branch-lobby/kiosk.example.json
fi
install -D -m 0644 "/opt/Branch Lobby Kiosk/resources/linux/branch-lobby-kiosk.desktop" /etc/xdg/autostart/branch-lobby-kiosk.desktop
