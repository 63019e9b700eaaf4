package ui

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/report"
	"codeberg.org/wsdoctor/wsdoctor/checks/session"
)

// shareScreen is step 6: save the report, copy a summary, e-mail support.
type shareScreen struct {
	z      *Wizard
	root   fyne.CanvasObject
	format *widget.RadioGroup
	names  map[string]string // label -> format
	folder *widget.Label     // where reports go; its text is the folder's path
	change *button
	save   *button
	copy   *button
	mail   *button
	status *notice
	again  *button
	open   *button // shows the folder of the report just saved
	saved  string  // the last report's path
	// early is set when the user was told the idle test still runs and
	// pressed Save now anyway.
	early bool
}

func newShareScreen(z *Wizard) *shareScreen {
	s := &shareScreen{z: z, names: map[string]string{}}
	l := z.lang
	var labels []string
	for _, f := range allFormats {
		name := l.formatName(f)
		s.names[name] = f
		labels = append(labels, name)
	}
	s.format = widget.NewRadioGroup(labels, nil)
	s.format.Required = true
	s.format.SetSelected(labels[0])
	s.folder = widget.NewLabel(defaultFolder())
	s.folder.Truncation = fyne.TextTruncateEllipsis
	s.change = newButton(l.T("window.share.change_folder"), func() {
		z.chooseFolder(s.folder.Text, func(dir string) {
			if dir != "" {
				s.folder.SetText(dir)
			}
		})
	}, z.escape)
	s.change.Icon = theme.FolderOpenIcon()
	s.save = newButton(l.T("window.share.save"), s.saveReport, z.escape)
	s.save.Importance = widget.HighImportance
	s.save.Icon = theme.DocumentSaveIcon()
	s.copy = newButton(l.T("window.share.copy_summary"), s.copySummary, z.escape)
	s.copy.Icon = theme.ContentCopyIcon()
	s.mail = newButton(l.T("window.share.email"), s.email, z.escape)
	s.mail.Icon = theme.MailComposeIcon()
	s.status = newNotice()
	s.again = newButton(l.T("window.share.start_over"), func() { z.show(StepWelcome) }, z.escape)
	s.again.Icon = theme.HomeIcon()
	s.open = newButton(l.T("window.share.open_folder"), s.showFolder, z.escape)
	s.open.Icon = theme.FolderOpenIcon()
	s.open.Hide()
	formatLabel := widget.NewLabelWithStyle(l.T("window.share.format_label"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.root = container.NewVBox(
		heading(l.T("window.share.title")), wrapped(l.T("window.share.intro")),
		formatLabel, s.format,
		container.NewBorder(nil, nil, widget.NewLabel(l.T("window.share.save_in")), s.change, s.folder),
		container.NewHBox(s.save, s.open),
		widget.NewSeparator(),
		container.NewHBox(s.copy, s.mail),
		s.status.root,
		widget.NewSeparator(),
		container.NewHBox(s.again),
	)
	return s
}

// clear forgets the report of the run before: its file, the offer to open
// its folder, and the offer to save without the idle result.
func (s *shareScreen) clear() {
	s.saved = ""
	s.open.Hide()
	s.idleEnded()
	s.status.Hide()
}

// idleEnded takes back "Save now without it": the idle test is over.
func (s *shareScreen) idleEnded() {
	if s.early {
		s.early = false
		s.status.Hide()
	}
	s.save.SetText(s.z.lang.T("window.share.save"))
}

// idleTick counts the wait in "wait N s and save then" down.
func (s *shareScreen) idleTick() {
	if s.early && s.z.idleBusy {
		s.say(noticeInfo, s.idleWait())
	}
}

// idleWait is the offer to save without the idle result, with the seconds
// left.
func (s *shareScreen) idleWait() string {
	left := max(time.Until(s.z.result.idleEnd).Round(time.Second), time.Second)
	return s.z.lang.T("window.share.idle_still_running", "seconds", int(left.Seconds()))
}

// update enables what makes sense now.
func (s *shareScreen) update() {
	l := s.z.lang
	has := s.z.run != nil
	setEnabled(s.save, has)
	setEnabled(s.copy, has)
	setEnabled(s.mail, has && s.z.eng.Mail != nil && s.z.eng.Preset.SupportEmail != "")
	if has && (s.z.eng.Mail == nil || s.z.eng.Preset.SupportEmail == "") {
		s.say(noticeInfo, l.T("window.share.email_no_address"))
	} else if !has {
		s.say(noticeInfo, l.T("window.summary.no_run"))
	} else {
		s.status.Hide()
	}
}

func (s *shareScreen) say(kind int, text string) { s.status.Say(kind, text) }

// selectedFormat is the format chosen.
func (s *shareScreen) selectedFormat() string {
	if f, ok := s.names[s.format.Selected]; ok {
		return f
	}
	return allFormats[0]
}

// reportName is the file name offered for a report.
func reportName(run *shownRun, format string) string {
	host := run.Outcome.Target.Host
	if host == "" {
		host = "this-computer"
	}
	host = strings.NewReplacer(":", "-", "/", "-", "\\", "-").Replace(host)
	day := run.Outcome.Finished
	if day.IsZero() {
		day = time.Now()
	}
	return fmt.Sprintf("wsdoctor-%s-%s%s", host, day.Format("2006-01-02-1504"), formatExt()[format])
}

// saveReport exports the run and writes it into the chosen folder under a
// new name, all or nothing: a file already there is never replaced, and a
// write that fails leaves nothing behind.
func (s *shareScreen) saveReport() {
	run, l := s.z.run, s.z.lang
	if run == nil {
		return
	}
	if s.z.idleBusy && !s.early {
		// A report saved now has no idle result: say so, and let the
		// user choose to wait or save anyway.
		s.say(noticeInfo, s.idleWait())
		s.early = true
		s.save.SetText(l.T("window.share.save_now"))
		return
	}
	s.early = false
	s.save.SetText(l.T("window.share.save"))
	format := s.selectedFormat()
	data, err := run.Session.Export(report.Format(format), false)
	if err != nil {
		s.say(noticeError, l.T("window.share.save_failed", "error", err.Error()))
		return
	}
	dir := s.folder.Text
	path := freeName(dir, reportName(run, format))
	err = report.WriteFile(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		s.say(noticeError, l.T("window.share.save_failed", "error", err.Error()))
		return
	}
	s.saved = path
	s.say(noticeDone, l.T("window.share.saved", "file", filepath.Base(path), "folder", dir))
	s.open.Show()
}

// showFolder opens the folder of the report just saved.
func (s *shareScreen) showFolder() {
	if s.saved == "" {
		return
	}
	dir := filepath.Dir(s.saved)
	if err := s.z.openFolder(dir); err != nil {
		// Where no file manager answers, say so and give the path, on
		// the clipboard too, to paste wherever the person looks.
		s.z.copyText(dir)
		s.say(noticeError, s.z.lang.T("window.share.open_folder_failed", "error", err.Error(), "folder", dir))
	}
}

// openInFileManager opens dir in the system's file manager, as a file://
// address the desktop hands to its file manager (Explorer, Finder,
// Files).
func openInFileManager(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("open folder: %w", err)
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/Users/... on Windows
	}
	if err := fyne.CurrentApp().OpenURL(&url.URL{Scheme: "file", Path: p}); err != nil {
		return fmt.Errorf("open folder: %w", err)
	}
	return nil
}

// freeName is name in dir, or name-2, name-3, ... if that is taken; past
// a hundred, a name with the time in nanoseconds, so that no earlier
// report is ever written over.
func freeName(dir, name string) string {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	free := func(p string) bool {
		_, err := os.Lstat(p)
		return errors.Is(err, fs.ErrNotExist)
	}
	p := filepath.Join(dir, name)
	for i := 2; i <= 100 && !free(p); i++ {
		p = filepath.Join(dir, fmt.Sprintf("%s-%d%s", stem, i, ext))
	}
	if !free(p) {
		p = filepath.Join(dir, fmt.Sprintf("%s-%d%s", stem, time.Now().UnixNano(), ext))
	}
	return p
}

// defaultFolder is where reports go unless the user picks another folder:
// Documents in the home folder, else the home folder itself.
func defaultFolder() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return os.TempDir()
	}
	for _, d := range []string{"Documents", "Desktop"} {
		if st, err := os.Stat(filepath.Join(home, d)); err == nil && st.IsDir() {
			return filepath.Join(home, d)
		}
	}
	return home
}

