#!/usr/bin/env python
"""Write README.md from nbs/index.ipynb (no Quarto needed); `--check` fails if it is out of step.

Markdown cells are copied; code cells become ```python blocks (directive lines and hidden cells
dropped); plain-text results and short stdout follow in ``` blocks. Images stay in the docs.
"""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
head = '<!-- Generated from nbs/index.ipynb by .ci/readme.py: edit the notebook, not this file. -->\n\n'


def _directives(src):
    return [l for l in src.splitlines() if l.startswith('#|')]


def _hidden(src):
    d = ' '.join(_directives(src))
    return any(k in d for k in ('hide', 'export', 'exporti', 'echo: false', 'include: false'))


def _code(src):
    return '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()


def _text_outputs(cell):
    out = []
    for o in cell.get('outputs', []):
        if o['output_type'] == 'stream' and o.get('name') == 'stdout':
            out.append(''.join(o['text']).rstrip())
        elif o['output_type'] in ('execute_result', 'display_data'):
            data = o.get('data', {})
            if 'text/markdown' in data:
                out.append(''.join(data['text/markdown']).rstrip())
            elif 'text/plain' in data and not any(k.startswith('image/') for k in data):
                out.append(''.join(data['text/plain']).rstrip())
    return [t for t in out if t]


def _docs_url():
    import configparser
    c = configparser.ConfigParser(); c.read(root / 'settings.ini')
    d = c['DEFAULT']
    return d['doc_host'].replace('%(user)s', d['user']) + d['doc_baseurl'].replace('%(repo)s', d['repo'])


def _links(md):
    "Links to sibling notebooks point at their pages on the docs site (README lives outside nbs/)."
    base = _docs_url()
    return re.sub(r'\]\(([\w-]+)\.ipynb\)', lambda m: f']({base}/{m.group(1)}.html)', md)


def render(nb_path=root / 'nbs' / 'index.ipynb'):
    nb = json.loads(Path(nb_path).read_text())
    parts = []
    for cell in nb['cells']:
        src = ''.join(cell['source'])
        if cell['cell_type'] == 'markdown':
            src = re.sub(r'^---\n.*?\n---\n', '', src, flags=re.S)  # quarto front matter
            if src.strip(): parts.append(_links(src.strip()))
        elif cell['cell_type'] == 'code' and src.strip() and not _hidden(src):
            parts.append(f'```python\n{_code(src)}\n```')
            parts += [f'```\n{t}\n```' for t in _text_outputs(cell)]
    return head + '\n\n'.join(parts) + '\n'


if __name__ == '__main__':
    text, readme = render(), root / 'README.md'
    if '--check' in sys.argv:
        ok = readme.exists() and readme.read_text() == text
        sys.exit(0 if ok else 'README.md differs from what nbs/index.ipynb gives')
    readme.write_text(text)
