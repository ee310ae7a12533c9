/* The floor for one probe: connect to an IPv4 address, send a GET, read the status line.
 * Nothing else: no DNS, no TLS, no timing, no parsing beyond the first line.
 *
 *   cc -O2 -o floor floor.c && ./floor 127.0.0.1 8080 /
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: floor ADDRESS PORT PATH\n");
        return 64;
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) return 64;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof to) != 0) return 2;
    char request[512];
    int length = snprintf(request, sizeof request,
                          "GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n",
                          argv[3], argv[1], argv[2]);
    if (write(fd, request, length) != length) return 2;
    char answer[512];
    ssize_t got = 0, n;
    while (got < (ssize_t)sizeof answer - 1 && (n = read(fd, answer + got, sizeof answer - 1 - got)) > 0) {
        got += n;
        answer[got] = 0;
        if (strstr(answer, "\r\n")) break;
    }
    close(fd);
    return strncmp(answer, "HTTP/1.1 200", 12) == 0 ? 0 : 2;
}
