#!/bin/bash
# Runs the packaged Windows programs under Wine and checks what they do:
# checks against the Linux `wsdoctor serve` on loopback (ws://, wss:// with
# --ca, a closed port, a bad address), the Windows proxy settings written
# into the registry with `wine reg add` (each read by `env --json` and taken
# by `check` through a real squid on loopback), the console companion's
# exit codes through cmd.exe, the NSIS installer and its uninstaller, a
# preset beside the portable exe, one built in and one added by `preset
# embed`, the signatures, and the window on Xvfb (a screenshot).
#
# Usage: test-windows.sh VERSION LINUX_TARXZ EXE CLI_EXE INSTALLER
# Optional, from the environment:
#   VARIANT_INSTALLER  an installer built with PRESET=VARIANT_PRESET and signed
#   VARIANT_PRESET     that preset
#   SIGN_CA            the CA certificate (PEM) of the test signing key
#   SCREENSHOT         where to save the screenshot of the window
#
# Everything runs in a throw-away Wine prefix (WINEPREFIX=$(mktemp -d));
# every network connection goes to 127.0.0.1. Needs wine, wine64, squid,
# python3 (the PAC file's web server), openssl, jq, Xvfb, ImageMagick,
# x11-utils, MinGW-w64 (for the ProcessPrng shim) and osslsigncode.
set -u
version=$1 tarxz=$2 exe=$3 cliexe=$4 setup=$5
here=$(cd "$(dirname "$0")" && pwd)
start=$(date +%s)
work=$(mktemp -d /tmp/wsdoctor-wine.XXXXXX)
chmod 755 "$work"
export WINEPREFIX=$work/prefix WINEDEBUG=-all WINEARCH=win64
# No Mono or Gecko install dialogs: the programs under test need neither.
export WINEDLLOVERRIDES='mscoree,mshtml='
unset DISPLAY http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	[ -d "$WINEPREFIX" ] && wineserver -k 2>/dev/null
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
show() { sed 's/^/     /' "$@" | head -40; }
# expect DESCRIPTION COMMAND...: passes when COMMAND succeeds.
expect() {
	what=$1; shift
	if "$@"; then ok "$what"; else bad "$what"; [ -s "$work/out" ] && show "$work/out"; [ -s "$work/err" ] && show "$work/err"; fi
}
# jqt FILTER: the last output holds JSON for which FILTER is true.
jqt() { jq -e "$1" "$work/out" >/dev/null 2>&1; }
# zpath PATH: the Windows name of a Linux path (Wine's drive Z: is /).
zpath() { printf 'Z:%s' "$1" | tr / '\\'; }
# run TIMEOUT PROGRAM ARGS...: runs a Windows program; rc is its exit code,
# $work/out and $work/err its output.
run() {
	t=$1; shift
	rc=0
	timeout "$t" wine "$@" >"$work/out" 2>"$work/err" </dev/null || rc=$?
}
freeport() {
	while :; do
		p=$((20000 + RANDOM % 30000))
		[ -z "$(ss -Htln "sport = :$p")" ] && { echo "$p"; return; }
	done
}
# waitport PORT: up to 60 s for something to listen on 127.0.0.1:PORT.
waitport() {
	for _ in $(seq 600); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "nothing listens on 127.0.0.1:$1" >&2
	return 1
}
elapsed() { echo "$(($(date +%s) - start)) s"; }
# want SECTION: SECTION (checks, proxy, console, presets, install) is not
# in SKIP, a list for quicker runs while working on the script.
want() { case " ${SKIP:-} " in *" $1 "*) echo "== $1: skipped (SKIP)"; return 1 ;; esac; }

echo "== Wine prefix $WINEPREFIX"
wine --version
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$work/bcryptprimitives.dll" "$here/windows/processprng.c" -ladvapi32 || exit 1
wine wineboot -i >"$work/wineboot.log" 2>&1 || { show "$work/wineboot.log"; exit 1; }
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
winuser=$(ls "$WINEPREFIX/drive_c/users" | grep -v -x Public | head -1)
echo "     prefix ready after $(elapsed), user $winuser"

