"""The modules of nx5d/ by dotted name (shared by the CI scripts that check imports)."""
from pathlib import Path

root = Path(__file__).resolve().parent.parent
pkg = 'nx5d'


def module_name(path):
    "Dotted module name of a file below the repository root (`nx5d/repo/__init__.py` → `nx5d.repo`)."
    parts = path.relative_to(root).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


modules = {module_name(p): p for p in (root / pkg).rglob('*.py')}
