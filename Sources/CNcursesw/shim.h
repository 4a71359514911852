// The ncursesw wide-character API, made importable by Swift.
// SwiftPM drops the -D flags pkg-config prints, so NCURSES_WIDECHAR is defined here.
#ifndef CAREPLAN_CNCURSESW_SHIM_H
#define CAREPLAN_CNCURSESW_SHIM_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Function-like macros and C globals that Swift cannot import or that Swift 6 rejects as shared state.
static inline WINDOW *cp_stdscr(void) { return stdscr; }
static inline int cp_lines(void) { return LINES; }
static inline int cp_cols(void) { return COLS; }
static inline attr_t cp_a_bold(void) { return A_BOLD; }
static inline attr_t cp_a_reverse(void) { return A_REVERSE; }
static inline attr_t cp_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cp_a_dim(void) { return A_DIM; }
static inline attr_t cp_a_normal(void) { return A_NORMAL; }
static inline short cp_color_pair_attr(short pair) { return (short)0; }
static inline attr_t cp_color_pair(short pair) { return COLOR_PAIR(pair); }
static inline int cp_key_f(int n) { return KEY_F(n); }
#endif
