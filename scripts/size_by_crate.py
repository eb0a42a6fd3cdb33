#!/usr/bin/env python3
"""Bytes of machine code by crate in a built (unstripped) library, like `cargo bloat --crates`.

    scripts/size_by_crate.py LIBRARY [TOP]

Reads the function symbols and their sizes with `nm -S -C` (GNU binutils demangles Rust's legacy and v0
names) and gives each to a crate by its demangled path: `matrix_sdk_crypto::…` to matrix_sdk_crypto.
A trait impl `<Type as Trait>::f` goes to the type's crate, or to the trait's when the type is from the
standard library or a primitive (`<u8 as serde::Serialize>` is serde's code). C code has no paths: it is
given by its prefix (sqlite3…: libsqlite3-sys) and the rest is "[C and unknown]". Like cargo bloat, code
inlined into a caller counts for the caller's crate, so the figures say where the bytes sit, not whose
source they came from. Why a script and not cargo-bloat: it needs nothing installed beyond binutils, and
scripts/size-ffi runs it on the very library it measures.
"""

import collections
import re
import subprocess
import sys

# Crates of the standard library, reported together as cargo bloat does.
STD = {"core", "alloc", "std", "proc_macro", "panic_unwind", "std_detect", "hashbrown", "compiler_builtins"}
# Types that are not paths (primitives, references, slices, tuples, closures…): the trait decides.
PRIMITIVES = {
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize",
    "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64",
}
# C symbols by prefix: the libraries our dependencies build from C.
C_PREFIXES = [
    ("sqlite3", "libsqlite3-sys (C)"),
    ("ZSTD", "zstd-sys (C)"),
    ("HUF_", "zstd-sys (C)"),
    ("FSE_", "zstd-sys (C)"),
    ("HIST_", "zstd-sys (C)"),
    ("ZDICT", "zstd-sys (C)"),
    ("POOL_", "zstd-sys (C)"),
    ("ring_core_", "ring (C and asm)"),
    ("aws_lc_", "aws-lc-sys (C)"),
    ("mz_", "miniz (C)"),
]
HASH = re.compile(r"::h[0-9a-f]{16}$")
LEAD = re.compile(r"^(?:&|\*const |\*mut |mut |dyn |impl |\[|\(|<)+")


def crate_of_path(path):
    """The crate (first path segment) of a demangled path, or None for a primitive/unknown."""
    path = LEAD.sub("", path.strip())
    m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", path)
    if not m:
        return None
    name = m.group(0)
    if name in PRIMITIVES or "::" not in path[: m.end() + 2]:
        return None
    return name


def split_impl(name):
    """For `<A as B>::rest`, returns (A, B); for `<A>::rest`, (A, None); else None."""
    if not name.startswith("<"):
        return None
    depth = 0
    for i, c in enumerate(name):
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
            if depth == 0:
                inner = name[1:i]
                break
    else:
        return None
    depth = 0
    for j in range(len(inner) - 3):
        c = inner[j]
        if c in "<([":
            depth += 1
        elif c in ">)]":
            depth -= 1
        elif depth == 0 and inner.startswith(" as ", j):
            return inner[:j], inner[j + 4 :]
    return inner, None


def crate_of(name):
    name = HASH.sub("", name)
    parts = split_impl(name)
    if parts is not None:
        ty, tr = parts
        ty_crate = crate_of_path(ty)
        tr_crate = crate_of_path(tr) if tr else None
        if ty_crate and ty_crate not in STD:
            return ty_crate
        if tr_crate and tr_crate not in STD:
            return tr_crate
        return ty_crate or tr_crate or "[C and unknown]"
    crate = crate_of_path(name)
    if crate:
        return crate
    for prefix, label in C_PREFIXES:
        if name.startswith(prefix):
            return label
    return "[C and unknown]"


def text_size(library):
    """Size of the .text section, for the share of each crate."""
    out = subprocess.run(["objdump", "-h", library], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) > 2 and fields[1] == ".text":
            return int(fields[2], 16)
    return 0


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage : scripts/size_by_crate.py BIBLIOTHÈQUE [N]")
    library = sys.argv[1]
    try:
        top = int(sys.argv[2]) if len(sys.argv) == 3 else 20
    except ValueError:
        sys.exit(f"size_by_crate : « {sys.argv[2]} » n'est pas un nombre")
    try:
        out = subprocess.run(
            ["nm", "-S", "-C", "--defined-only", library], check=True, capture_output=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"size_by_crate : nm n'a pas pu lire {library} : {e}")
    by_crate = collections.Counter()
    seen = set()
    for line in out.splitlines():
        # address size type name; symbols without a size (labels) have three fields or fewer.
        fields = line.split(" ", 3)
        if len(fields) != 4 or fields[2] not in "tTwW":
            continue
        address, size, _, name = fields
        # Aliases (same code under two names) count once.
        if address in seen:
            continue
        seen.add(address)
        try:
            by_crate[crate_of(name)] += int(size, 16)
        except ValueError:
            continue
    total = text_size(library)
    named = sum(by_crate.values())
    print(f"{'bytes':>10} {'share':>6}  crate  (.text {total:,} bytes, {named:,} in sized functions)")
    for crate, size in by_crate.most_common(top):
        share = 100 * size / total if total else 0
        print(f"{size:>10,} {share:5.1f}%  {crate}")
    rest = by_crate.most_common()[top:]
    if rest:
        print(f"{sum(s for _, s in rest):>10,}         {len(rest)} other crates")


if __name__ == "__main__":
    main()
