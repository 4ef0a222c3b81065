#ifndef OUTREACH_RE2SHIM_H
#define OUTREACH_RE2SHIM_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A compiled RE2 pattern (linear-time matching, Go/Vale syntax).
typedef struct outreach_re2 outreach_re2;

/// Compiles `pattern` (UTF-8). NULL when RE2 rejects it; the reason is
/// copied into `error` (at most `error_size` bytes, NUL-terminated).
/// `captures`: 0 when no capture group will be asked for (faster matching).
outreach_re2 *outreach_re2_new(const char *pattern, size_t length, int ignorecase, int captures, char *error,
                               size_t error_size);

void outreach_re2_free(outreach_re2 *regex);

/// Finds the first match in text[start..<length]: its span in `whole`, and
/// in `part` the span of capture `group` when above 0 and it took part (the
/// whole match otherwise; with `-group`, an empty span then). Offsets are
/// bytes. 1 when found, 0 when not, -2 when a backtracking pattern hit its
/// match or depth limit.
int outreach_re2_find(const outreach_re2 *regex, const char *text, size_t length, size_t start, int group,
                      size_t whole[2], size_t part[2]);

/// Whether patterns compiled from now on for the backtracking engine get
/// an RE2 prefilter (1, the default); the tests compare both.
void outreach_re2_set_prefilter(int on);
/// 1 when the pattern runs on the backtracking engine behind an RE2 prefilter.
int outreach_re2_has_prefilter(const outreach_re2 *regex);

/// The number of capturing groups.
int outreach_re2_groups(const outreach_re2 *regex);
/// 1 when RE2 runs the pattern (no lookaround or backreference): a match
/// then depends on no text outside the span searched.
int outreach_re2_is_linear(const outreach_re2 *regex);

/// 1 when the whole of `text` matches.
int outreach_re2_full(const outreach_re2 *regex, const char *text, size_t length);

/// Patterns searched together in one pass (RE2::Set, unanchored): which of
/// them match somewhere in a text. Each pattern as RE2 takes it (case
/// folding as `(?i)` in it). NULL when RE2 rejects one of them or cannot
/// build the set.
typedef struct outreach_re2_set outreach_re2_set;
outreach_re2_set *outreach_re2_set_new(const char *const *patterns, const size_t *lengths, size_t count);
void outreach_re2_set_free(outreach_re2_set *set);
/// Sets `matched[i]` to 1 for each pattern i that matches in `text`, 0 for
/// the others. 1 when done; 0 when RE2 could not tell (its DFA outgrew its
/// memory): then any pattern may match.
int outreach_re2_set_match(const outreach_re2_set *set, const char *text, size_t length, unsigned char *matched);

/* The calling thread's cmark parse arena (OutreachKit's ParseArena), kept in
   thread-local storage: cmark's allocator callbacks read it at every
   allocation, where pthread_getspecific cost a lookup each time. */
void *outreach_arena_state(void);
void outreach_arena_set_state(void *state);

#ifdef __cplusplus
}
#endif
#endif
