#!/bin/sh
# Writes the winget manifests of a release (schema 1.9.0, the multi-file
# form winget-pkgs takes): the version, the installers (the per-machine
# MSI and the per-user NSIS installer, each with its SHA-256, the MSI's
# product code) and the English description, into OUT/VERSION. Checked
# against winget's own schemas by winget-check.py (make package-check).
# Submit them to microsoft/winget-pkgs as manifests/w/WebSocketDoctor/
# WebSocketDoctor/VERSION once the files are at URLBASE.
# Usage: winget.sh VERSION MSI SETUP.exe URLBASE OUT
set -eu
version=$1 msi=$2 setup=$3 urlbase=$4 out=$5
id=WebSocketDoctor.WebSocketDoctor
dir=$out/$version
rm -rf "$dir" && mkdir -p "$dir"
sha() { sha256sum "$1" | cut -d' ' -f1 | tr a-f A-F; }
product=$(msiinfo export "$msi" Property | sed -n 's/^ProductCode\t//p' | tr -d '\r')
[ -n "$product" ] || { echo "winget.sh: no ProductCode in $msi" >&2; exit 1; }
head="# yaml-language-server: \$schema=https://aka.ms/winget-manifest"
cat >"$dir/$id.yaml" <<YAML
$head.version.1.9.0.schema.json
PackageIdentifier: $id
PackageVersion: $version
DefaultLocale: en-US
ManifestType: version
ManifestVersion: 1.9.0
YAML
cat >"$dir/$id.installer.yaml" <<YAML
$head.installer.1.9.0.schema.json
PackageIdentifier: $id
PackageVersion: $version
MinimumOSVersion: 10.0.0.0
Commands:
- wsdoctor-cli
Installers:
- Architecture: x64
  InstallerType: wix
  Scope: machine
  InstallerUrl: $urlbase/$(basename "$msi")
  InstallerSha256: $(sha "$msi")
  ProductCode: '$product'
  UpgradeBehavior: install
- Architecture: x64
  InstallerType: nullsoft
  Scope: user
  InstallerUrl: $urlbase/$(basename "$setup")
  InstallerSha256: $(sha "$setup")
  UpgradeBehavior: install
ManifestType: installer
ManifestVersion: 1.9.0
YAML
cat >"$dir/$id.locale.en-US.yaml" <<YAML
$head.defaultLocale.1.9.0.schema.json
PackageIdentifier: $id
PackageVersion: $version
PackageLocale: en-US
Publisher: The WebSocket Doctor developers
PackageName: WebSocket Doctor
License: MIT
ShortDescription: Finds out why live connections (WebSockets) do not work on this computer, and says it in plain words.
Description: |-
  WebSocket Doctor checks a live connection (WebSocket) the way the web app would make it, looks at
  the computer's proxy, VPN and TLS settings, says in plain words what stands in the way and who
  can fix it, and writes a report for the support team. It also runs from the command line:
  wsdoctor-cli check URL.
Tags:
- websocket
- proxy
- network
- diagnostics
ManifestType: defaultLocale
ManifestVersion: 1.9.0
YAML
echo "$dir"
