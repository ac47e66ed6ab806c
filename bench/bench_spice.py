"""Benchmark: `Spice.view` on a proposal with 10,000 spice records over 50 handles, stored as files.

Run from the repository root:
    PYTHONPATH=. python bench/bench_spice.py            # defaults: 10000 records, 50 handles
    PYTHONPATH=. python bench/bench_spice.py --records 2000 --handles 10

Baselines measured in the same run: one `os.stat` of the spice folder, and one `os.scandir` listing of it
(what a view would cost at least if it re-listed the folder every time).
"""
import os, time, random, shutil, argparse, tempfile, statistics, warnings
from nx5d.spice import open_spice, make_record, dump_record, RACY_SECONDS


def build(folder, n_records, n_handles, n_anchors, rnd):
    "Write the records straight to files (same bytes as FolderRecords.write, without an fsync per file)."
    os.makedirs(folder)
    revs = n_records // (n_handles * n_anchors)
    scans = []
    for h in range(n_handles):
        anchors = [''] + [f'{k:06d}' for k in sorted(rnd.sample(range(1, 100_000), n_anchors - 1))]
        scans += anchors[1:]
        for a in anchors:
            for r in range(1, revs + 1):
                rec = make_record(f'h{h:02d}', a, r, {'img_center': (50, 120), 'img_distance': 690.0 + r,
                                                     'grid_size': (70, 140), 'note': f'revision {r} of {a or "seed"}'})
                with open(os.path.join(folder, rec['uuid'] + '.json'), 'wb') as f: f.write(dump_record(rec))
    return revs * n_handles * n_anchors


def per_call(f, n):
    "Mean seconds per call of `f` over `n` calls."
    t0 = time.perf_counter()
    for _ in range(n): f()
    return (time.perf_counter() - t0) / n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--records', type=int, default=10_000)
    ap.add_argument('--handles', type=int, default=50)
    ap.add_argument('--anchors', type=int, default=20, help='branches per handle (the seed included)')
    ap.add_argument('--views', type=int, default=10_000, help='views per measurement')
    a = ap.parse_args()
    rnd = random.Random(1)
    tmp = tempfile.mkdtemp(prefix='bench_spice_')
    try:
        url = f'file://{tmp}/{{proposal}}/spice'
        folder = os.path.join(tmp, 'p1', 'spice')
        t0 = time.perf_counter(); n = build(folder, a.records, a.handles, a.anchors, rnd); t_build = time.perf_counter() - t0
        keys = [f'{rnd.randrange(1, 100_000):06d}' for _ in range(a.views)]

        # cold: a new object loads every record once
        t0 = time.perf_counter(); sp = open_spice(url, 'p1'); v = sp.view(keys[0]); t_cold = time.perf_counter() - t0
        assert len(sp) == n and len(v) == a.handles, (len(sp), len(v))

        # while the folder changed less than RACY_SECONDS ago, a view re-lists it (no file is read again)
        t_racy = per_call(lambda: sp.view(keys[0]), 20)
        time.sleep(RACY_SECONDS + 0.2); sp.view(keys[0])           # listing taken long enough after the change: trusted
        assert sp.store._trusted

        it = iter(keys * 2)
        t_same = per_call(lambda: sp.view(keys[0]), a.views)        # same viewpoint: cached view
        t_distinct = per_call(lambda: sp.view(next(it)), a.views)   # a new viewpoint every time: view computed
        sp._views.clear(); sp._views_gen = -1
        t_nocache = per_call(lambda: (sp._views.clear(), sp.view(keys[0])), 2000)  # computed, cache emptied each call

        # another writer adds a record: the next view notices and reads that one file
        other = open_spice(url, 'p1')
        def write_then_view():
            other.update(keys[0], 'h00', note=f'x{rnd.random()}')
            t = time.perf_counter(); w = sp.view(keys[0]); dt = time.perf_counter() - t
            assert w['h00'].note == other.written[-1]['data']['note']
            return dt
        t_new = statistics.mean(write_then_view() for _ in range(20))

        # a record nobody may read (another user's file without read permission): views must stay cheap
        den = open_spice(url, 'p1')
        blocked, real_read = sorted(os.listdir(folder))[0], den.store._read
        def no_access(name):
            if name == blocked: raise PermissionError(13, 'Permission denied', name)
            return real_read(name)
        den.store._read = no_access
        with warnings.catch_warnings():
            warnings.simplefilter('ignore'); den.view(keys[0])
        time.sleep(RACY_SECONDS + 0.2); den.view(keys[0])
        it3 = iter(keys)
        t_denied = per_call(lambda: den.view(next(it3)), a.views)

        # baselines
        t_stat = per_call(lambda: os.stat(folder), 10_000)
        t_scandir = per_call(lambda: sum(1 for _ in os.scandir(folder)), 50)
        mem = open_spice('', 'p1')
        for r in sp._index.by_uuid.values(): mem._index.add(r)
        it2 = iter(keys)
        t_mem = per_call(lambda: mem.view(next(it2)), a.views)

        us = lambda s: f'{s * 1e6:9.1f} us'
        print(f'spice view benchmark: {n} records, {a.handles} handles x {a.anchors} branches x {n // a.handles // a.anchors} '
              f'revisions, folder {folder}')
        print(f'  build (write {n} files)                 {t_build:9.2f} s')
        print(f'  cold open + first view (reads all)       {t_cold * 1e3:9.1f} ms')
        print(f'  view, same viewpoint (cached)            {us(t_same)}')
        print(f'  view, new viewpoint each call            {us(t_distinct)}')
        print(f'  view, computed (cache cleared each call) {us(t_nocache)}')
        print(f'  view, in-memory store, new viewpoint     {us(t_mem)}')
        print(f'  view while folder is racy (re-lists it)  {us(t_racy)}')
        print(f'  first view after another writer\'s record {us(t_new)}')
        print(f'  view with one unreadable record, new vp  {us(t_denied)}')
        print(f'  baseline: os.stat(folder)                {us(t_stat)}')
        print(f'  baseline: one os.scandir of the folder   {us(t_scandir)}')
        print(f'  ratio  scandir / view(new viewpoint)     {t_scandir / t_distinct:9.1f} x')
        print(f'  ratio  view(new viewpoint) / stat        {t_distinct / t_stat:9.1f} x')
        print(f'  target: view under 1 ms -> {"met" if t_distinct < 1e-3 else "MISSED"}')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
