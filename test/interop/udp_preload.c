/*
 * LD_PRELOAD shim that lets libfido2's own command-line tools (fido2-token, fido2-cred,
 * fido2-assert) talk to the Keystation virtual key over UDP: a device path
 * "udp:127.0.0.1:<port>" gets custom I/O (fido_dev_set_io_functions) before the real
 * fido_dev_open runs. One datagram = one 64-byte report without report ID.
 *
 * Build: cc -shared -fPIC -o udp_preload.so udp_preload.c $(pkg-config --cflags --libs libfido2) -ldl
 * Use:   LD_PRELOAD=./udp_preload.so fido2-token -I udp:127.0.0.1:8111
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <fido.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct udp_handle {
	int fd;
};

static void *udp_open(const char *path) {
	const char *colon = strrchr(path, ':');
	struct sockaddr_in sa = {0};
	struct udp_handle *h;
	if (strncmp(path, "udp:127.0.0.1:", 14) != 0 || colon == NULL) return NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL) return NULL;
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	h->fd = socket(AF_INET, SOCK_DGRAM, 0);
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

/* libfido2 writes report ID 0x00 + 64 bytes. */
static int udp_write(void *handle, const unsigned char *buf, size_t len) {
	struct udp_handle *h = handle;
	if (len != 65) return -1;
	return send(h->fd, buf + 1, 64, 0) == 64 ? (int)len : -1;
}

int fido_dev_open(fido_dev_t *dev, const char *path) {
	static int (*real_open)(fido_dev_t *, const char *);
	static const fido_dev_io_t io = {udp_open, udp_close, udp_read, udp_write};
	if (real_open == NULL) real_open = (int (*)(fido_dev_t *, const char *))dlsym(RTLD_NEXT, "fido_dev_open");
	if (path != NULL && strncmp(path, "udp:", 4) == 0) {
		int r = fido_dev_set_io_functions(dev, &io);
		if (r != FIDO_OK) return r;
	}
	return real_open(dev, path);
}
