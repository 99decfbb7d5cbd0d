#!/usr/bin/env python3
"""Sorts the samples of a `perf record -g` profile of a .NET process into a few categories: kernel time by the system
call it serves (TCP send, TCP receive, epoll, thread wake/sleep), and user time by the code that ran (ASP.NET Core,
WebSockets, sockets, thread pool and async machinery, the CLR itself, and each of our assemblies).

    perf script -i gateway.data -F ip,sym,dso | python3 scripts/perf/profile_categories.py

Reads `perf script` output on stdin (samples separated by blank lines, leaf frame first). Managed frames have names
only when the process ran with DOTNET_PerfMapEnabled=1 (and DOTNET_EnableWriteXorExecute=0, so that perf can map the
JIT's code); scripts/perf/profile.sh sets both. Prints a Markdown table, largest first. Standard library only.
"""

import re
import sys
from collections import Counter

SYSCALLS = [  # kernel entry point → category; the first one found walking up from the leaf wins
    ("__x64_sys_sendto", "kernel: TCP send (on loopback includes delivery into the peer's socket)"),
    ("__x64_sys_sendmsg", "kernel: TCP send (on loopback includes delivery into the peer's socket)"),
    # The gateway's own sendmsg (LibraryImport) enters at __sys_sendmsg, with no __x64_sys_sendmsg frame on its stack.
    ("__sys_sendmsg", "kernel: TCP send (on loopback includes delivery into the peer's socket)"),
    # A socket call the gateway batches in an io_uring (Gateway:IoUring) runs under io_uring_enter as io_send or io_recv.
    (" io_send", "kernel: TCP send (on loopback includes delivery into the peer's socket)"),
    (" io_recv", "kernel: TCP receive"),
    ("__x64_sys_io_uring_enter", "kernel: io_uring batch (entry, the calls' set-up and completion)"),
    ("__x64_sys_recvfrom", "kernel: TCP receive"),
    ("__x64_sys_recvmsg", "kernel: TCP receive"),
    ("__x64_sys_epoll_wait", "kernel: epoll wait (socket readiness)"),
    ("__x64_sys_epoll_ctl", "kernel: epoll wait (socket readiness)"),
    ("__x64_sys_futex", "kernel: thread wake-up and sleep (futex, sched_yield, clock_nanosleep)"),
    ("__x64_sys_sched_yield", "kernel: thread wake-up and sleep (futex, sched_yield, clock_nanosleep)"),
    ("__x64_sys_clock_nanosleep", "kernel: thread wake-up and sleep (futex, sched_yield, clock_nanosleep)"),  # an epoll loop's pace
]

USER = [  # (pattern in the leaf frame's symbol or library, category), first match wins
    (r"\[Game\.Gateway\]", "ours: Game.Gateway (connections, feeds)"),
    (r"\[Game\.Runtime\]", "ours: Game.Runtime (grain calls, timers, streams)"),
    (r"\[Game\.Grains\]", "ours: Game.Grains (room tick, arena, player)"),
    (r"\[Game\.Protocol\]", "ours: Game.Protocol (parse, encode)"),
    (r"\[Game\.", "ours: other"),
    (r"Kestrel|AspNetCore", "ASP.NET Core (Kestrel HTTP/1.1 upgrade stream, memory pool)"),
    (r"System\.Net\.WebSockets", "System.Net.WebSockets (framing, masking)"),
    (r"System\.Net\.Sockets|libSystem\.Native", ".NET sockets (epoll engine, send/receive calls)"),
    (r"System\.IO\.Pipelines", "System.IO.Pipelines"),
    (r"System\.Threading|CompilerServices|ExecutionContext", ".NET thread pool, tasks and async state machines"),
    (r"libcoreclr|libclrjit|stub |CastHelpers|JIT_|\[unknown\]", "CLR native (GC, type checks, stubs, JIT)"),
    (r"libc\.so|vdso|ld-linux", "libc (syscall wrappers, clock)"),
]


def categorize(frames):
    leaf = frames[0]
    if "[kernel.kallsyms]" in leaf:
        for frame in frames:
            for entry, category in SYSCALLS:
                if entry in frame:
                    return category
        return "kernel: other (interrupts, scheduling, timers)"
    for pattern, category in USER:
        if re.search(pattern, leaf):
            return category
    return "other .NET libraries"


def main():
    counts = Counter()
    frames = []
    for line in sys.stdin:
        line = line.strip()
        if not line:
            if frames:
                counts[categorize(frames)] += 1
                frames = []
            continue
        frames.append(line)
    if frames:
        counts[categorize(frames)] += 1
    total = sum(counts.values())
    if total == 0:
        sys.exit("no samples on stdin")
    print(f"| Where the time went ({total} samples) | Share |")
    print("|---|---|")
    for category, n in counts.most_common():
        print(f"| {category} | {100.0 * n / total:.1f} % |")


if __name__ == "__main__":
    main()
