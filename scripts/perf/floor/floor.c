/*
 * floor.c: the CPU floor of issue 11. A minimal single-threaded epoll server that speaks just enough of the game's
 * WebSocket protocol (docs/protocol.md, JSON encoding, arena rooms) for LoadTest/ to play against it: one recv per
 * readable event, and per room tick one `map` built once and sent to each seated player with one send. Nothing else:
 * no validation beyond WebSocket framing, no rate limits, no game rules, no persistence. See README.md beside it.
 *
 *   floor [--port 5077] [--tick-hz 20] [--max-players 8]      listens on 127.0.0.1 only
 *
 * Build: scripts/perf/floor/build.sh (gcc -O2, C11, libc only). SIGINT/SIGTERM print the counters and exit 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IN_CAP 8192          /* per-connection receive buffer: the HTTP request, then WebSocket frames */
#define MAX_PAYLOAD 4096     /* the gateway's frame limit (docs/protocol.md §6): more is closed with 1009 */
#define MAX_OUT (256 * 1024) /* unsent bytes a connection may hold after partial sends before it is closed */
#define ROOM_NAME_MAX 63
#define NAME_MAX_RAW 48
#define ROOM_BUCKETS 4096

/* ------------------------------------------------------------------------------------------------ SHA-1, base64 */

static uint32_t rol32(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t h[5], const uint8_t *b)
{
    uint32_t w[80];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)b[4 * t] << 24 | (uint32_t)b[4 * t + 1] << 16 | (uint32_t)b[4 * t + 2] << 8 | b[4 * t + 3];
    for (int t = 16; t < 80; t++)
        w[t] = rol32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    uint32_t a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; t++) {
        uint32_t f, k;
        if (t < 20) { f = (bb & c) | (~bb & d); k = 0x5A827999; }
        else if (t < 40) { f = bb ^ c ^ d; k = 0x6ED9EBA1; }
        else if (t < 60) { f = (bb & c) | (bb & d) | (c & d); k = 0x8F1BBCDC; }
        else { f = bb ^ c ^ d; k = 0xCA62C1D6; }
        uint32_t tmp = rol32(a, 5) + f + e + k + w[t];
        e = d; d = c; c = rol32(bb, 30); bb = a; a = tmp;
    }
    h[0] += a; h[1] += bb; h[2] += c; h[3] += d; h[4] += e;
}

/* FIPS 180-4 SHA-1 of msg: pad with 0x80, zeros, and the bit length (big-endian) to a multiple of 64 bytes. */
static void sha1(const uint8_t *msg, size_t len, uint8_t out[20])
{
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    size_t padded = (len + 9 + 63) & ~(size_t)63;
    uint64_t bits = (uint64_t)len * 8;
    uint8_t block[64];
    for (size_t off = 0; off < padded; off += 64) {
        for (size_t i = 0; i < 64; i++) {
            size_t pos = off + i;
            block[i] = pos < len ? msg[pos] : pos == len ? 0x80 : 0;
        }
        if (off + 64 == padded)
            for (int i = 0; i < 8; i++)
                block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
        sha1_block(h, block);
    }
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24); out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8); out[4 * i + 3] = (uint8_t)h[i];
    }
}

/* Standard base64 with padding; out needs 4 * ceil(len / 3) + 1 bytes. Returns the length written. */
static size_t base64(const uint8_t *in, size_t len, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
        out[n++] = abc[v >> 18 & 63];
        out[n++] = abc[v >> 12 & 63];
        out[n++] = i + 1 < len ? abc[v >> 6 & 63] : '=';
        out[n++] = i + 2 < len ? abc[v & 63] : '=';
    }
    out[n] = 0;
    return n;
}

