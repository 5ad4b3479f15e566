/*
 * Random version 4 UUIDs (RFC 9562 section 5.4), from libsodium's CSPRNG:
 * the development user ids of mint-dev-jwt and the request ids that
 * LiveKit's SDKs send with a server API call. Not for secrets.
 */
#ifndef UUID_H
#define UUID_H

#define UUID_TEXT_SIZE	37	/* 36 characters and a NUL */

/* Write a fresh v4 UUID, lower-case hex with hyphens, into out. */
void	uuid_v4(char out[UUID_TEXT_SIZE]);

#endif
