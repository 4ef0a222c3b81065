// The one place that talks to the regex engines. RE2 runs every pattern it
// accepts, in linear time. A pattern it refuses for a lookaround or a
// backreference (which Vale's regexp2 has) runs on PCRE2's backtracking
// engine with hard match and depth limits, as Vale bounds regexp2 with a
// timeout: a match that hits them ends the search (-2), never a hang.
#include "re2shim.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <atomic>
#include <cstring>
#include <new>
#include <string>
#include <vector>

static size_t closingParen(const char *pattern, size_t length);

struct outreach_re2 {
  re2::RE2 *regex;
  pcre2_code *backtracking;
  pcre2_match_context *context;
  /// A pattern that opens with a lookbehind of no fixed length (regexp2
  /// has them, PCRE2 10.42 not): the rest of the pattern, and the
  /// lookbehind's body as `(?:X)\z`, tried on up to 255 bytes before each
  /// match of the rest (PCRE2 10.43's own bound for such lookbehinds).
  outreach_re2 *rest;
  pcre2_code *behind;
  int negative;
  /// For a backtracking pattern: RE2 on a pattern that matches wherever it
  /// matches and more (`supersetPattern`), which finds the places worth a
  /// backtracking match anchored there; nil when there is none.
  re2::RE2 *prefilter;
};

/// Whether backtracking patterns get an RE2 prefilter (the tests turn it
/// off to compare).
static std::atomic<int> usePrefilter{1};

extern "C" void outreach_re2_set_prefilter(int on) { usePrefilter.store(on); }

extern "C" int outreach_re2_has_prefilter(const outreach_re2 *regex) { return regex->prefilter != nullptr; }

/// A pattern for RE2 that matches at every place the backtracking pattern
/// does, and maybe more: lookarounds dropped, `\b` and `\B` dropped, and
/// `\s`, `\w`, `\d` widened to what they mean to PCRE2 with UCP (Unicode
/// spaces, letters and digits; RE2's are ASCII). Empty when it cannot be
/// made (a backreference, an atomic group, a possessive quantifier, a POSIX
/// class, a conditional, an escape it does not know).
static std::string supersetPattern(const char *pattern, size_t length) {
  std::string out;
  bool inClass = false, negated = false;
  for (size_t i = 0; i < length; i++) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 >= length) return "";
      char e = pattern[++i];
      const char *space = "\\s\\p{Z}\\x{85}\\x{180E}";
      const char *word = "\\w\\p{L}\\p{N}\\p{Mn}\\p{Pc}";
      if (e == 's' || e == 'w' || e == 'd') {
        const char *wide = e == 's' ? space : e == 'w' ? word : "\\p{Nd}";
        if (inClass && negated) {
          out += '\\';
          out += e;
        } else if (inClass) {
          out += wide;
        } else {
          out += std::string("[") + wide + "]";
        }
      } else if (e == 'b' || e == 'B') {
        if (inClass) return "";
      } else if (e >= '1' && e <= '9') {
        return "";
      } else if (std::strchr("gkRXKGZhvHVCNc", e) != nullptr) {
        return "";
      } else {
        out += '\\';
        out += e;
      }
      continue;
    }
    if (inClass) {
      if (c == '[' && i + 1 < length && pattern[i + 1] == ':') return "";
      if (c == ']') inClass = false;
      out += c;
      continue;
    }
    if (c == '[') {
      inClass = true;
      negated = i + 1 < length && pattern[i + 1] == '^';
      out += c;
      if (negated) out += pattern[++i];
      // A `]` first in a class is a character.
      if (i + 1 < length && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (c == '(' && i + 2 < length && pattern[i + 1] == '?') {
      char kind = pattern[i + 2];
      bool behind = kind == '<' && i + 3 < length && (pattern[i + 3] == '=' || pattern[i + 3] == '!');
      if (kind == '=' || kind == '!' || behind) {
        size_t close = closingParen(pattern + i, length - i);
        if (close == 0) return "";
        i += close;
        continue;
      }
      if (kind == '>' || kind == '(' || kind == '|' || kind == 'R' || kind == '&' || (kind >= '0' && kind <= '9')) return "";
    }
    if ((c == '+' || c == '*' || c == '?' || c == '}') && i + 1 < length && pattern[i + 1] == '+') return "";
    out += c;
  }
  return out;
}

