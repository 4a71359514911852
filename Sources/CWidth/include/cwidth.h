#ifndef CAREPLAN_CWIDTH_H
#define CAREPLAN_CWIDTH_H
/// The C library's wcwidth (what ncurses uses), which Swift's Glibc module does not expose.
int careplan_wcwidth(unsigned int codepoint);
#endif
