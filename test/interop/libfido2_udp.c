/*
 * libfido2 (1.12) interop harness for the Keystation virtual key over UDP.
 * libfido2's own tools only open hidraw devices, so this uses the same library calls as
 * fido2-token/fido2-cred/fido2-assert with custom I/O (fido_dev_set_io_functions): one
 * datagram = one 64-byte report without report ID.
 *
 *   libfido2_udp <port> setup <pin> <x5c-out.der>   set PIN, make+verify a discoverable
 *                                                  credential, get+verify an assertion,
 *                                                  credential management (0x41), delete
 *   libfido2_udp <port> reset                      authenticatorReset (right after power-up)
 *
 * Build: cc -o libfido2_udp libfido2_udp.c $(pkg-config --cflags --libs libfido2)
 */
#include <arpa/inet.h>
#include <fido.h>
#include <fido/credman.h>
#include <fido/es256.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int udp_port;

struct udp_handle {
	int fd;
};

static void *udp_open(const char *path) {
	(void)path;
	struct udp_handle *h = calloc(1, sizeof(*h));
	struct sockaddr_in sa = {0};
	if (h == NULL) return NULL;
	h->fd = socket(AF_INET, SOCK_DGRAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)udp_port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (h->fd < 0 || connect(h->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		free(h);
		return NULL;
	}
	return h;
}

static void udp_close(void *handle) {
	struct udp_handle *h = handle;
	close(h->fd);
	free(h);
}

static int udp_read(void *handle, unsigned char *buf, size_t len, int ms) {
	struct udp_handle *h = handle;
	struct pollfd p = {.fd = h->fd, .events = POLLIN};
	if (poll(&p, 1, ms < 0 ? -1 : ms) != 1) return -1;
	ssize_t n = recv(h->fd, buf, len, 0);
	return n == (ssize_t)len ? (int)n : -1;
}

/* libfido2 hands us report ID (0x00) + 64 bytes; the datagram carries the 64 bytes. */
static int udp_write(void *handle, const unsigned char *buf, size_t len) {
	struct udp_handle *h = handle;
	if (len != 65) return -1;
	return send(h->fd, buf + 1, 64, 0) == 64 ? (int)len : -1;
}

#define CHECK(call, what)                                                                  \
	do {                                                                                   \
		int r_ = (call);                                                               \
		if (r_ != FIDO_OK) {                                                           \
			fprintf(stderr, "FAIL %s: %s (0x%02x)\n", what, fido_strerr(r_), r_); \
			exit(1);                                                               \
		}                                                                              \
		printf("ok %s\n", what);                                                       \
	} while (0)

static fido_dev_t *open_dev(void) {
	fido_dev_io_t io = {udp_open, udp_close, udp_read, udp_write};
	fido_dev_t *dev = fido_dev_new();
	CHECK(fido_dev_set_io_functions(dev, &io), "set io functions");
	CHECK(fido_dev_open(dev, "udp"), "open (CTAPHID INIT)");
	return dev;
}

static void print_info(fido_dev_t *dev) {
	fido_cbor_info_t *ci = fido_cbor_info_new();
	CHECK(fido_dev_get_cbor_info(dev, ci), "getInfo");
	char **v = fido_cbor_info_versions_ptr(ci);
	for (size_t i = 0; i < fido_cbor_info_versions_len(ci); i++) printf("version %s\n", v[i]);
	const unsigned char *aaguid = fido_cbor_info_aaguid_ptr(ci);
	printf("aaguid ");
	for (size_t i = 0; i < fido_cbor_info_aaguid_len(ci); i++) printf("%02x", aaguid[i]);
	printf("\n");
	char **on = fido_cbor_info_options_name_ptr(ci);
	const bool *ov = fido_cbor_info_options_value_ptr(ci);
	for (size_t i = 0; i < fido_cbor_info_options_len(ci); i++) printf("option %s=%s\n", on[i], ov[i] ? "true" : "false");
	printf("fido_dev_supports_credman %d\n", fido_dev_supports_credman(dev));
	printf("fido_dev_has_pin %d\n", fido_dev_has_pin(dev));
	fido_cbor_info_free(&ci);
}

static void setup(const char *pin, const char *x5c_path) {
	fido_dev_t *dev = open_dev();
	print_info(dev);
	CHECK(fido_dev_set_pin(dev, pin, NULL), "set PIN");
	int retries = -1;
	CHECK(fido_dev_get_retry_count(dev, &retries), "get retries");
	printf("retries %d\n", retries);
	if (retries != 8) exit(1);

	/* Make a discoverable ES256 credential with PIN (fido2-cred -M -r -v equivalent). */
	unsigned char cdh[32];
	for (int i = 0; i < 32; i++) cdh[i] = (unsigned char)i;
	const unsigned char user_id[] = "libfido2-user-1";
	fido_cred_t *cred = fido_cred_new();
	CHECK(fido_cred_set_type(cred, COSE_ES256), "cred type ES256");
	CHECK(fido_cred_set_clientdata_hash(cred, cdh, sizeof(cdh)), "cred clientDataHash");
	CHECK(fido_cred_set_rp(cred, "libfido2.example", "libfido2 RP"), "cred rp");
	CHECK(fido_cred_set_user(cred, user_id, sizeof(user_id) - 1, "carl@example.com", "Carl", NULL), "cred user");
	CHECK(fido_cred_set_rk(cred, FIDO_OPT_TRUE), "cred rk");
	CHECK(fido_cred_set_extensions(cred, FIDO_EXT_CRED_PROTECT | FIDO_EXT_HMAC_SECRET), "cred extensions");
	CHECK(fido_cred_set_prot(cred, FIDO_CRED_PROT_UV_OPTIONAL_WITH_ID), "cred credProtect 2");
	CHECK(fido_dev_make_cred(dev, cred, pin), "makeCredential");
	printf("fmt %s\n", fido_cred_fmt(cred));
	CHECK(fido_cred_verify(cred), "verify attestation signature (packed, x5c)");
	FILE *f = fopen(x5c_path, "wb");
	fwrite(fido_cred_x5c_ptr(cred), 1, fido_cred_x5c_len(cred), f);
	fclose(f);

	/* Assertion with the credential in allowList, PIN (fido2-assert -G -v equivalent). */
	fido_assert_t *a = fido_assert_new();
	CHECK(fido_assert_set_clientdata_hash(a, cdh, sizeof(cdh)), "assert clientDataHash");
	CHECK(fido_assert_set_rp(a, "libfido2.example"), "assert rp");
	CHECK(fido_assert_allow_cred(a, fido_cred_id_ptr(cred), fido_cred_id_len(cred)), "assert allowList");
	CHECK(fido_dev_get_assert(dev, a, pin), "getAssertion");
	es256_pk_t *pk = es256_pk_new();
	CHECK(es256_pk_from_ptr(pk, fido_cred_pubkey_ptr(cred), fido_cred_pubkey_len(cred)), "load credential public key");
	CHECK(fido_assert_verify(a, 0, COSE_ES256, pk), "verify assertion signature");
	printf("assertion flags 0x%02x sigcount %u\n", fido_assert_flags(a, 0), fido_assert_sigcount(a, 0));

	/* Discoverable assertion: no allowList. */
	fido_assert_t *d = fido_assert_new();
	CHECK(fido_assert_set_clientdata_hash(d, cdh, sizeof(cdh)), "discoverable clientDataHash");
	CHECK(fido_assert_set_rp(d, "libfido2.example"), "discoverable rp");
	CHECK(fido_dev_get_assert(dev, d, pin), "discoverable getAssertion");
	CHECK(fido_assert_verify(d, 0, COSE_ES256, pk), "verify discoverable assertion");
	printf("discoverable user %s count %zu\n", fido_assert_user_name(d, 0) ? fido_assert_user_name(d, 0) : "(none)", fido_assert_count(d));

	/* Credential management (libfido2 1.12 sends 0x41 credentialManagementPreview). */
	fido_credman_metadata_t *meta = fido_credman_metadata_new();
	CHECK(fido_credman_get_dev_metadata(dev, meta, pin), "credMgmt getCredsMetadata");
	printf("credman existing %llu remaining %llu\n", (unsigned long long)fido_credman_rk_existing(meta),
	       (unsigned long long)fido_credman_rk_remaining(meta));
	fido_credman_rp_t *rp = fido_credman_rp_new();
	CHECK(fido_credman_get_dev_rp(dev, rp, pin), "credMgmt enumerateRPs");
	for (size_t i = 0; i < fido_credman_rp_count(rp); i++) printf("credman rp %s\n", fido_credman_rp_id(rp, i));
	fido_credman_rk_t *rk = fido_credman_rk_new();
	CHECK(fido_credman_get_dev_rk(dev, "libfido2.example", rk, pin), "credMgmt enumerateCredentials");
	printf("credman rk count %zu user %s prot %d\n", fido_credman_rk_count(rk), fido_cred_user_name(fido_credman_rk(rk, 0)),
	       fido_cred_prot(fido_credman_rk(rk, 0)));
	CHECK(fido_credman_del_dev_rk(dev, fido_cred_id_ptr(cred), fido_cred_id_len(cred), pin), "credMgmt deleteCredential");
	CHECK(fido_credman_get_dev_metadata(dev, meta, pin), "credMgmt metadata after delete");
	printf("credman existing after delete %llu\n", (unsigned long long)fido_credman_rk_existing(meta));
	if (fido_credman_rk_existing(meta) != 0) exit(1);

	/* A wrong PIN costs a retry. */
	int r = fido_dev_get_assert(dev, a, "not-the-pin");
	printf("wrong PIN -> %s\n", fido_strerr(r));
	if (r != FIDO_ERR_PIN_INVALID) exit(1);
	CHECK(fido_dev_get_retry_count(dev, &retries), "get retries after wrong PIN");
	printf("retries %d\n", retries);
	if (retries != 7) exit(1);
	fido_dev_close(dev);
	fido_dev_free(&dev);
}

static void reset(void) {
	fido_dev_t *dev = open_dev();
	CHECK(fido_dev_reset(dev), "reset");
	printf("fido_dev_has_pin after reset %d\n", fido_dev_has_pin(dev));
	fido_dev_close(dev);
	fido_dev_free(&dev);
}

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: %s <port> setup <pin> <x5c.der> | reset\n", argv[0]);
		return 2;
	}
	udp_port = atoi(argv[1]);
	fido_init(getenv("FIDO_DEBUG") ? FIDO_DEBUG : 0);
	if (strcmp(argv[2], "setup") == 0 && argc == 5) setup(argv[3], argv[4]);
	else if (strcmp(argv[2], "reset") == 0) reset();
	else return 2;
	printf("done\n");
	return 0;
}