/* RFC 6455 §4.2.2: base64(SHA-1(key + GUID)), 28 characters. */
static void websocket_accept(const char *key, size_t key_len, char out[29])
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    uint8_t buf[128], digest[20];
    if (key_len > sizeof buf - (sizeof guid - 1))
        key_len = sizeof buf - (sizeof guid - 1);
    memcpy(buf, key, key_len);
    memcpy(buf + key_len, guid, sizeof guid - 1);
    sha1(buf, key_len + sizeof guid - 1, digest);
    base64(digest, 20, out);
}

/* ------------------------------------------------------------------------------------------------ state */

enum { C_HTTP, C_WS };

struct room;

struct conn {
    int fd;
    int state;             /* C_HTTP until the 101 is sent */
    int welcomed;
    int seat;              /* index in room->seats, when room is set */
    struct room *room;
    int64_t ack;           /* the newest input seq since joining: the map's ack */
    char id[9];            /* player id: 8 URL-safe characters */
    char name[NAME_MAX_RAW + 1]; /* hello.name as its raw JSON string text (escapes kept) */
    char entry[96];        /* this player's map entry up to its ack: "id":[x,y,vx,vy,hp, */
    int entry_len;
    uint8_t *out;          /* bytes left over by a partial send, sent on EPOLLOUT */
    size_t out_len, out_cap;
    size_t in_len;
    uint8_t in[IN_CAP];
};

struct room {
    struct room *hash_next;
    struct room *prev, *next; /* the tick queue, in deadline order */
    int64_t deadline;         /* next tick, CLOCK_MONOTONIC ns */
    uint64_t tick;
    int count;
    char name[ROOM_NAME_MAX + 1];
    struct conn *seats[];     /* max_players slots, NULL when free */
};

static struct {
    int port, tick_hz, max_players;
    int64_t period_ns;
    int ep;
    struct room *buckets[ROOM_BUCKETS];
    struct room *head, *tail; /* tick queue: same period for all, so appending keeps it in deadline order */
    char *buf;                /* scratch for one outgoing message (map, joined) */
    size_t buf_cap;
    uint64_t next_player;
    /* counters printed on exit */
    uint64_t accepted, closed, open, rooms_created, inputs, maps, map_sends, map_drops, partial_sends, send_errors, late_ticks;
    size_t full_map_bytes;    /* payload of the last map of a full room */
} g;

static int listener_tag, signal_tag; /* epoll data for the listening socket and the signalfd */

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t epoch_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static char *put(char *p, const void *s, size_t n) { memcpy(p, s, n); return p + n; }
#define PUT_LIT(p, s) put((p), (s), sizeof(s) - 1)

static char *put_u64(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

static char *put_i64(char *p, int64_t v)
{
    if (v < 0) { *p++ = '-'; return put_u64(p, (uint64_t)0 - (uint64_t)v); }
    return put_u64(p, (uint64_t)v);
}

/* ------------------------------------------------------------------------------------------------ sending */

static void watch(struct conn *c, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = c};
    epoll_ctl(g.ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Keeps bytes a send could not take, to go out on EPOLLOUT before anything else. -1: too much held. */
static int hold(struct conn *c, const uint8_t *p, size_t n)
{
    if (c->out_len + n > MAX_OUT)
        return -1;
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < c->out_len + n) cap *= 2;
        uint8_t *b = realloc(c->out, cap);
        if (!b) return -1;
        c->out = b;
        c->out_cap = cap;
    }
    if (c->out_len == 0)
        watch(c, EPOLLIN | EPOLLOUT);
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
    return 0;
}

/* Sends bytes that must arrive (replies, control frames), in order behind any held ones. -1: close the connection. */
static int send_all(struct conn *c, const void *data, size_t n)
{
    const uint8_t *p = data;
    if (c->out_len)
        return hold(c, p, n);
    ssize_t k = send(c->fd, p, n, MSG_NOSIGNAL);
    if (k < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        k = 0;
    }
    return (size_t)k < n ? hold(c, p + k, n - (size_t)k) : 0;
}

