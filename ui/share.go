package ui

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"codeberg.org/wsdoctor/wsdoctor/checks/report"
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
	saved  string // the last report's path
}

func newShareScreen(z *Wizard) *shareScreen {
	s := &shareScreen{z: z, names: map[string]string{}}
	var labels []string
	for _, f := range z.eng.Formats {
		l := T.FormatNames[f]
		if l == "" {
			l = f
		}
		s.names[l] = f
		labels = append(labels, l)
	}
	s.format = widget.NewRadioGroup(labels, nil)
	s.format.Required = true
	s.format.SetSelected(labels[0])
	s.folder = widget.NewLabel(defaultFolder())
	s.folder.Truncation = fyne.TextTruncateEllipsis
	s.change = newButton(T.ChangeFolder, func() {
		z.chooseFolder(s.folder.Text, func(dir string) {
			if dir != "" {
				s.folder.SetText(dir)
			}
		})
	}, z.escape)
	s.change.Icon = theme.FolderOpenIcon()
	s.save = newButton(T.SaveReport, s.saveReport, z.escape)
	s.save.Importance = widget.HighImportance
	s.save.Icon = theme.DocumentSaveIcon()
	s.copy = newButton(T.CopySummary, s.copySummary, z.escape)
	s.copy.Icon = theme.ContentCopyIcon()
	s.mail = newButton(T.EmailSupport, s.email, z.escape)
	s.mail.Icon = theme.MailComposeIcon()
	s.status = newNotice()
	s.again = newButton(T.StartOver, func() { z.show(StepWelcome) }, z.escape)
	s.again.Icon = theme.HomeIcon()
	formatLabel := widget.NewLabelWithStyle(T.FormatLabel, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.root = container.NewVBox(
		heading(T.ShareTitle), wrapped(T.ShareIntro),
		formatLabel, s.format,
		container.NewBorder(nil, nil, widget.NewLabel(T.SaveIn), s.change, s.folder),
		container.NewHBox(s.save),
		widget.NewSeparator(),
		container.NewHBox(s.copy, s.mail),
		s.status.root,
		widget.NewSeparator(),
		container.NewHBox(s.again),
	)
	return s
}

// update enables what makes sense now.
func (s *shareScreen) update() {
	has := s.z.run != nil
	setEnabled(s.save, has)
	setEnabled(s.copy, has)
	setEnabled(s.mail, has && s.z.eng.Mail != nil && s.z.eng.Preset.SupportEmail != "")
	if has && (s.z.eng.Mail == nil || s.z.eng.Preset.SupportEmail == "") {
		s.say(noticeInfo, T.EmailNoAddress)
	} else if !has {
		s.say(noticeInfo, T.SummaryNoRun)
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
	return s.z.eng.Formats[0]
}

// reportName is the file name offered for a report.
func reportName(run *Run, format string) string {
	host := run.Outcome.Target.Host
	if host == "" {
		host = "this-computer"
	}
	host = strings.NewReplacer(":", "-", "/", "-", "\\", "-").Replace(host)
	day := run.Outcome.Finished
	if day.IsZero() {
		day = time.Now()
	}
	return fmt.Sprintf("wsdoctor-%s-%s%s", host, day.Format("2006-01-02-1504"), formatExt[format])
}

// saveReport exports the run and writes it into the chosen folder under a
// new name, all or nothing: a file already there is never replaced, and a
// write that fails leaves nothing behind.
func (s *shareScreen) saveReport() {
	run := s.z.run
	if run == nil {
		return
	}
	format := s.selectedFormat()
	data, err := s.z.eng.Export(run.Session, format)
	if err != nil {
		s.say(noticeError, fmt.Sprintf(T.SaveFailed, err))
		return
	}
	dir := s.folder.Text
	path := freeName(dir, reportName(run, format))
	err = report.WriteFile(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		s.say(noticeError, fmt.Sprintf(T.SaveFailed, err))
		return
	}
	s.saved = path
	s.say(noticeDone, fmt.Sprintf(T.Saved, filepath.Base(path), dir))
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
	s.z.copyText(summaryOf(s.z.eng.Preset, s.z.run))
	s.say(noticeDone, T.CopiedSummary)
}

// email opens a message to support with the summary.
func (s *shareScreen) email() {
	run, to := s.z.run, s.z.eng.Preset.SupportEmail
	if run == nil || to == "" || s.z.eng.Mail == nil {
		return
	}
	subject := fmt.Sprintf(T.EmailSubject, T.VerdictShort[run.Verdict])
	if err := s.z.eng.Mail(to, subject, summaryOf(s.z.eng.Preset, run)); err != nil {
		s.say(noticeError, fmt.Sprintf(T.EmailFailed, err))
		return
	}
	s.say(noticeDone, fmt.Sprintf(T.EmailOpened, to))
}

// summaryOf is a few lines a person can paste into a chat or an e-mail:
// what was checked, the verdict and the findings, no secrets.
func summaryOf(p Preset, run *Run) string {
	var b strings.Builder
	addr := shownAddress(run)
	fmt.Fprintf(&b, T.SummaryHead+"\n", firstOf(p.ProductName, T.AppName), addr)
	fmt.Fprintf(&b, T.SummaryVerdict+"\n", verdictText(run))
	if len(run.Findings) > 0 {
		b.WriteString(T.SummaryFindings + "\n")
		for _, f := range run.Findings {
			fmt.Fprintf(&b, "- %s (%s)\n", f.Title, f.ID)
		}
	}
	if run.Idle != nil {
		b.WriteString(idleWords(*run.Idle) + "\n")
	}
	if !run.Outcome.Finished.IsZero() {
		fmt.Fprintf(&b, "%s\n", run.Outcome.Finished.UTC().Format(time.RFC3339))
	}
	return b.String()
}

// shownAddress is the address checked, for summaries and notes: without
// the query, where tokens hide, and "this computer" for the self-test.
func shownAddress(run *Run) string {
	t := run.Outcome.Target
	if t.Host == "" {
		if run.Request.Address == "" {
			return T.HopComputer
		}
		addr, _, _ := strings.Cut(run.Request.Address, "?")
		return addr
	}
	addr, _, _ := strings.Cut(t.String(), "?")
	return addr
}
