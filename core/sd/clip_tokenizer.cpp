// CLIP BPE tokenizer: transformers 4.40's slow CLIPTokenizer with ftfy 6.1.1 installed
// (= openai's SimpleTokenizer). Pipeline: split on literal special tokens → ftfy-style
// repair → whitespace collapse, strip, lowercase → CLIP's regex → UTF-8 bytes as
// byte-unicode symbols → BPE by lowest merge rank. ICU provides every Unicode property,
// normalisation and case mapping, so no Unicode table is maintained here.
#include <gen/nn/clip_tokenizer.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <unicode/errorcode.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <gen/error.h>

namespace gen::nn {
namespace {

using U32 = std::u32string;

constexpr std::string_view kStartOfText = "<|startoftext|>";
constexpr std::string_view kEndOfText = "<|endoftext|>";
// transformers and openai read merges.txt lines [1, 49152 - 256 - 2 + 1): at most 48894 merges.
constexpr int kMaxMerges = 49152 - 256 - 2;
constexpr size_t kMaxCachedWords = 1 << 16;  // bounds memory in long-running processes

// ------------------------------------------------------------------ UTF-8 / UTF-32 / ICU

// Ill-formed UTF-8 becomes U+FFFD, like Python's errors="replace".
U32 utf8_to_u32(std::string_view s) {
  U32 out;
  out.reserve(s.size());
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    out.push_back(c < 0 ? U'\uFFFD' : static_cast<char32_t>(c));
  }
  return out;
}

// Strict decoding: nullopt when the bytes are not well-formed UTF-8.
std::optional<U32> utf8_strict(const std::string& s) {
  U32 out;
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c < 0) return std::nullopt;
    out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

std::string u32_to_utf8(const U32& s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    char buf[U8_MAX_LENGTH];
    int32_t len = 0;
    U8_APPEND_UNSAFE(buf, len, c);
    out.append(buf, static_cast<size_t>(len));
  }
  return out;
}

icu::UnicodeString to_icu(const U32& s) {
  return icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(s.data()), static_cast<int32_t>(s.size()));
}

U32 from_icu(const icu::UnicodeString& s) {
  U32 out;
  out.reserve(static_cast<size_t>(s.length()));
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

bool is_ascii(const U32& s) {
  return std::all_of(s.begin(), s.end(), [](char32_t c) { return c < 0x80; });
}

U32 normalize(const U32& s, bool compatibility) {
  if (is_ascii(s)) return s;  // ASCII is in every normal form
  icu::ErrorCode err;
  const auto* n = compatibility ? icu::Normalizer2::getNFKCInstance(err) : icu::Normalizer2::getNFCInstance(err);
  icu::UnicodeString out;
  if (!err.isFailure()) out = n->normalize(to_icu(s), err);
  if (err.isFailure()) throw Error(std::string("ICU normalisation failed: ") + err.errorName());
  return from_icu(out);
}

// Python's str.lower()/upper(): full, locale-independent case mapping (ß → SS, final σ).
U32 lowercase(const U32& s) { return from_icu(to_icu(s).toLower(icu::Locale::getRoot())); }
U32 uppercase(const U32& s) { return from_icu(to_icu(s).toUpper(icu::Locale::getRoot())); }

bool is_letter(char32_t c) { return (U_GET_GC_MASK(c) & U_GC_L_MASK) != 0; }
bool is_number(char32_t c) { return (U_GET_GC_MASK(c) & U_GC_N_MASK) != 0; }
// `\s` of Python's `regex` module is exactly the White_Space property.
bool is_regex_space(char32_t c) { return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_WHITE_SPACE); }
// str.strip() also strips U+001C..U+001F (Python's isspace).
bool is_python_space(char32_t c) { return is_regex_space(c) || (c >= 0x1C && c <= 0x1F); }

// -------------------------------------------------------------------- ftfy 6.1.1 subset

// windows-1252 for bytes 0x80..0x9F. ftfy's "sloppy" codec decodes the five undefined
// bytes (0 here) to the C1 code point of the same value.
constexpr std::array<char16_t, 32> kWindows1252C1 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

