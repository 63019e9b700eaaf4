#!/bin/sh
# Builds the MSI (packaging/windows/wsdoctor.wxs) with Debian's wixl, then
# adds what wixl 0.101 cannot write, with msibuild's SQL: the system PATH
# entry for the program's folder (Environment: "=-*PATH" sets it, takes it
# out again on removal, in the machine's environment; "[~];" appends),
# the condition that turns that feature on with ADDTOPATH=1, and the
# actions that write and remove it; and PRESET=FILE: after the files are
# in place, `wsdoctor-cli.exe preset install FILE` checks the preset and
# writes it beside the programs as wsdoctor-preset.json (deferred, as the
# machine, so into Program Files; a bad preset fails the install, which
# rolls back), and removal deletes that file with the rest.
# Usage: msi.sh VERSION(x.y.z) GUI.exe CLI.exe ICON.ico OUT.msi
set -eu
version=$1 exe=$2 cli=$3 icon=$4 out=$5
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(realpath -m "$out.tmp")
rm -f "$tmp"
# wixl finds sources beside the .wxs, by relative names only.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/wsdoctor.wxs" "$work/"
cp "$exe" "$work/wsdoctor.exe"
cp "$cli" "$work/wsdoctor-cli.exe"
cp "$icon" "$work/wsdoctor.ico"
(cd "$work" && wixl -a x64 -D Version="$version" -D Exe=wsdoctor.exe -D CliExe=wsdoctor-cli.exe -D Icon=wsdoctor.ico -o "$tmp" wsdoctor.wxs)
q() { msibuild "$tmp" -q "$1"; }
q 'CREATE TABLE `Environment` (`Environment` CHAR(72) NOT NULL, `Name` CHAR(255) NOT NULL LOCALIZABLE, `Value` CHAR(255) LOCALIZABLE, `Component_` CHAR(72) NOT NULL PRIMARY KEY `Environment`)'
q "INSERT INTO \`Environment\` (\`Environment\`, \`Name\`, \`Value\`, \`Component_\`) VALUES ('PathEntry', '=-*PATH', '[~];[INSTALLDIR]', 'Path')"
q 'CREATE TABLE `Condition` (`Feature_` CHAR(38) NOT NULL, `Level` SHORT NOT NULL, `Condition` CHAR(255) PRIMARY KEY `Feature_`, `Level`)'
q "INSERT INTO \`Condition\` (\`Feature_\`, \`Level\`, \`Condition\`) VALUES ('AddToPath', 1, 'ADDTOPATH=\"1\"')"
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('RemoveEnvironmentStrings', 3300)"
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('WriteEnvironmentStrings', 5200)"
# Type 3090 = 18 (run an installed file) + 1024 (deferred, in the script)
# + 2048 (as the machine, not the user); its Target is formatted when the
# script is written, so [PRESET] is the property's value.
q "INSERT INTO \`CustomAction\` (\`Action\`, \`Type\`, \`Source\`, \`Target\`) VALUES ('InstallPreset', 3090, 'wsdoctor_cli.exe', 'preset install \"[PRESET]\"')"
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Condition\`, \`Sequence\`) VALUES ('InstallPreset', 'PRESET AND NOT REMOVE~=\"ALL\"', 5300)"
# Public properties the elevated part of the install may read, as Intune
# and Group Policy installs need.
q "UPDATE \`Property\` SET \`Value\` = 'WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;ADDTOPATH;PRESET' WHERE \`Property\` = 'SecureCustomProperties'"
q "INSERT INTO \`RemoveFile\` (\`FileKey\`, \`Component_\`, \`FileName\`, \`DirProperty\`, \`InstallMode\`) VALUES ('PresetFile', 'Cli', 'wsdoctor-preset.json', 'INSTALLDIR', 2)"
mv "$tmp" "$out"
