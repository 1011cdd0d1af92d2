/* A bounded DNS query flooder for test/dns/load.e2e.ts, run inside a busybox container:
 * flooder <server ipv4> <seconds> <max queries>. Sends A queries for distinct names outside the
 * weave domain (q<n>.flood.example, so each one is forwarded upstream), at most about 5,000 a
 * second, never reading the answers; prints how many it sent. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static size_t query(unsigned char *q, unsigned long n) {
	char label[16];
	size_t len = 12, l = (size_t)snprintf(label, sizeof label, "q%lu", n);
	memset(q, 0, 12);
	q[0] = (n >> 8) & 0xff; q[1] = n & 0xff; q[2] = 0x01; q[5] = 1; /* id, RD, QDCOUNT=1 */
	q[len++] = (unsigned char)l; memcpy(q + len, label, l); len += l;
	q[len++] = 5; memcpy(q + len, "flood", 5); len += 5;
	q[len++] = 7; memcpy(q + len, "example", 7); len += 7;
	q[len++] = 0;
	q[len++] = 0; q[len++] = 1; q[len++] = 0; q[len++] = 1; /* A IN */
	return len;
}

int main(int argc, char **argv) {
	if (argc != 4) { fprintf(stderr, "usage: flooder IP SECONDS MAX\n"); return 2; }
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to;
	memset(&to, 0, sizeof to);
	to.sin_family = AF_INET;
	to.sin_port = htons(53);
	if (s < 0 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) { perror("flooder"); return 1; }
	time_t end = time(NULL) + atoi(argv[2]);
	unsigned long max = strtoul(argv[3], NULL, 10), n = 0;
	unsigned char q[64];
	while (n < max && time(NULL) < end) {
		size_t len = query(q, n++);
		sendto(s, q, len, 0, (struct sockaddr *)&to, sizeof to);
		if (n % 5 == 0) usleep(1000);
	}
	printf("%lu\n", n);
	return 0;
}
