// Pango (text layout and shaping, with fontconfig fallback) and Cairo (PDF surface) for the PDF export.
#include <pango/pangocairo.h>
#include <cairo-pdf.h>
