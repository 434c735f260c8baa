/*
 * vipwatch.c — the lab's independent checker: samples every node's
 * addresses at a fixed interval and records who holds an address.
 *
 *   vipwatch [-i MS] [-o FILE] ADDRESS NETNS-NAME...
 *
 * Every INTERVAL (default 20 ms) it lists the addresses of each named
 * network namespace (getifaddrs, i.e. netlink).  One thread per namespace
 * enters it (setns on /run/netns/NAME) once and stays; the main thread
 * stays in the root namespace, so `ip netns pids` of a node never lists
 * the checker and the lab never kills it with the node.  It prints one line whenever the set of holders changes:
 *
 *   T_MS HOLDERS          e.g. "1234.5 2" or "1300.1 -" (nobody) or "1400.0 1,2"
 *
 * On SIGTERM/SIGINT it prints a summary and exits:
 *
 *   samples=N double=N double_ms=N max_gap_ms=N holders_now=...
 *
 * "double" counts samples where two or more namespaces held the address;
 * max_gap_ms is the longest stretch with no holder.  It only reads; it
 * never sends traffic.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_NS 64

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Does the current network namespace hold addr? -1 on error. */
static int holds(int family, const void *addr)
{
    struct ifaddrs *ifa = NULL;
    int found = 0;

    if (getifaddrs(&ifa) != 0)
        return -1;
    for (struct ifaddrs *p = ifa; p; p = p->ifa_next) {
        if (p->ifa_addr == NULL || p->ifa_addr->sa_family != family)
            continue;
        if (family == AF_INET &&
            memcmp(&((struct sockaddr_in *)p->ifa_addr)->sin_addr, addr, 4) == 0)
            found = 1;
        if (family == AF_INET6 &&
            memcmp(&((struct sockaddr_in6 *)p->ifa_addr)->sin6_addr, addr, 16) == 0)
            found = 1;
    }
    freeifaddrs(ifa);
    return found;
}

/* One sampler per namespace: waits at the barrier, samples, waits again. */
typedef struct sampler {
    int fd;
    int family;
    const unsigned char *addr;
    int result;
} sampler;

static pthread_barrier_t start_bar, done_bar;
/* Set by the main thread only, before the last start barrier: the signal
 * may arrive while samplers are between the barriers, so they must not
 * look at `stop` themselves. */
static volatile bool quit;

static void *sample_loop(void *p)
{
    sampler *s = p;
    bool inside = setns(s->fd, CLONE_NEWNET) == 0;

    for (;;) {
        pthread_barrier_wait(&start_bar);
        if (quit)
            return NULL;
        s->result = inside ? holds(s->family, s->addr) : -1;
        pthread_barrier_wait(&done_bar);
    }
}

int main(int argc, char **argv)
{
    int interval = 20, opt, n = 0, fds[MAX_NS], family;
    const char *names[MAX_NS];
    unsigned char addr[16];
    char last[512] = "", cur[512];
    double t0, gap_start = -1, max_gap = 0, last_t;
    long samples = 0, doubles = 0;
    FILE *out = stdout;

    while ((opt = getopt(argc, argv, "i:o:")) != -1) {
        if (opt == 'i')
            interval = atoi(optarg);
        else if (opt == 'o' && (out = fopen(optarg, "w")) == NULL) {
            perror(optarg);
            return 2;
        }
    }
    if (argc - optind < 2 || interval <= 0) {
        fprintf(stderr, "usage: vipwatch [-i MS] [-o FILE] ADDRESS NETNS...\n");
        return 2;
    }
    family = strchr(argv[optind], ':') ? AF_INET6 : AF_INET;
    if (inet_pton(family, argv[optind], addr) != 1) {
        fprintf(stderr, "vipwatch: '%s' is not an address\n", argv[optind]);
        return 2;
    }
    for (int i = optind + 1; i < argc && n < MAX_NS; i++, n++) {
        char path[256];
        snprintf(path, sizeof(path), "/run/netns/%s", argv[i]);
        names[n] = argv[i];
        if ((fds[n] = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
            fprintf(stderr, "vipwatch: %s: %s\n", path, strerror(errno));
            return 2;
        }
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    sampler samplers[MAX_NS];
    pthread_t threads[MAX_NS];
    pthread_barrier_init(&start_bar, NULL, (unsigned)n + 1);
    pthread_barrier_init(&done_bar, NULL, (unsigned)n + 1);
    for (int i = 0; i < n; i++) {
        samplers[i] = (sampler){ fds[i], family, addr, 0 };
        pthread_create(&threads[i], NULL, sample_loop, &samplers[i]);
    }
    t0 = now_ms();
    last_t = t0;
    while (!stop) {
        int count = 0;
        cur[0] = '\0';
        pthread_barrier_wait(&start_bar);
        pthread_barrier_wait(&done_bar);
        for (int i = 0; i < n; i++) {
            int h = samplers[i].result;
            if (h == 1) {
                size_t len = strlen(cur);
                snprintf(cur + len, sizeof(cur) - len, "%s%d", count ? "," : "", i + 1);
                count++;
            }
        }
        double t = now_ms();
        samples++;
        if (count >= 2)
            doubles++;
        if (count == 0 && gap_start < 0)
            gap_start = t;
        if (count > 0 && gap_start >= 0) {
            if (t - gap_start > max_gap)
                max_gap = t - gap_start;
            gap_start = -1;
        }
        if (count == 0)
            strcpy(cur, "-");
        if (strcmp(cur, last) != 0) {
            fprintf(out, "%.1f %s\n", t - t0, cur);
            fflush(out);
            strcpy(last, cur);
        }
        last_t = t;
        double next = t + interval - (now_ms() - t);
        double sleep_ms = next - now_ms();
        if (sleep_ms > 0) {
            struct timespec ts = { (time_t)(sleep_ms / 1000), (long)((sleep_ms - (long)(sleep_ms / 1000) * 1000) * 1e6) };
            nanosleep(&ts, NULL);
        }
    }
    quit = true;
    pthread_barrier_wait(&start_bar); /* release the samplers: they see quit */
    for (int i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
    if (gap_start >= 0 && last_t - gap_start > max_gap)
        max_gap = last_t - gap_start;
    fprintf(out, "samples=%ld double=%ld double_ms=%ld max_gap_ms=%.0f holders_now=%s\n", samples,
            doubles, doubles * interval, max_gap, last);
    fflush(out);
    (void)names;
    return 0;
}
