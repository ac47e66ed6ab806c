"""Benchmark: listing a proposal of 5,000 scan folders through the repository classes.

Measures, in one process on a warm directory cache, against a bare `os.scandir` of the proposal folder:
  - keys: first listing of the scan keys (`len(proposal)` on a fresh repository),
  - table: the full listing table (`proposal.table()`, every row) with cheap summaries,
  - view: what the notebook shows (`proposal._repr_html_()`, first and last rows),
for the default `FileScan` (one `isdir` per scan) and for a scan class with a constant summary.

    python bench/bench_repo.py [--scans 5000] [--repeat 5]
"""
import argparse, os, tempfile, shutil
from nx5d.repo.filesystem import DataRepository, DataProposal
from nx5d.repo.base import DataScanBase
from timing import median_time as timed   # same directory (bench/timing.py)


class ConstScan(DataScanBase):
    def _get_summary(self): return {'type': 'default', 'steps': 5187, 'description': 'UDKM simplified example'}

class ConstProposal(DataProposal):
    def _scan(self, key): return ConstScan(self, key)

class ConstRepo(DataRepository):
    def _proposal(self, key): return ConstProposal(self, key, url=self.repo_url)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scans', type=int, default=5000)
    ap.add_argument('--repeat', type=int, default=5)
    a = ap.parse_args()
    root = tempfile.mkdtemp()
    try:
        prop = os.path.join(root, '20210205')
        for i in range(a.scans): os.makedirs(os.path.join(prop, f'{i:06d}'))
        url = f'file://{root}/{{proposal}}/{{scan}}'
        def scandir():
            with os.scandir(prop) as it: return [e.name for e in it if e.is_dir()]
        t_sd = timed(scandir, a.repeat * 4)
        print(f'{a.scans} scan folders, median of {a.repeat} fresh repositories each')
        print(f'{"os.scandir":34s} {t_sd*1e3:9.1f} ms   1.0x')
        for label, cls in [('FileScan (isdir per scan)', DataRepository), ('constant summary', ConstRepo)]:
            def keys(): assert len(cls(url, spice_url='')['20210205']) == a.scans
            def table(): assert len(cls(url, spice_url='')['20210205'].table()) == a.scans
            def view(): cls(url, spice_url='')['20210205']._repr_html_()
            for what, fn in [('keys', keys), ('table', table), ('notebook view', view)]:
                t = timed(fn, a.repeat)
                print(f'{label + ": " + what:34s} {t*1e3:9.1f} ms {t/t_sd:6.1f}x')
    finally:
        shutil.rmtree(root)


if __name__ == '__main__':
    main()
