#!/bin/sh
# Signs a Windows program in place with osslsigncode (Authenticode, SHA-256).
# Usage: sign.sh PFX PASSWORD_FILE TIMESTAMP_URL|- FILE
# make package-windows SIGN_PFX=... SIGN_PASS_FILE=... [TIMESTAMP_URL=...]
# calls it for the program, the console companion, and (through makensis)
# the installer and the uninstaller. Without a timestamp, the signature
# stops being valid when the certificate expires.
set -eu
pfx=$1 pass=$2 ts=$3 file=$4
set -- -pkcs12 "$pfx" -readpass "$pass" -h sha256 -n "WebSocket Doctor" -i "https://codeberg.org/wsdoctor/wsdoctor"
[ "$ts" != - ] && set -- "$@" -ts "$ts"
rm -f "$file.signed"
osslsigncode sign "$@" -in "$file" -out "$file.signed" >/dev/null
mv "$file.signed" "$file"
echo "signed $file"
