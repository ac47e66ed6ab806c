#!/usr/bin/env python
"""Benchmark `nx5d.xrf.raw_to_datastack` against the seed's three-pass recipe, and the two hand-written kernels.

    PYTHONPATH=<worktree> python bench/bench_storage.py [--dir DIR] [--sizes 1,2] [--keep]
    PYTHONPATH=<worktree> python bench/bench_storage.py --kernels [--rounds 7]

`--kernels` (seconds, no files) times, in one process, each pair back to back per round, medians of the ratios:
- `nx5d.xrf.smooth_spectra` against `scipy.ndimage.gaussian_filter1d` on the same 1,024 spectra of 4,096 channels
  (the reason the conversion keeps its own smoother);
- `nx5d.storage.encode_chunks` (zstd called directly for zarr's default codecs) against zarr encoding the same block
  of 32 x 128 x 4,096 float32 values into an in-memory store, in the cube's chunks (1 MiB) and in small chunks
  (8 KiB), where zarr's cost per chunk shows (the reason for the direct path).

For each size (GiB of uint16 raw data, 4096 channels) a synthetic macro-XRF cube is written once (Poisson counts of a
few fluorescence lines over a background, varying per pixel). Then each variant runs in a fresh child process, so that
its peak RSS (VmHWM, reported by the child itself) is its own:

- `read`     the floor: read the .raw file once, sequentially, nothing else;
- `seed`     the seed's recipe on the same zarr 3 zip: memmap (both axes reversed) -> dask (auto chunks) -> float32 ->
             Gaussian along the channels (scipy.ndimage.gaussian_filter1d via map_overlap, what dask_ndfilters does) ->
             written into a zarr.storage.ZipStore with chunks = dask chunks, then one pass over the stored cube for the
             max spectrum and one for the sum spectrum;
- `nx5d`     raw_to_datastack (default threaded scheduler), one pass;
- `nx5d-scipy` the same one-pass pipeline with scipy's gaussian_filter1d as the smoother (separates the gain of the
             single pass from the gain of the faster smoothing; run at the first size only).

The seed writes through a proxy that dask does not copy: `dask.array.to_zarr` or `da.store` straight into a ZipStore
corrupts the zip (dask's tokenize round-trips the store through pickle, which re-opens the file in write mode; see
nbs/04_storage.ipynb). All runs share the page cache (the raw file is read once
before timing); times are those measured inside each child around the work (imports excluded). Also measured: the cost
of one small append to the converted datastack, against copying the whole file (the copy-on-write alternative).
"""
import argparse, json, os, shutil, subprocess, sys, time
from timing import paired_ratio   # same directory (bench/timing.py)

H_W = {0: (32, 64), 1: (256, 512), 2: (512, 512)}   # 131072 spectra per GiB of uint16 at 4096 channels; 0: a smoke test
D = 4096


def make_cube(raw, rpl, h, w):
    import numpy as np
    rng = np.random.default_rng(2024)
    ch = np.arange(D)
    def peak(c, s): return np.exp(-0.5 * ((ch - c) / s) ** 2)
    lines = [peak(820, 12) + 0.2 * peak(905, 13), peak(1480, 15), peak(2350, 18) + 0.3 * peak(2610, 19)]
    back = 0.4 + 1.5 * np.exp(-ch / 700)
    tmp = raw + '.part'
    with open(tmp, 'wb') as fh:
        for r in range(h):
            amp = rng.gamma(2.0, 2.0, size=(w, len(lines)))
            lam = back + amp @ np.array(lines) * 4
            fh.write(rng.poisson(lam).astype('<u2').tobytes())
    os.replace(tmp, raw)
    with open(rpl, 'w') as fh:
        fh.write(f'key\tvalue\nwidth\t{w}\nheight\t{h}\ndepth\t{D}\noffset\t0\ndata-length\t2\n'
                 'data-type\tunsigned\nbyte-order\tlittle-endian\nrecord-by\tvector\n')


# ---------------------------------------------------------------- children
def child_read(raw, rpl, out):
    t = time.perf_counter()
    with open(raw, 'rb', buffering=0) as fh:
        buf = bytearray(8 << 20)
        while fh.readinto(buf): pass
    return time.perf_counter() - t


