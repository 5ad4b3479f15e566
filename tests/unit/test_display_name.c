/*
 * display_name: the SPEC's userName rule, "trimmed, 1-128 characters of
 * valid UTF-8, no control characters".
 */
#include <string.h>

#include "check.h"
#include "display_name.h"

static char	 out[DISPLAY_NAME_SIZE];

static int
parse(const char *s)
{
	memset(out, 'X', sizeof(out));
	return display_name_parse(s, strlen(s), out);
}

/* n copies of unit, between prefix and suffix, into buf. */
static const char *
rep(char *buf, size_t cap, const char *prefix, const char *unit, size_t n,
    const char *suffix)
{
	size_t	 at, ul = strlen(unit), i;

	at = strlen(prefix);
	if (at + n * ul + strlen(suffix) + 1 > cap)
		return "";
	memcpy(buf, prefix, at);
	for (i = 0; i < n; i++, at += ul)
		memcpy(buf + at, unit, ul);
	memcpy(buf + at, suffix, strlen(suffix) + 1);
	return buf;
}

static void
test_plain(void)
{
	CHECK(parse("Alice") == 0);
	CHECK_STR(out, "Alice");
	CHECK(parse("A") == 0);
	CHECK_STR(out, "A");
	/* Inner spaces stay; names are not normalised. */
	CHECK(parse("Mary  Ann O'Brien-Smith") == 0);
	CHECK_STR(out, "Mary  Ann O'Brien-Smith");
	CHECK(parse("Zo\xc3\xab \xe5\xb1\xb1\xe7\x94\xb0 \xf0\x9f\x8e\xa4") == 0);
	CHECK_STR(out, "Zo\xc3\xab \xe5\xb1\xb1\xe7\x94\xb0 \xf0\x9f\x8e\xa4");
	/* Markup is text here; escaping is the UI's job. */
	CHECK(parse("<b>x</b>") == 0);
	CHECK_STR(out, "<b>x</b>");
}

static void
test_trim(void)
{
	CHECK(parse("  Bob  ") == 0);
	CHECK_STR(out, "Bob");
	CHECK(parse("\tBob\t") == 0);
	CHECK_STR(out, "Bob");
	CHECK(parse(" \t Bob Smith \t ") == 0);
	CHECK_STR(out, "Bob Smith");
	/* Unicode spaces at the ends: NBSP U+00A0, ideographic U+3000. */
	CHECK(parse("\xc2\xa0" "Bob\xe3\x80\x80") == 0);
	CHECK_STR(out, "Bob");
	/* Line ends around a name are white space, and trimmed. */
	CHECK(parse("Bob\r\n") == 0);
	CHECK_STR(out, "Bob");
	/* Only the given length is read. */
	CHECK(display_name_parse("Bobby", 3, out) == 0);
	CHECK_STR(out, "Bob");
}

static void
test_length(void)
{
	char	 buf[1024];

	/* 128 characters: ASCII, 2-byte "é", 3-byte "€", 4-byte emoji. */
	CHECK(DISPLAY_NAME_MAX_CHARS == 128);
	CHECK(parse(rep(buf, sizeof(buf), "", "a", 128, "")) == 0);
	CHECK(strlen(out) == 128);
	CHECK(parse(rep(buf, sizeof(buf), "", "\xc3\xa9", 128, "")) == 0);
	CHECK(strlen(out) == 256);
	CHECK(parse(rep(buf, sizeof(buf), "", "\xe2\x82\xac", 128, "")) == 0);
	CHECK(strlen(out) == 384);
	/* 128 x U+1F600: 512 bytes, exactly DISPLAY_NAME_SIZE with its NUL. */
	CHECK(parse(rep(buf, sizeof(buf), "", "\xf0\x9f\x98\x80", 128, "")) == 0);
	CHECK(strlen(out) == 512 && memcmp(out, buf, 512) == 0);
	/* Trimmed spaces do not count. */
	CHECK(parse(rep(buf, sizeof(buf), "   ", "a", 128, "\t\t")) == 0);
	CHECK(strlen(out) == 128);
	/* 129 characters are refused, whatever their width. */
	CHECK(parse(rep(buf, sizeof(buf), "", "a", 129, "")) == -1);
	CHECK(parse(rep(buf, sizeof(buf), "", "\xc3\xa9", 129, "")) == -1);
	CHECK(parse(rep(buf, sizeof(buf), "", "\xf0\x9f\x98\x80", 129, "")) == -1);
	CHECK(parse(rep(buf, sizeof(buf), " ", "a", 129, " ")) == -1);
	/* Inner spaces count. */
	CHECK(parse(rep(buf, sizeof(buf), "a ", "b", 127, "")) == -1);
}

static void
test_empty(void)
{
	CHECK(parse("") == -1);
	CHECK(parse(" ") == -1);
	CHECK(parse("     ") == -1);
	CHECK(parse(" \t \t ") == -1);
	CHECK(parse("\xc2\xa0\xe3\x80\x80") == -1);
	CHECK(display_name_parse("", 0, out) == -1);
}

