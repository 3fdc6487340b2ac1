#!/usr/bin/python3
"""gen_unicode_tables.py - generate the Unicode/HTML tables of the C tokenizer.

Run with /usr/bin/python3 (needs the `regex` module, Debian python3-regex):

    /usr/bin/python3 tools/gen_unicode_tables.py > tables.c

It prints C99 source (static const arrays) that the tokenizer section of
promptmargin.h contains verbatim between the lines
    /* BEGIN GENERATED: tools/gen_unicode_tables.py */
    /* END GENERATED: tools/gen_unicode_tables.py */
so the tables can be regenerated for another Python / regex version.

Every table is derived from the component whose behaviour the C code copies,
by asking that component directly (not from UCD files):
  * character classes of the split pattern ([\\p{L}], [\\p{N}],
    [^\\s\\p{L}\\p{N}] under regex.IGNORECASE) and \\s: from the `regex` module,
    one codepoint at a time
  * str.isspace() (used by str.strip()), str.lower() and the two
    properties that drive Python's final-sigma rule: from the interpreter
  * canonical decompositions, combining classes, composition exclusions:
    from unicodedata (NFC)
  * HTML named entities and the numeric-reference rules: from html.entities
    and the html module

Table layout (all sorted by codepoint; lookups are binary searches):
  pm__uprop[]     uint32 (start << 8 | flags); a range lasts until the next
                  start.  flags: bits 0-1 split class (0 none, 1 letter,
                  2 number, 3 other), 4 regex \\s, 8 str.isspace, 16 case
                  ignorable, 32 cased (final-sigma context)
  pm__uprop_ascii[128]  the same flags for codepoints < 128 (fast path)
  pm__lower[]     {first, last, step, delta}: every step-th codepoint of
                  [first, last] lower-cases to cp + delta (single char)
  pm__ccc[]       uint32 (start << 8 | canonical combining class), ranges
  pm__nfd[]       {cp | second << 21 | composable << 31, first}: one level
                  of the canonical decomposition; second is 0 for singletons,
                  else 1 + index into pm__nfd_second[]; Hangul syllables are
                  algorithmic and not listed
  pm__nfc_pairs[] indexes of the composable pm__nfd rows, sorted by
                  (first, second): the canonical composition table
  pm__html_names  the entity names without ';', each NUL-terminated,
                  strcmp order, in string literals of < 4096 chars;
                  pm__html_ents[] one row per name:
                  {name offset, second-cp index, legacy flag, first cp}
  pm__html_second[], pm__html_cp1252[], pm__html_bad[]: see comments
"""

import html
import html.entities
import sys
import unicodedata

import regex

MAXCP = 0x110000
I = regex.IGNORECASE


def codepoints():
    """All codepoints except surrogates (which never reach the pipeline)."""
    for cp in range(MAXCP):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        yield cp


# ---------------------------------------------------------------------------
# character properties

def split_class(c, pl, pn, po):
    """Class of one char in the split pattern: 0 none, 1 L, 2 N, 3 other."""
    m = (bool(pl.fullmatch(c)), bool(pn.fullmatch(c)), bool(po.fullmatch(c)))
    if m == (True, False, False):
        return 1
    if m == (False, True, False):
        return 2
    if m == (False, False, True):
        return 3
    assert m == (False, False, False), (hex(ord(c)), m)
    return 0


def sigma_props(c):
    """(case_ignorable, cased) as Python's final-sigma rule sees them.

    Python lowers U+03A3 to U+03C2 when it is preceded by a cased char
    (skipping case-ignorable ones) and not followed by one.  Probing:
      X = (c + "Σ") -> ς   <=>  cased and not ignorable
      Y = ("A" + c + "Σ") -> ς  <=>  ignorable or cased
      Z = ("AΣ" + c) -> ς  <=>  ignorable or not cased
    Cased-and-ignorable chars behave exactly like ignorable ones, so two
    flags suffice.
    """
    x = (c + "\u03a3").lower()[-1] == "\u03c2"
    y = ("A" + c + "\u03a3").lower()[-1] == "\u03c2"
    z = ("A\u03a3" + c).lower()[1] == "\u03c2"
    ignorable = (not x) and y
    cased = x
    assert z == (ignorable or not cased), hex(ord(c))
    return ignorable, cased


