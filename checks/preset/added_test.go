package preset

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakePE is a PE32+ file header with room for sections, and a signature
// (certificate table) of sig bytes at the end when sig > 0, as signing
// tools leave it.
func fakePE(sig int) []byte {
	b := make([]byte, 1024)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[60:], 128)
	copy(b[128:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(b[128+24:], 0x20b)
	for i := 512; i < len(b); i++ {
		b[i] = byte(i) // section bytes
	}
	if sig > 0 {
		entry := 128 + 24 + 112 + peSecurityDir*8
		binary.LittleEndian.PutUint32(b[entry:], uint32(len(b)))
		binary.LittleEndian.PutUint32(b[entry+4:], uint32(sig))
		b = append(b, bytes.Repeat([]byte{0xCE}, sig)...)
	}
	return b
}

// sign appends a certificate table to the PE file at path, as osslsigncode
// does: zero bytes up to a multiple of 8, then the table.
func sign(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	entry := 128 + 24 + 112 + peSecurityDir*8
	binary.LittleEndian.PutUint32(b[entry:], uint32(len(b)))
	binary.LittleEndian.PutUint32(b[entry+4:], 40)
	b = append(b, bytes.Repeat([]byte{0xCE}, 40)...)
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestEmbedAndReadAdded(t *testing.T) {
	acme := []byte(`{"product_name": "Acme Chat", "targets": [{"url": "wss://chat.acme.example/socket"}]}`)
	other := []byte(`{"product_name": "Other"}`)
	for _, tc := range []struct {
		name       string
		program    []byte
		wantSigned bool
	}{
		{"ELF or any program", append([]byte("\x7fELF"), bytes.Repeat([]byte{1, 2, 3}, 999)...), false},
		{"unsigned PE", fakePE(0), false},
		{"signed PE", fakePE(48), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			exe, out := filepath.Join(dir, "wsdoctor.exe"), filepath.Join(dir, "branded.exe")
			if err := os.WriteFile(exe, tc.program, 0o755); err != nil {
				t.Fatal(err)
			}
			if p, err := ReadAdded(exe); p != nil || err != nil {
				t.Fatalf("ReadAdded of a plain program = %v, %v", p, err)
			}
			signed, err := Embed(exe, acme, out)
			if err != nil || signed != tc.wantSigned {
				t.Fatalf("Embed = %v, %v; want signed %v", signed, err, tc.wantSigned)
			}
			p, err := ReadAdded(out)
			if err != nil || p == nil || p.ProductName != "Acme Chat" || p.FirstURL() != "wss://chat.acme.example/socket" {
				t.Fatalf("ReadAdded = %+v, %v", p, err)
			}
			b, _ := os.ReadFile(out)
			if n := len(b) - len(tc.program); !tc.wantSigned && n%8 != 0 {
				t.Errorf("the addition is %d bytes, not a multiple of 8", n)
			}
			if tc.wantSigned {
				if end, dir, _ := contentEnd(bytes.NewReader(b), int64(len(b))); dir >= 0 || end != int64(len(b)) {
					t.Errorf("the copy still names a signature (end %d, entry %d)", end, dir)
				}
			} else if !bytes.Equal(b[:len(tc.program)], tc.program) {
				t.Error("the program's own bytes changed")
			}
			// Signed again after branding: the preset is found before the
			// signature.
			if bytes.HasPrefix(tc.program, []byte("MZ")) {
				sign(t, out)
				if p, err := ReadAdded(out); err != nil || p == nil || p.ProductName != "Acme Chat" {
					t.Fatalf("ReadAdded after signing = %+v, %v", p, err)
				}
			}
			// Branding a branded copy replaces the preset.
			again := filepath.Join(dir, "again.exe")
			if _, err := Embed(out, other, again); err != nil {
				t.Fatal(err)
			}
			if p, err := ReadAdded(again); err != nil || p.ProductName != "Other" {
				t.Fatalf("ReadAdded after a second embed = %+v, %v", p, err)
			}
			a, _ := os.ReadFile(again)
			if bytes.Count(a, []byte(addedMagic)) != 1 {
				t.Errorf("%d presets in the twice-branded copy, want 1", bytes.Count(a, []byte(addedMagic)))
			}
		})
	}
}

func TestEmbedRefusesABadPreset(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "wsdoctor")
	if err := os.WriteFile(exe, []byte("program"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Embed(exe, []byte(`{"targets": [{"url": "ftp://x"}]}`), filepath.Join(dir, "out"))
	if err == nil || !strings.Contains(err.Error(), "targets[0].url") {
		t.Errorf("Embed = %v, want the field named", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("a copy was written: %v", err)
	}
}

// TestLoadOrderWithAdded: --preset, then the file beside the program, then
// the preset added to it, then the built-in one; a broken added preset is
// an error.
func TestLoadOrderWithAdded(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	exe := filepath.Join(dir, "bin", "wsdoctor.exe")
	write(t, plain, "program")
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Embed(plain, []byte(`{"product_name": "Added"}`), exe); err != nil {
		t.Fatal(err)
	}
	embedded := []byte(`{"product_name": "Built in"}`)
	flagFile := filepath.Join(dir, "flag.json")
	write(t, flagFile, `{"product_name": "Flag"}`)
	l, err := Load("", exe, embedded)
	if err != nil || l.ProductName != "Added" || l.Source != FromAdded || l.Path != exe {
		t.Errorf("added beats built in: %+v, %v", l, err)
	}
	write(t, filepath.Join(dir, "bin", FileName), `{"product_name": "Beside"}`)
	if l, err := Load("", exe, embedded); err != nil || l.ProductName != "Beside" {
		t.Errorf("beside beats added: %+v, %v", l, err)
	}
	if l, err := Load(flagFile, exe, embedded); err != nil || l.ProductName != "Flag" {
		t.Errorf("flag beats added: %+v, %v", l, err)
	}
	os.Remove(filepath.Join(dir, "bin", FileName))

	broken := filepath.Join(dir, "broken")
	js := []byte(`{"product_name": 1}    `)
	var b bytes.Buffer
	b.WriteString("program")
	b.Write(js)
	binary.Write(&b, binary.LittleEndian, uint64(len(js)))
	b.WriteString(addedMagic)
	if err := os.WriteFile(broken, b.Bytes(), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Load("", broken, embedded); err == nil || !strings.Contains(err.Error(), "product_name") {
		t.Errorf("a broken added preset: %v, want an error naming the field", err)
	}
}

// TestReadAddedOddPE: a PE file with data after its signature is no
// reason to refuse to start: it simply carries no added preset.
func TestReadAddedOddPE(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd.exe")
	if err := os.WriteFile(path, append(fakePE(16), "trailing data"...), 0o755); err != nil {
		t.Fatal(err)
	}
	if p, err := ReadAdded(path); p != nil || err != nil {
		t.Errorf("ReadAdded = %v, %v; want nothing", p, err)
	}
	if _, err := Embed(path, []byte(`{}`), path+".out"); err == nil {
		t.Error("Embed into it: no error")
	}
}
