#!/usr/bin/env python
"""Fail if modules of nx5d/ import each other in a cycle.

Counts the imports that run when a module is imported: at the top level, in if/try/with blocks and class
bodies, not inside functions. `--all` also counts imports inside functions (reported, never failing)."""
import ast, sys

from pkg_modules import root, pkg, modules   # same directory


def imports(tree, in_functions):
    "Import nodes of `tree`; those inside function bodies only with `in_functions`."
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)): yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and not in_functions: continue
        else: todo.extend(ast.iter_child_nodes(node))


def targets(mod, node):
    "The package's modules that an import node names."
    is_pkg = modules[mod].name == '__init__.py'
    if isinstance(node, ast.Import): names = [a.name for a in node.names]
    else:
        if node.level:
            base = mod.split('.') if is_pkg else mod.split('.')[:-1]
            base = base[:len(base) - node.level + 1]
            stem = '.'.join(base + ([node.module] if node.module else []))
        else: stem = node.module
        names = [f'{stem}.{a.name}' if f'{stem}.{a.name}' in modules else stem for a in node.names]
    return {n for n in names if n in modules}


def graph(in_functions):
    g = {}
    for mod, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        g[mod] = set().union(*[targets(mod, n) for n in imports(tree, in_functions)]) - {mod}
    return g


def cycles(g):
    "Strongly connected components with more than one module (Tarjan)."
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in sorted(g[v]):
            if w not in index: visit(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: out.append(sorted(comp))
    for v in sorted(g):
        if v not in index: visit(v)
    return out


def describe(g, comp):
    return '; '.join(f'{a} -> {b}' for a in comp for b in sorted(g[a]) if b in comp)


if __name__ == '__main__':
    g = graph(False)
    found = cycles(g)
    for comp in found: print(f'import cycle: {", ".join(comp)} ({describe(g, comp)})')
    if '--all' in sys.argv:
        ga = graph(True)
        for comp in cycles(ga): print(f'note: cycle through imports inside functions: {", ".join(comp)} ({describe(ga, comp)})')
    if found: sys.exit(1)
    print(f'no import cycle among the {len(modules)} modules of {pkg}/')