def gen_uprop():
    pl = regex.compile(r"[\p{L}]", I)
    pn = regex.compile(r"[\p{N}]", I)
    po = regex.compile(r"[^\s\p{L}\p{N}]", I)
    ps = regex.compile(r"\s")
    rows = []
    prev = None
    for cp in range(MAXCP):
        if 0xD800 <= cp <= 0xDFFF:
            f = 3                       # never looked up; keep ranges long
        else:
            c = chr(cp)
            f = split_class(c, pl, pn, po)
            if ps.fullmatch(c):
                f |= 4
                assert f & 3 == 0
            if c.isspace():
                f |= 8
            ign, cased = sigma_props(c)
            f |= (16 if ign else 0) | (32 if cased else 0)
        if f != prev:
            rows.append((cp, f))
            prev = f
    return rows


def check_pattern_literals():
    """The C code matches the pattern's literal letters (the special tokens and
    the contractions) case-insensitively as: the letter, its ASCII upper case,
    and U+017F LONG S for 's'.  Verify that this is all regex.IGNORECASE
    accepts."""
    for lit in set("startoftextendoftextsretvemlld'<|>"):
        got = {cp for cp in codepoints() if regex.fullmatch(regex.escape(lit), chr(cp), I)}
        want = {ord(lit), ord(lit.upper())}
        if lit == "s":
            want.add(0x17F)
        assert got == want, (lit, sorted(hex(c) for c in got))


def count_version_skew():
    """Codepoints that regex classes as L or N but unicodedata as unassigned
    (the regex module may ship a newer Unicode than the interpreter)."""
    pl, pn = regex.compile(r"\p{L}"), regex.compile(r"\p{N}")
    n = 0
    for cp in codepoints():
        c = chr(cp)
        cat = unicodedata.category(c)
        if (pl.fullmatch(c) or pn.fullmatch(c)) and cat[0] not in "LN":
            assert cat == "Cn", hex(cp)
            n += 1
        elif cat[0] in "LN" and not (pl.fullmatch(c) or pn.fullmatch(c)):
            n += 1
    return n


def gen_lower():
    """Runs of single-char lower-case mappings; checks the multi-char ones."""
    maps = []
    for cp in codepoints():
        lo = chr(cp).lower()
        if len(lo) == 1:
            if ord(lo) != cp:
                maps.append((cp, ord(lo) - cp))
        else:
            # the C code special-cases exactly this one
            assert cp == 0x130 and lo == "i\u0307", (hex(cp), lo)
    runs = []
    for cp, d in maps:
        if runs:
            first, last, step, dd = runs[-1]
            gap = cp - last
            if dd == d and ((step == 0 and gap in (1, 2)) or (step and gap == step)):
                runs[-1] = (first, cp, gap, d)
                continue
        runs.append((cp, cp, 0, d))
    return [(a, b, s if s else 1, d) for a, b, s, d in runs]


def gen_ccc():
    rows = []
    prev = None
    for cp in range(MAXCP):
        v = 0 if 0xD800 <= cp <= 0xDFFF else unicodedata.combining(chr(cp))
        if v != prev:
            rows.append((cp, v))
            prev = v
    return rows


def gen_nfd():
    """One-level canonical decompositions and which of them compose back."""
    rows = []
    for cp in codepoints():
        if 0xAC00 <= cp <= 0xD7A3:
            continue                    # Hangul: algorithmic
        d = unicodedata.decomposition(chr(cp))
        if not d or d.startswith("<"):
            continue
        parts = [int(x, 16) for x in d.split()]
        assert 1 <= len(parts) <= 2
        a = parts[0]
        b = parts[1] if len(parts) == 2 else 0
        # a canonical composite survives NFC iff it is a primary composite
        # (not excluded, not a singleton, not a non-starter decomposition)
        comp = len(parts) == 2 and unicodedata.normalize("NFC", chr(cp)) == chr(cp)
        rows.append((cp, a, b, comp))
    pairs = sorted((i for i, r in enumerate(rows) if r[3]),
                   key=lambda i: (rows[i][1], rows[i][2]))
    return rows, pairs


