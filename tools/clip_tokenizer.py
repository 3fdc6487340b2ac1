#!/usr/bin/python3
"""clip_tokenizer.py - reference CLIP BPE tokenizer (pure Python, no torch).

This is an independent re-implementation of the behaviour of OpenAI CLIP's
`clip/simple_tokenizer.py` (the BPE tokenizer used by every OpenAI/open_clip
ViT-B/32-style text tower).  It is the reference the C tokenizer in
promptmargin.h is tested against (tools/make_token_vectors.py).

RUN IT WITH /usr/bin/python3.  The text splitting needs the third-party
`regex` module (for \\p{L} / \\p{N}); on this machine it only exists for the
Debian interpreter (package python3-regex).  The pyenv `python3` on PATH does
not have it.

API
---
    tok = ClipTokenizer("bpe_simple_vocab_16e6.txt.gz")   # .gz or plain text
    tok.encode("a photo of a cat")    -> [320, 1125, 539, 320, 2368]
    tok.decode(ids)                   -> "a photo of a cat "
    tok.sot, tok.eot                  -> 49406, 49407   (512+n, 513+n)
    tokenize(tok, ["a", "b"], 77)     -> [[49406, 320, 49407, 0, ...], ...]

Merges file
-----------
Line 0 is a version header (`"bpe_simple_vocab_16e6.txt#version: 0.2`) and is
skipped when it contains "#version".  Every other line is `left right`.
CLIP keeps only `lines[1 : 49152-256-2+1]`, i.e. the first 48894 merges, so
that the vocabulary has 512 + 48894 + 2 = 49408 entries.  With n_merges=None
the same slice is applied: the real CLIP file gives 48894 merges, a smaller
file gives all of its merges.  Pass n_merges explicitly to override.

Vocabulary order (ids): the 256 byte symbols in GPT-2 byte-to-unicode order,
the same 256 with "</w>" appended, one entry per merge (the concatenation of
its two symbols), then "<|startoftext|>" and "<|endoftext|>".  As in CLIP the
string -> id map is a plain dict, so if two entries are the same string the
later id wins (never happens for the real file).

Unlike CLIP, loading validates the file: every merge line must have exactly
two fields and both symbols must be strings of the vocabulary (CLIP would
silently keep merges that can never fire).  The real file passes.

Text pipeline (identical to CLIP except step 1)
-----------------------------------------------
  1. ftfy.fix_text(text) if ftfy can be imported, else the fallback
     unicodedata.normalize("NFC", text)  (see below)
  2. html.unescape(html.unescape(text)), then str.strip()
  3. regex.sub(r"\\s+", " ", text) (the `regex` module's Unicode \\s), strip()
  4. str.lower()   (full lower-casing: U+0130 -> "i\\u0307", final sigma, ...)
  5. regex.findall of
        <\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|
        [\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+              (regex.IGNORECASE)
  6. each piece -> UTF-8 bytes -> byte-to-unicode symbols, "</w>" appended to
     the last symbol; a piece equal to "<|startoftext|>" / "<|endoftext|>"
     maps directly to the special id
  7. BPE: repeatedly merge the adjacent pair with the lowest merge rank (all
     non-overlapping occurrences, left to right) until no pair has a rank.

ftfy fallback
-------------
ftfy is not installable here, so by default step 1 is only NFC.  The output
then equals CLIP's tokenizer exactly for every text that ftfy.fix_text leaves
unchanged, which is the case for ordinary clean NFC text.  What ftfy would
additionally change with its default TextFixerConfig (ftfy 6), so such
inputs can differ from real CLIP:
  * mojibake repair (fix_encoding: UTF-8 read as Latin-1/Windows-1252, e.g.
    "cafÃ©" -> "café"; restore_byte_a0, replace_lossy_sequences,
    decode_inconsistent_utf8)
  * C1 control characters read as Windows-1252 (fix_c1_controls,
    "\x93" -> U+201C)
  * HTML entity decoding inside fix_text when the text contains no "<"
    (unescape_html="auto"), with its own rules (e.g. "&EACUTE;" -> "É"), so
    "&amp;amp;amp;" is decoded one level further than here
  * curly quotes / apostrophes -> ASCII quotes (uncurl_quotes: "it’s" gets
    the contraction split of "it's")
  * Latin ligatures -> letters (fix_latin_ligatures: "ﬁ" -> "fi")
  * full-width / half-width forms -> normal width (fix_character_width:
    "ＡＢＣ" -> "ABC", "ｶ" -> "カ")
  * terminal escapes removed (remove_terminal_escapes), most C0/C1 control
    characters removed (remove_control_chars), line breaks normalised
    ("\r\n" and U+2028 -> "\n", fix_line_breaks), surrogate pairs joined
    (fix_surrogates)
  * NFC (its default normalization): kept here, that is the fallback.
"""

