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

int
main(void)
{
	test_decode();
	test_encode_round_trip();
	test_space();
	return CHECK_DONE();
}