static void flush_held(struct conn *c)
{
    ssize_t k = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
    if (k <= 0)
        return; /* EAGAIN, or an error the read side will see */
    memmove(c->out, c->out + k, c->out_len - (size_t)k);
    c->out_len -= (size_t)k;
    if (c->out_len == 0)
        watch(c, EPOLLIN);
}

/* Writes a server frame header (FIN, opcode, unmasked) just before payload p; returns the frame's first byte. */
static char *frame_header(char *p, int opcode, size_t n)
{
    if (n < 126) {
        p -= 2;
        p[1] = (char)n;
    } else if (n < 65536) {
        p -= 4;
        p[1] = 126;
        p[2] = (char)(n >> 8); p[3] = (char)n;
    } else {
        p -= 10;
        p[1] = 127;
        for (int i = 0; i < 8; i++) p[2 + i] = (char)((uint64_t)n >> (56 - 8 * i));
    }
    p[0] = (char)(0x80 | opcode);
    return p;
}

/* Sends one unfragmented frame. payload may be anywhere; it is copied behind a header in a small or the scratch buffer. */
static int send_frame(struct conn *c, int opcode, const char *payload, size_t n)
{
    char small[256];
    char *base = n + 10 <= sizeof small ? small : g.buf;
    if (base == g.buf && payload != g.buf + 10)
        memmove(g.buf + 10, payload, n);
    else if (base == small)
        memcpy(small + 10, payload, n);
    char *start = frame_header(base + 10, opcode, n);
    return send_all(c, start, (size_t)(base + 10 + n - start));
}

static int send_text(struct conn *c, const char *json, size_t n) { return send_frame(c, 1, json, n); }

static int send_close(struct conn *c, int code)
{
    char b[2] = {(char)(code >> 8), (char)code};
    return send_frame(c, 8, b, 2);
}

static int send_error(struct conn *c, const char *code, const char *message)
{
    char b[256];
    int n = snprintf(b, sizeof b, "{\"type\":\"error\",\"code\":\"%s\",\"message\":\"%s\"}", code, message);
    return send_text(c, b, (size_t)n);
}

/* ------------------------------------------------------------------------------------------------ rooms */

static unsigned room_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h % ROOM_BUCKETS;
}

static struct room *room_get(const char *name, size_t n, int create)
{
    unsigned b = room_hash(name, n);
    for (struct room *r = g.buckets[b]; r; r = r->hash_next)
        if (strlen(r->name) == n && memcmp(r->name, name, n) == 0)
            return r;
    if (!create)
        return NULL;
    struct room *r = calloc(1, sizeof *r + (size_t)g.max_players * sizeof(struct conn *));
    if (!r)
        return NULL;
    memcpy(r->name, name, n);
    r->hash_next = g.buckets[b];
    g.buckets[b] = r;
    /* Its first tick one period from now: rooms tick staggered by when they were created. */
    r->deadline = mono_ns() + g.period_ns;
    r->prev = g.tail;
    if (g.tail) g.tail->next = r; else g.head = r;
    g.tail = r;
    g.rooms_created++;
    return r;
}

static void room_unqueue(struct room *r)
{
    if (r->prev) r->prev->next = r->next; else g.head = r->next;
    if (r->next) r->next->prev = r->prev; else g.tail = r->prev;
    r->prev = r->next = NULL;
}

static void room_free(struct room *r)
{
    room_unqueue(r);
    struct room **pp = &g.buckets[room_hash(r->name, strlen(r->name))];
    while (*pp != r) pp = &(*pp)->hash_next;
    *pp = r->hash_next;
    free(r);
}

static void leave_room(struct conn *c)
{
    struct room *r = c->room;
    if (!r)
        return;
    r->seats[c->seat] = NULL;
    c->room = NULL;
    if (--r->count == 0)
        room_free(r);
}

/* Per-seat figures for the map, so that its size is like the gateway's (rounded to 2 decimals, 200 units/s at full
   stick); they do not move. */
