#!/usr/bin/env python
"""Fail if a module of nx5d/ uses a private name (`_x`) of another nx5d module.

Catches `from nx5d.m import _x`, `from .m import _x`, and `m._x` where `m` is a name bound to an nx5d module by an
import (`import nx5d.m as m`, `from nx5d import m`, `from . import m`). Dunder names are not private."""
import ast, sys

from pkg_modules import root, pkg, modules   # same directory

def private(name): return name.startswith('_') and not (name.startswith('__') and name.endswith('__'))

def absolute(mod, node):
    "The absolute module an ImportFrom node imports from."
    if not node.level: return node.module
    base = mod.split('.') if modules[mod].name == '__init__.py' else mod.split('.')[:-1]
    base = base[:len(base) - node.level + 1]
    return '.'.join(base + ([node.module] if node.module else []))

def problems(mod, path):
    tree, bound, out = ast.parse(path.read_text(), str(path)), {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name in modules and a.name != mod: bound[a.asname or a.name] = a.name
        elif isinstance(node, ast.ImportFrom):
            src = absolute(mod, node)
            for a in node.names:
                full = f'{src}.{a.name}'
                if full in modules: bound[a.asname or a.name] = full
                elif src in modules and src != mod and private(a.name):
                    out.append(f'{path.relative_to(root)}:{node.lineno}: imports {a.name} from {src}')
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            base = node.value
            name = base.id if isinstance(base, ast.Name) else ast.unparse(base) if isinstance(base, ast.Attribute) else None
            target = bound.get(name) or (name if name in modules else None)
            if target and target != mod:
                out.append(f'{path.relative_to(root)}:{node.lineno}: uses {target}.{node.attr}')
    return out

if __name__ == '__main__':
    found = [p for m, path in sorted(modules.items()) for p in problems(m, path)]
    for p in found: print(f'private name across modules: {p}')
    if found: sys.exit(1)
    print(f'no private name used across the {len(modules)} modules of {pkg}/')
