/*
 * vglbench.c — the lab benchmarks' probe: the few measurements a shell
 * script cannot take precisely enough.
 *
 *   vglbench ping [COUNT]            IPC round trips (PING) to this node's vigild
 *   vglbench ack RSC [COUNT]         configuration changes acknowledged to a tool
 *                                    (set-rsc-meta RSC bench-seq=i, one at a time)
 *   vglbench move RSC NODE WATCH     put cli-prefer-RSC (INFINITY on NODE), then
 *                                    wait for WATCH; prints ack_ms and done_ms
 *   vglbench watch WATCH             print ready=1, wait for WATCH, print its time
 *   vglbench arp IP --netns PATH [--dev IFACE] [--interval MS] [--timeout MS]
 *                                    from the namespace PATH, broadcast an ARP
 *                                    request for IP every MS (10) until one is
 *                                    answered; print the time of the answer
 *   vglbench stamp                   copy stdin to stdout, each line prefixed by
 *                                    the wall-clock time it arrived (s.ms)
 *
 *   WATCH is one of
 *     --ip IP --netns PATH [--timeout MS]   IP appears in the network namespace
 *                                           PATH (/run/netns/NAME, /proc/PID/ns/net)
 *     --file PATH [--timeout MS]            PATH exists
 *
 * Why a program: a process start through `ip netns exec` costs milliseconds,
 * more than the figures measured (an IPC round trip is tens of microseconds,
 * a move tens of milliseconds).  So the watchers are armed before the clock
 * starts, and they take the time of the event itself: an address is seen by
 * a netlink socket subscribed to address changes inside the target
 * namespace (created there with setns(2), then used from the caller's
 * namespace), a file by inotify on its directory (polled every millisecond
 * when the directory does not exist yet).  A watcher runs in its own thread,
 * so an event that happens while the main thread waits for an IPC reply
 * gets its own time, not the reply's.
 *
 * Output: key=value lines; times are milliseconds with three decimals, and
 * absolute times (t_*) are CLOCK_REALTIME milliseconds since the epoch, so
 * that the scripts can compare them with `date +%s%N` and log stamps.
 * Exit: 0 ok; 1 the measurement failed or timed out (message on stderr);
 * 2 usage; 5 vigild unreachable.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <vigil/client.h>
#include <vigil/ipc_proto.h>

#define WATCH_TIMEOUT_DEFAULT_MS 30000

/* What a watcher waits for and, once it happened, when. */
typedef struct watch {
    int family;              /* AF_INET / AF_INET6 for an address, 0 for a file */
    unsigned char addr[16];
    const char *ip;
    const char *netns;
    const char *file;
    int timeout_ms;
    int fd;                  /* netlink or inotify socket; -1 when polling */
    int wd;
    pthread_t thread;
    double t_done;           /* CLOCK_REALTIME ms; 0 until done */
    int rc;                  /* 0 done, -ETIMEDOUT, -errno */
} watch;

/* Milliseconds on clock C: CLOCK_REALTIME for times others compare with,
 * CLOCK_MONOTONIC for durations. */
static double clock_ms(clockid_t c)
{
    struct timespec ts;

    clock_gettime(c, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
#define realtime_ms() clock_ms(CLOCK_REALTIME)
#define monotonic_ms() clock_ms(CLOCK_MONOTONIC)

static int usage(void)
{
    fprintf(stderr, "usage: vglbench ping [COUNT] | ack RSC [COUNT] | move RSC NODE WATCH |\n"
                    "                watch WATCH | stamp |\n"
                    "                arp IP --netns PATH [--dev IFACE] [--interval MS] [--timeout MS]\n"
                    "  WATCH: --ip IP --netns PATH [--timeout MS] | --file PATH [--timeout MS]\n");
    return 2;
}

/* ---------------------------------------------------------- statistics */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Print PREFIX_min/median/p99/max of v[0..n) (sorted in place). */
static void print_stats(const char *prefix, double *v, size_t n)
{
    if (n == 0)
        return;
    qsort(v, n, sizeof(*v), cmp_double);
    printf("%s_min=%.3f\n%s_median=%.3f\n%s_p99=%.3f\n%s_max=%.3f\ncount=%zu\n", prefix, v[0],
           prefix, v[n / 2], prefix, v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1], prefix,
           v[n - 1], n);
}

/* ---------------------------------------------------------- watchers */

/* Does the current network namespace hold w's address? */
static int addr_present(const watch *w)
{
    struct ifaddrs *ifa = NULL, *i;
    int found = 0;

    if (getifaddrs(&ifa) != 0)
        return -errno;
    for (i = ifa; i && !found; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != w->family)
            continue;
        if (w->family == AF_INET)
            found = memcmp(&((struct sockaddr_in *)i->ifa_addr)->sin_addr, w->addr, 4) == 0;
        else
            found = memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, w->addr, 16) == 0;
    }
    freeifaddrs(ifa);
    return found;
}