char32_t sloppy_windows1252(unsigned byte) {
  if (byte < 0x80 || byte > 0x9F) return byte;
  const char16_t c = kWindows1252C1[byte - 0x80];
  return c ? c : byte;
}

// The text as latin-1 or sloppy windows-1252 bytes; nullopt if a character has no byte.
std::optional<std::string> encode_single_byte(const U32& s, bool windows1252) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    int byte = -1;
    if (c < 0x80 || (c >= 0xA0 && c <= 0xFF) || (!windows1252 && c <= 0xFF)) {
      byte = static_cast<int>(c);
    } else if (windows1252) {
      for (unsigned b = 0x80; b < 0xA0 && byte < 0; ++b)
        if (sloppy_windows1252(b) == c) byte = static_cast<int>(b);
    }
    if (byte < 0) return std::nullopt;
    out.push_back(static_cast<char>(byte));
  }
  return out;
}

// ftfy.fix_encoding, main path only: text that is entirely latin-1 / windows-1252 and whose
// bytes form valid UTF-8 is UTF-8 that was decoded with the wrong codec ("cafÃ©" → "café");
// repeated while it changes (double mojibake). Not ported: ftfy's "badness" heuristic,
// the other single-byte codecs and repairs of partly mojibaked text.
U32 fix_encoding(U32 text) {
  while (!is_ascii(text)) {
    std::optional<U32> fixed;
    for (bool windows1252 : {false, true}) {
      auto bytes = encode_single_byte(text, windows1252);
      if (bytes && (fixed = utf8_strict(*bytes))) break;
    }
    if (!fixed || *fixed == text) break;
    text = std::move(*fixed);
  }
  return text;
}

// Maps each character through `f`, which appends its replacement (or nothing) to `out`.
template <typename F>
U32 translate(const U32& s, F f) {
  U32 out;
  out.reserve(s.size());
  for (char32_t c : s) f(c, out);
  return out;
}

U32 replace_chars(const U32& s, const std::unordered_map<char32_t, U32>& map) {
  return translate(s, [&map](char32_t c, U32& out) {
    auto it = map.find(c);
    if (it == map.end()) out.push_back(c);
    else out.append(it->second);
  });
}

U32 fix_c1_controls(const U32& s) {
  return translate(s, [](char32_t c, U32& out) { out.push_back(c >= 0x80 && c <= 0x9F ? sloppy_windows1252(c) : c); });
}

// ftfy's LIGATURES: Latin typographic ligatures and legacy digraphs (not æ, œ).
U32 fix_latin_ligatures(const U32& s) {
  static const std::unordered_map<char32_t, U32> kLigatures = {
      {0x0132, U"IJ"}, {0x0133, U"ij"}, {0x0149, U"\u02BCn"}, {0x01F1, U"DZ"}, {0x01F2, U"Dz"},
      {0x01F3, U"dz"}, {0x01C4, U"D\u017D"}, {0x01C5, U"D\u017E"}, {0x01C6, U"d\u017E"}, {0x01C7, U"LJ"},
      {0x01C8, U"Lj"}, {0x01C9, U"lj"}, {0x01CA, U"NJ"}, {0x01CB, U"Nj"}, {0x01CC, U"nj"},
      {0xFB00, U"ff"}, {0xFB01, U"fi"}, {0xFB02, U"fl"}, {0xFB03, U"ffi"}, {0xFB04, U"ffl"},
      {0xFB05, U"\u017Ft"}, {0xFB06, U"st"}};
  return replace_chars(s, kLigatures);
}

// ftfy's WIDTH_MAP: every halfwidth/fullwidth form (U+FF01..U+FFEF) that NFKC changes,
// plus the ideographic space.
U32 fix_character_width(const U32& s) {
  static const auto kWidthMap = [] {
    std::unordered_map<char32_t, U32> map{{0x3000, U" "}};
    for (char32_t c = 0xFF01; c < 0xFFF0; ++c) {
      U32 alt = normalize(U32(1, c), true);
      if (alt != U32(1, c)) map.emplace(c, std::move(alt));
    }
    return map;
  }();
  return replace_chars(s, kWidthMap);
}