static const char *const seat_pos[8][2] = {
    {"312.58", "640.13"}, {"705.2", "288.91"}, {"148.07", "151.66"}, {"873.45", "702.3"},
    {"455.9", "911.24"}, {"590.62", "74.18"}, {"36.71", "466.05"}, {"927.33", "533.8"},
};
static const char *const seat_vel[8][2] = {
    {"196.96", "34.73"}, {"114.72", "163.83"}, {"-34.73", "196.96"}, {"-163.83", "114.72"},
    {"-196.96", "-34.73"}, {"-114.72", "-163.83"}, {"34.73", "-196.96"}, {"163.83", "-114.72"},
};
static const int seat_color[8][3] = {
    {230, 25, 75}, {60, 180, 75}, {255, 225, 25}, {0, 130, 200}, {245, 130, 48}, {145, 30, 180}, {70, 240, 240}, {240, 50, 230},
};

static int send_joined(struct conn *c)
{
    struct room *r = c->room;
    struct conn *host = NULL;
    for (int i = 0; i < g.max_players && !host; i++) host = r->seats[i];
    char *p = g.buf + 10;
    p = PUT_LIT(p, "{\"type\":\"joined\",\"room\":\"");
    p = put(p, r->name, strlen(r->name));
    p = PUT_LIT(p, "\",\"kind\":\"arena\",\"you\":\"");
    p = put(p, c->id, 8);
    p = PUT_LIT(p, "\",\"host\":\"");
    p = put(p, host->id, 8);
    p = PUT_LIT(p, "\",\"max\":");
    p = put_u64(p, (uint64_t)g.max_players);
    p = PUT_LIT(p, ",\"tick\":");
    p = put_u64(p, (uint64_t)g.tick_hz);
    p = PUT_LIT(p, ",\"world\":[1000,1000],\"players\":{");
    int first = 1;
    for (int i = 0; i < g.max_players; i++) {
        struct conn *o = r->seats[i];
        if (!o) continue;
        if (!first) *p++ = ',';
        first = 0;
        p = PUT_LIT(p, "\"");
        p = put(p, o->id, 8);
        p = PUT_LIT(p, "\":{\"name\":\"");
        p = put(p, o->name, strlen(o->name));
        p = PUT_LIT(p, "\",\"color\":[");
        const int *rgb = seat_color[i % 8];
        p = put_u64(p, (uint64_t)rgb[0]); *p++ = ',';
        p = put_u64(p, (uint64_t)rgb[1]); *p++ = ',';
        p = put_u64(p, (uint64_t)rgb[2]);
        p = PUT_LIT(p, "]}");
    }
    p = PUT_LIT(p, "}}");
    return send_text(c, g.buf + 10, (size_t)(p - (g.buf + 10)));
}

static int join_room(struct conn *c, const char *name, size_t n)
{
    if (n == 0 || n > ROOM_NAME_MAX)
        return send_error(c, "bad_request", "room: 1-63 characters");
    if (c->room && strlen(c->room->name) == n && memcmp(c->room->name, name, n) == 0)
        return send_joined(c);
    leave_room(c);
    struct room *r = room_get(name, n, 1);
    if (!r)
        return -1;
    if (r->count >= g.max_players)
        return send_error(c, "room_full", "no free seat");
    int seat = 0;
    while (r->seats[seat]) seat++;
    r->seats[seat] = c;
    r->count++;
    c->room = r;
    c->seat = seat;
    c->ack = 0;
    int s = seat % 8;
    c->entry_len = snprintf(c->entry, sizeof c->entry, "\"%s\":[%s,%s,%s,%s,100,", c->id,
                            seat_pos[s][0], seat_pos[s][1], seat_vel[s][0], seat_vel[s][1]);
    return send_joined(c);
}

/* One tick of a room: build its map once, frame it once, one send per seated player. A player whose socket would
   block (or who still holds bytes of an earlier partial send) misses this map. */