# ---------------------------------------------------------------------------
# HTML

def gen_html():
    h5 = html.entities.html5
    names = sorted({k[:-1] if k.endswith(";") else k for k in h5},
                   key=lambda s: s.encode("ascii"))
    seconds = sorted({ord(v[1]) for v in h5.values() if len(v) == 2})
    assert len(seconds) < 16
    # names go into string literals of < 4096 chars (the longest a C99 compiler
    # must accept); a name's offset is (literal index << 12 | position)
    chunks = [""]
    ents = []
    for n in names:
        assert n + ";" in h5, n            # every name exists with ';'
        v = h5[n + ";"]
        legacy = n in h5
        if legacy:
            assert h5[n] == v
        assert 1 <= len(v) <= 2
        sec = seconds.index(ord(v[1])) + 1 if len(v) == 2 else 0
        if len(chunks[-1]) + len(n) + 1 > 4000:
            chunks.append("")
        ents.append(((len(chunks) - 1) << 12 | len(chunks[-1]), sec, 1 if legacy else 0,
                     ord(v[0])))
        chunks[-1] += n + "\0"
    assert len(chunks) <= 16
    cp1252 = html._invalid_charrefs
    assert set(cp1252) == {0, 0x0D} | set(range(0x80, 0xA0))
    bad = sorted(html._invalid_codepoints)
    bad_ranges = []
    for cp in bad:
        if bad_ranges and bad_ranges[-1][1] == cp - 1:
            bad_ranges[-1][1] = cp
        else:
            bad_ranges.append([cp, cp])
    return chunks, ents, seconds, cp1252, bad_ranges


# ---------------------------------------------------------------------------
# output

def emit_list(out, items, per_line, indent="    "):
    line = indent
    for i, it in enumerate(items):
        piece = it + ","
        if len(line) + len(piece) + 1 > 99:
            out.append(line.rstrip())
            line = indent
        line += piece + " "
    if line.strip():
        out.append(line.rstrip())