U32 uncurl_quotes(const U32& s) {
  return translate(s, [](char32_t c, U32& out) {
    if (c == 0x02BC || (c >= 0x2018 && c <= 0x201B)) c = '\'';
    else if (c >= 0x201C && c <= 0x201F) c = '"';
    out.push_back(c);
  });
}

U32 fix_line_breaks(const U32& s) {
  U32 out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;  // CRLF → the LF that follows
    out.push_back(c == '\r' || c == 0x2028 || c == 0x2029 || c == 0x85 ? U'\n' : c);
  }
  return out;
}

// ANSI colour/cursor sequences: ESC [ (digits|;)* letter.
U32 remove_terminal_escapes(const U32& s) {
  U32 out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == 0x1B && i + 1 < s.size() && s[i + 1] == '[') {
      size_t j = i + 2;
      while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';')) ++j;
      if (j < s.size() && s[j] < 0x80 && std::isalpha(static_cast<int>(s[j]))) {
        i = j;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// ftfy's CONTROL_CHARS: C0 controls except \t \n \f \r, DEL, deprecated format
// characters, the BOM and interlinear annotation marks.
U32 remove_control_chars(const U32& s) {
  return translate(s, [](char32_t c, U32& out) {
    const bool control = c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F ||
                         (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
    if (!control) out.push_back(c);
  });
}

// ---- HTML entities (ftfy.fixes.unescape_html)

// HTML 4 names, which cover what appears in scraped prompts; ftfy accepts all HTML5
// names (values below are HTML5's: lang/rang differ from HTML 4).
const std::unordered_map<std::string, char32_t>& html_entities() {
  static const auto kEntities = [] {
    std::unordered_map<std::string, char32_t> map = {
        {"quot", 0x22}, {"amp", 0x26}, {"apos", 0x27}, {"lt", 0x3C}, {"gt", 0x3E}, {"OElig", 0x152},
        {"oelig", 0x153}, {"Scaron", 0x160}, {"scaron", 0x161}, {"Yuml", 0x178}, {"fnof", 0x192},
        {"circ", 0x2C6}, {"tilde", 0x2DC}, {"Alpha", 0x391}, {"Beta", 0x392}, {"Gamma", 0x393},
        {"Delta", 0x394}, {"Epsilon", 0x395}, {"Zeta", 0x396}, {"Eta", 0x397}, {"Theta", 0x398},
        {"Iota", 0x399}, {"Kappa", 0x39A}, {"Lambda", 0x39B}, {"Mu", 0x39C}, {"Nu", 0x39D}, {"Xi", 0x39E},
        {"Omicron", 0x39F}, {"Pi", 0x3A0}, {"Rho", 0x3A1}, {"Sigma", 0x3A3}, {"Tau", 0x3A4},
        {"Upsilon", 0x3A5}, {"Phi", 0x3A6}, {"Chi", 0x3A7}, {"Psi", 0x3A8}, {"Omega", 0x3A9},
        {"alpha", 0x3B1}, {"beta", 0x3B2}, {"gamma", 0x3B3}, {"delta", 0x3B4}, {"epsilon", 0x3B5},
        {"zeta", 0x3B6}, {"eta", 0x3B7}, {"theta", 0x3B8}, {"iota", 0x3B9}, {"kappa", 0x3BA},
        {"lambda", 0x3BB}, {"mu", 0x3BC}, {"nu", 0x3BD}, {"xi", 0x3BE}, {"omicron", 0x3BF}, {"pi", 0x3C0},
        {"rho", 0x3C1}, {"sigmaf", 0x3C2}, {"sigma", 0x3C3}, {"tau", 0x3C4}, {"upsilon", 0x3C5},
        {"phi", 0x3C6}, {"chi", 0x3C7}, {"psi", 0x3C8}, {"omega", 0x3C9}, {"thetasym", 0x3D1},
        {"upsih", 0x3D2}, {"piv", 0x3D6}, {"ensp", 0x2002}, {"emsp", 0x2003}, {"thinsp", 0x2009},
        {"zwnj", 0x200C}, {"zwj", 0x200D}, {"lrm", 0x200E}, {"rlm", 0x200F}, {"ndash", 0x2013},
        {"mdash", 0x2014}, {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"sbquo", 0x201A}, {"ldquo", 0x201C},
        {"rdquo", 0x201D}, {"bdquo", 0x201E}, {"dagger", 0x2020}, {"Dagger", 0x2021}, {"bull", 0x2022},
        {"hellip", 0x2026}, {"permil", 0x2030}, {"prime", 0x2032}, {"Prime", 0x2033}, {"lsaquo", 0x2039},
        {"rsaquo", 0x203A}, {"oline", 0x203E}, {"frasl", 0x2044}, {"euro", 0x20AC}, {"image", 0x2111},
        {"weierp", 0x2118}, {"real", 0x211C}, {"trade", 0x2122}, {"alefsym", 0x2135}, {"larr", 0x2190},
        {"uarr", 0x2191}, {"rarr", 0x2192}, {"darr", 0x2193}, {"harr", 0x2194}, {"crarr", 0x21B5},
        {"lArr", 0x21D0}, {"uArr", 0x21D1}, {"rArr", 0x21D2}, {"dArr", 0x21D3}, {"hArr", 0x21D4},
        {"forall", 0x2200}, {"part", 0x2202}, {"exist", 0x2203}, {"empty", 0x2205}, {"nabla", 0x2207},
        {"isin", 0x2208}, {"notin", 0x2209}, {"ni", 0x220B}, {"prod", 0x220F}, {"sum", 0x2211},
        {"minus", 0x2212}, {"lowast", 0x2217}, {"radic", 0x221A}, {"prop", 0x221D}, {"infin", 0x221E},
        {"ang", 0x2220}, {"and", 0x2227}, {"or", 0x2228}, {"cap", 0x2229}, {"cup", 0x222A}, {"int", 0x222B},
        {"there4", 0x2234}, {"sim", 0x223C}, {"cong", 0x2245}, {"asymp", 0x2248}, {"ne", 0x2260},
        {"equiv", 0x2261}, {"le", 0x2264}, {"ge", 0x2265}, {"sub", 0x2282}, {"sup", 0x2283},
        {"nsub", 0x2284}, {"sube", 0x2286}, {"supe", 0x2287}, {"oplus", 0x2295}, {"otimes", 0x2297},
        {"perp", 0x22A5}, {"sdot", 0x22C5}, {"lceil", 0x2308}, {"rceil", 0x2309}, {"lfloor", 0x230A},
        {"rfloor", 0x230B}, {"loz", 0x25CA}, {"spades", 0x2660}, {"clubs", 0x2663}, {"hearts", 0x2665},
        {"diams", 0x2666}, {"lang", 0x27E8}, {"rang", 0x27E9}};
    // Latin-1 U+00A0..U+00FF, in code point order.
    std::istringstream latin1(
        "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn "
        "sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave "
        "Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml "
        "ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN "
        "szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute "
        "icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml "
        "yacute thorn yuml");
    char32_t c = 0xA0;
    for (std::string name; latin1 >> name;) map.emplace(name, c++);
    return map;
  }();
  return kEntities;
}

int digit_value(char d) {
  if (d >= '0' && d <= '9') return d - '0';
  if (d >= 'a' && d <= 'f') return d - 'a' + 10;
  if (d >= 'A' && d <= 'F') return d - 'A' + 10;
  return 99;
}

// Python's html.unescape for "&#123;" / "&#x7B;" (the whole body must be the number).
// Like ftfy, a reference that decodes to ';' is left alone.
std::optional<U32> numeric_entity(const std::string& body) {
  const bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
  const int base = hex ? 16 : 10;
  const std::string digits = body.substr(hex ? 2 : 1);
  if (digits.empty()) return std::nullopt;
  uint64_t num = 0;
  for (char d : digits) {
    if (digit_value(d) >= base) return std::nullopt;
    num = std::min<uint64_t>(num * base + digit_value(d), 0x110000);  // saturate: > U+10FFFF is all the same
  }
  if (num == 0) return U32(1, 0xFFFD);
  if (num == 0x0D) return U32(1, '\r');
  if (num == ';') return std::nullopt;
  if (num >= 0x80 && num <= 0x9F) return U32(1, sloppy_windows1252(static_cast<unsigned>(num)));
  if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) return U32(1, 0xFFFD);
  const bool invalid = (num >= 0x01 && num <= 0x08) || num == 0x0B || (num >= 0x0E && num <= 0x1F) ||
                       num == 0x7F || (num >= 0xFDD0 && num <= 0xFDEF) || (num & 0xFFFE) == 0xFFFE;
  if (invalid) return U32();
  return U32(1, static_cast<char32_t>(num));
}

// `body` is the text between '&' and ';'. ftfy also decodes an all-uppercase copy of a
// lowercase name ("&EACUTE;" → "É", "&SZLIG;" → "SS").
std::optional<U32> entity_value(const std::string& body) {
  if (body[0] == '#') return numeric_entity(body);
  const auto& entities = html_entities();
  if (auto it = entities.find(body); it != entities.end()) return U32(1, it->second);
  std::string lower = body;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (lower == body) return std::nullopt;
  std::string upper = lower;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
  auto it = entities.find(lower);
  if (upper != body || it == entities.end()) return std::nullopt;
  return uppercase(U32(1, it->second));
}

// Replaces every match of ftfy's `&#?[0-9A-Za-z]{1,24};` that names a known entity.
U32 unescape_html(const U32& s) {
  U32 out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      size_t j = i + 1 + (i + 1 < s.size() && s[i + 1] == '#');
      const size_t start = j;
      while (j < s.size() && j - start < 24 && s[j] < 0x80 && std::isalnum(static_cast<int>(s[j]))) ++j;
      if (j > start && j < s.size() && s[j] == ';') {
        if (auto value = entity_value(u32_to_utf8(s.substr(i + 1, j - i - 1)))) {
          out += *value;
          i = j + 1;
          continue;
        }
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

// ftfy.fix_and_explain on one segment: every fixer in ftfy's order, then NFC, repeated
// until nothing changes ("&amp;amp;" → "&").
U32 fix_segment(U32 text, bool unescape) {
  for (;;) {
    const U32 before = text;
    if (unescape) text = unescape_html(text);
    text = fix_encoding(std::move(text));
    text = fix_c1_controls(text);
    text = fix_latin_ligatures(text);
    text = fix_character_width(text);
    text = uncurl_quotes(text);
    text = fix_line_breaks(text);
    text = remove_terminal_escapes(text);
    text = remove_control_chars(text);
    text = normalize(text, false);
    if (text == before) return text;
  }
}

// ftfy.fix_text: line by line; from the first line containing '<' on, entities stay
// escaped (that text is probably real HTML).
U32 fix_text(const U32& text) {
  U32 out;
  bool unescape = true;
  for (size_t pos = 0; pos < text.size();) {
    const size_t nl = text.find(U'\n', pos);
    const size_t end = nl == U32::npos ? text.size() : nl + 1;
    U32 segment = text.substr(pos, end - pos);
    if (segment.find(U'<') != U32::npos) unescape = false;
    out += fix_segment(std::move(segment), unescape);
    pos = end;
  }
  return out;
}

// transformers' whitespace_clean + .lower(): re.sub(r"\s+", " ", t).strip(), lowercase.
U32 clean_u32(const U32& raw) {
  const U32 fixed = fix_text(raw);
  U32 collapsed;
  for (size_t i = 0; i < fixed.size();) {
    if (!is_regex_space(fixed[i])) {
      collapsed.push_back(fixed[i++]);
      continue;
    }
    collapsed.push_back(' ');
    while (i < fixed.size() && is_regex_space(fixed[i])) ++i;
  }
  size_t b = 0, e = collapsed.size();
  while (b < e && is_python_space(collapsed[b])) ++b;
  while (e > b && is_python_space(collapsed[e - 1])) --e;
  return lowercase(collapsed.substr(b, e - b));
}

// ------------------------------------------------------------------------ pre-tokenizer

// Python `regex` IGNORECASE compares simple case folds ("'ſ" matches "'s").
bool folded_match(const U32& s, size_t i, std::string_view ascii) {
  if (s.size() - i < ascii.size()) return false;
  for (size_t k = 0; k < ascii.size(); ++k)
    if (u_foldCase(static_cast<UChar32>(s[i + k]), U_FOLD_CASE_DEFAULT) != static_cast<unsigned char>(ascii[k]))
      return false;
  return true;
}

// Under IGNORECASE a character also belongs to a negated class's letters/numbers when its
// case fold does (U+0345 folds to ι), so `[^\s\p{L}\p{N}]` rejects it.
bool is_other(char32_t c) {
  const auto folded = static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
  return !is_regex_space(c) && !is_letter(c) && !is_number(c) && !is_letter(folded) && !is_number(folded);
}

// Length of CLIP's pattern match at i, alternatives tried in order like Python's regex:
//   <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
// 0 when nothing matches here (whitespace), and the scan moves on by one character.
size_t match_length(const U32& s, size_t i) {
  static constexpr std::string_view kLiterals[] = {kStartOfText, kEndOfText, "'s", "'t", "'re",
                                                   "'ve", "'m", "'ll", "'d"};
  for (std::string_view lit : kLiterals)
    if (folded_match(s, i, lit)) return lit.size();
  size_t j = i;
  if (is_letter(s[i])) {
    while (j < s.size() && is_letter(s[j])) ++j;
  } else if (is_number(s[i])) {
    j = i + 1;
  } else {
    while (j < s.size() && is_other(s[j])) ++j;
  }
  return j - i;
}

std::vector<std::string> split_words(const U32& text) {
  std::vector<std::string> words;
  for (size_t i = 0; i < text.size();) {
    const size_t n = match_length(text, i);
    if (n == 0) {
      ++i;
      continue;
    }
    words.push_back(u32_to_utf8(text.substr(i, n)));
    i += n;
  }
  return words;
}

// ------------------------------------------------------------------------- file loading

std::string read_file(const std::filesystem::path& path, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError("CLIP tokenizer " + what + " " + path.string() + " does not exist or is not a file");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) throw InputError("cannot read CLIP tokenizer " + what + " " + path.string());
  return text.str();
}

}  // namespace

bool clip_byte_is_printable(unsigned byte) {
  return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || (byte >= 0xAE && byte <= 0xFF);
}

std::array<std::string, 256> clip_byte_symbols() {
  std::array<std::string, 256> table;
  char32_t next = 256;
  for (unsigned b = 0; b < 256; ++b)
    table[b] = u32_to_utf8(U32(1, clip_byte_is_printable(b) ? static_cast<char32_t>(b) : next++));
  return table;
}

// ------------------------------------------------------------------------------ Impl

struct ClipTokenizer::Impl {
  std::unordered_map<std::string, int64_t> vocab;
  std::unordered_map<std::string, int> merge_rank;  // "first second" → rank (lower merges first)
  std::array<std::string, 256> symbols = clip_byte_symbols();
  int64_t bos = 0;
  int64_t eos = 0;
  mutable std::mutex cache_mutex;
  mutable std::unordered_map<std::string, std::vector<std::string>> cache;  // word → BPE tokens

  void load_vocab(const std::filesystem::path& path);
  void load_merges(const std::filesystem::path& path);
  std::vector<std::string> bpe(const std::string& word) const;
  std::vector<std::string> bpe_cached(const std::string& word) const;
  void tokenize_piece(std::string_view piece, std::vector<std::string>& out) const;
  std::vector<std::string> tokenize(std::string_view text) const;
  std::vector<int64_t> frame(const int64_t* begin, const int64_t* end, const ClipTokenizerOptions& o) const;
};

void ClipTokenizer::Impl::load_vocab(const std::filesystem::path& path) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(path, "vocab"));
  } catch (const nlohmann::json::exception& e) {
    throw InputError("CLIP tokenizer vocab " + path.string() + " is not valid JSON: " + e.what());
  }
  if (!j.is_object() || j.empty())
    throw InputError("CLIP tokenizer vocab " + path.string() + " must be a non-empty JSON object {token: id}");
  for (const auto& [token, id] : j.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0)
      throw InputError("CLIP tokenizer vocab " + path.string() + ": the id of '" + token +
                       "' is not a non-negative integer");
    vocab.emplace(token, id.get<int64_t>());
  }
  for (std::string_view special : {kStartOfText, kEndOfText})
    if (!vocab.count(std::string(special)))
      throw InputError("CLIP tokenizer vocab " + path.string() + " has no " + std::string(special) + " token");
  bos = vocab.at(std::string(kStartOfText));
  eos = vocab.at(std::string(kEndOfText));
}