def child_nx5d(raw, rpl, out):
    from nx5d.xrf import raw_to_datastack
    t = time.perf_counter()
    raw_to_datastack(raw, rpl, out, verbose=False, progress=False, overwrite=True)
    return time.perf_counter() - t


def child_nx5d_scipy(raw, rpl, out):
    import numpy as np, scipy.ndimage as ndi
    import nx5d.xrf as X
    def scipy_smooth(x, sigma=7, **kw):
        return ndi.gaussian_filter1d(np.asarray(x, np.float32), sigma, axis=-1, mode='reflect', truncate=4.0)
    X.smooth_spectra = scipy_smooth          # _convert_block looks it up at call time (threaded scheduler: same process)
    t = time.perf_counter()
    X.raw_to_datastack(raw, rpl, out, verbose=False, progress=False, overwrite=True)
    return time.perf_counter() - t


class _Target:
    """Writes blocks into a zarr array on a ZipStore. dask tokenizes a store target by pickling *and unpickling* it,
    and an unpickled ZipStore re-opens its file in write mode, truncating it: this proxy has its own token."""
    def __init__(self, z): self.z, self.token = z, os.urandom(8).hex()
    def __dask_tokenize__(self): return self.token
    def __deepcopy__(self, memo): return self
    def __copy__(self): return self
    def __setitem__(self, key, value): self.z[key] = value
    shape = property(lambda self: self.z.shape)
    dtype = property(lambda self: self.z.dtype)
    ndim = property(lambda self: self.z.ndim)


def child_seed(raw, rpl, out):
    import numpy as np, dask.array as da, zarr, scipy.ndimage as ndi
    from nx5d.xrf import read_rpl
    t = time.perf_counter()
    hdr = read_rpl(rpl)
    h, w, d = hdr.shape
    raw_mm = np.memmap(raw, dtype=hdr.dtype, mode='r', shape=hdr.shape)[::-1, ::-1]
    arr = da.from_array(raw_mm).astype(np.float32)
    r = int(4.0 * 7 + 0.5)
    smoothed = arr.map_overlap(ndi.gaussian_filter1d, depth={0: 0, 1: 0, 2: r}, boundary='none', dtype=np.float32,
                               sigma=7, axis=-1, mode='reflect', truncate=4.0)
    zs = zarr.storage.ZipStore(out, mode='w')
    z = zarr.create_array(store=zs, name='maxrf_cube', shape=smoothed.shape, dtype=np.float32,
                          chunks=tuple(c[0] for c in smoothed.chunks))
    da.store(smoothed, _Target(z), lock=False)                         # pass 1: write the smoothed cube
    zs.close()
    zs = zarr.storage.ZipStore(out, mode='r')
    cube = da.from_zarr(zarr.open_array(zs, path='maxrf_cube', mode='r'))
    flat = cube.reshape([h * w, d])
    y_max = flat.max(axis=0).compute()                                 # pass 2
    y_sum = flat.sum(axis=0).compute() / (h * w)                       # pass 3
    zs.close()
    np.save(out + '.spectra.npy', np.stack([y_max, y_sum]))
    return time.perf_counter() - t


CHILDREN = {'read': child_read, 'nx5d': child_nx5d, 'nx5d-scipy': child_nx5d_scipy, 'seed': child_seed}