echo "== Loopback servers"
mkdir -p "$work/linux" && tar -xJf "$tarxz" -C "$work/linux"
linux=$(find "$work/linux" -path '*/bin/wsdoctor' | head -1)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=wsdoctor wine test CA' \
	-keyout "$work/ca.key" -out "$work/ca.pem" -addext basicConstraints=critical,CA:TRUE 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj '/CN=echo.wsd.test' -keyout "$work/srv.key" -out "$work/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:echo.wsd.test,DNS:echo.skip.test,DNS:wsdtarget\n' >"$work/san.ext"
openssl x509 -req -in "$work/srv.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
	-extfile "$work/san.ext" -out "$work/srv.pem" 2>/dev/null
wsport=$(freeport)
"$linux" serve --addr "127.0.0.1:$wsport" >"$work/serve-ws.log" 2>&1 &
pids+=($!)
wssport=$(freeport)
"$linux" serve --addr "127.0.0.1:$wssport" --tls-cert "$work/srv.pem" --tls-key "$work/srv.key" >"$work/serve-wss.log" 2>&1 &
pids+=($!)
# squid, listening on two ports (one for http=, one for https=), resolves
# the test's names from its own hosts file: they do not resolve for the
# Windows program, so a check of them works only through the proxy.
sqa=$(freeport) sqb=$(freeport)
mkdir -p "$work/squid" && chmod 777 "$work/squid"
printf '127.0.0.1 echo.wsd.test echo.skip.test wsdtarget\n' >"$work/squid/hosts"
cat >"$work/squid/squid.conf" <<EOF
http_port 127.0.0.1:$sqa
http_port 127.0.0.1:$sqb
hosts_file $work/squid/hosts
pid_filename $work/squid/squid.pid
cache_log $work/squid/cache.log
logformat wsd %lp %rm %ru %>Hs
access_log $work/squid/access.log wsd
cache deny all
cache_mem 8 MB
coredump_dir $work/squid
pinger_enable off
netdb_filename none
shutdown_lifetime 0 seconds
http_access allow all
EOF
squid -N -f "$work/squid/squid.conf" >"$work/squid/out.log" 2>&1 &
pids+=($!)
# The PAC file, on a web server of its own.
pacport=$(freeport)
mkdir -p "$work/www"
cat >"$work/www/proxy.pac" <<EOF
function FindProxyForURL(url, host) {
  if (shExpMatch(host, "*.wsd.test")) return "PROXY 127.0.0.1:$sqa";
  return "DIRECT";
}
EOF
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$pacport" >"$work/www.log" 2>&1 &
pids+=($!)
for p in $wsport $wssport $sqa $sqb $pacport; do
	waitport "$p" || { tail -n 20 "$work"/serve-*.log "$work/squid/out.log" "$work/squid/cache.log" "$work/www.log"; exit 1; }
done
ca=$(zpath "$work/ca.pem")
echo "     ws :$wsport, wss :$wssport, squid :$sqa and :$sqb, PAC :$pacport, after $(elapsed)"

