#!/bin/sh
# Makes a throw-away code-signing certificate for make test-windows: a test
# CA (ca.pem) and a certificate it issued for code signing, in a password
# protected PKCS#12 file (sign.pfx, password in pass.txt), in DIR.
# Never use it for a release: Windows trusts no such CA.
# Usage: test-cert.sh DIR
set -eu
d=$1
mkdir -p "$d"
openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj '/CN=WebSocket Doctor test signing CA' \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
	-keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj '/CN=WebSocket Doctor test signer/O=WebSocket Doctor tests' \
	-keyout "$d/sign.key" -out "$d/sign.csr" 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n' >"$d/sign.ext"
openssl x509 -req -in "$d/sign.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 7 \
	-extfile "$d/sign.ext" -out "$d/sign.pem" 2>/dev/null
head -c 18 /dev/urandom | base64 >"$d/pass.txt"
openssl pkcs12 -export -inkey "$d/sign.key" -in "$d/sign.pem" -certfile "$d/ca.pem" \
	-passout "file:$d/pass.txt" -out "$d/sign.pfx"
rm -f "$d/sign.csr" "$d/sign.ext" "$d/ca.key" "$d/sign.key"
