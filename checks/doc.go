// Package checks holds everything of WebSocket Doctor that is not the
// window, one folder a layer; it has no code of its own. Imports go one
// way: a package imports only packages on lower lines of this table,
// never one on its own line or above (checks/internal/layers tests it,
// reading this table):
//
//	., packaging/windows/nsislang              main.go: wiring, the window or a headless command; the installer's words
//	ui, checks/cli                            the two front ends: widgets or flags to a session.Request
//	checks/session                            one check from request to what is shown and saved
//	checks/report                             JSON, HTML, Markdown, text; redaction; atomic writes
//	checks/diagnose                           evidence to verdict, findings, admin note, path
//	checks/preset, checks/refserver           support presets; the reference echo server
//	checks/engine, checks/browser             the runner and its probes; the browser test's page server
//	checks/netenv, checks/i18n, checks/internal/bounded, checks/internal/wslimit, ui/quietlog
//	assets                                    the embedded files: icon, preset, the word catalogues
//
// Below the engine: what the machine is set to (netenv), the words of
// each language (i18n), small helpers; the embedded files under them all.
// checks/checktest (test servers and proxies) is
// for tests only: no package imports it outside its _test.go files.
package checks