if want checks; then
echo "== $exe: checks"
run 60 "$exe" version
expect "exe runs: $(head -1 "$work/out")" grep -q "^wsdoctor $version (" "$work/out"
run 90 "$exe" check "ws://127.0.0.1:$wsport/ws" --json --quiet
expect "ws:// to the Linux server: exit 0 ($rc)" [ "$rc" = 0 ]
expect "ws:// verdict works, no probe failed" jqt '.verdict == "works" and ([.results[] | select(.status == "fail")] | length == 0) and ([.results[] | select(.probe == "echo" and .status == "pass")] | length == 1)'
expect "ws:// report says os windows" jqt '.environment.os == "windows"'
run 90 "$exe" check "wss://127.0.0.1:$wssport/ws" --ca "$ca" --json --quiet
expect "wss:// with --ca: exit 0 ($rc)" [ "$rc" = 0 ]
expect "wss:// verdict works, TLS passed with the CA file" jqt '.verdict == "works" and ([.results[] | select(.status == "fail")] | length == 0) and ([.results[] | select(.probe == "tls" and .status == "pass")] | length == 1)'
run 90 "$exe" check "wss://127.0.0.1:$wssport/ws" --json --quiet
expect "wss:// without --ca: exit 1 ($rc), tls-cert-invalid" sh -c "[ $rc = 1 ] && jq -e '[.findings[].id] | index(\"tls-cert-invalid\")' '$work/out' >/dev/null"
closed=$(freeport)
run 90 "$exe" check "ws://127.0.0.1:$closed/ws" --json --quiet
expect "closed port: exit 1 ($rc)" [ "$rc" = 1 ]
expect "closed port: tcp-blocked" jqt '[.findings[].id] | index("tcp-blocked")'
run 60 "$exe" check 'ws://bad host/' --json --quiet
expect "bad address: exit 2 ($rc)" [ "$rc" = 2 ]
fi