/// Where the group opening at `pattern[0]` closes (escapes and character
/// classes skipped), or 0 when it does not.
static size_t closingParen(const char *pattern, size_t length) {
  int depth = 0;
  bool inClass = false;
  for (size_t i = 0; i < length; i++) {
    char c = pattern[i];
    if (c == '\\') {
      i++;
    } else if (inClass) {
      if (c == ']') inClass = false;
    } else if (c == '[') {
      inClass = true;
    } else if (c == '(') {
      depth++;
    } else if (c == ')') {
      if (--depth == 0) return i;
    }
  }
  return 0;
}

/// The backtracking engine's budget for one search: about a millisecond of
/// work a start position, a few ms for a whole search that hits it.
static const uint32_t kMatchLimit = 200000;
static const uint32_t kDepthLimit = 5000;
/// The most places a prefilter hands PCRE2 in one search before the rest
/// goes to one unanchored search (each anchored try has the full limit).
static const int kPrefilterTries = 16;

/// Whether RE2 refused the pattern for what only a backtracking engine has.
static bool needsBacktracking(const std::string &error) {
  // `(?=`, `(?!`, `(?<=`, `(?<!`, `(?>` ...; `\1` and other escapes RE2 lacks.
  return error.find("invalid perl operator") != std::string::npos ||
         error.find("invalid escape sequence: \\") != std::string::npos;
}

extern "C" outreach_re2 *outreach_re2_new(const char *pattern, size_t length, int ignorecase, int captures,
                                          char *error, size_t error_size);