void ClipTokenizer::Impl::load_merges(const std::filesystem::path& path) {
  std::istringstream lines(read_file(path, "merges"));
  std::string line;
  int rank = 0;
  for (int line_no = 1; rank < kMaxMerges && std::getline(lines, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && line.rfind('#', 0) == 0) continue;  // "#version: 0.2"
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::istringstream fields(line);
    std::string first, second, extra;
    if (!(fields >> first >> second) || (fields >> extra))
      throw InputError("CLIP tokenizer merges " + path.string() + " line " + std::to_string(line_no) +
                       ": expected two symbols separated by a space, got '" + line + "'");
    merge_rank[first + ' ' + second] = rank++;  // a repeated pair keeps its last rank, as in a Python dict
  }
  if (rank == 0) throw InputError("CLIP tokenizer merges " + path.string() + " contains no merges");
}

// transformers' CLIPTokenizer.bpe: the word's last symbol carries "</w>"; repeatedly merge
// every occurrence of the adjacent pair with the lowest rank.
std::vector<std::string> ClipTokenizer::Impl::bpe(const std::string& word) const {
  std::vector<std::string> parts;
  for (unsigned char byte : word) parts.push_back(symbols[byte]);
  parts.back() += "</w>";
  while (parts.size() > 1) {
    int best = INT_MAX;
    size_t at = 0;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      auto it = merge_rank.find(parts[i] + ' ' + parts[i + 1]);
      if (it != merge_rank.end() && it->second < best) {
        best = it->second;
        at = i;
      }
    }
    if (best == INT_MAX) break;
    const std::string first = parts[at], second = parts[at + 1];
    std::vector<std::string> merged;
    merged.reserve(parts.size());
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i + 1 < parts.size() && parts[i] == first && parts[i + 1] == second) {
        merged.push_back(first + second);
        ++i;
      } else {
        merged.push_back(parts[i]);
      }
    }
    parts = std::move(merged);
  }
  return parts;
}

