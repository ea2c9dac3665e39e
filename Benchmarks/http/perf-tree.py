#!/usr/bin/env python3
"""Where a request's CPU goes, from `perf script -F ip,sym` of a profile recorded with -g
(issue 16; docs/benchmarks.md "2026-12-03, third session"). Two questions, in ns a request:

  perf-tree.py callees FILE REQUESTS REGEX [HZ]
      the frames matching REGEX (the outermost match on each stack): their inclusive time and
      which of their callees it went to (e.g. 'ClientAuthenticatorV12authenticate');
  perf-tree.py callers FILE REQUESTS LEAF_REGEX OWNER_REGEX [HZ]
      samples whose leaf matches LEAF_REGEX (e.g. the runtime's metadata lookups), grouped by the
      nearest frame matching OWNER_REGEX (e.g. 'Warden|Hummingbird|NIO').

REQUESTS: the requests served while perf recorded (wrk's count × the recorded share of its run).
HZ: perf record's -F (default 10000). Example, with a server under load on port 8032:
  perf record -q -F 10000 -g -p PID -o intro.data -- sleep 8
  perf script -i intro.data -F ip,sym > intro.txt
  Benchmarks/http/perf-tree.py callees intro.txt 42000 'IntrospectionServiceV10introspect'
"""
import collections, re, sys


def stacks(path):
    current = []
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if not line.strip():
            if current:
                yield current
                current = []
            continue
        parts = line.split(None, 1)
        current.append(parts[1] if len(parts) > 1 else "?")
    if current:
        yield current


def main(argv):
    if len(argv) < 5 or argv[1] not in ("callees", "callers"):
        sys.exit(__doc__)
    mode, path, requests = argv[1], argv[2], float(argv[3])
    owner = re.compile(argv[5]) if mode == "callers" else None
    hz = float(argv[6] if mode == "callers" and len(argv) > 6 else argv[5] if mode == "callees" and len(argv) > 5 else 10000)
    pattern = re.compile(argv[4])
    ns = 1e9 / hz / requests
    total = matched = 0
    groups = collections.Counter()
    for stack in stacks(path):  # stack[0] is the leaf
        total += 1
        if mode == "callees":
            hits = [i for i, frame in enumerate(stack) if pattern.search(frame)]
            if not hits:
                continue
            outermost = max(hits)
            groups[stack[outermost - 1] if outermost > 0 else "(self)"] += 1
        else:
            if not pattern.search(stack[0]):
                continue
            groups[next((frame for frame in stack[1:] if owner.search(frame)), "(none)")] += 1
        matched += 1
    print(f"all samples {total * ns:.0f} ns a request; matching {matched * ns:.0f}")
    for name, count in groups.most_common(25):
        print(f"{count * ns:8.0f}  {name[:160]}")


if __name__ == "__main__":
    main(sys.argv)