static outreach_re2 *compileBacktracking(const char *pattern, size_t length, int ignorecase, int captures,
                                         char *error, size_t error_size) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  uint32_t flags = PCRE2_UTF | PCRE2_MULTILINE | PCRE2_UCP | (ignorecase ? PCRE2_CASELESS : 0);
  pcre2_code *compiled =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern), length, flags, &code, &offset, nullptr);
  if (compiled == nullptr && code == PCRE2_ERROR_LOOKBEHIND_NOT_FIXED_LENGTH) {
    // The lookbehind must sit where every match starts: after nothing but
    // zero-width openers (inline flags, `\b`, `(?:`), as Vale's
    // `(?m)\b(?:TOKEN)\b` wrapping leaves it.
    size_t at = 0;
    bool caseless = ignorecase != 0;
    for (bool moved = true; moved;) {
      moved = false;
      for (const char *opener : {"(?m)", "(?i)", "(?s)", "(?im)", "(?mi)", "\\b", "(?:"}) {
        size_t size = std::strlen(opener);
        if (length - at >= size && std::strncmp(pattern + at, opener, size) == 0) {
          if (std::strchr(opener, 'i') != nullptr && opener[0] == '(' && opener[1] == '?' && opener[2] != ':') caseless = true;
          at += size;
          moved = true;
        }
      }
    }
    if (length - at > 4 && (std::strncmp(pattern + at, "(?<!", 4) == 0 || std::strncmp(pattern + at, "(?<=", 4) == 0)) {
      size_t close = at + closingParen(pattern + at, length - at);
      if (close > at + 4) {
        std::string body = "(?:" + std::string(pattern + at + 4, close - at - 4) + ")\\z";
        std::string restPattern = std::string(pattern, at) + std::string(pattern + close + 1, length - close - 1);
        uint32_t flags = PCRE2_UTF | PCRE2_MULTILINE | PCRE2_UCP | (caseless ? PCRE2_CASELESS : 0);
        pcre2_code *behind =
            pcre2_compile(reinterpret_cast<PCRE2_SPTR>(body.data()), body.size(), flags, &code, &offset, nullptr);
        outreach_re2 *rest = behind == nullptr ? nullptr
                                               : outreach_re2_new(restPattern.data(), restPattern.size(), ignorecase,
                                                                  captures, error, error_size);
        if (rest != nullptr) {
          pcre2_jit_compile(behind, PCRE2_JIT_COMPLETE);
          pcre2_match_context *context = pcre2_match_context_create(nullptr);
          pcre2_set_match_limit(context, kMatchLimit);
          pcre2_set_depth_limit(context, kDepthLimit);
          return new (std::nothrow) outreach_re2{nullptr, nullptr, context, rest, behind, pattern[at + 3] == '!', nullptr};
        }
        if (behind != nullptr) {
          pcre2_code_free(behind);
          return nullptr;
        }
      }
    }
  }
  if (compiled == nullptr) {
    if (error != nullptr && error_size > 0) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(code, message, sizeof(message));
      std::strncpy(error, reinterpret_cast<const char *>(message), error_size - 1);
      error[error_size - 1] = 0;
    }
    return nullptr;
  }
  pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE);
  pcre2_match_context *context = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(context, kMatchLimit);
  pcre2_set_depth_limit(context, kDepthLimit);
  // Most places cannot start a match: RE2 finds the ones that can (a
  // pattern that matches the empty string finds every place, so none).
  re2::RE2 *prefilter = nullptr;
  std::string wide = usePrefilter.load() ? supersetPattern(pattern, length) : "";
  if (!wide.empty()) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(!ignorecase);
    options.set_max_mem(64 << 20);
    options.set_never_capture(true);
    prefilter = new (std::nothrow) re2::RE2(wide, options);
    if (prefilter != nullptr && (!prefilter->ok() || re2::RE2::PartialMatch("", *prefilter))) {
      delete prefilter;
      prefilter = nullptr;
    }
  }
  return new (std::nothrow) outreach_re2{nullptr, compiled, context, nullptr, nullptr, 0, prefilter};
}

extern "C" outreach_re2 *outreach_re2_new(const char *pattern, size_t length, int ignorecase, int captures,
                                          char *error, size_t error_size) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_case_sensitive(!ignorecase);
  options.set_max_mem(64 << 20);
  options.set_never_capture(!captures);
  auto *regex = new (std::nothrow) re2::RE2(re2::StringPiece(pattern, length), options);
  if (regex == nullptr) return nullptr;
  if (!regex->ok()) {
    std::string reason = regex->error();
    if (needsBacktracking(reason)) {
      delete regex;
      return compileBacktracking(pattern, length, ignorecase, captures, error, error_size);
    }
    if (error != nullptr && error_size > 0) {
      std::strncpy(error, regex->error().c_str(), error_size - 1);
      error[error_size - 1] = 0;
    }
    delete regex;
    return nullptr;
  }
  return new (std::nothrow) outreach_re2{regex, nullptr, nullptr, nullptr, nullptr, 0, nullptr};
}

extern "C" void outreach_re2_free(outreach_re2 *regex) {
  if (regex == nullptr) return;
  delete regex->regex;
  if (regex->backtracking != nullptr) pcre2_code_free(regex->backtracking);
  if (regex->context != nullptr) pcre2_match_context_free(regex->context);
  if (regex->rest != nullptr) outreach_re2_free(regex->rest);
  if (regex->behind != nullptr) pcre2_code_free(regex->behind);
  delete regex->prefilter;
  delete regex;
}

