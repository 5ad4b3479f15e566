/*
 * utf8: the one decoder that jsonparse.c, display_name.c and config.c
 * share (issue 10: there were two decoders and two is_space). Cases from
 * Unicode 15, table 3-7 (well-formed byte sequences).
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "utf8.h"

static size_t
dec(const char *s, uint32_t *cp)
{
	return utf8_decode((const unsigned char *)s, strlen(s), cp);
}

static void
test_decode(void)
{
	uint32_t	 cp = 0;

	CHECK(dec("A", &cp) == 1 && cp == 'A');
	CHECK(dec("\x7f", &cp) == 1 && cp == 0x7f);
	CHECK(dec("\xc2\x80", &cp) == 2 && cp == 0x80);
	CHECK(dec("\xdf\xbf", &cp) == 2 && cp == 0x7ff);
	CHECK(dec("\xe0\xa0\x80", &cp) == 3 && cp == 0x800);
	CHECK(dec("\xed\x9f\xbf", &cp) == 3 && cp == 0xd7ff);
	CHECK(dec("\xee\x80\x80", &cp) == 3 && cp == 0xe000);
	CHECK(dec("\xef\xbf\xbf", &cp) == 3 && cp == 0xffff);
	CHECK(dec("\xf0\x90\x80\x80", &cp) == 4 && cp == 0x10000);
	CHECK(dec("\xf4\x8f\xbf\xbf", &cp) == 4 && cp == 0x10ffff);
	/* Ill-formed: overlong, surrogates, past U+10FFFF, stray, cut. */
	CHECK(dec("\xc0\x80", &cp) == 0);
	CHECK(dec("\xc1\xbf", &cp) == 0);
	CHECK(dec("\xe0\x9f\xbf", &cp) == 0);
	CHECK(dec("\xed\xa0\x80", &cp) == 0);
	CHECK(dec("\xed\xbf\xbf", &cp) == 0);
	CHECK(dec("\xf0\x8f\xbf\xbf", &cp) == 0);
	CHECK(dec("\xf4\x90\x80\x80", &cp) == 0);
	CHECK(dec("\xf5\x80\x80\x80", &cp) == 0);
	CHECK(dec("\x80", &cp) == 0);
	CHECK(dec("\xff", &cp) == 0);
	CHECK(dec("\xe2\x82", &cp) == 0);
	CHECK(dec("\xe2\x28\xa1", &cp) == 0);
	CHECK(utf8_decode((const unsigned char *)"\xc3\xa9", 1, &cp) == 0);
}

static void
test_encode_round_trip(void)
{
	static const uint32_t	 cps[] = { 0x24, 0x7f, 0x80, 0xe9, 0x7ff,
	    0x800, 0x20ac, 0xd7ff, 0xe000, 0xfffd, 0x10000, 0x1f600,
	    0x10ffff };
	char			 buf[4];
	uint32_t		 back;
	size_t			 i, n;

	for (i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		n = utf8_encode(buf, cps[i]);
		CHECK(utf8_decode((unsigned char *)buf, n, &back) == n &&
		    back == cps[i]);
	}
}

static void
test_space(void)
{
	CHECK(utf8_is_space(' ') && utf8_is_space('\t') && utf8_is_space('\r'));
	CHECK(utf8_is_space(0xa0) && utf8_is_space(0x3000));
	CHECK(utf8_is_space(0x2000) && utf8_is_space(0x200a));
	CHECK(!utf8_is_space(0x200b));	/* zero width: invisible, not space */
	CHECK(!utf8_is_space(0x85) && !utf8_is_space(0x2028));
	CHECK(!utf8_is_space('a') && !utf8_is_space(0));
	CHECK(utf8_is_space_byte(' ') && utf8_is_space_byte('\t'));
	/* A byte of a sequence is never space, even 0xa0 (U+00A0's value). */
	CHECK(!utf8_is_space_byte((char)0xa0) && !utf8_is_space_byte('#'));
}

/* The byte-at-a-time answer utf8_json_plain must give. */
static size_t
plain_slow(const unsigned char *p, size_t n, bool ascii)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == '"' || p[i] == '\\' ||
		    (ascii && p[i] >= 0x80))
			break;
	return i;
}

/*
 * Every byte value at every position of spans 0 to 40 bytes long, in both
 * modes: the sixteen-byte path, the word-at-a-time path and their tail
 * agree with the plain loop, and a stop byte is found in whichever lane
 * of either it sits.
 */
static void
test_json_plain(void)
{
	unsigned char	 buf[48];
	size_t		 n, at, bad = 0;
	unsigned	 c;
	int		 ascii;

	for (ascii = 0; ascii < 2; ascii++)
		for (n = 0; n <= 40; n++)
			for (at = 0; at < (n > 0 ? n : 1); at++)
				for (c = 0; c < 256; c++) {
					memset(buf, 'a', sizeof(buf));
					if (n > 0)
						buf[at] = (unsigned char)c;
					if (utf8_json_plain(buf, n, ascii) !=
					    plain_slow(buf, n, ascii))
						bad++;
				}
	CHECK(bad == 0);
	/* Past the span nothing is read: a stop byte just beyond counts not. */
	memset(buf, 'a', sizeof(buf));
	buf[16] = '"';
	CHECK(utf8_json_plain(buf, 16, true) == 16);
	CHECK(utf8_json_plain(buf, 17, true) == 16);
	buf[16] = 'a';
	buf[32] = '\\';
	CHECK(utf8_json_plain(buf, 32, false) == 32);
	CHECK(utf8_json_plain(buf, 40, false) == 32);
	/* High bytes pass in the writer's mode, stop in the reader's. */
	memcpy(buf, "caf\xc3\xa9 ok\"", 9);
	CHECK(utf8_json_plain(buf, 9, false) == 8);
	CHECK(utf8_json_plain(buf, 9, true) == 3);
}

int
main(void)
{
	test_decode();
	test_encode_round_trip();
	test_space();
	test_json_plain();
	return CHECK_DONE();
}
