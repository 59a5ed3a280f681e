#!/usr/bin/env python3
"""What a browser downloads of the client, as served (the .br files cargo-leptos writes).

Usage: client_size.py SITE_PKG_DIR

With the pages split into chunks (`cargo leptos build --split`), a first visit downloads the
main WASM, its JS glue and the chunk loader (`__wasm_split.<hash>.js`, which the glue imports);
each other page then fetches the chunks its lazy view needs, listed in the split manifest.
Prints shell assignments for bench.sh: sizes in KB after brotli, and the pages' extra downloads.
"""

import glob
import json
import os
import statistics
import sys


def one(pattern):
    found = sorted(glob.glob(pattern))
    if not found:
        sys.exit(f"client_size.py: no file matches {pattern}")
    return found[0]


def size(path):
    return os.path.getsize(path)


def main():
    pkg = sys.argv[1]
    wasm = one(f"{pkg}/ratemyderp*.wasm")
    js = one(f"{pkg}/ratemyderp*.js")
    css = one(f"{pkg}/ratemyderp*.css")
    loaders = glob.glob(f"{pkg}/__wasm_split*.js")
    first = [wasm, js] + loaders[:1]
    first_br = sum(size(f + ".br") for f in first)

    pages = []
    manifests = glob.glob(f"{pkg}/__wasm_split_manifest*.json")
    if manifests:
        with open(manifests[0]) as f:
            manifest = json.load(f)
        for view, chunks in manifest.items():
            files = [one(f"{pkg}/{chunk}.wasm") for chunk in chunks]
            pages.append((sum(size(f + ".br") for f in files), len(files), view))
    chunk_files = [f for f in glob.glob(f"{pkg}/*.wasm") if f != wasm]

    kb = lambda n: n // 1024  # noqa: E731
    print(f"wasm_size='{kb(size(wasm))} KB raw, {kb(size(wasm + '.br'))} KB brotli'")
    print(f"js_size='{kb(size(js))} KB raw, {kb(size(js + '.br'))} KB brotli'")
    loader = f"{kb(size(loaders[0]))} KB raw, {kb(size(loaders[0] + '.br'))} KB brotli" if loaders else "none"
    print(f"loader_size='{loader}'")
    print(f"css_size='{kb(size(css))} KB raw, {kb(size(css + '.br'))} KB brotli'")
    print(f"bundle_br_kb={kb(first_br)}")
    print(f"chunks_count={len(chunk_files)}")
    print(f"chunks_br_kb={kb(sum(size(f + '.br') for f in chunk_files))}")
    if pages:
        heaviest = max(pages)
        print(f"pages_count={len(pages)}")
        print(f"page_median_br_kb={kb(int(statistics.median(p[0] for p in pages)))}")
        print(f"page_max_br_kb={kb(heaviest[0])}")
        print(f"page_max_chunks={heaviest[1]}")
        print(f"page_max_view='{heaviest[2].rsplit('_', 1)[0].strip('_')}'")
    else:
        print("pages_count=0 page_median_br_kb=0 page_max_br_kb=0 page_max_chunks=0 page_max_view=none")


if __name__ == "__main__":
    main()