// Returns a copy: another thread may clear the cache at any time.
std::vector<std::string> ClipTokenizer::Impl::bpe_cached(const std::string& word) const {
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    if (auto it = cache.find(word); it != cache.end()) return it->second;
  }
  auto tokens = bpe(word);  // outside the lock: threads tokenizing different words do not wait
  std::lock_guard<std::mutex> lock(cache_mutex);
  if (cache.size() >= kMaxCachedWords) cache.clear();
  cache.emplace(word, tokens);
  return tokens;
}

void ClipTokenizer::Impl::tokenize_piece(std::string_view piece, std::vector<std::string>& out) const {
  for (const std::string& word : split_words(clean_u32(utf8_to_u32(piece)))) {
    // A special token spelled out after cleaning ("<|ENDOFTEXT|>") is kept whole.
    if (word == kStartOfText || word == kEndOfText) {
      out.push_back(word);
      continue;
    }
    const auto tokens = bpe_cached(word);
    out.insert(out.end(), tokens.begin(), tokens.end());
  }
}

// transformers first splits the raw text on the literal special tokens (its added-token
// trie), then cleans and tokenizes the pieces in between separately.
std::vector<std::string> ClipTokenizer::Impl::tokenize(std::string_view text) const {
  std::vector<std::string> out;
  for (size_t pos = 0;;) {
    const size_t s = text.find(kStartOfText, pos), e = text.find(kEndOfText, pos);
    const size_t at = std::min(s, e);
    tokenize_piece(text.substr(pos, at == std::string_view::npos ? std::string_view::npos : at - pos), out);
    if (at == std::string_view::npos) return out;
    const std::string_view special = at == s ? kStartOfText : kEndOfText;
    out.emplace_back(special);
    pos = at + special.size();
  }
}