static void room_tick(struct room *r)
{
    char *start = g.buf + 10;
    char *p = start;
    p = PUT_LIT(p, "{\"type\":\"map\",\"time\":");
    p = put_u64(p, epoch_ms());
    p = PUT_LIT(p, ",\"tick\":");
    p = put_u64(p, ++r->tick);
    p = PUT_LIT(p, ",\"player\":{");
    int first = 1;
    for (int i = 0; i < g.max_players; i++) {
        struct conn *c = r->seats[i];
        if (!c) continue;
        if (!first) *p++ = ',';
        first = 0;
        p = put(p, c->entry, (size_t)c->entry_len);
        p = put_i64(p, c->ack);
        *p++ = ']';
    }
    p = PUT_LIT(p, "}}");
    size_t payload = (size_t)(p - start);
    char *frame = frame_header(start, 1, payload);
    size_t n = (size_t)(p - frame);
    g.maps++;
    if (r->count == g.max_players)
        g.full_map_bytes = payload;
    for (int i = 0; i < g.max_players; i++) {
        struct conn *c = r->seats[i];
        if (!c) continue;
        if (c->out_len) { g.map_drops++; continue; }
        ssize_t k = send(c->fd, frame, n, MSG_NOSIGNAL);
        if (k == (ssize_t)n) { g.map_sends++; continue; }
        if (k < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) g.map_drops++;
            else g.send_errors++; /* the read side sees the connection end and closes it */
            continue;
        }
        g.partial_sends++; /* the frame is half out: the rest must follow before anything else */
        g.map_sends++;
        if (hold(c, (const uint8_t *)frame + k, n - (size_t)k) < 0) {
            g.send_errors++;
            shutdown(c->fd, SHUT_RDWR); /* not closed here (the room may go with it): the read side closes it */
        }
    }
}

static void run_due_ticks(void)
{
    int64_t now = mono_ns();
    while (g.head && g.head->deadline <= now) {
        struct room *r = g.head;
        room_tick(r);
        r->deadline += g.period_ns;
        if (r->deadline <= now) { /* a whole period behind: start the schedule again from now */
            r->deadline = now + g.period_ns;
            g.late_ticks++;
        }
        room_unqueue(r);
        r->prev = g.tail;
        if (g.tail) g.tail->next = r; else g.head = r;
        g.tail = r;
    }
}

/* ------------------------------------------------------------------------------------------------ messages */

/* The string value of "key" (the first occurrence, no JSON parsing): its raw text up to the closing quote. */
static int json_string(const char *p, size_t n, const char *key, const char **val, size_t *len)
{
    const char *end = p + n;
    const char *k = memmem(p, n, key, strlen(key));
    if (!k) return 0;
    const char *q = k + strlen(key);
    while (q < end && (*q == ' ' || *q == ':' || *q == '\t' || *q == '\n' || *q == '\r')) q++;
    if (q >= end || *q != '"') return 0;
    const char *s = ++q;
    while (q < end && *q != '"') q += *q == '\\' && q + 1 < end ? 2 : 1;
    if (q >= end) return 0;
    *val = s;
    *len = (size_t)(q - s);
    return 1;
}

/* The integer value of "key", or -1. */
static int64_t json_int(const char *p, size_t n, const char *key)
{
    const char *end = p + n;
    const char *k = memmem(p, n, key, strlen(key));
    if (!k) return -1;
    const char *q = k + strlen(key);
    while (q < end && (*q == ' ' || *q == ':')) q++;
    if (q >= end || *q < '0' || *q > '9') return -1;
    int64_t v = 0;
    while (q < end && *q >= '0' && *q <= '9' && v < INT64_MAX / 10) v = v * 10 + (*q++ - '0');
    return v;
}

static int is(const char *s, size_t n, const char *lit) { return strlen(lit) == n && memcmp(s, lit, n) == 0; }

static void new_player_id(char out[9])
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    /* An odd multiplier is a bijection on 48 bits: distinct counters give distinct ids. */
    uint64_t x = (++g.next_player * 0x5DEECE66DULL + 0xB) & 0xFFFFFFFFFFFFULL;
    for (int i = 0; i < 8; i++) out[i] = abc[(x >> (6 * i)) & 63];
    out[8] = 0;
}

