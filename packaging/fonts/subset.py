#!/usr/bin/python3
"""Cut the fonts the window carries (make fonts).

The window draws with Fyne's own Latin font (Noto Sans). What that font
lacks - the Japanese and Chinese text, and any symbol the window draws -
comes from Noto Sans CJK, cut down to the characters the catalogues and the
window's source use, plus all kana and the CJK punctuation. Japanese gets
the JP glyph shapes, every other language the Simplified Chinese ones.

The fonts are written to assets/fonts and committed: building needs no font
tools. A test (ui/fonts_test.go) fails when a catalogue string has a
character no carried font draws; then run make fonts again.

Needs Debian's fonts-noto-cjk and python3-fonttools.
Usage: subset.py FYNE_FONT_DIR OUT_DIR
"""
import copy
import glob
import json
import os
import re
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-%s.ttc"
# Face numbers in the collection.
FACES = {"jp": 0, "sc": 2}
# Always carried: the kana, the CJK symbols and punctuation, full-width forms.
BASE = [(0x3000, 0x30FF), (0xFF00, 0xFFEF)]


def runes_of_catalogues(lang_filter):
    out = set()
    for path in glob.glob("assets/words/*/*.json"):
        lang = path.split(os.sep)[2]
        if not lang_filter(lang):
            continue
        with open(path, encoding="utf-8") as f:
            for v in json.load(f).values():
                out.update(ord(c) for c in v)
    return out


def runes_of_window_source():
    """Non-ASCII characters in the string literals of the window's Go code."""
    out = set()
    lit = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`')
    for path in glob.glob("ui/*.go") + ["window.go"]:
        if path.endswith("_test.go"):
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.lstrip().startswith("//"):
                    continue
                for m in lit.finditer(line):
                    out.update(ord(c) for c in m.group(0) if ord(c) > 0x7F)
    return out


def add_break_space(path):
    """Give the font a blank U+200A (hair space) that takes no width, a
    copy of its ideographic space: the window marks with it where a
    Japanese or Chinese line may break (ui/kinsoku.go), since Fyne breaks
    lines at spaces and Noto Sans CJK has no zero-width space."""
    f = TTFont(path, lazy=False)
    for tag in list(f.keys()):
        f[tag]
    top = f["CFF "].cff[0]
    cs = top.CharStrings
    src = f.getBestCmap()[0x3000]
    order = list(f.getGlyphOrder())
    new = "cid65000"
    blank = cs[src]
    blank.decompile()
    cs.charStringsIndex.append(copy.deepcopy(blank))
    cs.charStrings[new] = len(cs.charStringsIndex) - 1
    top.FDSelect.gidArray.append(top.FDSelect[order.index(src)])
    order.append(new)
    f.setGlyphOrder(order)
    top.charset = order
    f["hmtx"][new] = (0, 0)
    if "vmtx" in f:
        f["vmtx"][new] = f["vmtx"][src]
    f["maxp"].numGlyphs = len(order)
    for t in f["cmap"].tables:
        if t.isUnicode():
            t.cmap[0x200A] = new
    f.save(path)


def main():
    fyne_fonts, out_dir = sys.argv[1], sys.argv[2]
    latin = set(TTFont(os.path.join(fyne_fonts, "NotoSans-Regular.ttf")).getBestCmap())
    window = runes_of_window_source()
    names = set()  # every language's own name, shown in any language
    for path in glob.glob("assets/words/*/common.json"):
        with open(path, encoding="utf-8") as f:
            names.update(ord(c) for c in json.load(f).get("language.name", ""))
    base = {c for lo, hi in BASE for c in range(lo, hi + 1)}
    wanted = {
        "jp": runes_of_catalogues(lambda l: l == "ja"),
        "sc": runes_of_catalogues(lambda l: l != "ja"),
    }
    for variant, face in FACES.items():
        # The space too: Fyne shapes a run of Japanese or Chinese with a
        # space in it in one face, and drew a missing space as a box.
        text = ((wanted[variant] | window | names | base) - latin) | {0x20}
        for weight in ("Regular", "Bold"):
            src = TTFont(CJK % weight, fontNumber=face, lazy=False)
            cmap = src.getBestCmap()
            keep = sorted(c for c in text if c in cmap)
            opts = subset.Options()
            opts.layout_features = ["*"]
            opts.name_IDs = ["*"]
            opts.name_languages = ["*"]
            opts.hinting = False
            opts.desubroutinize = True
            sub = subset.Subsetter(opts)
            sub.populate(unicodes=keep)
            sub.subset(src)
            dst = os.path.join(out_dir, "NotoSansCJK%s-%s.otf" % (variant.upper(), weight))
            src.save(dst)
            add_break_space(dst)
            missing = sorted(c for c in text - base if c not in cmap)
            print("%s: %d characters, %d bytes%s" % (
                dst, len(keep), os.path.getsize(dst),
                "; not in Noto Sans CJK: " + "".join(map(chr, missing)) if missing else ""))


if __name__ == "__main__":
    main()
