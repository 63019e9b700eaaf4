//go:build unix

package report

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"codeberg.org/wsdoctor/wsdoctor/checks/i18n"
)

// TestWatchTimelineScreenshot renders the watched fixture's HTML report in
// a real headless Chromium (Debian's chromium; skipped when it is not
// installed), scrolled to the watch, at a laptop's width and a phone's,
// in English, German and Japanese, and checks the picture: the lanes' green and
// the drop marks' red are on it. With WSDOCTOR_SCREENSHOTS set to a
// folder (make screenshots), the pictures are kept there as
// report-watch-timeline-<lang>[-narrow].png.
func TestWatchTimelineScreenshot(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (Debian package chromium); skipping the screenshot of the report")
	}
	keep := os.Getenv("WSDOCTOR_SCREENSHOTS")
	dir := t.TempDir()
	// Each picture is the page from the watch's heading (above, above
	// the first lane) to its table (below): Chromium's own screenshot of
	// a page scrolled to #watch comes out blank above the section.
	for _, c := range []struct {
		lang, name   string
		w            int
		above, below int
	}{
		{"en", "report-watch-timeline-en.png", 1000, 190, 560},
		{"de", "report-watch-timeline-de.png", 1000, 190, 560},
		{"ja", "report-watch-timeline-ja.png", 1000, 190, 560},
		{"en", "report-watch-timeline-en-narrow.png", 390, 330, 700},
	} {
		t.Run(c.name, func(t *testing.T) {
			var page bytes.Buffer
			in := inLanguage(watchedInput(), c.lang)
			if err := HTML(&page, Build(in), i18n.MustLoad(c.lang)); err != nil {
				t.Fatal(err)
			}
			src := filepath.Join(dir, c.lang+".html")
			if err := os.WriteFile(src, page.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, c.name)
			shoot(t, bin, "file://"+src, out, c.w, 3200)
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			top := firstRowOf(img, 0x5b, 0xb9, 0x74)
			if top < 0 {
				t.Fatalf("%s: no lane on the picture", c.name)
			}
			bd := img.Bounds()
			img = img.(interface {
				SubImage(image.Rectangle) image.Image
			}).SubImage(image.Rect(bd.Min.X, max(top-c.above, bd.Min.Y), bd.Max.X, min(top+c.below, bd.Max.Y)))
			green, red := countColour(img, 0x5b, 0xb9, 0x74), countColour(img, 0xb3, 0x26, 0x1e)
			t.Logf("%s: %v, %d green and %d red pixels", c.name, img.Bounds().Size(), green, red)
			if green < 2000 || red < 100 {
				t.Errorf("%s: %d green and %d red pixels: the timeline is not on the picture", c.name, green, red)
			}
			if keep != "" {
				var b bytes.Buffer
				if err := png.Encode(&b, img); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(keep, c.name), b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// shoot has Chromium take a screenshot of url, w×h CSS pixels, into out,
// with a profile of its own; its process group is stopped by its ID.
func shoot(t *testing.T, bin, url, out string, w, h int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--no-default-browser-check", "--hide-scrollbars", "--virtual-time-budget=3000", "--force-device-scale-factor=1",
		"--user-data-dir="+t.TempDir(), "--window-size="+itoa(w)+","+itoa(h), "--screenshot="+out, url)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	err := cmd.Run()
	if cmd.Process != nil {
		// Helpers it left behind go with its group.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, tailBytes(log.Bytes(), 3000))
	}
}

func tailBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// firstRowOf is the first row with a pixel of the colour r, g, b, or -1.
func firstRowOf(img image.Image, r, g, b uint8) int {
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			if near(pr, r) && near(pg, g) && near(pb, b) {
				return y
			}
		}
	}
	return -1
}

func near(a uint32, v uint8) bool { d := int(a>>8) - int(v); return d > -12 && d < 12 }

// countColour counts the pixels within a few levels of r, g, b.
func countColour(img image.Image, r, g, b uint8) int {
	n := 0
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			if near(pr, r) && near(pg, g) && near(pb, b) {
				n++
			}
		}
	}
	return n
}
