#!/usr/bin/env python3
"""Copies data/ to DEST keeping only the first ROWS rows of each CSV (plain or gzip), whole otherwise.

A smaller real catalogue for scripts that build many (scripts/crash-update): the rows are real rows of
the open data, only fewer of them. Usage: reduce-data.py SRC DEST [ROWS]"""
import gzip, shutil, sys
from pathlib import Path

src, dest = Path(sys.argv[1]), Path(sys.argv[2])
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
for f in src.rglob("*"):
    if f.is_dir():
        continue
    out = dest / f.relative_to(src)
    out.parent.mkdir(parents=True, exist_ok=True)
    name = f.name
    if name.endswith(".csv") or name.endswith(".csv.gz"):
        opener = gzip.open if name.endswith(".gz") else open
        with opener(f, "rb") as r, opener(out, "wb") as w:
            for i, line in enumerate(r):
                if i > rows:
                    break
                w.write(line)
    else:
        shutil.copyfile(f, out)
