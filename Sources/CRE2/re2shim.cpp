// The one place that talks to RE2: outreach's rule patterns run in linear
// time, as Vale's Go regular expressions promise, so no team rule can hang
// a pre-commit hook.
#include "re2shim.h"

#include <re2/re2.h>

#include <cstring>
#include <new>
#include <string>
#include <vector>

struct outreach_re2 {
  re2::RE2 *regex;
};

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
    if (error != nullptr && error_size > 0) {
      std::strncpy(error, regex->error().c_str(), error_size - 1);
      error[error_size - 1] = 0;
    }
    delete regex;
    return nullptr;
  }
  return new (std::nothrow) outreach_re2{regex};
}

extern "C" void outreach_re2_free(outreach_re2 *regex) {
  if (regex == nullptr) return;
  delete regex->regex;
  delete regex;
}

extern "C" int outreach_re2_find(const outreach_re2 *regex, const char *text, size_t length, size_t start, int group,
                                 size_t whole[2], size_t part[2]) {
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
  return re2::RE2::FullMatch(re2::StringPiece(text, length), *regex->regex) ? 1 : 0;
}
