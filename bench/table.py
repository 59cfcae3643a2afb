#!/usr/bin/env python3
"""table.py - the table of bench/run, from the outputs of sign-bench,
floor-bench and exec-bench (see their headers for the line formats).

Usage: table.py --machine TEXT --date TEXT --method TEXT
                SIGN.out FLOOR.out EXEC.out
                [--compare PREFIX CMP-SIGN.out CMP-EXEC.out]

Each row: the figure, its ratio to the floor, the target of the
performance issue, PASS or MISS, then the figure and the floor.  For the
sign rows the ratio is rate/floor rate (higher is better); for the exec
row it is the time per exec over the time of a bare exec (lower is
better); the memory row compares the peak RSS with 4 MiB.  The "wire"
column is the rate over floor-bench's wire-* floor: the crypto plus the
base64 (and digest) that the wire format itself requires, so that what
the library adds beyond the format shows.  With --compare, "gain" is
this side over the other: above 1 this one is better (a higher rate, less
CPU or memory).  A missed target is reported, never an error (exit
status 0).
"""
import argparse
import re
import sys

SIZES = [(1024, "1 KiB"), (65536, "64 KiB")]
# mech, op, floor name, floor op, minimum ratio, wire floor name
SIGN_ROWS = [
    ("none", "wrap", "base64", "encode", 0.5, "base64"),
    ("none", "unwrap", "base64", "decode", 0.5, "base64"),
    ("munge", "wrap", "munge", "encode", 0.95, "wire-munge"),
    ("munge", "unwrap", "munge", "decode", 0.95, "wire-munge"),
    ("curve", "wrap", "ed25519", "sign", 0.9, "wire-ed25519"),
    ("curve", "unwrap", "ed25519", "verify", 0.9, "wire-ed25519"),
]
RSS_LIMIT_KB = 4096
EXEC_MAX_RATIO = 2.0


