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
#include <signal.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>

// Function-like macros and C globals that Swift cannot import or that Swift 6 rejects as shared state.
static inline WINDOW *cp_stdscr(void) { return stdscr; }
static inline int cp_lines(void) { return LINES; }
static inline int cp_cols(void) { return COLS; }
static inline attr_t cp_a_bold(void) { return A_BOLD; }
static inline attr_t cp_a_reverse(void) { return A_REVERSE; }
static inline attr_t cp_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cp_a_dim(void) { return A_DIM; }
static inline attr_t cp_a_normal(void) { return A_NORMAL; }
static inline int cp_key_f(int n) { return KEY_F(n); }
/* The next refresh clears the terminal and sends every cell, whatever ncurses believes is on it. */
static inline void cp_force_repaint(void) { clearok(curscr, TRUE); }
static inline int cp_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cp_err(void) { return ERR; }

// Thin wrappers so Swift never depends on whether ncurses made something a macro or a function.
static inline int cp_get_wch(wint_t *out) { return wget_wch(stdscr, out); }
static inline int cp_mvadd_wch(int y, int x, const cchar_t *c) { return mvwadd_wch(stdscr, y, x, c); }
static inline int cp_move(int y, int x) { return wmove(stdscr, y, x); }
static inline void cp_timeout(int ms) { wtimeout(stdscr, ms); }
static inline int cp_erase(void) { return werase(stdscr); }
static inline int cp_clear(void) { return wclear(stdscr); }
static inline int cp_refresh(void) { return wrefresh(stdscr); }
static inline int cp_keypad(bool on) { return keypad(stdscr, on); }
static inline int cp_setcchar(cchar_t *c, const wchar_t *text, attr_t attrs, short pair) { return setcchar(c, text, attrs, pair, NULL); }
static inline int cp_tigetstr_valid(const char *s) { return s != NULL && s != (char *)-1; }

// Flow control off (Ctrl-S would freeze the screen in cbreak mode) and the suspend key off (Ctrl-Z is undo
// in the note editor, and a suspended careplan would leave a record on the glass), then remember the mode.
static inline void cp_claim_control_keys(void) {
    struct termios t;
    if (tcgetattr(STDIN_FILENO, &t) == 0) {
        t.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
        t.c_cc[VSUSP] = _POSIX_VDISABLE;
        tcsetattr(STDIN_FILENO, TCSANOW, &t);
    }
    def_prog_mode();
}

// The terminal's sequence that clears its scrollback (terminfo's extended E3: xterm, tmux, the Linux
// console), or NULL where its description has none (vt100).
static inline const char *cp_clear_scrollback_sequence(void) {
    char *e3 = tigetstr("E3");
    return (e3 == NULL || e3 == (char *)-1) ? NULL : e3;
}

// Bytes buffered in stdin (0 with poll() saying readable means end of file or a hung-up terminal).
static inline int cp_stdin_pending(void) { int n = 0; if (ioctl(STDIN_FILENO, FIONREAD, &n) != 0) return -1; return n; }

// ---- Signals -------------------------------------------------------------------------------------
// The handlers only write the signal number to a self-pipe (async-signal-safe); the run loop reads it.
// Keep every call to these in ONE Swift file: header statics exist once per translation unit.
// (Function-local statics: Swift's importer does not emit file-scope static variables of a header.)
static inline int *cp_signal_fd_slot(void) { static int fd = -1; return &fd; }
static inline struct sigaction *cp_old_winch_slot(void) { static struct sigaction old; return &old; }
#define cp_signal_fd (*cp_signal_fd_slot())
#define cp_old_winch (*cp_old_winch_slot())

static inline void cp_signal_handler(int signo) {
    int saved = errno;
    if (cp_signal_fd >= 0) { unsigned char b = (unsigned char)signo; (void)!write(cp_signal_fd, &b, 1); }
    errno = saved;
}

// SIGWINCH: let ncurses' own handler run (it queues KEY_RESIZE), then wake the poll.
static inline void cp_winch_handler(int signo) {
    if (cp_old_winch.sa_handler != SIG_DFL && cp_old_winch.sa_handler != SIG_IGN && cp_old_winch.sa_handler != NULL) {
        if (cp_old_winch.sa_flags & SA_SIGINFO) { /* ncurses does not use SA_SIGINFO */ }
        else cp_old_winch.sa_handler(signo);
    }
    cp_signal_handler(signo);
}