def main():
    out = []
    w = out.append
    w("/* BEGIN GENERATED: tools/gen_unicode_tables.py */")
    w("/* Python %s, unicodedata %s, regex %s.  Do not edit by hand. */"
      % (sys.version.split()[0], unicodedata.unidata_version, regex.__version__))
    sizes = {}
    check_pattern_literals()
    skew = count_version_skew()
    w("/* %d codepoints are letters/numbers for regex but unassigned for unicodedata"
      % skew)
    w("   (regex carries a newer Unicode); the split classes follow regex. */")

    up = gen_uprop()
    w("")
    w("/* character properties: (start << 8 | flags), see PM__UP_* */")
    w("static const uint32_t pm__uprop[%d] = {" % len(up))
    emit_list(out, ["0x%xu" % (cp << 8 | f) for cp, f in up], 8)
    w("};")
    sizes["pm__uprop"] = len(up) * 4
    w("")
    w("/* the same flags for ASCII, one byte per codepoint (fast path) */")
    w("static const unsigned char pm__uprop_ascii[128] = {")
    flags = []
    for cp in range(128):
        f = [fl for c, fl in up if c <= cp][-1]
        flags.append("%d" % f)
    emit_list(out, flags, 16)
    w("};")
    sizes["pm__uprop_ascii"] = 128

    lo = gen_lower()
    w("")
    w("/* lower-case runs {first, last, step, delta} (U+0130 is handled in code) */")
    w("static const int32_t pm__lower[%d][4] = {" % len(lo))
    emit_list(out, ["{0x%x, 0x%x, %d, %d}" % r for r in lo], 4)
    w("};")
    sizes["pm__lower"] = len(lo) * 16

    cc = gen_ccc()
    w("")
    w("/* canonical combining class ranges: (start << 8 | ccc) */")
    w("static const uint32_t pm__ccc[%d] = {" % len(cc))
    emit_list(out, ["0x%xu" % (cp << 8 | v) for cp, v in cc], 8)
    w("};")
    sizes["pm__ccc"] = len(cc) * 4

    nfd, pairs = gen_nfd()
    seconds2 = sorted({b for _, _, b, _ in nfd if b})
    assert len(seconds2) < 128 and max(r[0] for r in nfd) < (1 << 21)
    w("")
    w("/* canonical decompositions, one level: {cp | second << 21 | composable << 31, first};")
    w("   second: 0 for a singleton, else 1 + index into pm__nfd_second */")
    w("static const uint32_t pm__nfd[%d][2] = {" % len(nfd))
    emit_list(out, ["{0x%xu, 0x%x}" % (cp | ((seconds2.index(b) + 1) << 21 if b else 0)
                                      | (0x80000000 if c else 0), a)
                    for cp, a, b, c in nfd], 4)
    w("};")
    w("")
    w("/* second codepoints of the two-part decompositions */")
    w("static const uint32_t pm__nfd_second[%d] = {" % len(seconds2))
    emit_list(out, ["0x%x" % b for b in seconds2], 8)
    w("};")
    w("")
    w("/* rows of pm__nfd that compose, sorted by (first, second) */")
    w("static const uint16_t pm__nfc_pairs[%d] = {" % len(pairs))
    emit_list(out, [str(i) for i in pairs], 12)
    w("};")
    sizes["pm__nfd"] = len(nfd) * 8 + len(seconds2) * 4
    sizes["pm__nfc_pairs"] = len(pairs) * 2

    chunks, ents, seconds, cp1252, bad = gen_html()
    w("")
    w("/* HTML5 named character references (html.entities.html5): the names without ';',")
    w("   NUL-terminated, in strcmp order, split into literals of < 4096 chars */")
    w("static const char *const pm__html_names[%d] = {" % len(chunks))
    for ci, ch in enumerate(chunks):
        parts = ch.split("\0")[:-1]
        line = "    \""
        for n in parts:
            piece = n + "\\0"
            if len(line) + len(piece) > 97:
                w(line + "\"")
                line = "    \""
            line += piece
        w(line + "\"" + ("," if ci + 1 < len(chunks) else ""))
    w("};")
    w("")
    w("/* {name: pm__html_names[name >> 12] + (name & 0xfff), index+1 into pm__html_second")
    w("    (0: one char),")
    w("    1 if also accepted without ';', first codepoint} */")
    w("static const pm__html_entity pm__html_ents[%d] = {" % len(ents))
    emit_list(out, ["{%d, %d, %d, 0x%x}" % e for e in ents], 4)
    w("};")
    w("")
    w("/* second codepoints of the two-char entities */")
    w("static const uint16_t pm__html_second[%d] = {" % len(seconds))
    emit_list(out, ["0x%x" % s for s in seconds], 8)
    w("};")
    w("")
    w("/* numeric references 0x80..0x9f are read as Windows-1252 (html._invalid_charrefs) */")
    w("static const uint16_t pm__html_cp1252[32] = {")
    emit_list(out, ["0x%x" % ord(cp1252[0x80 + i]) for i in range(32)], 8)
    w("};")
    w("")
    w("/* codepoints a numeric reference drops (html._invalid_codepoints), ranges */")
    w("static const uint32_t pm__html_bad[%d][2] = {" % len(bad))
    emit_list(out, ["{0x%x, 0x%x}" % (a, b) for a, b in bad], 6)
    w("};")
    sizes["pm__html_names"] = sum(len(c) for c in chunks) + 8 * len(chunks)
    sizes["pm__html_ents"] = len(ents) * 8
    sizes["pm__html_second/cp1252/bad"] = len(seconds) * 2 + 64 + len(bad) * 8
    w("")
    total = sum(sizes.values())
    w("/* table bytes, total %d:" % total)
    for k, v in sizes.items():
        w("     %-28s %6d" % (k, v))
    w("*/")
    w("/* END GENERATED: tools/gen_unicode_tables.py */")
    sys.stdout.write("\n".join(out) + "\n")
    sys.stderr.write("tables: %d bytes\n" % total)
    for k, v in sizes.items():
        sys.stderr.write("  %-28s %6d\n" % (k, v))


if __name__ == "__main__":
    main()
