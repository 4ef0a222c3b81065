// The one place that talks to the regex engines. RE2 runs every pattern it
// accepts, in linear time. A pattern it refuses for a lookaround or a
// backreference (which Vale's regexp2 has) runs on PCRE2's backtracking
// engine with hard match and depth limits, as Vale bounds regexp2 with a
// timeout: a match that hits them ends the search (-2), never a hang.
#include "re2shim.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <re2/re2.h>

#include <cstring>
#include <new>
#include <string>
#include <vector>

struct outreach_re2 {
  re2::RE2 *regex;
  pcre2_code *backtracking;
  pcre2_match_context *context;
};

/// The backtracking engine's budget for one search: about a millisecond of
/// work a start position, a few ms for a whole search that hits it.
static const uint32_t kMatchLimit = 200000;
static const uint32_t kDepthLimit = 5000;

/// Whether RE2 refused the pattern for what only a backtracking engine has.
static bool needsBacktracking(const std::string &error) {
  // `(?=`, `(?!`, `(?<=`, `(?<!`, `(?>` ...; `\1` and other escapes RE2 lacks.
  return error.find("invalid perl operator") != std::string::npos ||
         error.find("invalid escape sequence: \\") != std::string::npos;
}

static outreach_re2 *compileBacktracking(const char *pattern, size_t length, int ignorecase, char *error,
                                         size_t error_size) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  uint32_t flags = PCRE2_UTF | PCRE2_MULTILINE | PCRE2_UCP | (ignorecase ? PCRE2_CASELESS : 0);
  pcre2_code *compiled =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern), length, flags, &code, &offset, nullptr);
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
  return new (std::nothrow) outreach_re2{nullptr, compiled, context};
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
      return compileBacktracking(pattern, length, ignorecase, error, error_size);
    }
    if (error != nullptr && error_size > 0) {
      std::strncpy(error, regex->error().c_str(), error_size - 1);
      error[error_size - 1] = 0;
    }
    delete regex;
    return nullptr;
  }
  return new (std::nothrow) outreach_re2{regex, nullptr, nullptr};
}

extern "C" void outreach_re2_free(outreach_re2 *regex) {
  if (regex == nullptr) return;
  delete regex->regex;
  if (regex->backtracking != nullptr) pcre2_code_free(regex->backtracking);
  if (regex->context != nullptr) pcre2_match_context_free(regex->context);
  delete regex;
}

extern "C" int outreach_re2_find(const outreach_re2 *regex, const char *text, size_t length, size_t start, int group,
                                 size_t whole[2], size_t part[2]) {
  if (regex->backtracking != nullptr) {
    pcre2_match_data *data = pcre2_match_data_create_from_pattern(regex->backtracking, nullptr);
    if (data == nullptr) return 0;
    int found = pcre2_match(regex->backtracking, reinterpret_cast<PCRE2_SPTR>(text), length, start, PCRE2_NO_UTF_CHECK,
                            data, regex->context);
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
    if (group > 0 && group < found && spans[2 * group] != PCRE2_UNSET) {
      part[0] = spans[2 * group];
      part[1] = spans[2 * group + 1];
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
  int groups = regex->regex->NumberOfCapturingGroups();
  if (group > 0 && group <= groups) {
    std::vector<re2::StringPiece> spans(group + 1);
    if (regex->regex->Match(input, whole[0], whole[1], re2::RE2::ANCHOR_BOTH, spans.data(), group + 1) &&
        spans[group].data() != nullptr) {
      part[0] = static_cast<size_t>(spans[group].data() - text);
      part[1] = part[0] + spans[group].size();
    }
  }
  return 1;
}

extern "C" int outreach_re2_full(const outreach_re2 *regex, const char *text, size_t length) {
  if (regex->backtracking != nullptr) {
    size_t whole[2];
    size_t part[2];
    // Anchored at the start; a whole match ends at the text's end.
    size_t start = 0;
    int found = outreach_re2_find(regex, text, length, start, 0, whole, part);
    return found == 1 && whole[0] == 0 && whole[1] == length ? 1 : 0;
  }
  return re2::RE2::FullMatch(re2::StringPiece(text, length), *regex->regex) ? 1 : 0;
}