std::vector<int64_t> ClipTokenizer::Impl::frame(const int64_t* begin, const int64_t* end,
                                                const ClipTokenizerOptions& o) const {
  std::vector<int64_t> ids;
  ids.reserve(static_cast<size_t>(o.max_length));
  ids.push_back(bos);
  ids.insert(ids.end(), begin, end);
  ids.push_back(eos);
  ids.resize(static_cast<size_t>(o.max_length), o.pad_id);
  return ids;
}

// ------------------------------------------------------------------------ ClipTokenizer

namespace {
void check_options(const ClipTokenizerOptions& o) {
  if (o.max_length < 3)
    throw UsageError("CLIP tokenizer: max_length must be at least 3 (BOS, a token, EOS), got " +
                     std::to_string(o.max_length));
}
}  // namespace

ClipTokenizer ClipTokenizer::from_files(const std::filesystem::path& vocab_json,
                                        const std::filesystem::path& merges_txt) {
  auto impl = std::make_shared<Impl>();
  impl->load_vocab(vocab_json);
  impl->load_merges(merges_txt);
  return ClipTokenizer(std::move(impl));
}

ClipTokenizer ClipTokenizer::from_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw InputError("CLIP tokenizer folder " + dir.string() + " does not exist or is not a directory");
  return from_files(dir / "vocab.json", dir / "merges.txt");
}

