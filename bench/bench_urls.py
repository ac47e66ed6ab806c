"""Benchmark: listing the scans of a proposal folder with 10,000 scan folders.

Compares `UrlPattern.keys('scan', proposal=...)` with a bare `os.scandir` of the same folder, in the same
process, on a warm directory cache. Prints per-listing times (median of repeats) and the ratio.

    python bench/bench_urls.py [--scans 10000] [--repeat 20]
"""
import argparse, os, statistics, tempfile, time, shutil
from nx5d.urls import UrlPattern
from timing import median_time, paired_ratio   # same directory (bench/timing.py)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scans', type=int, default=10_000)
    ap.add_argument('--repeat', type=int, default=20)
    ap.add_argument('--names', default='{i:06d}', help="scan folder names, e.g. 'scan_{i}'")
    a = ap.parse_args()
    root = tempfile.mkdtemp()
    try:
        prop = os.path.join(root, '20210205')
        for i in range(a.scans): os.makedirs(os.path.join(prop, a.names.format(i=i)))
        open(os.path.join(prop, 'notes.txt'), 'w').close()
        pat = UrlPattern(f'file://{root}/{{proposal}}/{{scan}}')

        def scandir():
            with os.scandir(prop) as it: return [e.name for e in it if e.is_dir()]
        def scandir_sorted(): return sorted(scandir())
        def nx5d_list(): return pat.keys('scan', proposal='20210205')

        t0 = time.perf_counter(); first = nx5d_list(); t_first = time.perf_counter() - t0
        assert len(first) == a.scans
        t_sd, t_sds, t_nx = (median_time(f, a.repeat) for f in (scandir, scandir_sorted, nx5d_list))
        print(f'scans: {a.scans} named like {a.names.format(i=7)!r}, repeats: {a.repeat} (median)')
        print(f'first UrlPattern.keys {t_first*1e3:8.2f} ms   {t_first/t_sd:.2f}x   (cold caches of this process)')
        print(f'os.scandir            {t_sd*1e3:8.2f} ms   1.00x')
        print(f'os.scandir + sorted   {t_sds*1e3:8.2f} ms   {t_sds/t_sd:.2f}x')
        print(f'UrlPattern.keys       {t_nx*1e3:8.2f} ms   {t_nx/t_sd:.2f}x')
        r = paired_ratio(nx5d_list, scandir, a.repeat * 5)[0]
        print(f'paired ratio, median of {a.repeat * 5} back-to-back rounds: UrlPattern.keys / os.scandir = {r:.2f}x   (target: within 3x)')
    finally:
        shutil.rmtree(root)


if __name__ == '__main__':
    main()
