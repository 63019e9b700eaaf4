package ui

import "strings"

// noLineStart are the characters a Japanese or Chinese line must not
// start with (kinsoku shori): closing punctuation and brackets. ("ー" and
// "・" may, by the looser rules most software follows.)
const noLineStart = "、。，．！？：；）」』】〕〉》｝〙〛”’…‥"

// breakHere is where a line may break: a hair space, which Fyne's word
// wrapping treats as a space (it breaks there and drops it) and which the
// carried Japanese and Chinese fonts draw with no width (make fonts gives
// them one).
const breakHere = "\u200a"

// breakable marks the places around the closing punctuation of Japanese
// or Chinese text where a wrapped line may break: after it, and before
// what it closes ("しまし|た。", a whole Latin word or {placeholder}, with
// the brackets that open it), so that Fyne, which breaks such text
// between any two characters when no space fits, breaks there instead
// and no line starts with "。" or "、". Text without closing punctuation,
// or without Japanese or Chinese, comes back as it is.
func breakable(s string) string {
	if !strings.ContainsAny(s, noLineStart) || !strings.ContainsFunc(s, wide) {
		return s
	}
	rs := []rune(s)
	before := make([]bool, len(rs)+1) // a break before rs[k]
	for i := 1; i < len(rs); i++ {
		if !closing(rs[i]) || closing(rs[i-1]) {
			continue
		}
		j := i - 1
		if !wide(rs[j]) {
			for j > 0 && !wide(rs[j-1]) && !spaceOrNone(rs[j-1]) && !closing(rs[j-1]) {
				j--
			}
		}
		for j > 0 && opening(rs[j-1]) {
			j--
		}
		if j > 0 && !spaceOrNone(rs[j-1]) {
			before[j] = true
		}
		k := i
		for k < len(rs) && closing(rs[k]) {
			k++
		}
		if k < len(rs) && !spaceOrNone(rs[k]) {
			before[k] = true
		}
	}
	var b strings.Builder
	for i, r := range rs {
		if before[i] {
			b.WriteString(breakHere)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func closing(r rune) bool { return r != 0 && strings.ContainsRune(noLineStart, r) }

func opening(r rune) bool { return strings.ContainsRune("（「『【〔〈《｛〘〚“‘(", r) }

func spaceOrNone(r rune) bool { return r == 0 || r == ' ' || r == '\n' || string(r) == breakHere }

// wide reports whether r is a Japanese or Chinese character (or a
// full-width sign), between which lines may break.
func wide(r rune) bool {
	return r >= 0x2E80 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF || r >= 0xFF00 && r <= 0xFFEF
}