/* Open the netlink socket inside the target namespace and look at what is
 * there already; come back to our own namespace whatever happens. */
static int addr_arm(watch *w)
{
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
    int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int target = open(w->netns, O_RDONLY | O_CLOEXEC);
    int rc = 0;

    sa.nl_groups = w->family == AF_INET ? RTMGRP_IPV4_IFADDR : RTMGRP_IPV6_IFADDR;
    if (self < 0 || target < 0) {
        rc = -errno;
        fprintf(stderr, "vglbench: cannot open %s: %s\n", target < 0 ? w->netns : "own netns",
                strerror(errno));
        goto done;
    }
    if (setns(target, CLONE_NEWNET) != 0) {
        rc = -errno;
        fprintf(stderr, "vglbench: cannot enter %s: %s\n", w->netns, strerror(errno));
        goto done;
    }
    w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (w->fd < 0 || bind(w->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
        rc = -errno;
    else if (addr_present(w) > 0)
        w->t_done = realtime_ms();
    if (setns(self, CLONE_NEWNET) != 0 && rc == 0)
        rc = -errno;
    if (rc != 0)
        fprintf(stderr, "vglbench: netlink in %s: %s\n", w->netns, strerror(-rc));
done:
    if (self >= 0)
        close(self);
    if (target >= 0)
        close(target);
    return rc;
}

/* Does one netlink datagram announce w's address?  Returns 1 if so. */
static int addr_in_message(const watch *w, const char *buf, ssize_t len)
{
    const struct nlmsghdr *h;
    size_t alen = w->family == AF_INET ? 4 : 16;

    for (h = (const struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
        const struct ifaddrmsg *ifa = NLMSG_DATA(h);
        const struct rtattr *rta;
        int rlen;

        if (h->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != w->family)
            continue;
        rlen = (int)IFA_PAYLOAD(h);
        for (rta = IFA_RTA(ifa); RTA_OK(rta, rlen); rta = RTA_NEXT(rta, rlen)) {
            if ((rta->rta_type == IFA_LOCAL || rta->rta_type == IFA_ADDRESS) &&
                RTA_PAYLOAD(rta) == alen && memcmp(RTA_DATA(rta), w->addr, alen) == 0)
                return 1;
        }
    }
    return 0;
}

static int file_arm(watch *w)
{
    char *dir = g_path_get_dirname(w->file);

    w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (w->fd >= 0)
        w->wd = inotify_add_watch(w->fd, dir, IN_CREATE | IN_MOVED_TO);
    if (w->fd >= 0 && w->wd < 0) {
        /* No directory yet: poll instead. */
        close(w->fd);
        w->fd = -1;
    }
    g_free(dir);
    if (access(w->file, F_OK) == 0)
        w->t_done = realtime_ms();
    return 0;
}

/* The watcher thread: wait until the event or the timeout. */
static void *watch_run(void *arg)
{
    watch *w = arg;
    double end = monotonic_ms() + w->timeout_ms;
    char buf[16384] __attribute__((aligned(__alignof__(struct nlmsghdr))));

    while (w->t_done == 0) {
        double left = end - monotonic_ms();
        struct pollfd p = { .fd = w->fd, .events = POLLIN };
        ssize_t n;

        if (left <= 0) {
            w->rc = -ETIMEDOUT;
            break;
        }
        if (w->fd < 0) {
            usleep(1000);
            if (access(w->file, F_OK) == 0)
                w->t_done = realtime_ms();
            continue;
        }
        if (poll(&p, 1, left > 100 ? 100 : (int)left + 1) <= 0)
            continue;
        n = read(w->fd, buf, sizeof(buf));
        if (n <= 0)
            continue;
        if (w->family ? addr_in_message(w, buf, n) : access(w->file, F_OK) == 0)
            w->t_done = realtime_ms();
    }
    return NULL;
}

/* Parse WATCH options from argv[i..argc); arm the watcher and start its
 * thread.  Returns 0 or 2 (usage) or 1 (could not arm). */
static int watch_start(watch *w, int argc, char **argv, int i)
{
    memset(w, 0, sizeof(*w));
    w->fd = -1;
    w->timeout_ms = WATCH_TIMEOUT_DEFAULT_MS;
    for (; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--ip") == 0)
            w->ip = argv[i + 1];
        else if (strcmp(argv[i], "--netns") == 0)
            w->netns = argv[i + 1];
        else if (strcmp(argv[i], "--file") == 0)
            w->file = argv[i + 1];
        else if (strcmp(argv[i], "--timeout") == 0)
            w->timeout_ms = atoi(argv[i + 1]);
        else
            return usage();
    }
    if (i != argc || w->timeout_ms <= 0 || (!w->file == !(w->ip && w->netns)))
        return usage();
    if (w->ip) {
        w->family = inet_pton(AF_INET, w->ip, w->addr) == 1    ? AF_INET
                    : inet_pton(AF_INET6, w->ip, w->addr) == 1 ? AF_INET6
                                                               : 0;
        if (!w->family) {
            fprintf(stderr, "vglbench: '%s' is not an IP address\n", w->ip);
            return 2;
        }
        if (addr_arm(w) != 0)
            return 1;
    } else {
        file_arm(w);
    }
    if (pthread_create(&w->thread, NULL, watch_run, w) != 0) {
        fprintf(stderr, "vglbench: cannot start the watcher thread\n");
        return 1;
    }
    return 0;
}

/* Wait for the watcher; 0 when its event happened. */
static int watch_finish(watch *w)
{
    pthread_join(w->thread, NULL);
    if (w->fd >= 0)
        close(w->fd);
    if (w->rc != 0)
        fprintf(stderr, "vglbench: %s did not appear within %d ms\n", w->ip ? w->ip : w->file,
                w->timeout_ms);
    return w->rc == 0 ? 0 : 1;
}

/* ---------------------------------------------------------- IPC */

static int connect_vigild(vgl_client **c)
{
    const char *name = getenv("VIGIL_IPC_NAME");
    int rc = vgl_client_connect(name ? name : VGL_IPC_SERVICE, 0, c);

    if (rc != 0)
        fprintf(stderr, "vglbench: cannot reach vigild: %s\n", vgl_strerror(rc));
    return rc;
}

/* A CIB_CHANGE with the single operation OP (consumed). */
static int change_one(vgl_client *c, GVariant *op)
{
    GVariantBuilder b;
    GVariantDict f;
    char *err = NULL;
    int rc;

    g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
    g_variant_builder_add_value(&b, op);
    g_variant_dict_init(&f, NULL);
    g_variant_dict_insert_value(&f, "ops", g_variant_builder_end(&b));
    rc = vgl_client_request(c, VGL_IPC_CIB_CHANGE, g_variant_dict_end(&f), 30000, NULL, &err);
    if (rc != 0)
        fprintf(stderr, "vglbench: change refused: %s\n", err ? err : vgl_strerror(rc));
    g_free(err);
    return rc;
}

static int cmd_ping(vgl_client *c, long count)
{
    double *v = g_new(double, count);
    long i;
    int rc = 0;

    for (i = 0; i < count && rc == 0; i++) {
        double t0 = monotonic_ms();
        GVariant *reply = NULL;
        rc = vgl_client_request(c, VGL_IPC_PING, NULL, 5000, &reply, NULL);
        v[i] = (monotonic_ms() - t0) * 1000.0;
        g_clear_pointer(&reply, g_variant_unref);
    }
    if (rc != 0)
        fprintf(stderr, "vglbench: ping %ld failed: %s\n", i, vgl_strerror(rc));
    else
        print_stats("ping_us", v, (size_t)count);
    g_free(v);
    return rc == 0 ? 0 : 1;
}

static int cmd_ack(vgl_client *c, const char *rsc, long count)
{
    double *v = g_new(double, count);
    long i;
    int rc = 0;

    for (i = 0; i < count && rc == 0; i++) {
        GVariantDict d;
        char value[32];
        double t0;

        snprintf(value, sizeof(value), "%ld", i);
        g_variant_dict_init(&d, NULL);
        g_variant_dict_insert(&d, "op", "s", "set-rsc-meta");
        g_variant_dict_insert(&d, "rsc", "s", rsc);
        g_variant_dict_insert(&d, "name", "s", "bench-seq");
        g_variant_dict_insert(&d, "value", "s", value);
        t0 = monotonic_ms();
        rc = change_one(c, g_variant_dict_end(&d));
        v[i] = monotonic_ms() - t0;
    }
    if (rc == 0)
        print_stats("ack_ms", v, (size_t)count);
    g_free(v);
    return rc == 0 ? 0 : 1;
}

static int cmd_move(vgl_client *c, const char *rsc, const char *node, watch *w)
{
    GVariantDict d;
    char *xml = g_strdup_printf("<rsc_location id=\"cli-prefer-%s\" rsc=\"%s\" node=\"%s\" "
                                "score=\"INFINITY\"/>", rsc, rsc, node);
    double t0, t_ack;
    int rc;

    g_variant_dict_init(&d, NULL);
    g_variant_dict_insert(&d, "op", "s", "put");
    g_variant_dict_insert(&d, "section", "s", "constraints");
    g_variant_dict_insert(&d, "xml", "s", xml);
    t0 = realtime_ms();
    rc = change_one(c, g_variant_dict_end(&d));
    t_ack = realtime_ms();
    g_free(xml);
    if (watch_finish(w) != 0 || rc != 0)
        return 1;
    printf("t_sent=%.3f\nack_ms=%.3f\ndone_ms=%.3f\n", t0, t_ack - t0, w->t_done - t0);
    return 0;
}

/* ---------------------------------------------------------- ARP */

/* An ARP packet for IPv4 over Ethernet, as on the wire after the link
 * header (a SOCK_DGRAM packet socket adds and strips that). */
struct arp_ip4 {
    struct arphdr h;
    unsigned char sha[ETH_ALEN];
    unsigned char spa[4];
    unsigned char tha[ETH_ALEN];
    unsigned char tpa[4];
} __attribute__((packed));

/* Our address and MAC on DEV, and a packet socket bound to it, in the
 * current network namespace.  Returns the socket or -errno. */
static int arp_socket(const char *dev, struct arp_ip4 *req, struct sockaddr_ll *to)
{
    struct ifreq ifr;
    int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
    struct sockaddr_ll me = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP) };

    if (fd < 0)
        return -errno;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
    if (ioctl(fd, SIOCGIFINDEX, &ifr) != 0)
        goto fail;
    me.sll_ifindex = ifr.ifr_ifindex;
    if (bind(fd, (struct sockaddr *)&me, sizeof(me)) != 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) != 0)
        goto fail;
    memcpy(req->sha, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
    ifr.ifr_addr.sa_family = AF_INET;
    if (ioctl(fd, SIOCGIFADDR, &ifr) != 0)
        goto fail;
    memcpy(req->spa, &((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr, 4);
    req->h.ar_hrd = htons(ARPHRD_ETHER);
    req->h.ar_pro = htons(ETH_P_IP);
    req->h.ar_hln = ETH_ALEN;
    req->h.ar_pln = 4;
    req->h.ar_op = htons(ARPOP_REQUEST);
    memset(req->tha, 0, ETH_ALEN);
    *to = me;
    to->sll_halen = ETH_ALEN;
    memset(to->sll_addr, 0xff, ETH_ALEN);
    return fd;
fail:
    {
        int e = -errno;
        close(fd);
        return e;
    }
}

/* Is BUF an ARP reply from the address REQ asks for? */
static int arp_is_answer(const unsigned char *buf, ssize_t n, const struct arp_ip4 *req)
{
    const struct arp_ip4 *a = (const struct arp_ip4 *)buf;

    return n >= (ssize_t)sizeof(*a) && ntohs(a->h.ar_op) == ARPOP_REPLY &&
           memcmp(a->spa, req->tpa, 4) == 0;
}

/* Send a request every INTERVAL ms until an answer; its time in *t. */
static int arp_probe(int fd, const struct arp_ip4 *req, const struct sockaddr_ll *to,
                     int interval, int timeout, double *t)
{
    double end = monotonic_ms() + timeout, next = 0;
    unsigned char buf[1500];

    for (;;) {
        double now = monotonic_ms();
        struct pollfd p = { .fd = fd, .events = POLLIN };
        ssize_t n;

        if (now >= end)
            return -ETIMEDOUT;
        if (now >= next) {
            if (sendto(fd, req, sizeof(*req), 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
                return -errno;
            next = now + interval;
        }
        if (poll(&p, 1, (int)(next - now) + 1) <= 0)
            continue;
        n = recv(fd, buf, sizeof(buf), 0);
        if (arp_is_answer(buf, n, req)) {
            *t = realtime_ms();
            return 0;
        }
    }
}

static int cmd_arp(int argc, char **argv)
{
    const char *netns = NULL, *dev = "eth0";
    int interval = 10, timeout = WATCH_TIMEOUT_DEFAULT_MS, ns, fd, rc, i;
    struct arp_ip4 req;
    struct sockaddr_ll to;
    double t = 0;

    if (argc < 3 || inet_pton(AF_INET, argv[2], req.tpa) != 1)
        return usage();
    for (i = 3; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--netns") == 0)
            netns = argv[i + 1];
        else if (strcmp(argv[i], "--dev") == 0)
            dev = argv[i + 1];
        else if (strcmp(argv[i], "--interval") == 0)
            interval = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--timeout") == 0)
            timeout = atoi(argv[i + 1]);
        else
            return usage();
    }
    if (i != argc || !netns || interval <= 0 || timeout <= 0)
        return usage();
    /* This process stays in the namespace: it does nothing else. */
    ns = open(netns, O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNET) != 0) {
        fprintf(stderr, "vglbench: cannot enter %s: %s\n", netns, strerror(errno));
        return 1;
    }
    close(ns);
    fd = arp_socket(dev, &req, &to);
    if (fd < 0) {
        fprintf(stderr, "vglbench: ARP on %s: %s\n", dev, strerror(-fd));
        return 1;
    }
    rc = arp_probe(fd, &req, &to, interval, timeout, &t);
    close(fd);
    if (rc != 0) {
        fprintf(stderr, "vglbench: no ARP answer for %s: %s\n", argv[2], strerror(-rc));
        return 1;
    }
    printf("t_done=%.3f\n", t);
    return 0;
}

/* ---------------------------------------------------------- stamp */

static int cmd_stamp(void)
{
    char line[8192];

    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof(line), stdin)) {
        double t = realtime_ms();
        printf("%.3f %s", t / 1000.0, line);
        if (!strchr(line, '\n'))
            putchar('\n');
    }
    return 0;
}

/* ---------------------------------------------------------- main */

static long count_arg(int argc, char **argv, int i, long dflt)
{
    long n = argc > i ? strtol(argv[i], NULL, 10) : dflt;

    return n > 0 && n <= 10000000 ? n : -1;
}

static int run_ipc(int argc, char **argv)
{
    vgl_client *c = NULL;
    watch w;
    long n;
    int rc;

    if (strcmp(argv[1], "move") == 0) {
        if (argc < 6)
            return usage();
        if ((rc = watch_start(&w, argc, argv, 4)) != 0)
            return rc;
    }
    if (connect_vigild(&c) != 0)
        return 5;
    if (strcmp(argv[1], "ping") == 0 && (n = count_arg(argc, argv, 2, 10000)) > 0)
        rc = cmd_ping(c, n);
    else if (strcmp(argv[1], "ack") == 0 && argc >= 3 && (n = count_arg(argc, argv, 3, 100)) > 0)
        rc = cmd_ack(c, argv[2], n);
    else if (strcmp(argv[1], "move") == 0)
        rc = cmd_move(c, argv[2], argv[3], &w);
    else
        rc = usage();
    vgl_client_disconnect(c);
    return rc;
}

int main(int argc, char **argv)
{
    watch w;
    int rc;

    if (argc < 2)
        return usage();
    if (strcmp(argv[1], "stamp") == 0)
        return cmd_stamp();
    if (strcmp(argv[1], "arp") == 0)
        return cmd_arp(argc, argv);
    if (strcmp(argv[1], "watch") == 0) {
        if ((rc = watch_start(&w, argc, argv, 2)) != 0)
            return rc;
        printf("ready=1\n");
        fflush(stdout);
        if (watch_finish(&w) != 0)
            return 1;
        printf("t_done=%.3f\n", w.t_done);
        return 0;
    }
    if (strcmp(argv[1], "ping") == 0 || strcmp(argv[1], "ack") == 0 ||
        strcmp(argv[1], "move") == 0)
        return run_ipc(argc, argv);
    return usage();
}
