package session

import (
	"context"
	"strings"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/checktest"
	"codeberg.org/wsdoctor/wsdoctor/checks/diagnose"
	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
	"codeberg.org/wsdoctor/wsdoctor/checks/netenv"
	"codeberg.org/wsdoctor/wsdoctor/checks/preset"
	"codeberg.org/wsdoctor/wsdoctor/checks/refserver"
	"codeberg.org/wsdoctor/wsdoctor/checks/report"
)

// TestLanguagesOfARun: a run is told in the Checker's words (the
// findings and every report), while the note for the IT team follows the
// preset's support_language; with neither, everything is English.
func TestLanguagesOfARun(t *testing.T) {
	c := fakeMachine(func(context.Context) netenv.VPN { return netenv.VPN{} }, "Test OS 1.0")
	c.Words = i18n.MustLoad("fr")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A web filter that answers the tunnel with its own page: a problem
	// with a note for the IT team.
	srv, err := refserver.Start("127.0.0.1:0", "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	proxy, err := netenv.ProxyMode("http://" + checktest.TunnelBlockProxy(t))
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Address: srv.URL, Proxy: proxy, ProbeTimeout: 3 * time.Second,
		Preset: &preset.Preset{SupportLanguage: "de"}}
	run, err := c.Check(ctx, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := run.diagnosisInput()
	in.Catalogue, in.AdminCatalogue = diagnose.MustCatalogue("fr"), diagnose.MustCatalogue("de")
	want := diagnose.Diagnose(in)
	if run.Diagnosis.AdminNote == "" || run.Diagnosis.AdminNote != want.AdminNote {
		t.Errorf("admin note %q, want the German %q", run.Diagnosis.AdminNote, want.AdminNote)
	}
	in.AdminCatalogue = in.Catalogue
	if diagnose.Diagnose(in).AdminNote == want.AdminNote {
		t.Error("the German and the French admin notes are the same: the test tells nothing")
	}
	if len(want.Findings) == 0 || run.Diagnosis.Findings[0].Title != want.Findings[0].Title {
		t.Errorf("findings not in French: %+v", run.Diagnosis.Findings)
	}
	page, err := run.Export(report.FormatHTML, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `<html lang="fr">`) || !strings.Contains(string(page), i18n.MustLoad("fr").T("report.section.run")) {
		t.Error("the run's report is not in French")
	}

	c.Words, req.Preset = nil, nil
	if run, err = c.Check(ctx, req, nil); err != nil {
		t.Fatal(err)
	}
	in = run.diagnosisInput()
	in.Catalogue, in.AdminCatalogue = diagnose.Default(), diagnose.Default()
	if want := diagnose.Diagnose(in); run.Diagnosis.AdminNote != want.AdminNote || run.Diagnosis.Findings[0].Title != want.Findings[0].Title {
		t.Errorf("without a language: %q, want English %q", run.Diagnosis.AdminNote, want.AdminNote)
	}
}
