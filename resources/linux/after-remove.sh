#!/bin/sh
# deb post-remove: the autostart entry goes; /etc/branch-lobby (the branch's settings) stays.
set -e
rm -f /etc/xdg/autostart/branch-lobby-kiosk.desktop