std::string ClipTokenizer::clean(std::string_view text) const { return u32_to_utf8(clean_u32(utf8_to_u32(text))); }

std::vector<std::string> ClipTokenizer::bpe_tokens(std::string_view text) const { return impl_->tokenize(text); }

std::vector<int64_t> ClipTokenizer::encode(std::string_view text) const {
  std::vector<int64_t> ids;
  for (const std::string& token : impl_->tokenize(text)) {
    auto it = impl_->vocab.find(token);
    ids.push_back(it == impl_->vocab.end() ? impl_->eos : it->second);  // transformers' unk is <|endoftext|>
  }
  return ids;
}

std::vector<int64_t> ClipTokenizer::encode_padded(std::string_view text, const ClipTokenizerOptions& options) const {
  check_options(options);
  const auto ids = encode(text);
  const size_t keep = std::min(ids.size(), static_cast<size_t>(options.max_length - 2));
  return impl_->frame(ids.data(), ids.data() + keep, options);
}

std::vector<std::vector<int64_t>> ClipTokenizer::encode_chunks(std::string_view text,
                                                               const ClipTokenizerOptions& options) const {
  check_options(options);
  const auto ids = encode(text);
  const size_t per_chunk = static_cast<size_t>(options.max_length - 2);
  std::vector<std::vector<int64_t>> chunks;
  size_t start = 0;
  do {
    const size_t stop = std::min(ids.size(), start + per_chunk);
    chunks.push_back(impl_->frame(ids.data() + start, ids.data() + stop, options));
    start = stop;
  } while (start < ids.size());
  return chunks;
}

int64_t ClipTokenizer::bos_id() const { return impl_->bos; }
int64_t ClipTokenizer::eos_id() const { return impl_->eos; }
size_t ClipTokenizer::vocab_size() const { return impl_->vocab.size(); }

}  // namespace gen::nn