// copySummary puts the summary on the clipboard.
func (s *shareScreen) copySummary() {
	if s.z.run == nil {
		return
	}
	s.z.copyText(s.z.lang.summaryOf(s.z.eng.Preset, s.z.run))
	s.say(noticeDone, s.z.lang.T("window.share.copied_summary"))
}

// email opens a message to support with the summary.
func (s *shareScreen) email() {
	run, to, l := s.z.run, s.z.eng.Preset.SupportEmail, s.z.lang
	if run == nil || to == "" || s.z.eng.Mail == nil {
		return
	}
	subject := l.T("window.share.email_subject", "verdict", l.shortOf(run))
	if err := s.z.eng.Mail(to, subject, l.summaryOf(s.z.eng.Preset, run)); err != nil {
		s.say(noticeError, l.T("window.share.email_failed", "error", err.Error()))
		return
	}
	s.say(noticeDone, l.T("window.share.email_opened", "address", to))
}

// summaryOf is a few lines a person can paste into a chat or an e-mail:
// what was checked, the verdict and the findings, no secrets.
func (l language) summaryOf(p Preset, run *shownRun) string {
	var b strings.Builder
	addr := l.shownAddress(run)
	b.WriteString(l.T("window.summary.head", "product", firstOf(p.ProductName, l.T("window.app_name")), "address", addr) + "\n")
	b.WriteString(l.T("window.summary.verdict", "verdict", l.verdictText(run)) + "\n")
	if len(run.Findings) > 0 {
		b.WriteString(l.T("window.summary.findings") + "\n")
		for _, f := range run.Findings {
			fmt.Fprintf(&b, "- %s (%s)\n", f.Title, f.ID)
		}
	}
	if run.Idle != nil {
		b.WriteString(l.idleWords(*run.Idle) + "\n")
	}
	if !run.Outcome.Finished.IsZero() {
		fmt.Fprintf(&b, "%s\n", run.Outcome.Finished.UTC().Format(time.RFC3339))
	}
	return b.String()
}

// shownAddress is the address checked, for summaries and notes: without
// the query, where tokens hide, and "this computer" for the self-test.
func (l language) shownAddress(run *shownRun) string {
	t := run.Outcome.Target
	if run.Session != nil && run.Session.Scope == session.ScopeSelfTest {
		return l.T("window.scope.self_test_address")
	}
	if t.Host == "" || t.Page {
		// A web page's address is shown as typed (https://...), not as
		// the wss:// its host was checked on.
		if run.Request.Address == "" {
			return l.label("hop.computer", "This computer")
		}
		addr, _, _ := strings.Cut(run.Request.Address, "?")
		return addr
	}
	addr, _, _ := strings.Cut(t.String(), "?")
	return addr
}