static int on_text(struct conn *c, const char *p, size_t n)
{
    const char *type;
    size_t tn;
    if (!json_string(p, n, "\"type\"", &type, &tn))
        return 0;
    if (is(type, tn, "input")) {
        if (c->room) {
            int64_t seq = json_int(p, n, "\"seq\"");
            if (seq > c->ack) c->ack = seq;
            g.inputs++;
        }
        return 0;
    }
    if (is(type, tn, "hello")) {
        if (c->welcomed)
            return 0;
        const char *v;
        size_t vn;
        if (json_string(p, n, "\"encoding\"", &v, &vn) && !is(v, vn, "json"))
            return send_error(c, "bad_request", "the floor speaks JSON only");
        if (json_string(p, n, "\"name\"", &v, &vn) && vn > 0 && vn <= NAME_MAX_RAW) {
            memcpy(c->name, v, vn);
            c->name[vn] = 0;
        } else {
            strcpy(c->name, "player");
        }
        new_player_id(c->id);
        c->welcomed = 1;
        char b[160], *q = b;
        q = PUT_LIT(q, "{\"type\":\"welcome\",\"id\":\"");
        q = put(q, c->id, 8);
        q = PUT_LIT(q, "\",\"token\":\"floor.");
        q = put(q, c->id, 8);
        q = PUT_LIT(q, "\",\"time\":");
        q = put_u64(q, epoch_ms());
        q = PUT_LIT(q, ",\"encoding\":\"json\"}");
        return send_text(c, b, (size_t)(q - b));
    }
    if (is(type, tn, "join")) {
        if (!c->welcomed)
            return send_error(c, "bad_request", "hello first");
        const char *room;
        size_t rn;
        if (!json_string(p, n, "\"room\"", &room, &rn))
            return send_error(c, "bad_request", "join needs a room");
        return join_room(c, room, rn);
    }
    return 0; /* anything else is ignored */
}

/* Parses every whole frame in c->in. -1: close the connection. */
static int on_frames(struct conn *c)
{
    size_t off = 0;
    int rc = 0;
    while (rc == 0) {
        uint8_t *f = c->in + off;
        size_t avail = c->in_len - off;
        if (avail < 2) break;
        int fin = f[0] & 0x80, opcode = f[0] & 0x0F, masked = f[1] & 0x80;
        uint64_t len = f[1] & 0x7F;
        size_t hl = 2;
        if (len == 126) {
            if (avail < 4) break;
            len = (uint64_t)f[2] << 8 | f[3];
            hl = 4;
        } else if (len == 127) {
            if (avail < 10) break;
            len = 0;
            for (int i = 0; i < 8; i++) len = len << 8 | f[2 + i];
            hl = 10;
        }
        if (!masked || (f[0] & 0x70)) { send_close(c, 1002); return -1; } /* client frames are masked, no extensions */
        if (len > MAX_PAYLOAD) { send_close(c, 1009); return -1; }
        if (opcode >= 8 && len > 125) { send_close(c, 1002); return -1; } /* control frames: 125 bytes at most */
        if (avail < hl + 4 + len) break;
        const uint8_t *mask = f + hl;
        char *payload = (char *)f + hl + 4;
        for (size_t i = 0; i < len; i++) payload[i] ^= (char)mask[i & 3];
        off += hl + 4 + len;
        if (!fin || opcode == 0) { send_close(c, 1003); return -1; } /* fragmented messages: not supported */
        switch (opcode) {
        case 1: rc = on_text(c, payload, len); break;
        case 2: break; /* binary: a JSON-only server ignores it */
        case 8: /* close: answer with the same code (1000 without one), then close */
            send_close(c, len >= 2 ? ((uint8_t)payload[0] << 8 | (uint8_t)payload[1]) : 1000);
            return -1;
        case 9: rc = send_frame(c, 10, payload, len); break; /* ping: pong with its payload */
        case 10: break; /* pong (the client's keep-alive) */
        default: send_close(c, 1002); return -1;
        }
    }
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
    return rc;
}

