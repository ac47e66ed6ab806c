#!/usr/bin/env python
"""The tests' S3 server: `nx5d.testing.s3_server` (moto's `ThreadedMotoServer` in this process) against moto's server
in a subprocess on a port found beforehand (what `s3_server` did before), on the work an S3 test does.

    PYTHONPATH=. python bench/bench_s3_server.py [--rounds 7]

Each round, interleaved: start a server, upload the example layouts of `nx5d.testing.make_layouts`, list every
layout's proposals and scans and read one HDF5 scan through `DataRepository`, stop the server. Prints the median
seconds of start, work and stop for each, the ratio of their totals (thread / subprocess), and the load average.
"""
import argparse, contextlib, os, socket, statistics, subprocess, sys, tempfile, shutil, time


@contextlib.contextmanager
def subprocess_server():
    "moto's server in a subprocess on a port found beforehand (the former `s3_server`)."
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, '-m', 'moto.server', '-H', '127.0.0.1', '-p', str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with socket.create_connection(('127.0.0.1', port), timeout=1): break
            except OSError: time.sleep(0.1)
        yield f'http://127.0.0.1:{port}'
    finally:
        proc.terminate(); proc.wait(10)


def work(endpoint, tree, urls):
    "Upload the layouts, list every layout and read one HDF5 scan."
    from nx5d.testing import upload_tree, s3_options
    from nx5d.repo.filesystem import DataRepository
    upload_tree(tree, 's3://bench/repo', endpoint)
    for name, u in urls.items():
        r = DataRepository(u.replace(f'file://{tree}', 's3://bench/repo'), spice_url='', **s3_options(endpoint))
        keys = {p.key: p.keys() for p in r}
        if name == 'h5-per-scan': r['20210205']['101500'].raw.theta.values
    return keys


def timed(server, tree, urls):
    "Seconds to start, to work, to stop."
    t0 = time.perf_counter()
    with server() as endpoint:
        t1 = time.perf_counter()
        work(endpoint, tree, urls)
        t2 = time.perf_counter()
    return t1 - t0, t2 - t1, time.perf_counter() - t2


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--rounds', type=int, default=7, help='interleaved rounds (medians are reported)')
    a = ap.parse_args()
    from nx5d.testing import s3_server, make_layouts
    tree = tempfile.mkdtemp(prefix='nx5d-bench-s3-')
    try:
        urls = make_layouts(tree)
        servers = {'thread (ThreadedMotoServer)': s3_server, 'subprocess (python -m moto.server)': subprocess_server}
        for s in servers.values(): timed(s, tree, urls)          # warm imports and caches
        times = {k: [] for k in servers}
        for _ in range(a.rounds):
            for k, s in servers.items(): times[k].append(timed(s, tree, urls))
    finally:
        shutil.rmtree(tree)
    total = {}
    for k, ts in times.items():
        med = [statistics.median(t[i] for t in ts) for i in range(3)]
        total[k] = statistics.median(sum(t) for t in ts)
        print(f'{k:36s} start {med[0]:.3f} s  work {med[1]:.3f} s  stop {med[2]:.3f} s  total {total[k]:.3f} s')
    a_, b_ = total.values()
    print(f'thread / subprocess (total): {a_ / b_:.2f}   load average: {os.getloadavg()[0]:.2f}')


if __name__ == '__main__':
    main()