/// Creates the self-pipe and installs handlers for SIGHUP, SIGTERM, SIGINT, SIGQUIT and SIGWINCH;
/// ignores SIGPIPE. Returns the read end (non-blocking, close-on-exec) or -1.
static inline int cp_install_signal_pipe(void) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    cp_signal_fd = fds[1];
    struct sigaction sa;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;           // no SA_RESTART: poll() returns EINTR at once
    sa.sa_handler = cp_signal_handler;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    struct sigaction winch;
    sigemptyset(&winch.sa_mask);
    winch.sa_flags = 0;
    winch.sa_handler = cp_winch_handler;
    sigaction(SIGWINCH, &winch, &cp_old_winch);
    signal(SIGPIPE, SIG_IGN);
    return fds[0];
}

/// Puts the default dispositions back (after endwin) and closes the write end.
static inline void cp_restore_signals(void) {
    signal(SIGHUP, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    sigaction(SIGWINCH, &cp_old_winch, NULL);
    if (cp_signal_fd >= 0) { close(cp_signal_fd); cp_signal_fd = -1; }
}
// ---- Crashes -------------------------------------------------------------------------------------
// A crash (a bug) must not leave a patient's record on the glass. The handler wipes the screen with bytes
// fixed in advance, puts back the terminal modes saved before ncurses started (write() and tcsetattr() are
// async-signal-safe), restores the handler that was there before (Swift's backtracer, or the default) and
// lets the signal take its course: a fault runs again under that handler; a sent signal is raised again.
// Swift's backtracer is interactive on a terminal (it offers a debugger over the process's memory), so it
// is chained to only when an engineer asked for it with SWIFT_BACKTRACE; otherwise the default action.
#define CP_CRASH_SIGNALS 6
static inline int cp_crash_signal(int i) {
    static const int signals[CP_CRASH_SIGNALS] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    return signals[i];
}
static inline struct sigaction *cp_old_crash_slot(int i) { static struct sigaction old[CP_CRASH_SIGNALS]; return &old[i]; }
static inline struct termios *cp_shell_modes_slot(void) { static struct termios t; return &t; }
static inline int *cp_shell_modes_saved_slot(void) { static int saved = 0; return &saved; }
static inline int *cp_chain_backtracer_slot(void) { static int chain = 0; return &chain; }

static inline void cp_crash_handler(int signo, siginfo_t *info, void *context) {
    (void)context;
    // Bracketed paste off, attributes off, clear screen and scrollback, leave the alternate screen and clear
    // the normal one too (the Linux console has no alternate screen), cursor on.
    static const char wipe[] = "\033[?2004l\033[0m\033[H\033[2J\033[3J\033[?1049l\033[H\033[2J\033[3J\033[?25h\r\n"
        "careplan stopped on a fault; everything shown as saved is in the store. Tell IT.\r\n";
    int saved = errno;
    (void)!write(STDOUT_FILENO, wipe, sizeof wipe - 1);
    // Wait (a second at most) until the terminal has read it: bytes still queued in a pseudo-terminal when
    // the process dies can be lost, and the record would stay on the glass.
    alarm(1);
    tcdrain(STDOUT_FILENO);
    alarm(0);
    if (*cp_shell_modes_saved_slot()) tcsetattr(STDIN_FILENO, TCSANOW, cp_shell_modes_slot());
    for (int i = 0; i < CP_CRASH_SIGNALS; i++) {
        if (cp_crash_signal(i) != signo) continue;
        if (*cp_chain_backtracer_slot()) sigaction(signo, cp_old_crash_slot(i), NULL);
        else signal(signo, SIG_DFL);
    }
    if (info == NULL || info->si_code <= 0) raise(signo);  // sent (kill, raise, abort): delivered again on return
    errno = saved;
}

/// Saves the terminal's modes (call before initscr) and installs the crash handler.
static inline void cp_install_crash_wipe(int chain_backtracer) {
    *cp_chain_backtracer_slot() = chain_backtracer;
    if (tcgetattr(STDIN_FILENO, cp_shell_modes_slot()) == 0) *cp_shell_modes_saved_slot() = 1;
    struct sigaction sa;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO;
    sa.sa_sigaction = cp_crash_handler;
    for (int i = 0; i < CP_CRASH_SIGNALS; i++) sigaction(cp_crash_signal(i), &sa, cp_old_crash_slot(i));
}

/// After a clean shutdown: the handlers that were there before.
static inline void cp_remove_crash_wipe(void) {
    for (int i = 0; i < CP_CRASH_SIGNALS; i++) sigaction(cp_crash_signal(i), cp_old_crash_slot(i), NULL);
}

/// No core dump, and no other process of the same user may attach and read this one's memory: it holds
/// patient records. (Not when an engineer asked for backtraces, which need to read it.)
static inline void cp_keep_memory_private(void) { prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

static inline int cp_sighup(void) { return SIGHUP; }
static inline int cp_sigterm(void) { return SIGTERM; }
static inline int cp_sigint(void) { return SIGINT; }
static inline int cp_sigquit(void) { return SIGQUIT; }
static inline int cp_sigwinch(void) { return SIGWINCH; }
#endif