static void
test_controls(void)
{
	/* C0 inside a name: it could break a participant list's layout. */
	CHECK(parse("Bob\nSmith") == -1);
	CHECK(parse("Bob\tSmith") == -1);
	CHECK(parse("Bob\rSmith") == -1);
	CHECK(parse("Bob\x1bSmith") == -1);	/* ESC: terminal escapes */
	CHECK(parse("Bob\x01") == -1);
	CHECK(display_name_parse("Bob\0Smith", 9, out) == -1);
	/* DEL, and C1 controls: U+0080, U+0085 (NEL), U+009F. */
	CHECK(parse("Bob\x7fSmith") == -1);
	CHECK(parse("Bob\xc2\x80Smith") == -1);
	CHECK(parse("Bob\xc2\x85Smith") == -1);
	CHECK(parse("Bob\xc2\x9f") == -1);
	CHECK(parse("\xc2\x85") == -1);
	/* Line and paragraph separators U+2028, U+2029. */
	CHECK(parse("Bob\xe2\x80\xa8Smith") == -1);
	CHECK(parse("Bob\xe2\x80\xa9Smith") == -1);
	/*
	 * Bidirectional overrides and isolates (Trojan Source, CVE-2021-42574):
	 * U+202E RLO would show "Bob\u202Egnp.exe" as "Bobexe.png".
	 */
	CHECK(parse("Bob\xe2\x80\xaegnp.exe") == -1);
	CHECK(parse("\xe2\x80\xaa" "Bob") == -1);	/* U+202A LRE */
	CHECK(parse("Bob\xe2\x80\xac") == -1);		/* U+202C PDF */
	CHECK(parse("Bob\xe2\x81\xa6x") == -1);		/* U+2066 LRI */
	CHECK(parse("Bob\xe2\x81\xa9x") == -1);		/* U+2069 PDI */
	/* Neighbours of the refused ranges are ordinary text. */
	CHECK(parse("Bob\xe2\x80\xafx") == 0);		/* U+202F NNBSP */
	CHECK(parse("Bob\xe2\x81\xa5x") == 0);		/* U+2065 */
	CHECK(parse("Bob\xc2\xa1") == 0);		/* U+00A1 */
	CHECK(parse("Bob~") == 0);			/* U+007E */
}

static void
test_utf8(void)
{
	/* Unicode table 3-7: overlong, surrogate, out of range, truncated. */
	CHECK(parse("Bob\xc0\x80") == -1);
	CHECK(parse("Bob\xc1\xbf") == -1);
	CHECK(parse("Bob\xe0\x80\x80") == -1);
	CHECK(parse("Bob\xe0\x9f\xbf") == -1);
	CHECK(parse("Bob\xf0\x8f\xbf\xbf") == -1);
	CHECK(parse("Bob\xed\xa0\x80") == -1);
	CHECK(parse("Bob\xed\xbf\xbf") == -1);
	CHECK(parse("Bob\xf4\x90\x80\x80") == -1);
	CHECK(parse("Bob\xf5\x80\x80\x80") == -1);
	CHECK(parse("Bob\xff") == -1);
	CHECK(parse("Bob\x80") == -1);
	CHECK(parse("Bob\xc3") == -1);
	CHECK(parse("Bob\xe2\x82") == -1);
	CHECK(parse("\xc3 Bob") == -1);
	/* Invalid bytes in what would be trimmed are refused too. */
	CHECK(parse("Bob \xff ") == -1);
	/* A sequence cut by the given length. */
	CHECK(display_name_parse("Bob\xc3\xa9", 4, out) == -1);
	CHECK(display_name_parse("Bob\xc3\xa9", 5, out) == 0);
	CHECK_STR(out, "Bob\xc3\xa9");
}

/*
 * Regression (issue 10): a userName made only of invisible characters
 * (U+200B, U+3164, U+FEFF, RLM, ...) was accepted as a display name, so
 * a participant could appear nameless, or blank beside a judge's seat.
 */
static void
test_invisible_only(void)
{
	CHECK(parse("\xe2\x80\x8b") == -1);			/* U+200B ZWSP */
	CHECK(parse("\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b") == -1);
	CHECK(parse("\xe3\x85\xa4") == -1);			/* U+3164 Hangul filler */
	CHECK(parse("\xef\xbb\xbf") == -1);			/* U+FEFF BOM */
	CHECK(parse("\xe2\x80\x8f") == -1);			/* U+200F RLM */
	CHECK(parse("\xe2\x80\x8e") == -1);			/* U+200E LRM */
	CHECK(parse("\xe2\x80\x8c\xe2\x80\x8d") == -1);	/* ZWNJ ZWJ */
	CHECK(parse("\xe2\x81\xa0") == -1);			/* U+2060 word joiner */
	CHECK(parse("\xe1\x85\x9f\xe1\x85\xa0") == -1);	/* U+115F U+1160 */
	CHECK(parse("\xef\xbe\xa0") == -1);			/* U+FFA0 */
	CHECK(parse("\xc2\xad") == -1);			/* U+00AD soft hyphen */
	CHECK(parse("\xe2\xa0\x80") == -1);			/* U+2800 braille blank */
	CHECK(parse("\xef\xb8\x8f") == -1);			/* U+FE0F VS16 */
	CHECK(parse("\xf3\xa0\x80\x81") == -1);		/* U+E0001 tag */
	/* Mixed with white space: still nothing to see. */
	CHECK(parse(" \xe2\x80\x8b \xe3\x85\xa4 \xef\xbb\xbf ") == -1);
	CHECK(parse("\xe2\x80\x8b\xe2\x80\x8a\xe2\x80\xaf") == -1);
	/* One visible character is enough; joiners inside names are fine. */
	CHECK(parse("\xe2\x80\x8b" "A\xe2\x80\x8b") == 0);
	CHECK(parse("\xd9\x85\xe2\x80\x8c\xd9\x86") == 0);	/* ZWNJ in Persian */
	CHECK(parse("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb") == 0); /* emoji ZWJ */
	CHECK(parse("\xe2\x9d\xa4\xef\xb8\x8f") == 0);	/* heart + VS16 */
	CHECK(parse("\xea\xb9\x80") == 0);			/* a Hangul syllable */
}

int
main(void)
{
	test_plain();
	test_trim();
	test_length();
	test_empty();
	test_controls();
	test_utf8();
	test_invisible_only();
	return CHECK_DONE();
}