if want proxy; then
echo "== $exe: Windows proxy settings (wine reg add)"
IS='HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
WH='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections'
reg() { wine reg "$@" >>"$work/reg.log" 2>&1; }
regclear() {
	for v in ProxyEnable ProxyServer ProxyOverride AutoConfigURL; do reg delete "$IS" /v "$v" /f; done
	reg delete "$IS\\Connections" /v DefaultConnectionSettings /f
	reg delete "$WH" /v WinHttpSettings /f
}
# blob FLAGS PROXY BYPASS PACURL: a connection-settings value, as the
# Internet Options dialog (DefaultConnectionSettings) and netsh winhttp
# (WinHttpSettings) write it, in the hex reg add takes.
le32() { printf '%02x%02x%02x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
bstr() { le32 ${#1}; printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
blob() { printf '%s%s%s%s%s%s%s' "$(le32 70)" "$(le32 1)" "$(le32 "$1")" "$(bstr "$2")" "$(bstr "$3")" "$(bstr "$4")" "$(printf '%064d' 0)"; }
# through PORT HOST: squid's port PORT carried a request for HOST since
# the last mark.
mark() { : >"$work/squid/access.log"; }
through() { grep -q "^$1 .*$2" "$work/squid/access.log"; }
env_route() { run 90 "$exe" env --json "$@"; }
check_json() { run 120 "$exe" check "$@" --json --quiet; }
# via URL SOURCE: the check's proxy probe opened its tunnel through URL,
# the proxy SOURCE named. (The names squid knows do not resolve for the
# Windows program, and today the engine then skips the upgrade even when a
# proxy would look the name up: the check ends with dns-failure. The route
# is what is asserted here, through the proxy probe and squid's log.)
via() { jqt "[.results[] | select(.probe == \"proxy\" and .status == \"pass\" and .evidence.proxy == \"$1\" and .evidence.proxy_source == \"$2\" and (.evidence.proxy_status | startswith(\"200\")))] | length == 1"; }

# 1. One proxy for every protocol, with exceptions.
regclear
reg add "$IS" /v ProxyEnable /t REG_DWORD /d 1 /f
reg add "$IS" /v ProxyServer /t REG_SZ /d "127.0.0.1:$sqa" /f
reg add "$IS" /v ProxyOverride /t REG_SZ /d '<local>;*.skip.test' /f
env_route "ws://echo.wsd.test:$wsport/ws"
expect "ProxyServer: env names it, from the registry" jqt "(.settings.configs[] | select(.source == \"wininet\") | .enabled and .mode == \"manual\" and .origin == \"HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Internet Settings\")"
expect "ProxyServer: env route http://127.0.0.1:$sqa (wininet, ProxyServer)" jqt ".route.route == \"http://127.0.0.1:$sqa\" and .route.source == \"wininet\" and .route.origin == \"ProxyServer\""
expect "ProxyOverride: env has both exceptions" jqt '(.settings.configs[] | select(.source == "wininet") | .bypass) == ["<local>", "*.skip.test"]'
mark
check_json "ws://echo.wsd.test:$wsport/ws"
expect "ProxyServer: check of a name only squid knows goes through http://127.0.0.1:$sqa (wininet)" via "http://127.0.0.1:$sqa" wininet
expect "ProxyServer: the report names the proxy and its source" jqt ".environment.proxy.configured and .environment.proxy.url == \"http://127.0.0.1:$sqa\" and .environment.proxy.source == \"wininet\""
expect "ProxyServer: squid carried the check" through "$sqa" "CONNECT echo.wsd.test:$wsport"
mark
check_json "wss://echo.wsd.test:$wssport/ws" --ca "$ca"
expect "ProxyServer: wss:// goes through the same proxy" via "http://127.0.0.1:$sqa" wininet
expect "ProxyServer: squid carried the CONNECT" through "$sqa" "CONNECT echo.wsd.test:$wssport"
env_route "ws://echo.skip.test:$wsport/ws"
expect "ProxyOverride *.skip.test: env route DIRECT by that exception" jqt '.route.route == "DIRECT" and .route.bypass == "*.skip.test"'
mark
check_json "ws://echo.skip.test:$wsport/ws"
expect "ProxyOverride *.skip.test: check goes direct (the name does not resolve: dns-failure)" sh -c "[ $rc = 1 ] && jq -e '[.findings[].id] | index(\"dns-failure\")' '$work/out' >/dev/null"
expect "ProxyOverride *.skip.test: squid saw nothing" sh -c "! grep -q skip.test '$work/squid/access.log'"
env_route "ws://wsdtarget:$wsport/ws"
expect "ProxyOverride <local>: a name without a dot goes DIRECT" jqt '.route.route == "DIRECT" and .route.bypass == "<local>"'
env_route "ws://127.0.0.1:$wsport/ws"
expect "loopback never goes to the proxy" jqt '.route.route == "DIRECT"'

# 2. One proxy per protocol.
regclear
reg add "$IS" /v ProxyEnable /t REG_DWORD /d 1 /f
reg add "$IS" /v ProxyServer /t REG_SZ /d "http=127.0.0.1:$sqa;https=127.0.0.1:$sqb;socks=127.0.0.1:1080" /f
env_route "ws://echo.wsd.test:$wsport/ws"
expect "per protocol: ws:// goes to the http= proxy" jqt ".route.route == \"http://127.0.0.1:$sqa\" and .route.origin == \"ProxyServer http=\""
expect "per protocol: socks= read as SOCKS4" jqt '(.settings.configs[] | select(.source == "wininet") | .socks.url) == "socks4://127.0.0.1:1080"'
env_route "wss://echo.wsd.test:$wssport/ws"
expect "per protocol: wss:// goes to the https= proxy" jqt ".route.route == \"http://127.0.0.1:$sqb\" and .route.origin == \"ProxyServer https=\""
mark
check_json "ws://echo.wsd.test:$wsport/ws"
expect "per protocol: ws:// check through the http= proxy :$sqa" sh -c "grep -q '^$sqa CONNECT echo.wsd.test:$wsport' '$work/squid/access.log' && ! grep -q '^$sqb ' '$work/squid/access.log'"
expect "per protocol: the report's proxy probe names it" via "http://127.0.0.1:$sqa" wininet
mark
check_json "wss://echo.wsd.test:$wssport/ws" --ca "$ca"
expect "per protocol: wss:// check through the https= proxy :$sqb" sh -c "grep -q '^$sqb CONNECT echo.wsd.test:$wssport' '$work/squid/access.log' && ! grep -q '^$sqa ' '$work/squid/access.log'"
expect "per protocol: the report's proxy probe names it" via "http://127.0.0.1:$sqb" wininet

# 3. A PAC file (AutoConfigURL) served on loopback.
regclear
pac="http://127.0.0.1:$pacport/proxy.pac"
reg add "$IS" /v AutoConfigURL /t REG_SZ /d "$pac" /f
env_route "ws://echo.wsd.test:$wsport/ws"
expect "AutoConfigURL: env shows the PAC URL" jqt "(.settings.configs[] | select(.source == \"wininet\") | .mode == \"PAC\" and .pac_url == \"$pac\")"
expect "AutoConfigURL: the PAC file answers PROXY 127.0.0.1:$sqa" jqt ".route.route == \"http://127.0.0.1:$sqa\" and .route.source == \"pac\" and .route.origin == \"$pac\" and .route.setting == \"wininet\""
mark
check_json "ws://echo.wsd.test:$wsport/ws"
expect "AutoConfigURL: check through squid as the PAC file said" sh -c "grep -q '^$sqa CONNECT echo.wsd.test:$wsport' '$work/squid/access.log'"
expect "AutoConfigURL: the report's proxy probe names it, from the PAC file" via "http://127.0.0.1:$sqa" pac
expect "AutoConfigURL: the report names the PAC file" jqt ".environment.proxy.source == \"pac\" and .environment.proxy.pac_url == \"$pac\""
expect "AutoConfigURL: the PAC file was fetched from the loopback server" grep -q 'GET /proxy.pac' "$work/www.log"
env_route "ws://echo.skip.test:$wsport/ws"
expect "AutoConfigURL: the PAC file sends other names DIRECT" jqt '.route.route == "DIRECT" and .route.source == "pac"'

# 4. The Internet Options blob: "Automatically detect settings" on, and a
# manual proxy in the blob alone (no ProxyEnable/ProxyServer values).
regclear
reg add "$IS\\Connections" /v DefaultConnectionSettings /t REG_BINARY /d "$(blob 11 "127.0.0.1:$sqa" '<local>' '')" /f
env_route "ws://echo.wsd.test:$wsport/ws"
expect "DefaultConnectionSettings: auto-detect on, read from the blob" jqt '(.settings.configs[] | select(.source == "wininet") | .auto_detect and .enabled)'
expect "DefaultConnectionSettings: WPAD found nothing (said in the route), then the blob's proxy" jqt "(.route.notes | any(test(\"auto-detect\"))) and .route.route == \"http://127.0.0.1:$sqa\""
mark
check_json "ws://echo.wsd.test:$wsport/ws"
expect "DefaultConnectionSettings: check through the blob's proxy" sh -c "grep -q '^$sqa CONNECT echo.wsd.test:$wsport' '$work/squid/access.log'"
expect "DefaultConnectionSettings: the report's proxy probe names it" via "http://127.0.0.1:$sqa" wininet

# 5. The machine-wide WinHTTP proxy (netsh winhttp set proxy): reported,
# not used by the check, as applications that follow WinINET do.
regclear
reg add "$WH" /v WinHttpSettings /t REG_BINARY /d "$(blob 3 "127.0.0.1:$sqb" '<local>' '')" /f
env_route "ws://echo.wsd.test:$wsport/ws"
expect "WinHttpSettings: env shows the machine-wide proxy" jqt "(.settings.configs[] | select(.source == \"winhttp\") | .enabled and .mode == \"proxy\" and .http.url == \"http://127.0.0.1:$sqb\" and .bypass == [\"<local>\"])"
expect "WinHttpSettings: the check's route is not taken from it" jqt '.route.route == "DIRECT" and .route.source != "winhttp"'
regclear
echo "     proxy settings done after $(elapsed)"
fi

if want console; then
echo "== $cliexe: the console companion"
x86_64-w64-mingw32-objdump -p "$cliexe" >"$work/cli-pe.txt"
expect "wsdoctor-cli.exe is a console program (Subsystem 3)" grep -q '^Subsystem[[:space:]]*00000003' "$work/cli-pe.txt"
closed=$(freeport)
cat >"$work/codes.bat" <<BAT
@echo off
"$(zpath "$cliexe")" version
echo ERRORLEVEL=%ERRORLEVEL%
"$(zpath "$cliexe")" check ws://127.0.0.1:$wsport/ws --quiet
echo ERRORLEVEL=%ERRORLEVEL%
"$(zpath "$cliexe")" check ws://127.0.0.1:$closed/ws --quiet
echo ERRORLEVEL=%ERRORLEVEL%
"$(zpath "$cliexe")" check "ws://bad host/" --quiet
echo ERRORLEVEL=%ERRORLEVEL%
BAT
run 300 cmd /c "$(zpath "$work/codes.bat")"
tr -d '\r' <"$work/out" >"$work/codes.txt"
expect "cmd.exe sees the exit codes: version 0, works 0, closed port 1, bad address 2" \
	[ "$(grep '^ERRORLEVEL=' "$work/codes.txt" | tr '\n' ' ')" = "ERRORLEVEL=0 ERRORLEVEL=0 ERRORLEVEL=1 ERRORLEVEL=2 " ]
expect "cmd.exe shows the output in order: version, the verdicts" sh -c "grep -q '^wsdoctor $version (' '$work/codes.txt' && grep -q '^Live connections work' '$work/codes.txt' && grep -q '^Live connections do not work' '$work/codes.txt'"
# clean FILE: no escape sequences, and carriage returns only in CRLF.
clean() { ! grep -q $'\033' "$1" && [ "$(tr -cd '\r' <"$1" | wc -c)" -le "$(wc -l <"$1")" ] && ! grep -q $'\r.' "$1"; }
expect "no stray escape sequences or carriage returns in the output" clean "$work/out"
run 120 cmd /c "$(zpath "$cliexe")" check "ws://127.0.0.1:$closed/ws" --quiet
expect "wine cmd /c wsdoctor-cli.exe returns the exit code: 1 ($rc)" [ "$rc" = 1 ]
fi

if want presets; then
echo "== $exe: presets"
mkdir -p "$work/portable"
cp "$exe" "$work/portable/wsdoctor.exe"
printf '{"product_name": "Side Preset Co", "targets": [{"url": "ws://127.0.0.1:%s/ws", "label": "Echo"}]}\n' "$wsport" >"$work/portable/wsdoctor-preset.json"
run 60 "$work/portable/wsdoctor.exe" preset show
expect "a wsdoctor-preset.json beside the portable exe is the preset in force" sh -c "grep -q 'beside the program' '$work/err' && jq -e '.product_name == \"Side Preset Co\"' '$work/out' >/dev/null"
run 120 "$work/portable/wsdoctor.exe" check --quiet --json
expect "check with no address checks the side preset's target: exit 0 ($rc)" sh -c "[ $rc = 0 ] && jq -e '.target == \"ws://127.0.0.1:$wsport/ws\"' '$work/out' >/dev/null && grep -q 'for Side Preset Co (beside the program)' '$work/err'"
printf '{"product_name": "Branded Co", "support_email": "help@branded.example", "targets": [{"url": "ws://127.0.0.1:%s/ws"}]}\n' "$wsport" >"$work/brand.json"
mkdir -p "$work/branded"
run 60 "$exe" preset embed --preset "$(zpath "$work/brand.json")" --out "$(zpath "$work/branded/acme-checker.exe")"
expect "the exe makes a branded copy of itself (preset embed): exit 0 ($rc)" sh -c "[ $rc = 0 ] && [ -s '$work/branded/acme-checker.exe' ]"
run 60 "$work/branded/acme-checker.exe" version
expect "the branded exe's version names the preset: $(tail -1 "$work/out")" grep -q '^Preset: Branded Co (added to the program)' "$work/out"
run 120 "$work/branded/acme-checker.exe" check --quiet
expect "the branded exe checks the preset's target: exit 0 ($rc), names Branded Co" sh -c "[ $rc = 0 ] && grep -q 'for Branded Co (added to the program)' '$work/err'"
cp "$work/portable/wsdoctor-preset.json" "$work/branded/"
run 60 "$work/branded/acme-checker.exe" version
expect "a side file still beats the added preset" grep -q '^Preset: Side Preset Co (beside the program)' "$work/out"
"$linux" preset embed --preset "$work/brand.json" --out "$work/branded-linux" >"$work/out" 2>&1
"$work/branded-linux" version >"$work/out" 2>&1
expect "the Linux binary brands a copy of itself too" grep -q '^Preset: Branded Co (added to the program)' "$work/out"
fi

# The installer's places in the prefix.
users=$WINEPREFIX/drive_c/users/$winuser
instdir="$users/AppData/Local/Programs/WebSocket Doctor"
lnk="$users/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/WebSocket Doctor.lnk"
UN='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall'
uninstkey() { wine reg query "$UN" /s 2>/dev/null | tr -d '\r' | grep -B3 'DisplayName.*WebSocket Doctor' | grep -i '^HKEY' | head -1; }
userpath() { wine reg query 'HKCU\Environment' /v Path 2>/dev/null | tr -d '\r' | sed -n 's/.*REG_[A-Z_]*SZ[[:space:]]*//p'; }
notonpath() { ! userpath | grep -qi 'WebSocket Doctor'; }
onpath() { userpath | grep -qi 'AppData.Local.Programs.WebSocket Doctor'; }
# install INSTALLER ARGS...: runs it silently and waits for it and what it started.
install() { run 300 "$@"; wineserver -w; }
uninstall() { run 300 "$instdir/uninstall.exe" /S; wineserver -w; }

if want install; then
echo "== $setup: install and uninstall (/S)"
install "$setup" /S
expect "installer /S: exit 0 ($rc)" [ "$rc" = 0 ]
for f in wsdoctor.exe wsdoctor-cli.exe uninstall.exe; do
	expect "installed %LOCALAPPDATA%\\Programs\\WebSocket Doctor\\$f" [ -s "$instdir/$f" ]
done
expect "Start-menu shortcut WebSocket Doctor.lnk" [ -s "$lnk" ]
expect "the shortcut points at the installed wsdoctor.exe" grep -qa 'wsdoctor.exe' "$lnk"
key=$(uninstkey)
expect "uninstall entry in Apps & features: $key" [ -n "$key" ]
wine reg query "$key" 2>/dev/null | tr -d '\r' >"$work/out"
expect "uninstall entry has the version and a quiet uninstall command" sh -c "grep -q 'DisplayVersion.*$version' '$work/out' && grep -q 'QuietUninstallString.*uninstall.exe\" /S' '$work/out'"
expect "the folder is not on PATH unless asked" notonpath
run 60 "$instdir/wsdoctor.exe" version
expect "installed exe runs: $(head -1 "$work/out")" grep -q "^wsdoctor $version (" "$work/out"
run 120 "$instdir/wsdoctor-cli.exe" check "ws://127.0.0.1:$wsport/ws" --quiet
expect "installed wsdoctor-cli.exe checks: exit 0 ($rc)" [ "$rc" = 0 ]
uninstall
expect "uninstaller /S: exit 0 ($rc)" [ "$rc" = 0 ]
expect "uninstall removed the program folder" [ ! -e "$instdir" ]
expect "uninstall removed the shortcut" [ ! -e "$lnk" ]
expect "uninstall removed the uninstall entry" [ -z "$(uninstkey)" ]
fi

if [ -n "${VARIANT_INSTALLER:-}" ] && want variant; then
	echo "== $VARIANT_INSTALLER: a preset built in, signed, /ADDTOPATH"
	vname=$(jq -r .product_name "$VARIANT_PRESET")
	install "$VARIANT_INSTALLER" /S /ADDTOPATH
	expect "installer /S /ADDTOPATH: exit 0 ($rc)" [ "$rc" = 0 ]
	run 60 "$instdir/wsdoctor.exe" version
	expect "the preset given at build time is inside the installed program: $(tail -1 "$work/out")" grep -q "^Preset: $vname (built in)" "$work/out"
	run 60 "$instdir/wsdoctor.exe" preset show
	expect "preset show: built in, as given" sh -c "grep -q '(built in)' '$work/err' && jq -e --slurpfile want '$VARIANT_PRESET' '.product_name == \$want[0].product_name and .targets == \$want[0].targets' '$work/out' >/dev/null"
	expect "the folder is on the user's PATH: $(userpath)" onpath
	run 60 cmd /c wsdoctor-cli version
	expect "wsdoctor-cli runs from PATH in a new cmd.exe" grep -q "^wsdoctor $version (" "$work/out"
	if [ -n "${SIGN_CA:-}" ]; then
		for f in "$VARIANT_INSTALLER" "$instdir/wsdoctor.exe" "$instdir/wsdoctor-cli.exe" "$instdir/uninstall.exe"; do
			expect "signed: osslsigncode verify $(basename "$f")" sh -c "osslsigncode verify -CAfile '$SIGN_CA' -in '$f' >'$work/out' 2>&1"
		done
		expect "the unsigned build stays unsigned" sh -c "! osslsigncode verify -CAfile '$SIGN_CA' -in '$exe' >/dev/null 2>&1"
		mkdir -p "$work/signed"
		"$linux" preset embed --preset "$work/brand.json" --exe "$instdir/wsdoctor.exe" --out "$work/signed/brand.exe" >"$work/out" 2>&1
		expect "branding a signed exe says the copy must be signed again" grep -q 'Sign it again' "$work/out"
		expect "the branded copy's old signature is gone" sh -c "! osslsigncode verify -CAfile '$SIGN_CA' -in '$work/signed/brand.exe' >/dev/null 2>&1"
		if [ -n "${SIGN_PFX:-}" ]; then
			sh "$here/windows/sign.sh" "$SIGN_PFX" "$SIGN_PASS_FILE" - "$work/signed/brand.exe" >/dev/null
			expect "signed again with the hook, it verifies" sh -c "osslsigncode verify -CAfile '$SIGN_CA' -in '$work/signed/brand.exe' >/dev/null 2>&1"
			run 60 "$work/signed/brand.exe" version
			expect "and still carries the preset under its signature" grep -q '^Preset: Branded Co (added to the program)' "$work/out"
		fi
	fi
	uninstall
	expect "uninstall removed the folder from PATH" notonpath
	expect "uninstall removed the program folder" [ ! -e "$instdir" ]
fi

if [ -n "${SCREENSHOT:-}" ] && want window; then
	echo "== $exe: the window on Xvfb"
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
	export DISPLAY=:$(cat "$work/display")
	# The prefix's desktop process was started without a display: start
	# the session again with one, or Wine's windows go nowhere.
	wineserver -k 2>/dev/null
	wineserver -w
	wine "$exe" >"$work/gui.log" 2>&1 &
	pids+=($!)
	win=
	for _ in $(seq 120); do
		win=$(xwininfo -root -tree 2>/dev/null | grep '"WebSocket Doctor"' | awk '{print $1}' | head -1)
		[ -n "$win" ] && break
		sleep 0.5
	done
	expect "the window opens: $win \"WebSocket Doctor\"" [ -n "$win" ]
	[ -n "$win" ] || show "$work/gui.log"
	colours=0
	if [ -n "$win" ]; then
		# Drawn once Fyne has laid it out: wait for more than a blank frame.
		for _ in $(seq 60); do
			import -display "$DISPLAY" -window "$win" "$work/shot.png" 2>/dev/null &&
				colours=$(identify -format %k "$work/shot.png" 2>/dev/null) && [ "${colours:-0}" -ge 50 ] && break
			sleep 0.5
		done
		sleep 2 # let the last frame land
		import -display "$DISPLAY" -window "$win" "$work/shot.png" 2>/dev/null && colours=$(identify -format %k "$work/shot.png")
		mkdir -p "$(dirname "$SCREENSHOT")" && cp "$work/shot.png" "$SCREENSHOT"
	fi
	expect "the window shows more than an empty frame: $colours colours, $(identify -format %wx%h "$work/shot.png" 2>/dev/null) (saved as $SCREENSHOT)" [ "${colours:-0}" -ge 50 ]
	unset DISPLAY
fi

echo "$passed passed, $failed failed, in $(elapsed)"
[ "$failed" -eq 0 ]
