#!/usr/bin/env python
"""Process every notebook the way the Quarto docs build does (nbdev's proc_nbs), without Quarto.

Fails if processing raises, if a cell mixes imports with other code (the docs build executes import
cells, so such a cell runs out of context there), if the sidebar names a notebook that does not exist,
or if a notebook is missing from the sidebar."""
import sys, re, warnings
from pathlib import Path
from nbdev.config import get_config
from nbdev.serve import proc_nbs
import nbdev.doclinks

cfg = get_config()
nbs = cfg.nbs_path
nbdev.doclinks._build_modidx()
side = (nbs / 'sidebar.yml').read_text()
listed = set(re.findall(r'([\w./-]+\.ipynb)', side))
present = {p.name for p in nbs.glob('*.ipynb')}
problems = [f'sidebar.yml names missing {n}' for n in sorted(listed - present)]
# the design card keeps _quarto.yml at the top level, nbdev 2 reads nbs/_quarto.yml: one file, the top-level name a link
top = cfg.config_path / '_quarto.yml'
if not (top.is_symlink() and top.resolve() == (nbs / '_quarto.yml').resolve()):
    problems.append('_quarto.yml at the top level must be a link to nbs/_quarto.yml (ln -s nbs/_quarto.yml _quarto.yml)')
problems += [f'{n} is not in sidebar.yml' for n in sorted(present - listed)]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    try: proc_nbs(nbs, n_workers=0, force=True, file_glob='*.ipynb')
    except Exception as e: problems.append(f'processing failed: {e!r}')
problems += [f'{w.message}' for w in caught if 'imports and other code' in str(w.message)]

# links between pages point at notebooks that exist; no stored output is an error
import json
for nb in sorted(nbs.glob('*.ipynb')):
    for cell in json.loads(nb.read_text())['cells']:
        if any(o.get('output_type') == 'error' for o in cell.get('outputs', [])):
            problems.append(f'{nb.name}: a stored output is an error (re-run the notebook)')
        if cell['cell_type'] != 'markdown': continue
        for target in re.findall(r'\]\(([^)\s#]+\.ipynb)(?:#[^)]*)?\)', ''.join(cell['source'])):
            if not (nbs / target).exists(): problems.append(f'{nb.name}: link to missing {target}')

# every exported function and class carries a one-line docstring (the docs show it under its name)
import importlib, inspect
from nx5d import _modidx
for mod_name in sorted({m for m in _modidx.d['syms']}):
    mod = importlib.import_module(mod_name)
    for name in getattr(mod, '__all__', []):
        obj = getattr(mod, name, None)
        if not (inspect.isfunction(obj) or inspect.isclass(obj)) or getattr(obj, '__module__', mod_name) != mod_name: continue
        doc = obj.__dict__.get('__doc__') if inspect.isclass(obj) else obj.__doc__
        if not doc or not doc.strip(): problems.append(f'{mod_name}.{name} has no docstring')
        elif '\n' in doc.strip(): problems.append(f'{mod_name}.{name}: docstring is not one line')

if problems:
    sys.exit('\n'.join(problems))
print(f'processed {len(present)} notebooks; sidebar lists them all')
