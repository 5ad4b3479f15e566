/*
 * p256-verify: what one P-256 ECDSA verification costs, hot and cold, for
 * `make bench`'s ES256 bound (issue 14).
 *
 * `openssl speed ecdsap256` verifies in a tight loop, so its tables stay
 * in the core's caches: OpenSSL's P-256 code reads a 150 KiB table of
 * generator multiples on every verification. In the service, nginx, wrk
 * and the other request threads run on the same cores between two
 * verifications and push that table out. This measures both: the thread
 * CPU time of one EVP_PKEY_verify in a loop ("hot"), and after touching
 * BENCH_COLD_KIB (default 4096) KiB of other memory before each one
 * ("cold": larger than any current x86 core's L2).
 *
 *   p256-verify            prints "hot_us=N cold_us=N"
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "thread_cpu.h"

#define HOT_RUNS	2000
#define COLD_RUNS	300
#define BATCHES		5

/* The median over BATCHES of the mean verification time of a batch. */
static double
measure(EVP_PKEY_CTX *ctx, const unsigned char *sig, size_t siglen,
    const unsigned char *hash, volatile unsigned char *junk, size_t junklen,
    int runs)
{
	double	 batch[BATCHES], spent, t0;
	size_t	 j;
	int	 b, i;

	for (b = 0; b < BATCHES; b++) {
		spent = 0;
		for (i = 0; i < runs; i++) {
			for (j = 0; j < junklen; j += 64)
				junk[j]++;
			t0 = thread_us();
			if (EVP_PKEY_verify(ctx, sig, siglen, hash, 32) != 1) {
				fprintf(stderr, "p256-verify: a valid signature failed\n");
				exit(1);
			}
			spent += thread_us() - t0;
		}
		batch[b] = spent / runs;
	}
	return median(batch, BATCHES);
}

int
main(void)
{
	unsigned char		 hash[32] = { 0x6c }, sig[80];
	size_t			 siglen = sizeof(sig), junklen;
	const char		*kib = getenv("BENCH_COLD_KIB");
	unsigned char		*junk;
	EVP_PKEY		*key;
	EVP_PKEY_CTX		*sign, *verify;
	double			 hot, cold;
	long			 k = 4096;
	char			*end;

	if (kib != NULL && ((k = strtol(kib, &end, 10)) < 1 || *end != '\0' ||
	    k > 1 << 20)) {
		fprintf(stderr, "p256-verify: BENCH_COLD_KIB must be 1..1048576\n");
		return 2;
	}
	junklen = (size_t)k * 1024;
	if ((junk = calloc(1, junklen + 1)) == NULL)
		return 1;
	if ((key = EVP_EC_gen("P-256")) == NULL ||
	    (sign = EVP_PKEY_CTX_new(key, NULL)) == NULL ||
	    (verify = EVP_PKEY_CTX_new(key, NULL)) == NULL ||
	    EVP_PKEY_sign_init(sign) != 1 ||
	    EVP_PKEY_sign(sign, sig, &siglen, hash, sizeof(hash)) != 1 ||
	    EVP_PKEY_verify_init(verify) != 1) {
		fprintf(stderr, "p256-verify: OpenSSL could not make a P-256 signature\n");
		free(junk);
		return 1;
	}
	hot = measure(verify, sig, siglen, hash, junk, 0, HOT_RUNS);
	cold = measure(verify, sig, siglen, hash, junk, junklen, COLD_RUNS);
	printf("hot_us=%.1f cold_us=%.1f\n", hot, cold);
	EVP_PKEY_CTX_free(sign);
	EVP_PKEY_CTX_free(verify);
	EVP_PKEY_free(key);
	free(junk);
	return 0;
}