extern "C" int outreach_re2_find(const outreach_re2 *regex, const char *text, size_t length, size_t start, int group,
                                 size_t whole[2], size_t part[2]) {
  if (regex->rest != nullptr) {
    size_t from = start;
    while (from <= length) {
      int found = outreach_re2_find(regex->rest, text, length, from, group, whole, part);
      if (found != 1) return found;
      size_t window = whole[0] > 255 ? whole[0] - 255 : 0;
      while (window < whole[0] && (static_cast<unsigned char>(text[window]) & 0xC0) == 0x80) window++;
      pcre2_match_data *data = pcre2_match_data_create_from_pattern(regex->behind, nullptr);
      if (data == nullptr) return 0;
      int behind = pcre2_match(regex->behind, reinterpret_cast<PCRE2_SPTR>(text + window), whole[0] - window, 0,
                               PCRE2_NO_UTF_CHECK, data, regex->context);
      pcre2_match_data_free(data);
      if (behind == PCRE2_ERROR_MATCHLIMIT || behind == PCRE2_ERROR_DEPTHLIMIT || behind == PCRE2_ERROR_HEAPLIMIT) {
        return -2;
      }
      if ((behind >= 0) != (regex->negative != 0)) return 1;
      from = whole[0] + 1;
      while (from < length && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) from++;
    }
    return 0;
  }
  if (regex->backtracking != nullptr) {
    pcre2_match_data *data = pcre2_match_data_create_from_pattern(regex->backtracking, nullptr);
    if (data == nullptr) return 0;
    int found;
    if (regex->prefilter != nullptr) {
      // Each place RE2 finds, leftmost first, tried by PCRE2 anchored
      // there: the first that matches is the match an unanchored search
      // finds, since every place it could start is one of them.
      // After kPrefilterTries places that did not match, the rest is one
      // unanchored search, as without a prefilter: its match limit then
      // bounds the work again, whatever the pattern.
      re2::StringPiece input(text, length);
      re2::StringPiece candidate;
      size_t from = start;
      int tries = 0;
      found = PCRE2_ERROR_NOMATCH;
      while (from <= length &&
             regex->prefilter->Match(input, from, length, re2::RE2::UNANCHORED, &candidate, 1)) {
        size_t at = static_cast<size_t>(candidate.data() - text);
        if (++tries > kPrefilterTries) {
          found = pcre2_match(regex->backtracking, reinterpret_cast<PCRE2_SPTR>(text), length, at, PCRE2_NO_UTF_CHECK,
                              data, regex->context);
          break;
        }
        found = pcre2_match(regex->backtracking, reinterpret_cast<PCRE2_SPTR>(text), length, at,
                            PCRE2_NO_UTF_CHECK | PCRE2_ANCHORED, data, regex->context);
        if (found != PCRE2_ERROR_NOMATCH) break;
        from = at + 1;
        while (from < length && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) from++;
      }
    } else {
      found = pcre2_match(regex->backtracking, reinterpret_cast<PCRE2_SPTR>(text), length, start, PCRE2_NO_UTF_CHECK,
                          data, regex->context);
    }
    if (found == PCRE2_ERROR_MATCHLIMIT || found == PCRE2_ERROR_DEPTHLIMIT || found == PCRE2_ERROR_HEAPLIMIT) {
      pcre2_match_data_free(data);
      return -2;
    }
    if (found < 0) {
      pcre2_match_data_free(data);
      return 0;
    }
    PCRE2_SIZE *spans = pcre2_get_ovector_pointer(data);
    whole[0] = spans[0];
    whole[1] = spans[1];
    part[0] = whole[0];
    part[1] = whole[1];
    const bool strict = group < 0;
    if (strict) group = -group;
    if (group > 0 && group < found && spans[2 * group] != PCRE2_UNSET) {
      part[0] = spans[2 * group];
      part[1] = spans[2 * group + 1];
    } else if (strict) {
      part[1] = part[0];
    }
    pcre2_match_data_free(data);
    return 1;
  }
  // The whole match first (RE2's DFA, the fast path); the capture group,
  // when one is wanted, by a second match anchored on that span only.
  re2::StringPiece input(text, length);
  re2::StringPiece found;
  if (!regex->regex->Match(input, start, length, re2::RE2::UNANCHORED, &found, 1)) return 0;
  whole[0] = static_cast<size_t>(found.data() - text);
  whole[1] = whole[0] + found.size();
  part[0] = whole[0];
  part[1] = whole[1];
  const bool strict = group < 0;
  if (strict) group = -group;
  int groups = regex->regex->NumberOfCapturingGroups();
  bool took = false;
  if (group > 0 && group <= groups) {
    std::vector<re2::StringPiece> spans(group + 1);
    if (regex->regex->Match(input, whole[0], whole[1], re2::RE2::ANCHOR_BOTH, spans.data(), group + 1) &&
        spans[group].data() != nullptr) {
      part[0] = static_cast<size_t>(spans[group].data() - text);
      part[1] = part[0] + spans[group].size();
      took = true;
    }
  }
  if (strict && !took) part[1] = part[0];
  return 1;
}