# ---------------------------------------------------------------- kernels
def kernels(rounds):
    "Time the smoother and the chunk encoder against the library code they replace (back to back each round); print the ratios."
    import numpy as np, scipy.ndimage as ndi, zarr
    from zarr.core.buffer import default_buffer_prototype
    from nx5d.xrf import smooth_spectra
    from nx5d.storage import array_meta, encode_chunks
    rng = np.random.default_rng(1)
    spectra = rng.poisson(5, (1024, D)).astype('<u2')
    scipy_smooth = lambda: ndi.gaussian_filter1d(spectra.astype('f4'), 7, axis=-1, mode='reflect', truncate=4.0)
    np.testing.assert_array_max_ulp(smooth_spectra(spectra, 7), scipy_smooth(), maxulp=1)          # the same values
    r, t_scipy, t_ours = paired_ratio(scipy_smooth, lambda: smooth_spectra(spectra, 7), rounds)
    print(f'smoothing 1024 x {D} spectra: smooth_spectra {t_ours * 1e3:.0f} ms, scipy gaussian_filter1d '
          f'{t_scipy * 1e3:.0f} ms: {r:.1f}x faster')
    block = ndi.gaussian_filter1d(rng.poisson(5, (32, 128, D)).astype('f4'), 7, axis=-1)
    for chunks, what in [((32, 32, 256), 'the cube chunks, 1 MiB'), ((2, 2, 512), 'small chunks, 8 KiB')]:
        meta, region = array_meta(block.shape, np.float32, chunks), tuple(slice(0, n) for n in block.shape)
        def zarr_encode():
            d = {'zarr.json': default_buffer_prototype().buffer.from_bytes(meta)}
            zarr.open_array(zarr.storage.MemoryStore(d), mode='r+')[region] = block
            return sorted((k, v.to_bytes()) for k, v in d.items() if k != 'zarr.json')
        assert sorted((k, b) for k, b, _ in encode_chunks(meta, region, block)) == zarr_encode()   # the same bytes
        r, t_zarr, t_ours = paired_ratio(zarr_encode, lambda: encode_chunks(meta, region, block), rounds)
        print(f'encoding a 32 x 128 x {D} float32 block in {what}: encode_chunks {t_ours * 1e3:.0f} ms, '
              f'zarr {t_zarr * 1e3:.0f} ms: {r:.1f}x faster')


# ---------------------------------------------------------------- parent
def peak_rss_mib():
    """Peak resident memory of this process since it started its program (VmHWM). Unlike `ru_maxrss` of a child, it
    does not include the parent's peak, which Linux carries over into a child started with vfork (as subprocess does)."""
    with open('/proc/self/status') as fh:
        for line in fh:
            if line.startswith('VmHWM:'): return int(line.split()[1]) / 1024


def run_child(variant, raw, rpl, out):
    "Run one variant in a fresh interpreter; returns (seconds of work, peak RSS in MiB)."
    p = subprocess.run([sys.executable, __file__, '--child', variant, raw, rpl, out], stdout=subprocess.PIPE)
    if p.returncode != 0: raise SystemExit(f'{variant} failed ({p.returncode})')
    r = json.loads(p.stdout.decode().strip().splitlines()[-1])
    return r['seconds'], r['peak_rss_mib']


def check(nx5d_out, seed_out):
    "The two results agree (cube to float32 rounding, spectra)."
    import numpy as np, zarr
    from nx5d.storage import DataStack
    ds = DataStack(nx5d_out)
    a = ds.read('maxrf_cube', compute=False)[:32, :64].compute()
    b = zarr.open_array(zarr.storage.ZipStore(seed_out, mode='r'), path='maxrf_cube', mode='r')[:32, :64]
    y_max, y_sum = np.load(seed_out + '.spectra.npy')
    return (float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-6))),
            bool(np.array_equal(ds.read('maxrf_maxspectrum'), y_max)),
            float(np.max(np.abs(ds.read('maxrf_sumspectrum') - y_sum) / np.maximum(y_sum, 1e-9))))