static int http_reply(struct conn *c, const char *status, const char *body)
{
    char b[256];
    int n = snprintf(b, sizeof b, "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     status, strlen(body), body);
    send_all(c, b, (size_t)n);
    return -1; /* close after the answer */
}

/* The HTTP request: GET /healthz answers 200, GET /ws with an upgrade becomes a WebSocket, the rest 404. -1: close. */
static int on_http(struct conn *c)
{
    char *req = (char *)c->in;
    char *end = memmem(req, c->in_len, "\r\n\r\n", 4);
    if (!end)
        return c->in_len == IN_CAP ? http_reply(c, "431 Request Header Fields Too Large", "") : 0;
    size_t head_len = (size_t)(end + 4 - req);
    *end = 0;
    char *path = strchr(req, ' ');
    char *line = strstr(req, "\r\n");
    if (!path || (line && path > line))
        return http_reply(c, "400 Bad Request", "bad request line\n");
    path++;
    size_t path_len = strcspn(path, " ?\r");
    int get = strncmp(req, "GET ", 4) == 0;
    const char *key = NULL;
    size_t key_len = 0;
    int upgrade = 0;
    while (line) {
        char *h = line + 2;
        line = strstr(h, "\r\n");
        if (line) *line = 0;
        char *colon = strchr(h, ':');
        if (!colon) continue;
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t') v++;
        size_t vn = strlen(v);
        while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t')) vn--;
        size_t hn = (size_t)(colon - h);
        if (hn == 17 && strncasecmp(h, "Sec-WebSocket-Key", 17) == 0) { key = v; key_len = vn; }
        else if (hn == 7 && strncasecmp(h, "Upgrade", 7) == 0 && strcasestr(v, "websocket")) upgrade = 1;
    }
    if (!get)
        return http_reply(c, "405 Method Not Allowed", "");
    if (path_len == 8 && memcmp(path, "/healthz", 8) == 0)
        return http_reply(c, "200 OK", "ok\n");
    if (!(path_len == 3 && memcmp(path, "/ws", 3) == 0))
        return http_reply(c, "404 Not Found", "");
    if (!upgrade || !key || key_len == 0)
        return http_reply(c, "400 Bad Request", "WebSocket upgrade expected\n");
    char accept[29];
    websocket_accept(key, key_len, accept);
    char b[200];
    int n = snprintf(b, sizeof b, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                  "Sec-WebSocket-Accept: %s\r\n\r\n", accept);
    if (send_all(c, b, (size_t)n) < 0)
        return -1;
    c->state = C_WS;
    memmove(c->in, c->in + head_len, c->in_len - head_len);
    c->in_len -= head_len;
    return c->in_len ? on_frames(c) : 0;
}

/* ------------------------------------------------------------------------------------------------ connections */

static void conn_close(struct conn *c)
{
    leave_room(c);
    close(c->fd); /* also leaves the epoll set */
    free(c->out);
    free(c);
    g.closed++;
    g.open--;
}

/* One recv per readable event. */
static void on_readable(struct conn *c)
{
    ssize_t k = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
    if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        conn_close(c);
        return;
    }
    if (k < 0)
        return;
    c->in_len += (size_t)k;
    if ((c->state == C_HTTP ? on_http(c) : on_frames(c)) < 0)
        conn_close(c);
}

static void on_accept(int lfd)
{
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                perror("floor: accept");
            return;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* as Kestrel does */
        struct conn *c = calloc(1, sizeof *c);
        if (!c) { close(fd); continue; }
        c->fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(g.ep, EPOLL_CTL_ADD, fd, &ev) < 0) { close(fd); free(c); continue; }
        g.accepted++;
        g.open++;
    }
}