extern "C" int outreach_re2_is_linear(const outreach_re2 *regex) {
  return regex->regex != nullptr && regex->rest == nullptr && regex->backtracking == nullptr ? 1 : 0;
}

extern "C" int outreach_re2_groups(const outreach_re2 *regex) {
  if (regex->rest != nullptr) return outreach_re2_groups(regex->rest);
  if (regex->backtracking != nullptr) {
    uint32_t count = 0;
    pcre2_pattern_info(regex->backtracking, PCRE2_INFO_CAPTURECOUNT, &count);
    return static_cast<int>(count);
  }
  return regex->regex->NumberOfCapturingGroups();
}

extern "C" int outreach_re2_full(const outreach_re2 *regex, const char *text, size_t length) {
  if (regex->backtracking != nullptr || regex->rest != nullptr) {
    size_t whole[2];
    size_t part[2];
    // Anchored at the start; a whole match ends at the text's end.
    size_t start = 0;
    int found = outreach_re2_find(regex, text, length, start, 0, whole, part);
    return found == 1 && whole[0] == 0 && whole[1] == length ? 1 : 0;
  }
  return re2::RE2::FullMatch(re2::StringPiece(text, length), *regex->regex) ? 1 : 0;
}

struct outreach_re2_set {
  re2::RE2::Set set;
  size_t count;
  outreach_re2_set(const re2::RE2::Options &options, size_t count) : set(options, re2::RE2::UNANCHORED), count(count) {}
};

extern "C" outreach_re2_set *outreach_re2_set_new(const char *const *patterns, const size_t *lengths, size_t count) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  options.set_never_capture(true);
  auto *made = new (std::nothrow) outreach_re2_set(options, count);
  if (made == nullptr) return nullptr;
  for (size_t i = 0; i < count; i++) {
    std::string error;
    // Add gives each pattern the next index, so index i is pattern i.
    if (made->set.Add(re2::StringPiece(patterns[i], lengths[i]), &error) != static_cast<int>(i)) {
      delete made;
      return nullptr;
    }
  }
  if (!made->set.Compile()) {
    delete made;
    return nullptr;
  }
  return made;
}

extern "C" void outreach_re2_set_free(outreach_re2_set *set) { delete set; }

extern "C" int outreach_re2_set_match(const outreach_re2_set *set, const char *text, size_t length,
                                      unsigned char *matched) {
  std::memset(matched, 0, set->count);
  std::vector<int> found;
  re2::RE2::Set::ErrorInfo info;
  if (!set->set.Match(re2::StringPiece(text, length), &found, &info)) {
    // No match is `false` with no error; anything else means RE2 could not
    // tell.
    if (info.kind != re2::RE2::Set::kNoError) {
      std::memset(matched, 1, set->count);
      return 0;
    }
    return 1;
  }
  for (int index : found) {
    if (index >= 0 && static_cast<size_t>(index) < set->count) matched[index] = 1;
  }
  return 1;
}

static thread_local void *arenaState = nullptr;
extern "C" void *outreach_arena_state(void) { return arenaState; }
extern "C" void outreach_arena_set_state(void *state) { arenaState = state; }
