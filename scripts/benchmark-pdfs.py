#!/usr/bin/env python3
"""PDF rendering, before and after: documents/s and KiB per document of `ordrecon invoices render`.

Generates one workload (`ordrecon generate`, spread lifecycles, CSV, no faults) and ingests it
once with `[invoicing] write_pdfs = false` and the first binary given, so every document waits for
its PDF. Then, for each round and each binary in turn, renders the oldest N documents
(`ordrecon invoices render --missing --limit N --json`) in a fresh copy of that workspace, and
prints the documents/s and the KiB per document the command reports (its own clock: the time
spent on documents, not the process start). The binaries run one after the other on the same
machine and the same documents, so the comparison holds even on a busy machine; the absolute
numbers do not (say so when others were building).

The PDFs of the last round of each binary are then checked: pages per document (the share of
one-page documents), `pdffonts` (the font embedded, marked as a subset or not), and whether
`pdftotext`, `pdffonts` and `pdfinfo` print anything on stderr or `qpdf --check` fails, on a
sample (--check-sample) of the files.

Usage: scripts/benchmark-pdfs.py --binary NAME=PATH [--binary NAME=PATH ...] [--documents 2000]
       [--rounds 2] [--orders 2600] [--check-sample 50] [--keep]
e.g.   scripts/benchmark-pdfs.py --binary before=/tmp/ordrecon-head --binary after=.build/release/ordrecon
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchmark  # noqa: E402  (the generator, gateway and measuring helpers)


def render(binary, work, count):
    """Runs `invoices render` once; its report, and the PDFs it wrote."""
    m = benchmark.measure([binary, "invoices", "render", "--missing", "--json", "--limit", str(count)], work)
    if m.returncode != 0:
        print(m.err[-2000:], file=sys.stderr)
        raise SystemExit(f"benchmark-pdfs: {binary} invoices render exited {m.returncode}")
    report = json.loads(m.out)
    done = report["invoices"] + report["credit_notes"]
    seconds = float(report["seconds"])
    return {"documents": done, "seconds": seconds, "documents_per_s": done / seconds,
            "kib_each": report["bytes"] / max(done, 1) / 1024, "peak_rss_mib": m.peak_rss_mib,
            "cpu_s": m.user + m.system}


def pdfs_under(folder):
    found = []
    for root, _, names in os.walk(folder):
        found += [os.path.join(root, name) for name in names if name.endswith(".pdf")]
    return sorted(found)


def tool(arguments):
    result = subprocess.run(arguments, capture_output=True, text=True)
    return result.returncode, result.stdout, result.stderr


def check(files, sample):
    """Pages, fonts and warnings of the files (pages of all, the rest on a sample)."""
    pages = {}
    for path in files:
        _, out, _ = tool(["pdfinfo", path])
        count = next((int(line.split()[1]) for line in out.splitlines() if line.startswith("Pages:")), 0)
        pages[count] = pages.get(count, 0) + 1
    chosen = random.Random(1).sample(files, min(sample, len(files)))
    warnings, qpdf_failures, fonts, tags = [], 0, set(), set()
    for path in chosen:
        for arguments in (["pdftotext", path, "-"], ["pdffonts", path], ["pdfinfo", path]):
            _, out, err = tool(arguments)
            if err.strip():
                warnings.append(f"{arguments[0]}: {err.strip().splitlines()[0]}")
            if arguments[0] == "pdffonts":
                for row in out.splitlines()[2:]:
                    fields = row.split()
                    # Subset tags differ per document: counted, not listed.
                    name = re.sub(r"^[A-Z]{6}\+", "<tag>+", fields[0])
                    tags.add(fields[0][:6]) if name != fields[0] else None
                    fonts.add(f"{name} {fields[1]}, emb {fields[-5]}, sub {fields[-4]}, uni {fields[-3]}")
        status, _, _ = tool(["qpdf", "--check", path])
        qpdf_failures += status != 0
    return {"pages": pages, "sampled": len(chosen), "warnings": warnings, "qpdf_failures": qpdf_failures,
            "fonts": sorted(fonts), "tags": len(tags)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", action="append", required=True, help="NAME=PATH, in the order to run them")
    parser.add_argument("--documents", type=int, default=2000, help="documents rendered per measurement")
    parser.add_argument("--orders", type=int, default=2600, help="orders generated (enough for --documents)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--check-sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    binaries = []
    for item in args.binary:
        name, _, path = item.partition("=")
        if not os.access(path, os.X_OK):
            raise SystemExit(f"benchmark-pdfs: no ordrecon at {path}")
        binaries.append((name, os.path.abspath(path)))

    top = tempfile.mkdtemp(prefix="ordrecon-bench-pdfs-")
    try:
        source = os.path.join(top, "source")
        os.mkdir(source)
        first = binaries[0][1]
        benchmark.generate(first, source, args.orders, args.seed,
                           ["--lifecycle", "spread", "--formats", "csv", "--no-faults"])
        gateway, url = benchmark.start_mock_gateway(first)
        benchmark.configure(source, url)
        try:
            ingest = benchmark.measure([first, "run", "--json", "--quiet"], source)
        finally:
            gateway.terminate()
            gateway.wait()
        if ingest.returncode not in (0, 65):
            print(ingest.err[-3000:], file=sys.stderr)
            raise SystemExit(f"benchmark-pdfs: ordrecon run exited {ingest.returncode}")
        print(f"{args.orders:,} orders ingested; rendering the oldest {args.documents:,} documents, "
              f"{args.rounds} round(s), on {os.cpu_count()} cores")
        results = {name: [] for name, _ in binaries}
        last = {}
        for round_number in range(1, args.rounds + 1):
            for name, path in binaries:
                work = os.path.join(top, f"{name}-{round_number}")
                shutil.copytree(source, work, symlinks=True)
                result = render(path, work, args.documents)
                results[name].append(result)
                print(f"  round {round_number} {name:>8}: {result['documents']:,} documents in "
                      f"{result['seconds']:.2f} s, {result['documents_per_s']:,.0f} documents/s, "
                      f"{result['kib_each']:.1f} KiB each, CPU {result['cpu_s']:.1f} s, "
                      f"peak RSS {result['peak_rss_mib']:.0f} MiB")
                if name in last:
                    shutil.rmtree(last[name])
                last[name] = work
        print("best of the rounds:")
        for name, _ in binaries:
            best = max(results[name], key=lambda r: r["documents_per_s"])
            print(f"  {name:>8}: {best['documents_per_s']:,.0f} documents/s, {best['kib_each']:.1f} KiB each")
        for name, _ in binaries:
            files = pdfs_under(os.path.join(last[name], "invoices"))
            found = check(files, args.check_sample)
            pages = ", ".join(f"{count} with {p} page(s)" for p, count in sorted(found["pages"].items()))
            print(f"  {name:>8}: {len(files):,} PDFs, {pages}; fonts: {'; '.join(found['fonts'])} "
                  f"({found['tags']} different subset tags)")
            print(f"  {'':>8}  on {found['sampled']} of them: qpdf --check failed {found['qpdf_failures']}, "
                  f"stderr lines of pdftotext/pdffonts/pdfinfo: {len(found['warnings'])}"
                  + (f" (e.g. {found['warnings'][0]})" if found["warnings"] else ""))
    finally:
        if args.keep:
            print(f"kept {top}")
        else:
            shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
