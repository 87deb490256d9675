#!/bin/sh
# libfido2's own tools (fido2-token, fido2-cred, fido2-assert 1.12) against the Keystation
# virtual key over UDP, through the udp_preload.so shim (see udp_preload.c).
#
#   libfido2-tools.sh <udp_preload.so> <udp:127.0.0.1:PORT> setup|reset <workdir>
#
# PINs go to the tools on stdin: `setsid` detaches them from any controlling TTY, so they
# read stdin as documented in fido2-cred(1). Prints "ok ..." per step; exits non-zero on failure.
set -eu
SHIM=$1 DEV=$2 PHASE=$3 WORK=$4
PIN=246810
export LD_PRELOAD="$SHIM"
cd "$WORK"
b64() { head -c "$1" /dev/urandom | base64 -w0; }
step() { echo "ok $*"; }

if [ "$PHASE" = setup ]; then
  fido2-token -I "$DEV" > info.txt
  grep -q 'aaguid: a8d6d8f25b9c4e3a9c714b657973744e' info.txt && step "fido2-token -I: aaguid"
  grep -q 'noclientPin' info.txt && step "fido2-token -I: no PIN yet"
  printf '%s\n%s\n' "$PIN" "$PIN" | setsid -w fido2-token -S "$DEV" 2>/dev/null && step "fido2-token -S: PIN set"
  fido2-token -I "$DEV" | grep -q 'pin retries: 8' && step "pin retries 8"

  printf '%s\n%s\n%s\n%s\n' "$(b64 32)" tools.example dora "$(printf user-dora | base64)" > cred.in
  echo "$PIN" | setsid -w fido2-cred -M -r -h -c 2 -i cred.in -o cred.out "$DEV" es256 2>/dev/null && step "fido2-cred -M -r -h -c 2"
  fido2-cred -V -h -c 2 -i cred.out -o cred.pub es256 && step "fido2-cred -V: packed attestation verifies"
  sed -n 7p cred.out | base64 -d > x5c.der

  printf '%s\n%s\n%s\n%s\n' "$(b64 32)" tools.example "$(sed -n 5p cred.out)" "$(b64 32)" > assert.in
  echo "$PIN" | setsid -w fido2-assert -G -v -h -i assert.in -o assert.out "$DEV" 2>/dev/null && step "fido2-assert -G -v -h"
  fido2-assert -V -v -h -i assert.out cred.pub es256 && step "fido2-assert -V: assertion verifies"
  printf '%s\n%s\n' "$(b64 32)" tools.example > rk.in
  echo "$PIN" | setsid -w fido2-assert -G -r -v -i rk.in -o rk.out "$DEV" 2>/dev/null && step "fido2-assert -G -r (discoverable)"

  echo "$PIN" | setsid -w fido2-token -I -c "$DEV" 2>/dev/null | grep -q 'existing rk(s): 1' && step "fido2-token -I -c: 1 credential"
  echo "$PIN" | setsid -w fido2-token -L -r "$DEV" 2>/dev/null | grep -q 'tools.example' && step "fido2-token -L -r: RP listed"
  echo "$PIN" | setsid -w fido2-token -L -k tools.example "$DEV" 2>/dev/null | grep -q "$(printf user-dora | base64)" && step "fido2-token -L -k: credential listed"
  echo "$PIN" | setsid -w fido2-token -D -i "$(sed -n 5p cred.out)" "$DEV" 2>/dev/null && step "fido2-token -D: credential deleted"
  echo "$PIN" | setsid -w fido2-token -I -c "$DEV" 2>/dev/null | grep -q 'existing rk(s): 0' && step "no credentials left"
  if echo 000000 | setsid -w fido2-assert -G -v -i assert.in "$DEV" 2>/dev/null; then exit 1; fi
  fido2-token -I "$DEV" | grep -q 'pin retries: 7' && step "wrong PIN costs one retry"
elif [ "$PHASE" = ctap20 ]; then
  fido2-token -I "$DEV" | grep -q 'version strings: U2F_V2, FIDO_2_0$' && step "fido2-token -I: FIDO_2_0 only"
  printf '%s\n%s\n' "$PIN" "$PIN" | setsid -w fido2-token -S "$DEV" 2>/dev/null && step "fido2-token -S: PIN set (protocol 1)"
  printf '%s\n%s\n%s\n%s\n' "$(b64 32)" tools.example dora "$(printf user-dora | base64)" > cred.in
  echo "$PIN" | setsid -w fido2-cred -M -h -i cred.in -o cred.out "$DEV" es256 2>/dev/null && step "fido2-cred -M -h (legacy PIN token)"
  fido2-cred -V -h -i cred.out -o cred.pub es256 && step "fido2-cred -V: attestation verifies"
  printf '%s\n%s\n%s\n%s\n' "$(b64 32)" tools.example "$(sed -n 5p cred.out)" "$(b64 32)" > assert.in
  echo "$PIN" | setsid -w fido2-assert -G -v -h -i assert.in -o assert.out "$DEV" 2>/dev/null && step "fido2-assert -G -v -h"
  fido2-assert -V -v -h -i assert.out cred.pub es256 && step "fido2-assert -V: assertion verifies"
  if echo "$PIN" | setsid -w fido2-token -L -r "$DEV" >/dev/null 2>&1; then exit 1; fi
  step "fido2-token -L -r refused: no credential management on 2.0"
elif [ "$PHASE" = bio ]; then
  fido2-token -I "$DEV" | grep -q 'nobioEnroll' && step "fido2-token -I: sensor, no finger yet"
  printf '%s\n%s\n' "$PIN" "$PIN" | setsid -w fido2-token -S "$DEV" 2>/dev/null && step "fido2-token -S: PIN set"
  echo "$PIN" | setsid -w fido2-token -S -e "$DEV" 2>&1 | grep -c 'Sample ok' | grep -q 4 && step "fido2-token -S -e: finger enrolled in 4 samples"
  fido2-token -I "$DEV" | grep -q ' bioEnroll' && step "fido2-token -I: bioEnroll on"
  TEMPLATE=$(echo "$PIN" | setsid -w fido2-token -L -e "$DEV" 2>/dev/null | sed -n 's/^00: \([^ ]*\) .*/\1/p')
  [ -n "$TEMPLATE" ] && step "fido2-token -L -e: one template"
  echo "$PIN" | setsid -w fido2-token -S -e -i "$TEMPLATE" -n Thumb "$DEV" 2>/dev/null && step "fido2-token -S -e -i -n: renamed"
  echo "$PIN" | setsid -w fido2-token -L -e "$DEV" 2>/dev/null | grep -q 'Thumb' && step "template named Thumb"
  echo "$PIN" | setsid -w fido2-token -D -e -i "$TEMPLATE" "$DEV" 2>/dev/null && step "fido2-token -D -e: template deleted"
  fido2-token -I "$DEV" | grep -q 'nobioEnroll' && step "no finger left"
else
  fido2-token -R "$DEV" && step "fido2-token -R: reset"
  fido2-token -I "$DEV" | grep -q 'noclientPin' && step "PIN gone after reset"
fi
echo done