def median(v):
    v = sorted(v)
    return v[len(v) // 2]


def parse_rates(path):
    """{(name, size): {op: rate, "why": reason}}: the median of the rates
    of every line of (name, size); an operation that failed once is
    left out, with the reason."""
    acc = {}
    why = {}
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return {}
    for line in lines:
        if line.startswith("#"):
            continue
        m = re.match(r"(\S+) (\d+) (.*)$", line)
        if not m:
            continue
        key = (m.group(1), int(m.group(2)))
        rest = m.group(3)
        a = acc.setdefault(key, {})
        for k, v in re.findall(r"(\w+)/s=([\d.]+)", rest):
            a.setdefault(k, []).append(float(v))
        fail = re.search(r"(skipped|failed): (.*)$", rest)
        if fail:
            why[key] = fail.group(2)
    out = {}
    for key, a in acc.items():
        entry = {k: median(v) for k, v in a.items()}
        if key in why:
            entry = {k: v for k, v in entry.items() if k == "wrap"}
            entry["why"] = why[key]
        out[key] = entry
    return out


def parse_exec(path):
    """{"bare": {...}, "cmd": {...}} or {"why": reason}."""
    out = {}
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return {"why": "no output"}
    notes = [line[2:] for line in lines if line.startswith("# ")]
    for line in lines:
        m = re.match(r"(\w+) (skipped|failed): (.*)$", line)
        if m:
            why = m.group(3)
            if notes:
                why += " (" + notes[0] + ")"
            return {"why": why}
        m = re.match(r"(bare|cmd) (.*)$", line)
        if m:
            pairs = re.findall(r"(\w+)=([\d.]+)", m.group(2))
            out[m.group(1)] = {k: float(v) for k, v in pairs}
    if "bare" not in out or "cmd" not in out:
        return {"why": "no result"}
    return out


def verdict(ratio, target, higher_is_better=True):
    if ratio is None:
        return "-"
    ok = ratio >= target if higher_is_better else ratio <= target
    return "PASS" if ok else "MISS"


def fmt_rate(r):
    return "%.0f/s" % r if r >= 100 else "%.1f/s" % r


def sign_cells(sign, floor, mech, op, fname, fop, size, target):
    """(ratio text, result, this text, floor text)."""
    fl = floor.get((fname, size), {})
    fr = fl.get(fop)
    e = sign.get((mech, size))
    if not e or op not in e:
        why = (e or {}).get("why", "not measured")
        return ("-", "skip", why, fmt_rate(fr) if fr else "-", None)
    this = e[op]
    if not fr:
        return ("-", "skip", fmt_rate(this),
                "skipped: " + fl.get("why", "not measured"), None)
    ratio = this / fr
    return ("%.2f" % ratio, verdict(ratio, target), fmt_rate(this),
            fmt_rate(fr), this)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--machine", default="")
    ap.add_argument("--date", default="")
    ap.add_argument("--method", default="")
    ap.add_argument("--compare", nargs=3, metavar=("PREFIX", "SIGN", "EXEC"))
    ap.add_argument("--exec-stdin", metavar="EXEC")
    ap.add_argument("sign")
    ap.add_argument("floor")
    ap.add_argument("exec")
    a = ap.parse_args()

    sign = parse_rates(a.sign)
    floor = parse_rates(a.floor)
    ex = parse_exec(a.exec)
    csign = cex = None
    if a.compare:
        csign = parse_rates(a.compare[1])
        cex = parse_exec(a.compare[2])

    rows = []
    for mech, op, fname, fop, target, wname in SIGN_ROWS:
        for size, sname in SIZES:
            name = "%s %s %s" % (mech, op, sname)
            fdesc = "%s %s" % (fname, fop)
            r = sign_cells(sign, floor, mech, op, fname, fop, size, target)
            wr = floor.get((wname, size), {}).get(fop)
            wtext = "%.2f" % (r[4] / wr) if r[4] and wr else "-"
            row = [name, r[0], ">= %.2f" % target, r[1], r[2], r[3], fdesc,
                   wtext]
            if csign is not None:
                c = sign_cells(csign, floor, mech, op, fname, fop, size,
                               target)
                vs = "%.2f" % (r[4] / c[4]) if r[4] and c[4] else "-"
                row += [c[0], c[1], c[2], vs]
            rows.append(row)

    def exec_rows(e):
        """[(ratio, result, this, floor)] for exec/s, cpu, rss."""
        if "why" in e:
            return [("-", "skip", e["why"], "-", None)] * 3
        b, c = e["bare"], e["cmd"]
        tr = b["per_s"] / c["per_s"]
        cr = c["cpu_ms"] / b["cpu_ms"] if b["cpu_ms"] > 0 else None
        rr = c["maxrss_kb"] / b["maxrss_kb"] if b["maxrss_kb"] else None
        return [
            ("%.2f" % tr, verdict(tr, EXEC_MAX_RATIO, False),
             fmt_rate(c["per_s"]), fmt_rate(b["per_s"]), c["per_s"]),
            ("%.2f" % cr if cr else "-", "info",
             "%.3f ms" % c["cpu_ms"], "%.3f ms" % b["cpu_ms"], c["cpu_ms"]),
            ("%.2f" % rr if rr else "-",
             "PASS" if c["maxrss_kb"] < RSS_LIMIT_KB else "MISS",
             "%d KiB" % c["maxrss_kb"], "%d KiB" % b["maxrss_kb"],
             c["maxrss_kb"]),
        ]

    er = exec_rows(ex)
    cer = exec_rows(cex) if cex is not None else None
    sr = exec_rows(parse_exec(a.exec_stdin)) if a.exec_stdin else None
    labels = [
        ("imp exec /bin/true", "<= %.2f" % EXEC_MAX_RATIO,
         "bare fork+exec (time ratio)"),
        ("imp CPU per exec", "-", "bare fork+exec CPU"),
        ("imp peak RSS", "< 4 MiB", "bare /bin/true RSS"),
    ]
    for i, (name, target, fdesc) in enumerate(labels):
        r = er[i]
        row = [name, r[0], target, r[1], r[2], r[3], fdesc, "-"]
        if cer is not None:
            c = cer[i]
            if r[4] and c[4]:
                # gain > 1: this is better (a higher rate, a lower cost)
                vs = "%.2f" % (r[4] / c[4] if i == 0 else c[4] / r[4])
            else:
                vs = "-"
            row += [c[0], c[1], c[2], vs]
        rows.append(row)
        if i == 0 and sr is not None:
            # The same without the helper: its share of the exec.
            r = sr[0]
            row = ["imp exec, J on stdin", r[0], "-",
                   "info" if r[1] != "skip" else "skip", r[2], r[3],
                   "bare fork+exec (time ratio)", "-"]
            if cer is not None:
                row += ["-", "-", "-", "-"]
            rows.append(row)

    head = ["figure", "ratio", "target", "result", "this", "floor",
            "floor is", "wire"]
    if cer is not None:
        head += ["other ratio", "other result", "other", "gain"]
    widths = [max(len(str(r[i])) for r in rows + [head])
              for i in range(len(head))]
    # A long skip reason would widen its column: cap it, wrap below.
    cap = 24
    notes = []
    for r in rows:
        for i in (4, 10):
            if i < len(r) and len(r[i]) > cap:
                note = "%s: %s" % ("this" if i == 4 else "other", r[i])
                if note not in notes:
                    notes.append(note)
                r[i] = "skipped [%d]" % (notes.index(note) + 1)
    widths = [max(len(str(r[i])) for r in rows + [head])
              for i in range(len(head))]

    print("flux-security benchmarks, %s" % a.date)
    print("machine: %s" % a.machine)
    print("method: %s" % a.method)
    if a.compare:
        print("other: libflux-security and flux-imp of %s" % a.compare[0])
    for path, who in [(a.sign, "this")] + (
            [(a.compare[1], "other")] if a.compare else []):
        try:
            seen = [line[2:].rstrip() for line in open(path)
                    if line.startswith("# ")]
        except OSError:
            seen = []
        if seen:
            print("%s: %s" % (who, seen[0]))
    print()

    def line(cells):
        return "  ".join(str(c).ljust(w) if j in (0, 2, 3, 6, 9) else
                         str(c).rjust(w)
                         for j, (c, w) in enumerate(zip(cells, widths))
                         ).rstrip()

    print(line(head))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))
    for i, n in enumerate(notes):
        print("[%d] %s" % (i + 1, n))
    passes = sum(1 for r in rows if r[3] == "PASS")
    misses = sum(1 for r in rows if r[3] == "MISS")
    skips = sum(1 for r in rows if r[3] == "skip")
    print()
    print("targets: %d PASS, %d MISS, %d skipped" % (passes, misses, skips))
    return 0


if __name__ == "__main__":
    sys.exit(main())
