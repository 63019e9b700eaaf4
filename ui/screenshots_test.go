package ui

import (
	"context"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// screenshotRuns are the Result screens of docs/screenshots: the window
// sizes of fitScreens and the languages each is taken in.
var screenshotRuns = []struct{ screen, lang string }{
	{"1093x614", "en"}, {"1366x768-scale1.25", "en"}, {"1366x768-scale1.25", "de"}, {"1366x768-scale1.25", "ja"},
}

// TestScreenshots writes the Result screens of four real checks on
// loopback (a stopped local service, a dead proxy entered under Advanced
// in front of a working echo server, a web page's address, the
// self-test) into the folder WSDOCTOR_SCREENSHOTS names, at the sizes
// FitToScreen gives on the screens of fitScreens, with the real session,
// the real diagnosis and the carried fonts; English at both sizes, German
// and Japanese the stopped service at 1366x768 at 125%. Skipped without
// WSDOCTOR_SCREENSHOTS (make screenshots). Each window is a process of
// its own, as in TestGoldenFit.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("WSDOCTOR_SCREENSHOTS")
	if dir == "" {
		t.Skip("WSDOCTOR_SCREENSHOTS names no folder")
	}
	for _, r := range screenshotRuns {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestScreenshotVariant$")
		cmd.Env = append(os.Environ(), "WSDOCTOR_SHOT_VARIANT="+r.screen+"/"+r.lang)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s/%s: %v\n%s", r.screen, r.lang, err, out)
		}
	}
}

// TestScreenshotVariant is one of TestScreenshots' windows.
func TestScreenshotVariant(t *testing.T) {
	variant, dir := os.Getenv("WSDOCTOR_SHOT_VARIANT"), os.Getenv("WSDOCTOR_SCREENSHOTS")
	if variant == "" || dir == "" {
		t.Skip("run by TestScreenshots")
	}
	screen, lang, _ := strings.Cut(variant, "/")
	i := 0
	for i < len(fitScreens) && fitScreens[i].name != screen {
		i++
	}
	if i == len(fitScreens) {
		t.Fatalf("no screen %q", screen)
	}
	s := fitScreens[i]

	echo, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	page := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>Example Chat</title><p>Welcome</p>")
	})}
	pl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go page.Serve(pl)
	defer page.Close()

	words, findings := i18n.MustLoad(lang), diagnose.MustCatalogue(lang)
	c := &session.Checker{Tool: report.Tool{Name: "wsdoctor", Version: "1.9.0"}, Words: words, Findings: findings,
		ReadVPN:       func(context.Context) netenv.VPN { return netenv.VPN{} },
		ReadOSVersion: func(context.Context) string { return "Debian GNU/Linux 13" },
		ReadCaptive:   func(context.Context) netenv.Captive { return netenv.CaptiveUnknown }}
	h := newHarness(t, Engine{Check: c.Check, Words: words, Catalogue: findings})
	h.app.Settings().SetTheme(forcedVariant{Theme(lang), theme.VariantLight})
	cv := h.w.Canvas()
	cv.(test.WindowlessCanvas).SetScale(s.scale)
	h.w.Resize(fitSize(WindowSize(), s.w, s.h-int(40*s.scale), s.scale))
	z := h.z
	l := z.lang

	shoot := func(name, address, proxy string) {
		t.Helper()
		for z.step != StepWelcome {
			test.Tap(z.back)
		}
		z.welcome.address.SetText(address)
		if proxy != "" {
			z.welcome.proxy.SetSelected(l.T("window.advanced.proxy_url"))
			z.welcome.proxyURL.SetText(proxy)
		} else {
			z.welcome.proxy.SetSelected(l.T("window.advanced.proxy_none"))
		}
		if address == "" {
			test.Tap(z.welcome.selfTest)
		} else {
			test.Tap(z.welcome.check)
		}
		h.until("the result of "+name, func() bool { return z.step == StepResult && !z.running && z.run != nil })
		for _, p := range layoutProblems(h.w, l) {
			t.Errorf("%s %s: %s", variant, name, p)
		}
		file := filepath.Join(dir, "result-"+name+"-"+screen+"-"+lang+".png")
		f, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, cv.Capture()); err != nil {
			t.Fatal(err)
		}
	}
	// Port 9 (discard) is the example; a free port where
	// something listens there.
	stopped := "ws://127.0.0.1:9/socket"
	if c, err := net.Dial("tcp", "127.0.0.1:9"); err == nil {
		c.Close()
		stopped = "ws://127.0.0.1:" + strconv.Itoa(checktest.FreePort(t)) + "/socket"
	}
	shoot("stopped-service", stopped, "")
	if lang != "en" {
		return
	}
	shoot("proxy-entered", echo.URL, "http://127.0.0.1:"+strconv.Itoa(checktest.FreePort(t)))
	shoot("page-address", "http://"+pl.Addr().String()+"/workspace", "")
	shoot("self-test", "", "")
}
