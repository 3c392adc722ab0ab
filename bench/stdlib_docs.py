"""A public document corpus for the relevance bench: the Python standard library's module documentation.

One document per module in ``MODULES``, read from the running interpreter's own stdlib source with
``ast`` (no module is imported, so none runs): title = the module name, description = the first
line of its docstring, body = the module docstring plus the docstrings of its public top-level
classes and functions and their public methods. A package also brings its submodules' text
(``asyncio`` is mostly in ``asyncio/*.py``), and a module that only re-exports another stdlib
source module (``decimal`` is ``from _pydecimal import *`` where the C module is missing) brings
that module's text. Modules written in C (``math``, ``itertools``...) have no source and are not in
the list. The text is the CPython source's (PSF License), so it changes with the interpreter:
``sys.version`` is recorded with the results. The published reference is
https://docs.python.org/3/library/ and the source https://github.com/python/cpython/tree/main/Lib.
Nothing is downloaded.
"""

from __future__ import annotations

import ast
import sys
import sysconfig
from pathlib import Path

# The modules, fixed so the corpus (and each module's piece id, by sorted name) is stable.
MODULES: tuple[str, ...] = tuple(sorted({
    "abc", "argparse", "ast", "asyncio", "base64", "bdb", "bisect", "bz2", "calendar", "cmd", "code",
    "codecs", "codeop", "collections", "colorsys", "compileall", "concurrent.futures", "configparser",
    "contextlib", "copy", "copyreg", "cProfile", "csv", "curses", "dataclasses", "datetime", "dbm",
    "decimal", "difflib", "dis", "doctest", "email", "enum", "filecmp", "fileinput", "fnmatch",
    "fractions", "ftplib", "functools", "getopt", "getpass", "gettext", "glob", "graphlib", "gzip",
    "hashlib", "heapq", "hmac", "html", "html.parser", "http.client", "http.cookies", "http.server",
    "imaplib", "importlib", "inspect", "io", "ipaddress", "json", "keyword", "linecache", "locale",
    "logging", "lzma", "mailbox", "mimetypes", "multiprocessing", "netrc", "numbers", "operator",
    "optparse", "pathlib", "pdb", "pickle", "pickletools", "pkgutil", "platform", "plistlib", "poplib",
    "posixpath", "pprint", "profile", "pstats", "pty", "py_compile", "queue", "quopri", "random", "re",
    "reprlib", "runpy", "sched", "secrets", "selectors", "shelve", "shlex", "shutil", "site", "smtplib",
    "socket", "socketserver", "sqlite3", "ssl", "stat", "statistics", "string", "subprocess", "symtable",
    "sysconfig", "tabnanny", "tarfile", "tempfile", "textwrap", "threading", "timeit", "tokenize",
    "tomllib", "trace", "traceback", "tracemalloc", "tty", "types", "typing", "unittest", "urllib.parse",
    "urllib.request", "urllib.robotparser", "uuid", "venv", "warnings", "wave", "weakref", "webbrowser",
    "wsgiref.simple_server", "xml.dom.minidom", "xml.etree.ElementTree", "xml.sax", "xmlrpc.client",
    "zipapp", "zipfile", "zipimport", "zoneinfo",
}, key=str.lower))

CORPUS = (f"the Python standard library's module documentation: {len(MODULES)} modules' docstrings read from "
          "CPython's own Lib/ source (PSF License; https://docs.python.org/3/library/, "
          "https://github.com/python/cpython/tree/main/Lib), one document per module")
SKIPPED_DIRS = frozenset({"test", "tests", "idle_test", "__pycache__"})


def stdlib() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def source_files(module: str, root: Path | None = None) -> list[Path]:
    """The source files whose text documents ``module``: its file, or a package's files."""
    base = (root or stdlib()).joinpath(*module.split("."))
    if base.with_suffix(".py").is_file():
        return [base.with_suffix(".py")]
    if (base / "__init__.py").is_file():
        files = sorted(p for p in base.rglob("*.py") if not SKIPPED_DIRS & set(p.relative_to(base).parts[:-1])
                       and p.name != "__main__.py")
        return sorted(files, key=lambda p: (p.name != "__init__.py", str(p)))
    raise ValueError(f"the standard library at {base.parent} has no source for module {module!r}")


def _docstring_of_module(tree: ast.Module) -> str:
    doc = ast.get_docstring(tree)
    if doc:
        return doc
    for node in tree.body:  # hashlib sets ``__doc__ = """..."""``
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__doc__" for t in node.targets)
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            return node.value.value.strip()
    return ""


def _public_docstrings(body: list[ast.stmt], depth: int = 0) -> list[str]:
    texts = []
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            doc = ast.get_docstring(node)
            if doc:
                texts.append(f"{node.name}: {doc}")
            if isinstance(node, ast.ClassDef) and depth == 0:
                texts += _public_docstrings(node.body, depth + 1)
    return texts


def _star_sources(tree: ast.Module, root: Path) -> list[Path]:
    """Stdlib source modules ``tree`` re-exports whole (``from _pydecimal import *``)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and any(a.name == "*" for a in node.names):
            path = root.joinpath(*node.module.split(".")).with_suffix(".py")
            if path.is_file():
                found.append(path)
    return found


def module_text(module: str, root: Path | None = None) -> tuple[str, str]:
    """``(description, body)`` of ``module`` from its source."""
    root = root or stdlib()
    parts: list[str] = []
    description = ""
    files = source_files(module, root)
    seen: set[Path] = set()
    while files:
        path = files.pop(0)
        if path in seen:
            continue
        seen.add(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        doc = _docstring_of_module(tree)
        if doc and not description:
            description = doc.splitlines()[0].strip()
        parts += [doc] if doc else []
        parts += _public_docstrings(tree.body)
        files += _star_sources(tree, root)
    return description, "\n\n".join(parts)


def documents(modules: tuple[str, ...] = MODULES, root: Path | None = None) -> list:
    """One published ``IndexDoc`` per module; piece ids 1.. follow ``modules``' order."""
    from enablement.search.documents import IndexDoc

    docs = []
    for piece_id, module in enumerate(modules, start=1):
        description, body = module_text(module, root)
        docs.append(IndexDoc(piece_id=piece_id, title=module, description=description, body=body,
                             status="published", file_type="py", stamp=sys.version))
    return docs
