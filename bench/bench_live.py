#!/usr/bin/env python
"""Benchmark of live following (nx5d.live) on a full-size UDKM PXS scan (5,187 frames of 195x487 int32, deflate TIFFs).

Another process measures the scan (`nx5d.live.replay_udkm`: for each frame its manifest line, then its TIFF) at
`--rate` frames per second into a new scan folder, while this process follows it with `scan.follow(poll=--poll)`:

(a) latency: for each frame, the time from its landing on disk (the writer notes when its line and its TIFF are both
    written) to the first result that holds it (`Follow.history`); median and max, and without the frames of the
    first result (which waits for the start-up). Target: <= poll + 100 ms.
(b) CPU per followed frame (this process's CPU time while following, all threads, divided by the frames; with and
    without the start-up: imports, the pixel mappings of the 21 angle sets, the first result), split (after the first
    result) into reading and decoding the new rows, adding them to the maps (the engine; of it, the frames kernel, in
    the CPU time of the thread that runs it) and making the results; against, in the same
    process after following (medians of `--repeat` rounds): just decoding the frames (`nx5d.tiff.read_frame` into one
    reused array), loading them (`fs_load_data(lazy=False)`, issue 12's baseline) and cooking the finished scan in
    one go (`scan.cooked`, from the lazy raw; one round). Target: <= 2x decoding.
    Decoding is also counted while following (d): the CPU time spent in `nx5d.udkm.decode_frame` (the frames' bytes
    into arrays, as following reads them) per frame, with the start-up and after the first result: the same frames
    decoded in the same conditions (a writer at work, caches cold after each poll's wait); the file reads are not in it.
    The floor: cooking the finished scan in one go, which has every frame of an angle set at hand at once (following
    does the same work with 2-3 of them at a time); its ratios to both decodings are printed beside the target.
(e) the frames kernel alone (`nx5d.rsm.frames_product`), CPU per frame on the scan's first frames, in memory: each
    angle set's first 3 frames 10 times in a row (its mapping and frames stay in the processor's caches), and the
    frames 50 at a time as polls bring them (2-3 per angle set, one angle set after the other: they do not); both
    also with the kernel compiled without its fetching ahead (`nx5d.kernel.prefetch` replaced by `skip_prefetch`),
    the rounds of the two interleaved.
(c) steps: for each result after the first, the wall time from the start of the look at the files that found its
    frames to the result made (median, 95th percentile, max; and for the longest, how many pixel mappings it built:
    an angle set seen for the first time). With `--huge-pages` the follower and the engine leave
    numpy's requests for transparent huge pages on (`nx5d.rsm.small_pages` made a no-op), as before they turned them off.

    PYTHONPATH=. python bench/bench_live.py [--data DIR] [--rate 50] [--poll 1.0] [--repeat 3] [--frames N] [--idle S] [--huge-pages]

Without `--data`, the finished scan is generated into a temporary folder (about 40 MB, removed afterwards); with
`--data DIR` it is generated there once and reused. The machine load (`os.getloadavg`) is printed at the start and
the end: the writer is a process of its own, so on a busy machine latency suffers first.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, threading, time, warnings
from pathlib import Path

import numpy as np

import timing
from timing import example_scan, kernel_without_prefetch

SCAN = Path(*timing.SCAN)


def load():
    return ' '.join(f'{x:.2f}' for x in os.getloadavg())


def writer(src, dst, rate, frames, log):
    "The replaying writer, in a process of its own."
    code = ('import sys, json; from nx5d.live import replay_udkm; a = json.loads(sys.argv[1]); '
            'replay_udkm(a["src"], a["dst"], rate=a["rate"], frames=a["frames"], log=a["log"])')
    args = json.dumps(dict(src=str(src), dst=str(dst), rate=rate, frames=frames, log=str(log)))
    return subprocess.Popen([sys.executable, '-c', code, args])


def phases():
    "CPU time spent in the phases of following, counted by wrapping the methods that do them (this process only)."
    from nx5d.udkm import UdkmDataScan
    from nx5d import rsm
    import nx5d.udkm
    spent = {'reading and decoding rows': 0.0, 'adding them to the maps (engine)': 0.0, 'making results': 0.0}
    marks = {'reading and decoding rows': [], 'making results': []}       # wall clock: (start, end) of each call
    builds = []                                                           # mapping builds at the start of each look
    def wrap(owner, name, key):
        fn = getattr(owner, name)
        def timed(*a, **k):
            c, t = time.process_time(), time.perf_counter()
            if key == 'reading and decoding rows': builds.append(rsm.mapping_cache.builds)
            try: return fn(*a, **k)
            finally:
                spent[key] += time.process_time() - c
                if key in marks: marks[key].append((t, time.perf_counter()))
        setattr(owner, name, timed)
    wrap(UdkmDataScan, 'follow_rows', 'reading and decoding rows')
    wrap(rsm.RsmAccumulator, 'add_data', 'adding them to the maps (engine)')
    wrap(rsm.RsmAccumulator, 'result', 'making results')
    import nx5d.kernel as K
    parts, lock, kernel = {'decoding': 0.0, 'the frames kernel': 0.0}, threading.Lock(), K.frames_kernel
    def part(fn, key):
        "`fn`, its CPU time (of the thread that runs it: the kernel may run in the engine's threads) added to parts[key]."
        def timed(*a, **k):
            c = time.thread_time()
            try: return fn(*a, **k)
            finally:
                with lock: parts[key] += time.thread_time() - c
        return timed
    decode = nx5d.udkm.decode_frame
    nx5d.udkm.decode_frame = part(decode, 'decoding')                    # what reading the rows calls per frame
    K.frames_kernel = part(kernel, 'the frames kernel')                  # frames_product imports it at each call
    def unwrap(): nx5d.udkm.decode_frame, K.frames_kernel = decode, kernel
    marks['builds'] = builds
    return spent, marks, parts, unwrap


def steps(marks, builds_now):
    "(wall seconds from the start of each look that found frames to the result made from them, results after the first; mappings each built)."
    looks = np.array([t0 for t0, _ in marks['reading and decoding rows']])
    at = np.r_[marks['builds'], builds_now]                               # builds before each look, and at the end
    out, built = [], []
    for t0, t1 in marks['making results'][1:]:
        i = int(np.searchsorted(looks, t0, 'right')) - 1
        if i >= 0: out.append(t1 - looks[i]); built.append(int(at[i + 1] - at[i]))
    return np.array(out), np.array(built, int)


def follow(dst_root, poll, idle, counters):
    "Follow the scan being written: (follower, proposal, CPU s in all, CPU s after the first result, frames then, `counters` at the first result)."
    from nx5d.udkm import UdkmRepository, ScanSpec
    spec = ScanSpec()
    prop = UdkmRepository(f'file://{dst_root}/{{proposal}}/{{scan}}', spice_url='')[SCAN.parts[0]]
    prop.spice.seed('settings', img_center=list(spec.center), img_distance=spec.distance, energy=spec.energy,
                    pixel_size=spec.pixel, grid_size=[80, 150])
    while not (Path(dst_root) / SCAN / 'manifest.dat').exists(): time.sleep(0.01)
    c0 = time.process_time()
    f = prop.refresh()[SCAN.parts[1]].follow(poll=poll, idle=idle)
    c1 = f1 = None
    for res in f:
        if c1 is None: c1, f1, at1 = time.process_time(), f.frames, {k: dict(v) for k, v in counters.items()}
    c2 = time.process_time()
    return f, prop, c2 - c0, c2 - c1, f.frames - f1, at1


def cpu_per_frame(fn, n, repeat):
    "Median CPU seconds per frame of `fn()` over `repeat` rounds (and the rounds)."
    out = []
    for _ in range(repeat):
        c = time.process_time(); fn(); out.append((time.process_time() - c) / n)
    return statistics.median(out), out


def baselines(scan_dir, prop, n, repeat):
    "CPU per frame: decoding (read_frame into a reused array), loading (fs_load_data, eager), cooking in one go."
    from nx5d.udkm import fs_load_data
    from nx5d.tiff import read_frame, LayoutReader
    paths = [f'{scan_dir}/image{i:05d}.tiff' for i in range(n)]
    def decode():
        out, lr = np.empty((195, 487), np.int32), LayoutReader()
        for p in paths: read_frame(p, out, layouts=lr)
    def cooked():
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            prop.refresh()[SCAN.parts[1]].refresh().cooked
    return {'decoding': cpu_per_frame(decode, n, repeat),
            'loading (fs_load_data, eager)': cpu_per_frame(lambda: fs_load_data(scan_dir, lazy=False, progress=False), n, repeat),
            'cooking the finished scan (scan.cooked)': cpu_per_frame(cooked, n, 1)}


def kernel_caches(scan, n, repeat):
    "CPU per frame of the frames kernel, with and without prefetching: {(kind, 'warm' or 'cold'): (median, rounds)}."
    from nx5d import rsm
    raw = scan.raw.isel(index=slice(0, n)).load()
    acc = rsm.accumulator_for(raw, scan.follow_settings(dict(scan.spice)))
    inp = rsm.frame_inputs(acc, raw)
    asets, aid = acc.angle_sets(inp['angles'], inp['energy'])
    F = rsm.kernel_frames(raw[acc.settings.images].values)
    sets = list(dict.fromkeys(aid.tolist()))
    sc, outs = rsm.Scratch(), {a: np.zeros((acc.mapping(asets[a]).P.shape[1], 16)) for a in sets}   # a 3-D grid's mappings keep their own bins
    def product(fr, a):
        for k in range(0, len(fr), 16):
            g = fr[k:k + 16]
            rsm.frames_product(acc, F, g, [1] * len(g), None, acc.corrections(asets[a]), acc.mapping(asets[a]), 1.0, sc, outs[a], 0)
    def warm():
        for a in sets:
            for _ in range(10): product(np.flatnonzero(aid == a)[:3], a)
    def cold():
        for s0 in range(0, n, 50):
            idx = np.arange(s0, min(n, s0 + 50))
            for a in dict.fromkeys(aid[idx].tolist()): product(idx[aid[idx] == a], a)
    import nx5d.kernel as K
    kernels, res = {'with prefetching': K.frames_kernel, 'without': kernel_without_prefetch()}, {}
    nw = sum(10 * min(3, int((aid == a).sum())) for a in sets)
    try:
        for name, kern in kernels.items():
            K.frames_kernel = kern; warm(); cold()                         # mappings built, kernel compiled
        for _ in range(repeat):
            for name, kern in kernels.items():
                K.frames_kernel = kern
                for kind, fn, nf in (('warm', warm, nw), ('cold', cold, n)):
                    res.setdefault((name, kind), []).append(cpu_per_frame(fn, nf, 1)[0])
    finally: K.frames_kernel = kernels['with prefetching']
    return {k: (statistics.median(v), v) for k, v in res.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--data', default=None, help='folder for the finished scan (generated once, reused)')
    ap.add_argument('--rate', type=float, default=50.0, help='frames per second the writer measures (default 50)')
    ap.add_argument('--poll', type=float, default=1.0, help='seconds between looks at the files (default 1)')
    ap.add_argument('--repeat', type=int, default=3, help='rounds of the baselines (default 3)')
    ap.add_argument('--frames', type=int, default=None, help='measure only this many frames (default all 5,187)')
    ap.add_argument('--idle', type=float, default=None, help='seconds without a frame that end following (default 30; 3 with --frames)')
    ap.add_argument('--huge-pages', action='store_true', help="leave numpy's requests for transparent huge pages on while following")
    a = ap.parse_args()
    a.idle = a.idle if a.idle is not None else (3.0 if a.frames else 30.0)
    print(f'load at start: {load()} ({os.cpu_count()} cores)', flush=True)
    tmp = Path(tempfile.mkdtemp(prefix='nx5d-bench-live-'))
    try:
        src = example_scan(a.data or tmp / 'finished')[0]
        live = tmp / 'live'
        (live / SCAN.parts[0]).mkdir(parents=True)
        log = tmp / 'landed.json'
        for p in sorted(src.iterdir()): p.read_bytes()                       # warm page cache for the writer
        import nx5d.live, xarray, xrayutilities                              # noqa: F401 (imported before the clock)
        spent, marks, parts, unwrap = phases()
        if a.huge_pages:
            import contextlib, nx5d.rsm
            nx5d.rsm.small_pages = contextlib.nullcontext
        print('numpy asks for transparent huge pages while following: ' + ('yes (--huge-pages)' if a.huge_pages else 'no (nx5d.rsm.small_pages)'))
        import gc
        gc.collect(); t = time.perf_counter(); gc.collect(); pause = time.perf_counter() - t
        print(f'a full garbage collection in this process, after its imports: {1e3 * pause:.0f} ms over {len(gc.get_objects())} objects '
              f'(following leaves the objects alive at its first result out of them: nx5d.live.QuietGc)', flush=True)
        w = writer(src, live / SCAN, a.rate, a.frames, log)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            f, prop, cpu_all, cpu_steady, n_steady, at1 = follow(live, a.poll, a.idle, {'spent': spent, 'parts': parts})
        unwrap()
        after = lambda d, k: (d[k] - at1['spent' if d is spent else 'parts'][k]) / max(n_steady, 1)   # per frame, after the first result
        split = {k: after(spent, k) for k in spent}                         # taken now: the baselines below cook too
        kernel, ins, ins_after = after(parts, 'the frames kernel'), parts['decoding'] / f.frames, after(parts, 'decoding')
        assert w.wait() == 0, 'the writer failed'
        landed = json.loads(log.read_text())
        times = np.array([t for t, _ in f.history]); held = np.array([n for _, n in f.history])
        first = np.searchsorted(held, np.arange(len(landed)) + 1)
        lat = times[first] - np.array(landed)
        later = lat[first > 0]
        print(f'followed {f.frames} frames written at {a.rate:g}/s, poll {a.poll:g} s: {len(f.history)} results, '
              f'{f.stats["recooks"]} re-cooks, {f.stats["waits"]} polls waited for a frame being written')
        print(f'(a) latency frame on disk -> in a result: median {1e3 * np.median(lat):.0f} ms, max {1e3 * lat.max():.0f} ms; '
              f'after the first result: median {1e3 * np.median(later):.0f} ms, 95th percentile '
              f'{1e3 * np.percentile(later, 95):.0f} ms, max {1e3 * later.max():.0f} ms (target <= {1e3 * a.poll + 100:.0f} ms)')
        from nx5d.rsm import mapping_cache
        st, built = steps(marks, mapping_cache.builds)
        st = 1e3 * st
        if len(st): print(f'(c) steps, look to result: median {np.median(st):.0f} ms, 95th percentile {np.percentile(st, 95):.0f} ms, '
                          f'max {st.max():.0f} ms over {len(st)} results after the first (result {int(st.argmax()) + 2}, '
                          f'which built {built[st.argmax()]} pixel mappings; {built.sum()} built in all after the first result)')
        base = baselines(live / SCAN, prop, f.frames, a.repeat)
        dec = base['decoding'][0]
        print(f'(b) CPU per frame, following: {1e3 * cpu_all / f.frames:.3f} ms with start-up ({cpu_all / f.frames / dec:.1f}x decoding), '
              f'{1e3 * cpu_steady / max(n_steady, 1):.3f} ms after the first result '
              f'({cpu_steady / max(n_steady, 1) / dec:.1f}x decoding; target <= 2x)')
        print('    of which, after the first result: ' + ', '.join(f'{k} {1e3 * v:.3f} ms' for k, v in split.items())
              + f' (the frames kernel {1e3 * kernel:.3f} ms of it)')
        for k, (m, rounds) in base.items():
            print(f'    {k}: {1e3 * m:.3f} ms (rounds {", ".join(f"{1e3 * r:.3f}" for r in rounds)}); '
                  f'following with start-up = {cpu_all / f.frames / m:.2f}x this')
        print(f'(d) decoding while following (nx5d.udkm.decode_frame, bytes to array): {1e3 * ins:.3f} ms per frame with start-up, '
              f'{1e3 * ins_after:.3f} after the first result; following = {cpu_all / f.frames / ins:.1f}x this with start-up, '
              f'{cpu_steady / max(n_steady, 1) / ins_after:.1f}x after the first result')
        floor = base['cooking the finished scan (scan.cooked)'][0]
        print(f'    the floor, cooking the finished scan in one go: {floor / dec:.1f}x decoding (read_frame), '
              f'{floor / ins_after:.1f}x decoding while following after the first result (target for following: <= 2x)')
        kc = kernel_caches(prop.refresh()[SCAN.parts[1]], min(420, f.frames), max(a.repeat, 5))
        rounds = lambda v: ", ".join(f"{1e3 * r:.3f}" for r in v)
        for name in ('with prefetching', 'without'):
            (w_, wr), (c_, cr) = kc[name, 'warm'], kc[name, 'cold']
            print(f'(e) the frames kernel alone, {name}, CPU per frame: caches warm {1e3 * w_:.3f} ms (rounds {rounds(wr)}), '
                  f'a poll\'s frames in turn {1e3 * c_:.3f} ms (rounds {rounds(cr)}): {c_ / w_:.1f}x warm, {c_ / dec:.1f}x decoding')
        ratio = lambda kind: statistics.median(np.array(kc['without', kind][1]) / np.array(kc['with prefetching', kind][1]))
        print(f'    without prefetching / with, median over the paired rounds: warm {ratio("warm"):.2f}x, a poll\'s frames {ratio("cold"):.2f}x')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f'load at end: {load()}')


if __name__ == '__main__':
    main()