/* ------------------------------------------------------------------------------------------------ main */

static int arg_int(int argc, char **argv, int *i, int lo, int hi)
{
    if (*i + 1 >= argc) { fprintf(stderr, "floor: %s needs a value\n", argv[*i]); exit(2); }
    char *e;
    long v = strtol(argv[++*i], &e, 10);
    if (*e || v < lo || v > hi) { fprintf(stderr, "floor: %s must be %d-%d\n", argv[*i - 1], lo, hi); exit(2); }
    return (int)v;
}

int main(int argc, char **argv)
{
    g.port = 5077;
    g.tick_hz = 20;
    g.max_players = 8;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0) g.port = arg_int(argc, argv, &i, 1, 65535);
        else if (strcmp(argv[i], "--tick-hz") == 0) g.tick_hz = arg_int(argc, argv, &i, 1, 1000);
        else if (strcmp(argv[i], "--max-players") == 0) g.max_players = arg_int(argc, argv, &i, 1, 1000);
        else {
            fprintf(stderr, "usage: floor [--port 5077] [--tick-hz 20] [--max-players 8]\n");
            return 2;
        }
    }
    g.period_ns = 1000000000LL / g.tick_hz;
    g.buf_cap = 512 + (size_t)g.max_players * 160;
    g.buf = malloc(g.buf_cap);

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    signal(SIGPIPE, SIG_IGN);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop, NULL);
    int sfd = signalfd(-1, &stop, SFD_NONBLOCK | SFD_CLOEXEC);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)g.port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (!g.buf || sfd < 0 || lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 4096) < 0) {
        perror("floor: start");
        return 1;
    }
    g.ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &listener_tag};
    epoll_ctl(g.ep, EPOLL_CTL_ADD, lfd, &ev);
    ev.data.ptr = &signal_tag;
    epoll_ctl(g.ep, EPOLL_CTL_ADD, sfd, &ev);
    printf("floor: listening on 127.0.0.1:%d, %d Hz, %d players per room\n", g.port, g.tick_hz, g.max_players);
    fflush(stdout);

    struct epoll_event events[256];
    int running = 1;
    while (running) {
        int timeout = -1; /* no rooms: sleep until a socket wakes us */
        if (g.head) {
            int64_t wait = g.head->deadline - mono_ns();
            timeout = wait <= 0 ? 0 : (int)((wait + 999999) / 1000000);
        }
        int n = epoll_wait(g.ep, events, 256, timeout);
        if (n < 0 && errno != EINTR) { perror("floor: epoll_wait"); break; }
        for (int i = 0; i < n; i++) {
            void *tag = events[i].data.ptr;
            uint32_t e = events[i].events;
            if (tag == &listener_tag) { on_accept(lfd); continue; }
            if (tag == &signal_tag) { running = 0; continue; }
            struct conn *c = tag;
            if (e & EPOLLOUT) flush_held(c);
            if (e & EPOLLIN) on_readable(c);
            else if (e & (EPOLLERR | EPOLLHUP)) conn_close(c);
        }
        run_due_ticks();
    }

    fprintf(stderr, "floor: stopped. connections %llu accepted, %llu closed, %llu open; rooms created %llu; inputs %llu; "
                    "maps %llu built, %llu sent, %llu dropped (socket full), %llu partial sends, %llu send errors; "
                    "late ticks %llu; map payload of a full room (%d players): %zu bytes\n",
            (unsigned long long)g.accepted, (unsigned long long)g.closed, (unsigned long long)g.open,
            (unsigned long long)g.rooms_created, (unsigned long long)g.inputs, (unsigned long long)g.maps,
            (unsigned long long)g.map_sends, (unsigned long long)g.map_drops, (unsigned long long)g.partial_sends,
            (unsigned long long)g.send_errors, (unsigned long long)g.late_ticks, g.max_players, g.full_map_bytes);
    close(lfd);
    return 0;
}