def append_cost(datastack):
    "Milliseconds for one small append to `datastack`, and seconds to copy the whole file."
    import numpy as np
    from nx5d.storage import append
    t = time.perf_counter(); append(np.arange(4096, dtype='f4'), 'one_spectrum', datastack); ta = time.perf_counter() - t
    t = time.perf_counter(); shutil.copyfile(datastack, datastack + '.copy'); tc = time.perf_counter() - t
    os.remove(datastack + '.copy')
    return ta * 1e3, tc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dir', default='/tmp/nx5d_bench_storage')
    ap.add_argument('--sizes', default='1,2', help='GiB of raw data, comma separated (1 and/or 2)')
    ap.add_argument('--keep', action='store_true', help='keep the datastacks written')
    ap.add_argument('--kernels', action='store_true', help='time the smoother and the chunk encoder only (seconds)')
    ap.add_argument('--rounds', type=int, default=7, help='rounds for --kernels (medians are reported)')
    ap.add_argument('--child', nargs=4, metavar=('VARIANT', 'RAW', 'RPL', 'OUT'), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.kernels:
        print(f'{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {a.rounds} rounds, medians')
        kernels(a.rounds)
        return
    if a.child:
        variant, raw, rpl, out = a.child
        seconds = CHILDREN[variant](raw, rpl, out)
        print(json.dumps({'seconds': seconds, 'peak_rss_mib': peak_rss_mib()}))
        return
    os.makedirs(a.dir, exist_ok=True)
    import platform, dask, zarr, numpy
    print(f'python {platform.python_version()}, numpy {numpy.__version__}, dask {dask.__version__}, zarr {zarr.__version__}, '
          f'{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}')
    rows = []
    for gib in [int(s) for s in a.sizes.split(',')]:
        h, w = H_W[gib]
        raw, rpl = f'{a.dir}/cube{gib}.raw', f'{a.dir}/cube{gib}.rpl'
        if not os.path.exists(raw) or os.path.getsize(raw) != h * w * D * 2:
            print(f'writing a {gib} GiB synthetic cube ({h} x {w} x {D} uint16)...', flush=True)
            make_cube(raw, rpl, h, w)
        run_child('read', raw, rpl, '')                  # warm the page cache
        res = {}
        variants = ['read', 'seed', 'nx5d'] + (['nx5d-scipy'] if gib == int(a.sizes.split(',')[0]) else [])
        for v in variants:
            out = f'{a.dir}/{v}{gib}.datastack'
            res[v] = run_child(v, raw, rpl, out)
            print(f'  {gib} GiB {v:11s} {res[v][0]:7.1f} s   peak RSS {res[v][1]:6.0f} MiB', flush=True)
        err, max_eq, sum_err = check(f'{a.dir}/nx5d{gib}.datastack', f'{a.dir}/seed{gib}.datastack')
        ms, copy_s = append_cost(f'{a.dir}/nx5d{gib}.datastack')
        rows.append((gib, res, err, max_eq, sum_err, ms, copy_s,
                     os.path.getsize(f'{a.dir}/nx5d{gib}.datastack'), os.path.getsize(f'{a.dir}/seed{gib}.datastack')))
        if not a.keep:
            for v in variants:
                for suffix in ('', '.spectra.npy'):
                    if os.path.exists(f'{a.dir}/{v}{gib}.datastack{suffix}'): os.remove(f'{a.dir}/{v}{gib}.datastack{suffix}')
    print('\nsize   variant      time [s]  peak RSS [MiB]  seed/variant  variant/read')
    for gib, res, *_ in rows:
        for v, (t, rss) in res.items():
            print(f'{gib} GiB  {v:11s} {t:9.1f}  {rss:14.0f}  {res["seed"][0] / t:12.2f}  {t / res["read"][0]:12.1f}')
    print()
    for gib, res, err, max_eq, sum_err, ms, copy_s, n_size, s_size in rows:
        print(f'{gib} GiB: nx5d is {res["seed"][0] / res["nx5d"][0]:.2f}x faster than the seed recipe; '
              f'cube max rel. diff {err:.1e}, max spectra equal: {max_eq}, sum spectra max rel. diff {sum_err:.1e}; '
              f'file {n_size / 2**30:.2f} GiB (seed {s_size / 2**30:.2f} GiB)')
        print(f'       one small append to it: {ms:.0f} ms; copying the file instead (copy-on-write): {copy_s:.1f} s')
    if len(rows) > 1:
        (g1, r1, *_), (g2, r2, *_) = rows[0], rows[-1]
        print(f'\npeak RSS from {g1} to {g2} GiB: nx5d {r1["nx5d"][1]:.0f} -> {r2["nx5d"][1]:.0f} MiB, '
              f'seed {r1["seed"][1]:.0f} -> {r2["seed"][1]:.0f} MiB')


if __name__ == '__main__':
    main()
