#!/usr/bin/python3
"""make_token_vectors.py - tokenizer test vectors for the C tokenizer.

Run with /usr/bin/python3 (tools/clip_tokenizer.py needs the `regex` module):

    /usr/bin/python3 tools/make_token_vectors.py [--merges PATH] [--rebuild-corpus]

Writes, under tests/fixtures/:
  tokens_corpus.txt  the corpus, one text per line (escaped, see below).  Built
                     by build_corpus() below (deterministic) when missing or
                     with --rebuild-corpus; otherwise read as it is.
  tokens_clip.txt    reference tokens with the real CLIP merges
                     (bpe_simple_vocab_16e6.txt.gz, 48894 merges)
  tokens_tiny.txt    the same with tests/fixtures/tiny_bpe.txt (if present)

Line format of the tokens files (lines starting with '#' are comments):

    EOT<TAB>IDS<TAB>TEXT

  EOT   index of the first end-of-text token in the 77-token context row
        ([sot] ids [eot], zero padded; when too long cut to 77 with eot kept
        last), i.e. CLIP's text.argmax(-1): min(len(ids) + 1, 76) unless the
        text itself contains "<|endoftext|>"
  IDS   the full encoding (no sot/eot, not truncated), ids separated by one
        space; empty when the text has no tokens
  TEXT  the corpus line, escaped exactly as in tokens_corpus.txt

Escapes (TEXT and tokens_corpus.txt): "\\\\" backslash, "\\n" LF, "\\t" TAB,
"\\r" CR, "\\xHH" one raw byte.  Every other byte is literal UTF-8.  Control
bytes, U+0085, U+2028 and U+2029 are always written as \\x escapes, so a line
of the file never contains a line-break character.  A TEXT is bytes, possibly
not valid UTF-8: the reference decodes it with bytes.decode("utf-8",
"replace"), which is what the C tokenizer does with ill-formed input.
"""

import argparse
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import clip_tokenizer  # noqa: E402

FIX = os.path.join(ROOT, "tests", "fixtures")
DEFAULT_MERGES = "/work/shared/data/bpe_simple_vocab_16e6.txt.gz"


# ---------------------------------------------------------------------------
# escaping