import gzip
import html
import sys
import unicodedata

try:
    import regex
except ImportError:  # pragma: no cover
    sys.stderr.write("clip_tokenizer.py needs the `regex` module: run it with "
                     "/usr/bin/python3 (Debian python3-regex)\n")
    raise

try:
    import ftfy  # noqa: F401
    HAVE_FTFY = True
except ImportError:
    HAVE_FTFY = False

CLIP_N_MERGES = 49152 - 256 - 2     # 48894: merges kept by CLIP
SOT_TEXT = "<|startoftext|>"
EOT_TEXT = "<|endoftext|>"

# The pre-tokenizer pattern (step 5); the regex module gives \p{L}/\p{N}.
SPLIT_PATTERN = regex.compile(
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d"
    r"|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
    regex.IGNORECASE)
WHITESPACE_RUN = regex.compile(r"\s+")


def byte_symbols():
    """The GPT-2 byte -> printable character table, as a list of 256 str.

    Bytes that are already printable and not space (33..126, 161..172,
    174..255) map to themselves; the remaining 68 bytes, in increasing
    order, map to U+0100, U+0101, ...
    """
    keep = set(range(33, 127)) | set(range(161, 173)) | set(range(174, 256))
    table = [None] * 256
    extra = 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def vocab_order():
    """Byte values in vocabulary order: printable ones first, then the rest.

    CLIP builds its vocabulary from dict(zip(bs, cs)).values(), i.e. the
    printable bytes in increasing order followed by the 68 remapped ones.
    """
    keep = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    rest = [b for b in range(256) if b not in set(keep)]
    return keep + rest


def fallback_fix_text(text):
    """Stand-in for ftfy.fix_text when ftfy is unavailable: NFC only."""
    return unicodedata.normalize("NFC", text)


def basic_clean(text):
    """Step 1-2: ftfy (or NFC), HTML unescape twice, strip."""
    if HAVE_FTFY:
        text = ftfy.fix_text(text)
    else:
        text = fallback_fix_text(text)
    text = html.unescape(html.unescape(text))
    return text.strip()


def whitespace_clean(text):
    """Step 3: collapse runs of Unicode whitespace to one space, strip."""
    return WHITESPACE_RUN.sub(" ", text).strip()


