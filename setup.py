"""Package metadata for nx5d, read from `settings.ini` (the single place nbdev keeps it)."""
from configparser import ConfigParser
from pathlib import Path
import setuptools

assert Path('settings.ini').exists(), 'run setup.py from the project root, next to settings.ini'
config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

for key in 'version description keywords author author_email license min_python lib_name user'.split():
    assert key in cfg, f'settings.ini lacks "{key}"'

licenses = {
    'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License'),
    'mit': ('MIT License', 'OSI Approved :: MIT License'),
    'gpl3': ('GNU General Public License v3', 'OSI Approved :: GNU General Public License v3 (GPLv3)'),
    'bsd3': ('BSD License', 'OSI Approved :: BSD License'),
}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable',
            '6 - Mature', '7 - Inactive']
# nbdev 2.4.14's template stops at 3.10; list every version we test on.
py_versions = ['3.9', '3.10', '3.11', '3.12', '3.13']

lic = licenses.get(cfg['license'].lower(), (cfg['license'], None))
min_python = cfg['min_python']
requirements = cfg.get('requirements', '').split()
dev_requirements = cfg.get('dev_requirements', '').split()
scripts = [s.strip() for s in cfg.get('console_scripts', '').split() if s.strip()]

classifiers = [
    f'Development Status :: {statuses[int(cfg["status"]) - 1]}',
    f'Intended Audience :: {cfg["audience"].title()}',
    f'Natural Language :: {cfg["language"].title()}',
    'Topic :: Scientific/Engineering :: Physics',
] + [f'Programming Language :: Python :: {v}' for v in py_versions[py_versions.index(min_python):]]
if lic[1]:
    classifiers.append(f'License :: {lic[1]}')

setuptools.setup(
    name=cfg['lib_name'],
    license=lic[0],
    classifiers=classifiers,
    url=cfg['git_url'],
    packages=setuptools.find_packages(include=[cfg['lib_path'], cfg['lib_path'] + '.*']),
    include_package_data=True,
    install_requires=requirements,
    extras_require={'dev': dev_requirements},
    dependency_links=cfg.get('dep_links', '').split(),
    python_requires=f'>={min_python}',
    long_description=Path('README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={'console_scripts': scripts, 'nbdev': [f'{cfg["lib_path"]}={cfg["lib_path"]}._modidx:d']},
    **{k: cfg[k] for k in 'version description keywords author author_email'.split()},
)