def escape(data):
    """bytes -> one escaped line (str)."""
    out = []
    text = data.decode("utf-8", errors="surrogateescape")
    for ch in text:
        o = ord(ch)
        if 0xDC80 <= o <= 0xDCFF:               # an undecodable byte
            out.append("\\x%02x" % (o - 0xDC00))
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7F or o in (0x85, 0x2028, 0x2029):
            out.append("".join("\\x%02x" % b for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def unescape(line):
    """One escaped line (str) -> bytes."""
    raw = line.encode("utf-8")
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c != 0x5C or i + 1 >= len(raw):
            out.append(c)
            i += 1
            continue
        e = raw[i + 1]
        if e == ord("n"):
            out.append(10)
        elif e == ord("t"):
            out.append(9)
        elif e == ord("r"):
            out.append(13)
        elif e == ord("\\"):
            out.append(0x5C)
        elif e == ord("x"):
            out.append(int(raw[i + 2:i + 4], 16))
            i += 2
        else:
            out.append(e)
        i += 2
    return bytes(out)


# ---------------------------------------------------------------------------
# the corpus

SUBJECTS = """dog cat bird horse cow sheep elephant bear zebra giraffe person man woman child
boy girl baby family couple crowd team chef doctor nurse teacher student farmer soldier
pilot astronaut robot car truck bus train bicycle motorcycle airplane boat ship kite
skateboard surfboard umbrella backpack suitcase laptop phone camera guitar piano violin
pizza burger sandwich salad cake donut apple banana orange broccoli carrot coffee tea
house castle bridge tower church temple skyscraper lighthouse windmill tent cabin barn
tree flower forest mountain river lake ocean beach desert volcano glacier waterfall cave
street road highway alley market kitchen bedroom bathroom office library classroom
stadium airport station museum garden park playground zoo farm factory harbor""".split()

ADJECTIVES = """small large tiny huge old young new ancient modern red blue green yellow
black white brown pink purple orange golden silver wooden metal plastic glass happy sad
angry sleepy hungry fluffy shiny dusty wet dry cold hot bright dark colorful vintage
rusty broken empty crowded quiet noisy beautiful ugly famous strange cute scary""".split()

PLACES = """in the park|on the beach|at night|in the snow|under the rain|on a table|in a
kitchen|on the street|in front of a building|next to a river|in the desert|on a mountain
top|at sunset|at sunrise|in a forest|inside a car|on a boat|in the sky|under water|in a
museum|on the grass|near the window|in a field of flowers|on a wooden floor|in a city at
night""".replace("\n", " ").split("|")

ACTIONS = """sitting|standing|running|jumping|sleeping|eating|playing|walking|flying|
swimming|looking at the camera|holding a ball|riding a bike|reading a book|waiting|
smiling|crying|dancing|cooking dinner|painting a picture""".replace("\n", "").split("|")

CLASSES = """tench|goldfish|great white shark|tiger shark|hammerhead shark|electric ray|
stingray|rooster|hen|ostrich|brambling|goldfinch|house finch|junco|indigo bunting|
American robin|bulbul|jay|magpie|chickadee|American dipper|kite (bird of prey)|bald eagle|
vulture|great grey owl|fire salamander|smooth newt|newt|spotted salamander|axolotl|
American bullfrog|tree frog|tailed frog|loggerhead sea turtle|leatherback sea turtle|
mud turtle|terrapin|box turtle|banded gecko|green iguana|Carolina anole|
desert grassland whiptail lizard|agama|frilled-necked lizard|alligator lizard|
Gila monster|European green lizard|chameleon|Komodo dragon|Nile crocodile|
American alligator|triceratops|worm snake|ring-necked snake|eastern hog-nosed snake|
smooth green snake|kingsnake|garter snake|water snake|vine snake|night snake|
boa constrictor|African rock python|Indian cobra|green mamba|sea snake|
Saharan horned viper|eastern diamondback rattlesnake|sidewinder rattlesnake|trilobite|
harvestman|scorpion|yellow garden spider|barn spider|European garden spider|
southern black widow|tarantula|wolf spider|tick|centipede|black grouse|ptarmigan|
ruffed grouse|prairie grouse|peafowl|quail|partridge|african grey parrot|macaw|
sulphur-crested cockatoo|lorikeet|coucal|bee eater|hornbill|hummingbird|jacamar|toucan|
duck|red-breasted merganser|goose|black swan|tusker|echidna|platypus|jellyfish|
sea anemone|brain coral|flatworm|nematode|conch|snail|slug|sea slug|chiton|
chambered nautilus|Dungeness crab|rock crab|fiddler crab|red king crab|American lobster|
spiny lobster|crayfish|hermit crab|isopod|white stork|black stork|spoonbill|flamingo|
little blue heron|great egret|bittern bird|crane bird|limpkin|common gallinule|
American coot|bustard|ruddy turnstone|dunlin|common redshank|dowitcher|oystercatcher|
pelican|king penguin|albatross|grey whale|killer whale|dugong|sea lion|Chihuahua|
Japanese Chin|Maltese|Pekingese|Shih Tzu|King Charles Spaniel|Papillon|toy terrier|
Rhodesian Ridgeback|Afghan Hound|Basset Hound|Beagle|Bloodhound|Bluetick Coonhound|
espresso machine|airliner|warplane|airship|canoe|yawl|catamaran|trimaran|container ship|
lifeboat|speedboat|submarine|aircraft carrier|school bus|trolleybus|minibus|tow truck|
pickup truck|fire truck|garbage truck|tractor|forklift|steam locomotive|bullet train|
mountain bike|tricycle|unicycle|go-kart|golf cart|snowmobile|snowplow|moped|jeep|
convertible|sports car|race car|cab|ambulance|minivan|limousine|station wagon|
traffic light|street sign|stop sign|parking meter|mailbox|pay phone|hot dog|
French loaf|bagel|pretzel|cheeseburger|mashed potato|head cabbage|cauliflower|zucchini|
spaghetti squash|acorn squash|butternut squash|cucumber|artichoke|bell pepper|cardoon|
mushroom|Granny Smith apple|strawberry|lemon|fig|pineapple|jackfruit|custard apple|
pomegranate|hay|carbonara|chocolate syrup|dough|meatloaf|pizza|pot pie|burrito|
red wine|espresso|cup|eggnog|alp|bubble|cliff|coral reef|geyser|lakeshore|promontory|
sandbar|beach|valley|volcano|baseball player|bridegroom|scuba diver|rapeseed|daisy|
yellow lady's slipper|corn|acorn|rose hip|horse chestnut seed|coral fungus|agaric|
gyromitra|stinkhorn mushroom|earth star fungus|hen of the woods mushroom|bolete|
corn cob|toilet paper""".replace("\n", "").split("|")

TEMPLATES = """a photo of a {}.|a bad photo of a {}.|a photo of many {}.|a sculpture of a {}.|
a photo of the hard to see {}.|a low resolution photo of the {}.|a rendering of a {}.|
graffiti of a {}.|a bad photo of the {}.|a cropped photo of the {}.|a tattoo of a {}.|
the embroidered {}.|a photo of a hard to see {}.|a bright photo of a {}.|
a photo of a clean {}.|a photo of a dirty {}.|a dark photo of the {}.|a drawing of a {}.|
a photo of my {}.|the plastic {}.|a photo of the cool {}.|a close-up photo of a {}.|
a black and white photo of the {}.|a painting of the {}.|a painting of a {}.|
a pixelated photo of the {}.|a sculpture of the {}.|a bright photo of the {}.|
a cropped photo of a {}.|a plastic {}.|a photo of the dirty {}.|a jpeg corrupted photo of a {}.|
a blurry photo of the {}.|a photo of the {}.|a good photo of the {}.|a rendering of the {}.|
a {} in a video game.|a photo of one {}.|a doodle of a {}.|a close-up photo of the {}.|
the origami {}.|the {} in a video game.|a sketch of a {}.|a doodle of the {}.|
a origami {}.|a low resolution photo of a {}.|the toy {}.|a rendition of the {}.|
a photo of the clean {}.|a photo of a large {}.|a rendition of a {}.|a photo of a nice {}.|
a photo of a weird {}.|a blurry photo of a {}.|a cartoon {}.|art of a {}.|a sketch of the {}.|
a embroidered {}.|a pixelated photo of a {}.|itap of the {}.|a jpeg corrupted photo of the {}.|
a good photo of a {}.|a plushie {}.|a photo of the nice {}.|a photo of the small {}.|
a photo of the weird {}.|the cartoon {}.|art of the {}.|a drawing of the {}.|
a photo of the large {}.|a black and white photo of a {}.|the plushie {}.|
a dark photo of a {}.|itap of a {}.|graffiti of the {}.|a toy {}.|itap of my {}.|
a photo of a cool {}.|a photo of a small {}.|a tattoo of the {}.|
A PHOTO OF A {}!|{}|{}?|{}s|the {}'s toy|it's a {}|{} ({})|"{}"|#{}|@{}|{}...""".replace(
    "\n", "").split("|")

PUNCT = ["!", "!!", "!!!", "?!", "...", "..", ".", ",", ";", ":", "-", "--", "---", "—", "–",
         "(", ")", "[", "]", "{", "}", "<", ">", "/", "\\", "|", "_", "__", "*", "**", "&",
         "#", "@", "$", "%", "^", "~", "`", "'", "''", "\"", "“", "”", "‘", "’", "«", "»",
         "¿", "¡", "§", "¶", "©", "®", "™", "°", "±", "×", "÷", "€", "£", "¥", "¢", "•", "…",
         "→", "←", "⇒", "∞", "≈", "≠", "≤", "≥", "√", "∑", "π", "µ", "=", "+", "+=", "=>",
         "<-", "->", "<=", ">=", "!=", "==", "&&", "||", "::", ":-)", ";-)", ":(", "^_^",
         "¯\\_(ツ)_/¯", "(╯°□°)╯︵ ┻━┻", "<3", "</3", "<br>", "</p>", "<|", "|>", "<||>"]

WORDS_MULTI = [
    # precomposed and decomposed Latin (NFC must compose the second forms)
    "café", "cafe\u0301", "naïve", "nai\u0308ve", "résumé", "re\u0301sume\u0301", "Ångström",
    "A\u030angstro\u0308m", "Å", "Å", "über", "u\u0308ber", "señor", "sen\u0303or",
    "façade", "fac\u0327ade", "Dvořák", "Dvor\u030ca\u0301k", "Łódź", "Ło\u0301dz\u0301",
    "crème brûlée", "cre\u0300me bru\u0302le\u0301e", "jalapeño", "São Paulo", "Zürich",
    "Kraków", "Curaçao", "smörgåsbord", "Þórsmörk", "Øresund", "Æsir", "straße", "STRASSE",
    "ẞ", "ǅ", "ǈ", "ǋ", "ǲ", "ﬁ", "ﬂ", "ﬀ", "ﬃ", "Ⅻ", "ⅻ", "½", "¾", "²", "³", "¹", "⁴",
    "Tiếng Việt", "Tie\u0302\u0301ng Vie\u0323\u0302t", "Tie\u0301\u0302ng", "phở", "Hà Nội",
    "a\u0323\u0302", "a\u0302\u0323", "q\u0307\u0323", "q\u0323\u0307", "e\u0301\u0301",
    "\u0301abc", "x\u0345", "\u03b1\u0345", "\u1f00\u0345", "\u03b1\u0313\u0345\u0301",
    "ṩ", "s\u0323\u0307", "s\u0307\u0323", "ḍ\u0307", "Å\u0301", "\u212b", "\u2126", "\u212a",
    "\u0344", "\u0340\u0341", "\u0958", "\u0915\u093c", "\u2adc", "\ufb2c", "\U0001d15e",
    "\u00c5\u0328", "\u0041\u0328\u030a", "\u0041\u030a\u0328",
    # Greek and sigma
    "Ελληνικά", "ΟΔΟΣ", "ΟΔΟΣ ΣΤΟ ΣΠΙΤΙ", "Σ", "ΑΣ", "ΣΑ", "Α.Σ.", "ΑΣ'", "ΑΣ'Σ", "ΑΣ\u0301",
    "ΑΣ\u0301Β", "ΑΣ-Β", "ΑΣ1", "ΑΣΣ", "aΣ", "aΣb", "ªΣ", "ΑΣ\u00ad", "ΑΣ\u00adΒ", "ΣΣΣ",
    "σοφία", "Αθήνα", "Ὀδυσσεύς", "ὈΔΥΣΣΕΎΣ", "ΆΈΉΊΌΎΏ", "ΐΰ", "ᾼ", "ᾈ", "ΣΊΣΥΦΟΣ",
    # Cyrillic
    "Привет, мир!", "Москва", "ЁЛКА", "ёлка", "Україна", "Їжак", "Ґанок", "Беларусь",
    "Српски", "Македонски", "ҚАЗАҚСТАН", "Ӑӑ", "й", "и\u0306", "Й", "И\u0306",
    # Armenian, Georgian, Hebrew, Arabic
    "Հայաստան", "ԵՒ", "և", "ქართული", "ᲥᲐᲠᲗᲣᲚᲘ", "שלום עולם", "עִבְרִית", "مرحبا بالعالم",
    "العربية", "القرآن", "١٢٣٤٥", "۱۲۳", "السلام عليكم", "ﷺ", "ﻻ",
    # Indic and South-East Asian
    "नमस्ते दुनिया", "हिन्दी", "क़", "१२३", "বাংলা", "ਪੰਜਾਬੀ", "ગુજરાતી", "தமிழ்", "తెలుగు",
    "ಕನ್ನಡ", "മലയാളം", "ශ්‍රී ලංකා", "ภาษาไทย", "ສະບາຍດີ", "မြန်မာ", "ខ្មែរ", "བོད་ཡིག",
    "\u0b47\u0b3e", "\u0b4b", "\u09c7\u09be",
    # CJK, kana, Korean
    "你好，世界！", "中文字符", "漢字", "繁體中文", "日本語のテキスト", "ひらがな", "カタカナ",
    "ｶﾀｶﾅ", "ガ", "カ\u3099", "ぱ", "は\u309a", "東京タワー", "こんにちは世界", "한국어",
    "안녕하세요", "\u1100\u1161\u11a8", "\u1112\u1161\u11ab\u1100\u1173\u11af", "\uac00\u11a8",
    "ㄱㅏ", "\U0002f800", "\uf900", "\U00020000", "\U0002a6d6", "〇一二三", "①②③", "㈱", "㍻",
    "ＦＵＬＬＷＩＤＴＨ", "ｆｕｌｌ", "１２３", "！？", "\u3000全角\u3000空白",
    # emoji
    "😀", "😀😀😀", "👍", "👍🏽", "👍🏿👍🏻", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇺🇸", "🇯🇵🇫🇷",
    "❤️", "❤", "♥", "☺️", "✔️", "1️⃣", "#️⃣", "🧑🏾‍🚀", "🐕‍🦺", "😂🤣", "🔥🔥🔥", "🙏", "🤷‍♀️",
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", "🫠", "🥹",
    # math / symbols / misc
    "E=mc²", "x² + y² = z²", "∀x∈ℝ", "ℕ ℤ ℚ ℝ ℂ", "∫₀¹ f(x)dx", "α+β=γ", "𝔸𝔹ℂ", "𝐛𝐨𝐥𝐝",
    "𝓼𝓬𝓻𝓲𝓹𝓽", "Ⓐⓑⓒ", "🄰🄱", "\u2160\u2161\u2162", "\u2170\u2171", "ⅰⅱ",
    # special casing
    "İstanbul", "İ", "ISTANBUL", "ıi", "DİYARBAKIR", "ǰ", "ŉ", "ﬆ", "ﬅ", "\u1e9e",
]

HTML = [
    "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#39;", "&#x27;", "&#X27;", "&nbsp;",
    "&amp;amp;", "&amp;amp;amp;", "&amp;lt;", "&amp;#39;", "&amp;#x27;", "&amp;nbsp;",
    "&amp", "&lt", "&gt", "&copy", "&reg", "&nbsp", "&AMP", "&LT", "&GT", "&QUOT",
    "&ampx", "&ampx;", "&lte", "&ltx;", "&notit;", "&notin;", "&not", "&noti", "&copyright",
    "&hellip;", "&hellip", "&mdash;", "&ndash;", "&lsquo;", "&rsquo;", "&ldquo;", "&rdquo;",
    "&euro;", "&pound;", "&yen;", "&cent;", "&trade;", "&deg;", "&plusmn;", "&times;",
    "&divide;", "&frac12;", "&frac14;", "&frac34;", "&frac12", "&sup2;", "&micro;", "&para;",
    "&eacute;", "&Eacute;", "&eacute", "&egrave;", "&ntilde;", "&uuml;", "&Uuml;", "&szlig;",
    "&aring;", "&AElig;", "&oslash;", "&ccedil;", "&alpha;", "&Alpha;", "&Sigma;", "&sigma;",
    "&sigmaf;", "&pi;", "&infin;", "&ne;", "&le;", "&ge;", "&rarr;", "&larr;", "&hearts;",
    "&NotEqualTilde;", "&nvlt;", "&bne;", "&fjlig;", "&ThickSpace;", "&MediumSpace;",
    "&CounterClockwiseContourIntegral;", "&zwj;", "&zwnj;", "&shy;", "&ensp;", "&emsp;",
    "&thinsp;", "&NewLine;", "&Tab;", "&#0;", "&#00;", "&#1;", "&#9;", "&#10;", "&#13;",
    "&#x0D;", "&#11;", "&#12;", "&#31;", "&#32;", "&#65;", "&#065;", "&#0000065;", "&#x41;",
    "&#X41;", "&#x41", "&#65", "&#127;", "&#128;", "&#x80;", "&#129;", "&#130;", "&#141;",
    "&#150;", "&#151;", "&#153;", "&#159;", "&#160;", "&#xA0;", "&#173;", "&#233;",
    "&#xe9;", "&#xE9;", "&#x3A3;", "&#931;", "&#x1F600;", "&#128512;", "&#xD800;",
    "&#xDFFF;", "&#55296;", "&#xFFFE;", "&#xFFFF;", "&#x1FFFE;", "&#x10FFFF;", "&#x10FFFE;",
    "&#x110000;", "&#1114112;", "&#99999999999999999999999;", "&#xFFFFFFFFFFFFFFFFFFFF;",
    "&#xFDD0;", "&#xFDEF;", "&#xFDF0;", "&#x;", "&#;", "&#x", "&#", "&", "&&", "& ", "&;",
    "&#xg;", "&#a;", "&unknown;", "&unknown", "&Amp;", "&AMP;", "&amp;;", "&amp;&lt;",
    "&&amp;", "&amp&lt", "a&b", "AT&T", "R&D", "Q&A", "fish & chips", "rock&roll",
    "&lt;b&gt;bold&lt;/b&gt;", "&lt;|endoftext|&gt;", "&lt;|startoftext|&gt;",
    "&#60;|endoftext|&#62;", "&amp;lt;|endoftext|&amp;gt;", "&abcdefghijklmnopqrstuvwxyzabcdefgh;",
    "&ampabcdefghijklmnopqrstuvwxyzabcdefgh;", "&amp\tx", "&amp x", "&amp<x", "&amp#x",
    "&amp&x", "&é;", "&ampé", "&\u00e9amp;", "&a\u0301;", "&e&#769;", "e&#769;", "e&#x301;",
    "&#x3A3;&#x391;&#x3A3;", "&Sigma;&Alpha;&Sigma;", "&#x130;", "&Idot;", "&#x0345;",
    "&#x2028;a&#x2029;", "a&#x1c;b", "a&#x1f;", "&#x1f;a", "&#x85;", "&#133;", "&NoBreak;",
    "&#x3000;", "&#12288;", "x&#x20;&#x20;y", "&#9;&#10;x", "&#x301;", "&#x301;a",
]

WHITESPACE = [
    "a  b", "a   b    c", "a\tb", "a\t\tb", "a\nb", "a\n\nb", "a\r\nb", "a\rb", "a\x0bb",
    "a\x0cb", "a\x1cb", "a\x1db", "a\x1eb", "a\x1fb", "\x1ca", "a\x1f", "\x1c\x1da\x1e\x1f",
    "a\x85b", "a\xa0b", "a\u1680b", "a\u2000b", "a\u2003b", "a\u200ab", "a\u200bb", "a\u2028b",
    "a\u2029b", "a\u202fb", "a\u205fb", "a\u3000b", "a\ufeffb", "a\u180eb", "a\u200cb",
    "a\u200db", "a\u2060b", "  leading", "trailing  ", "  both  ", "\t\ttabs\t\t",
    "\n\nnewlines\n\n", " \t\n\r\x0b\x0c mixed \x0c\x0b\r\n\t ", "\u3000\u3000ideographic",
    "word \x1c word", "word\x1c word", "word \x1cword", "\x00", "a\x00b", "\x00\x00",
    "a\x01b", "a\x07b", "a\x08b", "a\x1bb", "\x1b[31mred\x1b[0m", "a\x7fb", "a\x80b",
    "a\x9fb", "", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\x1c", "\x85",
]

CONTRACTIONS = [
    "it's", "It's", "IT'S", "I'LL", "I'll", "i'll", "don't", "DON'T", "Don't", "we're",
    "WE'RE", "you've", "YOU'VE", "I'm", "I'M", "he'd", "HE'D", "they'll", "can't", "won't",
    "shouldn't've", "y'all", "o'clock", "rock 'n' roll", "'s", "'t", "'re", "'ve", "'m",
    "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'Ll", "'D", "''s", "'''s", "'", "''",
    "'x", "'st", "'sa", "'dd", "'mm", "'rex", "'ree", "'lll", "'a", "'1", "'é", "'ſ", "'ſt",
    "x'ſ", "it’s", "don’t", "it`s", "it´s", "John's dog", "the dogs' bone", "'quoted'",
    "\"double\"", "'s'", "!'s", ".'s", "a.'s", "it'S", "IT's", "she'd've", "'tis",
    "ma'am", "'90s", "'s's", "l'homme", "aujourd'hui", "O'Brien", "D'Angelo",
]

SPECIALS = [
    "<|startoftext|>", "<|endoftext|>", "<|STARTOFTEXT|>", "<|EndOfText|>",
    "a<|endoftext|>b", "a <|endoftext|> b", "<|endoftext|><|endoftext|>",
    "!<|endoftext|>", "<<|endoftext|>", "<|endoftext|>>", "<| endoftext |>",
    "<|endoftext", "endoftext|>", "<|ſtartoftext|>", "<|Startoftext|>", "<|startoftext|>x",
    "x<|startoftext|>", "<|startoftext|>hello<|endoftext|>", "<|unk|>", "<|pad|>",
    "&lt;|endoftext|&gt;", "</w>", "a</w>b", "<w>", "< / w >", "hello</w>world",
]


def numbers(rng):
    out = ["0", "1", "12", "123", "1234", "12345", "1,000", "1,000,000", "3.14159", "-42",
           "+7", "1e10", "1.5e-3", "0x1F", "0b1010", "007", "2024-01-01", "12:30", "12:30:45",
           "$19.99", "€5", "100%", "50/50", "1/2", "3rd", "21st", "2nd", "1st place",
           "4K", "1080p", "iPhone 15", "COVID-19", "B-52", "F-16", "R2-D2", "C-3PO", "24/7",
           "(555) 123-4567", "+1-800-555-0199", "192.168.0.1", "v1.2.3", "A4", "3D", "MP3",
           "No. 5", "#1", "Room 101", "Apollo 11", "1984", "1999", "2001: A Space Odyssey",
           "٣", "٣٤", "５", "²³", "Ⅳ", "①", "⑽", "𝟙𝟚", "፩", "〇", "零", "१०", "௰"]
    for _ in range(60):
        k = rng.randint(1, 25)
        out.append("".join(rng.choice("0123456789") for _ in range(k)))
    for _ in range(30):
        out.append("%d.%d" % (rng.randint(0, 99999), rng.randint(0, 999)))
    return out


def captions(rng, n):
    out = []
    for _ in range(n):
        form = rng.randint(0, 7)
        a, s = rng.choice(ADJECTIVES), rng.choice(SUBJECTS)
        p, act = rng.choice(PLACES), rng.choice(ACTIONS)
        if form == 0:
            t = "a %s %s %s %s" % (a, s, act, p)
        elif form == 1:
            t = "A %s %s %s." % (a.capitalize(), s, p)
        elif form == 2:
            t = "Two %ss and a %s %s %s." % (s, rng.choice(ADJECTIVES), rng.choice(SUBJECTS), p)
        elif form == 3:
            t = "%s %s, %s %s!" % (a.upper(), s.upper(), act, p)
        elif form == 4:
            t = "There is a %s %s %s, and it's %s." % (a, s, p, rng.choice(ADJECTIVES))
        elif form == 5:
            t = "Photo: %s %s (%d) %s #%s @user%d" % (a, s, rng.randint(1, 3000), p,
                                                      rng.choice(SUBJECTS), rng.randint(0, 99))
        elif form == 6:
            t = "%s-%s %s;%s %s" % (a, s, act, rng.choice(SUBJECTS), p)
        else:
            t = "the %s's %s is %s" % (s, rng.choice(SUBJECTS), rng.choice(ADJECTIVES))
        out.append(t)
    return out


def prompts(rng, n):
    out = []
    for k in range(n):
        c = CLASSES[k % len(CLASSES)]
        t = TEMPLATES[rng.randrange(len(TEMPLATES))]
        out.append(t.replace("{}", c))
    return out


def punctuation(rng, n):
    out = list(PUNCT)
    for _ in range(n):
        k = rng.randint(1, 6)
        parts = []
        for _ in range(k):
            parts.append(rng.choice(PUNCT) * rng.randint(1, 3))
            if rng.random() < 0.5:
                parts.append(rng.choice(SUBJECTS + ["", " ", "  "]))
        out.append("".join(parts))
    return out


def mixed(rng, n):
    pool = WORDS_MULTI + CONTRACTIONS + PUNCT + SUBJECTS[:40] + HTML[:40]
    out = []
    for _ in range(n):
        k = rng.randint(2, 8)
        seps = [" ", " ", " ", "", "\t", "  ", "\n", ", ", "-", "\u00a0"]
        out.append("".join(rng.choice(pool) + rng.choice(seps) for _ in range(k)).strip(" "))
    return out


FUZZ_POOLS = [
    "abcxyzABCXYZ", "0123456789", " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000",
    "'\"!?.,;:&#<>|/\\", "sStTmMdDrRvVlLeE", "éÉßİıΣσςΑ", "\u0300\u0301\u0308\u0323\u0345\u0327",
    "ΑΣΒ\u0301\u00ad'", "&;#xX0123456789abcdefltgmpquo", "가각각\u1100\u1161\u11a8",
    "あア漢字한ｶﾞ\u3099", "😀👍🏽\u200d❤\ufe0f🇺🇸", "\u0915\u093c\u094d\u200c",
    "\u0b47\u0b3e\u0b57", "ſſK\u212a\u212b", "\x00\x01\x7f\x80\x9f", "<|startoftextendoftext|>",
]


def fuzz(rng, n):
    out = []
    for _ in range(n):
        pools = [rng.choice(FUZZ_POOLS) for _ in range(rng.randint(1, 3))]
        k = rng.randint(1, 40)
        out.append("".join(rng.choice(rng.choice(pools)) for _ in range(k)))
    return out


def html_mix(rng, n):
    out = []
    for _ in range(n):
        k = rng.randint(1, 5)
        out.append(" ".join(rng.choice(HTML) + rng.choice(["", "x", "a", " ", ";", "&"])
                            for _ in range(k)))
    return out


def long_texts(rng, n):
    out = []
    for k in range(n):
        words = []
        for _ in range(rng.randint(60, 400)):
            words.append(rng.choice(SUBJECTS + ADJECTIVES + ["the", "a", "of", "and", ",", "."]
                                    + WORDS_MULTI[:60]))
        out.append(" ".join(words))
    out.append("a" * 500)
    out.append("ab" * 300)
    out.append("supercalifragilisticexpialidocious" * 20)
    out.append("!" * 300)
    out.append("1" * 200)
    out.append("😀" * 100)
    out.append("漢" * 150)
    out.append(" ".join(["word"] * 100))
    out.append("&amp;" * 100)
    out.append("\u0301" * 80 + "a")
    out.append("a" + "\u0301\u0323\u0345\u0308" * 30)
    return out


INVALID_UTF8 = [
    b"\xff", b"\xfe\xff", b"a\x80b", b"\xc0\x80", b"\xc1\xbf", b"\xe0\x80\x80", b"\xe0\xa0",
    b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xef\xbf\xbe", b"\xf0\x80\x80\x80", b"\xf0\x90",
    b"\xf0\x9f\x98", b"\xf0\x9f\x98a", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xf8\x88",
    b"caf\xe9", b"na\xefve", b"\xc3", b"\xc3(", b"\xe2\x82", b"\xe2\x82(", b"\xe2(\xa1",
    b"\x80\x80\x80", b"\xc3\xa9\x80", b"abc\xf0\x9f\x98\x80def\xff", b"\xe4\xbd\xa0\xe5\xa5",
    b"&amp;\xff&lt;", b"\xce\xa3\xff", b"it\x92s", b"\x93quoted\x94",
]


def build_corpus():
    """The corpus as a list of bytes (deterministic)."""
    rng = random.Random(20240607)
    texts = []
    texts += ["Hello World!", "a photo of a", "a photo of a cat", "a diagram", "a dog",
              "a cat", "", "A photo of a cat.", "a photo of a dog."]
    texts += captions(rng, 450)
    texts += prompts(rng, 350)
    texts += punctuation(rng, 120)
    texts += numbers(rng)
    texts += CONTRACTIONS
    texts += WHITESPACE
    texts += HTML
    texts += html_mix(rng, 120)
    texts += SPECIALS
    texts += WORDS_MULTI
    texts += [w.upper() for w in WORDS_MULTI[:120]]
    texts += [w.lower() for w in WORDS_MULTI[:120]]
    texts += mixed(rng, 250)
    texts += fuzz(rng, 420)
    texts += long_texts(rng, 40)
    out = [t.encode("utf-8") for t in texts]
    out += INVALID_UTF8
    return out


# ---------------------------------------------------------------------------
# vectors

def write_vectors(tok, corpus_lines, path, label):
    """Writes the tokens file for one tokenizer; returns the number of lines."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# CLIP tokenizer reference vectors (%s), made by tools/make_token_vectors.py\n"
                % label)
        f.write("# with tools/clip_tokenizer.py (%s; ftfy %s)\n"
                % ("n_merges=%d" % tok.n_merges,
                   "used" if clip_tokenizer.HAVE_FTFY else "absent: NFC fallback"))
        f.write("# format: EOT<TAB>IDS<TAB>TEXT, see tools/make_token_vectors.py\n")
        n = 0
        for line in corpus_lines:
            text = unescape(line).decode("utf-8", errors="replace")
            ids = tok.encode(text)
            row = clip_tokenizer.tokenize_one(tok, text, 77)
            eot = clip_tokenizer.eot_index(row, tok.eot)
            f.write("%d\t%s\t%s\n" % (eot, " ".join(str(i) for i in ids), line))
            n += 1
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--merges", default=DEFAULT_MERGES, help="bpe_simple_vocab_16e6.txt.gz")
    ap.add_argument("--rebuild-corpus", action="store_true")
    a = ap.parse_args()

    corpus_path = os.path.join(FIX, "tokens_corpus.txt")
    if a.rebuild_corpus or not os.path.exists(corpus_path):
        lines = [escape(b) for b in build_corpus()]
        with open(corpus_path, "w", encoding="utf-8", newline="\n") as f:
            for line in lines:
                f.write(line + "\n")
        print("wrote %s (%d lines)" % (corpus_path, len(lines)))
    with open(corpus_path, "r", encoding="utf-8", newline="\n") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in lines:                  # the escaping must round-trip
        assert escape(unescape(line)) == line, line

    tok = clip_tokenizer.ClipTokenizer(a.merges)
    n = write_vectors(tok, lines, os.path.join(FIX, "tokens_clip.txt"),
                      os.path.basename(a.merges))
    print("wrote tokens_clip.txt (%d lines)" % n)
    tiny = os.path.join(FIX, "tiny_bpe.txt")
    if os.path.exists(tiny):
        ttok = clip_tokenizer.ClipTokenizer(tiny)
        n = write_vectors(ttok, lines, os.path.join(FIX, "tokens_tiny.txt"), "tiny_bpe.txt")
        print("wrote tokens_tiny.txt (%d lines)" % n)


if __name__ == "__main__":
    main()