def read_merge_lines(path):
    """Return the list of text lines of a merges file (.gz or plain)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8").split("\n")


class ClipTokenizer:
    """CLIP byte-level BPE tokenizer.  See the module docstring."""

    def __init__(self, merges_path, n_merges=None):
        lines = read_merge_lines(merges_path)
        if lines and "#version" in lines[0]:
            lines = lines[1:]
        # drop trailing empty lines (file ends with "\n")
        while lines and lines[-1] == "":
            lines.pop()
        if n_merges is None:
            n_merges = min(len(lines), CLIP_N_MERGES)
        if n_merges > len(lines):
            raise ValueError("merges file has %d merges, %d requested"
                             % (len(lines), n_merges))
        merges = []
        for k, line in enumerate(lines[:n_merges]):
            parts = line.split()
            if len(parts) != 2:
                raise ValueError("merge line %d is malformed: %r" % (k + 1, line))
            merges.append((parts[0], parts[1]))
        self.n_merges = n_merges
        self.merges = merges

        self.byte_encoder = byte_symbols()
        self.byte_decoder = {c: b for b, c in enumerate(self.byte_encoder)}
        base = [self.byte_encoder[b] for b in vocab_order()]
        vocab = base + [s + "</w>" for s in base]
        vocab += [a + b for a, b in merges]
        vocab += [SOT_TEXT, EOT_TEXT]
        self.vocab = vocab
        self.encoder = {}
        for i, s in enumerate(vocab):
            self.encoder[s] = i          # later duplicate wins, like dict(zip())
        self.decoder = {i: s for s, i in self.encoder.items()}
        for k, (a, b) in enumerate(merges):
            if a not in self.encoder or b not in self.encoder:
                raise ValueError("merge line %d uses an unknown symbol: %r %r"
                                 % (k + 1, a, b))
        self.ranks = {}
        for k, pair in enumerate(merges):
            self.ranks[pair] = k         # later duplicate wins
        self.sot = 512 + n_merges
        self.eot = 513 + n_merges
        self._cache = {SOT_TEXT: [SOT_TEXT], EOT_TEXT: [EOT_TEXT]}

    def bpe(self, piece):
        """Split one byte-encoded piece (str) into vocabulary strings."""
        hit = self._cache.get(piece)
        if hit is not None:
            return hit
        word = list(piece[:-1]) + [piece[-1] + "</w>"]
        while len(word) > 1:
            # lowest-ranked adjacent pair present in the word
            best = None
            best_rank = None
            for i in range(len(word) - 1):
                r = self.ranks.get((word[i], word[i + 1]))
                if r is not None and (best_rank is None or r < best_rank):
                    best_rank = r
                    best = (word[i], word[i + 1])
            if best is None:
                break
            # merge every occurrence of that pair, scanning left to right
            merged = []
            i = 0
            while i < len(word):
                if i + 1 < len(word) and word[i] == best[0] and word[i + 1] == best[1]:
                    merged.append(best[0] + best[1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        self._cache[piece] = word
        return word

    def pieces(self, text):
        """Cleaned, lower-cased text split into pre-tokens (list of str)."""
        text = whitespace_clean(basic_clean(text)).lower()
        return SPLIT_PATTERN.findall(text)

    def encode(self, text):
        """Text (str) -> list of token ids, without SOT/EOT."""
        ids = []
        for piece in self.pieces(text):
            sym = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            ids.extend(self.encoder[s] for s in self.bpe(sym))
        return ids

    def decode(self, ids):
        """Token ids -> text; "</w>" becomes a space, bad UTF-8 -> U+FFFD."""
        s = "".join(self.decoder[i] for i in ids)
        s = s.replace("</w>", " ")
        out = bytearray()
        for c in s:
            b = self.byte_decoder.get(c)
            if b is None:                 # special-token text: plain ASCII
                out += c.encode("utf-8")
            else:
                out.append(b)
        return out.decode("utf-8", errors="replace")


def tokenize_one(tok, text, context_length=77):
    """One context row: [sot] + ids + [eot], zero padded.

    Too long rows are cut to context_length with eot kept as the last token
    (open_clip semantics; OpenAI's clip.tokenize(truncate=True) does the same).
    """
    ids = [tok.sot] + tok.encode(text) + [tok.eot]
    if len(ids) > context_length:
        ids = ids[:context_length]
        ids[-1] = tok.eot
    return ids + [0] * (context_length - len(ids))


def tokenize(tok, texts, context_length=77):
    """List of texts (or one str) -> list of context rows (list of int)."""
    if isinstance(texts, str):
        texts = [texts]
    return [tokenize_one(tok, t, context_length) for t in texts]


def eot_index(row, eot):
    """Index of the EOT token in a context row (what CLIP's argmax picks)."""
    return row.index(eot)


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="CLIP BPE tokenizer (reference)")
    ap.add_argument("merges", help="bpe_simple_vocab_16e6.txt[.gz]")
    ap.add_argument("text", nargs="+")
    ap.add_argument("--context", type=int, default=77)
    a = ap.parse_args()
    t = ClipTokenizer(a.merges)
    for s in a.text:
        print(" ".join(str(i) for i in [t.sot] + t.encode(s) + [t.eot]))
