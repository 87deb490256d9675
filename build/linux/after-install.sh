#!/bin/sh
# .deb post-install: install the udev rule that lets the station user open FIDO keys.
set -e
RULE_SRC="/opt/Keystation/resources/udev/70-fido-keys.rules"
if [ -f "$RULE_SRC" ] && [ -d /etc/udev/rules.d ]; then
  install -m 0644 "$RULE_SRC" /etc/udev/rules.d/70-keystation-fido-keys.rules
  if command -v udevadm >/dev/null 2>&1; then
    udevadm control --reload-rules || true
    udevadm trigger --subsystem-match=hidraw || true
  fi
fi
