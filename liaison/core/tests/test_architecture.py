"""The architecture of docs/architecture.md ("Arrows"), held by reading the code.

Every module under liaison/ but tests and migrations is parsed with `ast` (nothing is
imported), and each `import` or `from ... import`, at the top or inside a function, becomes
an edge from its file to the file it names (`from liaison.care import queries` names
care/queries.py, `from liaison.care.models import Episode` names care/models.py). On that
graph:

- no two files import each other, directly or through others;
- `core` imports no app;
- the arrows hold: each app imports only the apps before it in
  core <- accounts <- partners <- care <- reports <- portal <- insights; pages (views) may read
  any of those; nothing imports `insights` but the URL configuration, the pages, `interop`
  and `demo`; no app imports `interop`; only interop's commands import `demo`;
- no app writes another app's models: in an app's modules, a write (`create`, `update`,
  `delete`, `save`, ...) on a model class imported from another app's `models`, or on a
  variable holding one of its rows, is refused. It calls that app's services instead.
"""

import ast
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import liaison

ROOT = Path(liaison.__file__).resolve().parent
DOC = "docs/architecture.md, Arrows"

# Each app may import the apps before it (and itself).
LAYERS = ("core", "accounts", "partners", "care", "reports", "portal", "insights")
APPS = (*LAYERS, "interop", "demo")
URL_CONF = {"liaison.urls", "liaison.api"}
DEMO_CALLERS = "liaison.interop.management.commands."

# The partner merge moves every foreign key to the duplicate, whichever app owns it
# (through the model's relations, not an import): the one writer of other apps' rows.
MAY_WRITE_ANY_APP = {("liaison.partners.services", "_repoint_relations")}

MANAGER_WRITES = {
    "create",
    "bulk_create",
    "bulk_update",
    "update",
    "get_or_create",
    "update_or_create",
    "delete",
}
ROW_WRITES = {"save", "delete"}


@dataclass(frozen=True)
class Module:
    name: str  # liaison.care.services
    path: Path
    source: str | None = None  # the text to read instead of the file (the checks' own tests)

    @property
    def app(self) -> str | None:
        """The app the module belongs to; None for the project's own (settings, urls, ...)."""
        parts = self.name.split(".")
        return parts[1] if len(parts) > 1 and parts[1] in APPS else None

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    @property
    def is_page(self) -> bool:
        """Views assemble what their reader needs from several apps (the one exception)."""
        parts = self.name.split(".")
        return "views" in parts[2:] or parts[1:3] == ["insights", "pages"]

    @property
    def where(self) -> str:
        return str(self.path.relative_to(ROOT.parent))

    @property
    def tree(self) -> ast.Module:
        return ast.parse(self.source) if self.source is not None else _parse(self.path)


@cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


@cache
def modules() -> dict[str, Module]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts or parts[-1] == "conftest":
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = Module(name, path)
    return found


@dataclass(frozen=True)
class Import:
    source: Module
    target: Module
    line: int

    def __str__(self) -> str:
        return f"{self.source.where}:{self.line} imports {self.target.name}"


def _file_of(dotted: str) -> Module | None:
    """The module file `dotted` names, or the nearest package holding it."""
    known = modules()
    while dotted and dotted not in known:
        dotted = dotted.rpartition(".")[0]
    return known.get(dotted)


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if not module.is_package:
        package = package[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def _named(module: Module, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = _absolute(module, node)
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        yield submodule if submodule in modules() else base


def imports_of(module: Module) -> list[Import]:
    found = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for dotted in _named(module, node):
            if dotted.split(".")[0] != "liaison":
                continue
            target = _file_of(dotted)
            if target is not None and target != module:
                found.append(Import(module, target, node.lineno))
    return found


@cache
def all_imports() -> tuple[Import, ...]:
    return tuple(edge for module in modules().values() for edge in imports_of(module))


# ----- cycles ---------------------------------------------------------------------------


def _graph() -> dict[str, set[str]]:
    graph = defaultdict(set)
    for edge in all_imports():
        graph[edge.source.name].add(edge.target.name)
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for child in graph.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of files that all reach one another (each holds a cycle), sorted."""
    reach = {node: _reachable(graph, node) for node in graph}
    groups = {
        frozenset(other for other in reach[node] if node in reach.get(other, ()))
        for node in graph
        if node in reach[node]
    }
    return sorted((set(group) for group in groups), key=min)


def _cycle_through(start: str, component: set[str], graph: dict[str, set[str]]) -> list[str]:
    """One shortest way from `start` back to itself inside `component`."""
    paths = {child: [start, child] for child in graph[start] if child in component}
    frontier = list(paths)
    while start not in paths:
        next_frontier = []
        for node in frontier:
            for child in sorted(graph[node] & component):
                if child not in paths:
                    paths[child] = [*paths[node], child]
                    next_frontier.append(child)
        frontier = next_frontier
    return paths[start]


def import_cycles() -> list[list[str]]:
    graph = _graph()
    return [
        _cycle_through(min(component), component, graph) for component in _strongly_connected(graph)
    ]


def test_no_two_files_import_each_other_even_through_others():
    cycles = "\n  ".join(" -> ".join(cycle) for cycle in import_cycles())
    assert not cycles, (
        "Import cycles between files (move what both need into a third module, or turn one "
        f"arrow around):\n  {cycles}"
    )


# ----- arrows ---------------------------------------------------------------------------


def _may_import(source: Module, target_app: str) -> str:
    """Why `source` may not import `target_app`, or "" when it may."""
    app = source.app
    if target_app == app:
        return ""
    if target_app == "demo":
        allowed = source.name.startswith(DEMO_CALLERS)
        return (
            "" if allowed else "only interop's commands (seed_demo, demo_credentials) import demo"
        )
    if target_app == "interop":
        return "no app imports interop: interop calls the apps"
    if target_app == "insights" and not (
        source.is_page or source.name in URL_CONF or app in ("interop", "demo")
    ):
        return "nothing imports insights but the URL configuration and the pages"
    if app in ("interop", "demo", None) or source.is_page:
        return ""
    earlier = LAYERS[: LAYERS.index(app)]
    if target_app in earlier:
        return ""
    return f"{app} may import only {', '.join(earlier)}" if earlier else f"{app} imports no app"


def arrows_broken(imports) -> list[str]:
    broken = []
    for edge in imports:
        reason = _may_import(edge.source, edge.target.app)
        if reason:
            broken.append(f"{edge}: {reason}")
    return broken


def test_core_imports_no_app():
    into_apps = [
        str(edge)
        for edge in all_imports()
        if edge.source.app == "core" and edge.target.app not in ("core", None)
    ]
    assert not into_apps, (
        "core is what the apps share and imports none of them; move this to the app it "
        f"needs, or make it generic ({DOC}):\n  " + "\n  ".join(into_apps)
    )


def test_the_arrows_between_apps_hold():
    broken = arrows_broken(all_imports())
    assert not broken, f"Imports against the arrows ({DOC}):\n  " + "\n  ".join(broken)


# ----- writes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ForeignModels:
    """The model classes a module imports from other apps' `models`, by local name, and the
    names of modules it holds as `models`."""

    classes: dict[str, str]  # local name -> "care.Episode"
    modules: dict[str, str]  # local name -> app

    @classmethod
    def of(cls, module: Module) -> "ForeignModels":
        classes, held = {}, {}
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            base = _absolute(module, node).split(".")
            for alias in node.names:
                local = alias.asname or alias.name
                if base[2:] == ["models"] and base[1] != module.app:
                    classes[local] = f"{base[1]}.{alias.name}"
                elif len(base) == 2 and alias.name == "models" and base[1] != module.app:
                    held[local] = base[1]
        return cls(classes, held)

    def model_named(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.classes.get(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            app = self.modules.get(node.value.id)
            return f"{app}.{node.attr}" if app else None
        return None


def _root(node: ast.expr) -> ast.expr:
    """The start of a chain like `Model.objects.filter(...).update`: `Model.objects`."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute) and not isinstance(node.value, ast.Name):
            node = node.value
        else:
            return node


def _rows_held(function: ast.AST, foreign: ForeignModels) -> dict[str, str]:
    """Names in `function` that hold a row of another app's model: annotated parameters,
    assignments from the model or its manager, loops over its manager."""
    rows = {}
    arguments = function.args if isinstance(function, ast.FunctionDef) else None
    for argument in [*arguments.args, *arguments.kwonlyargs] if arguments else []:
        for part in ast.walk(argument.annotation) if argument.annotation else ():
            if model := foreign.model_named(part):
                rows[argument.arg] = model
    for node in ast.walk(function):
        if isinstance(node, ast.Assign | ast.For):
            value = node.value if isinstance(node, ast.Assign) else node.iter
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            model = _model_of_chain(value, foreign)
            for target in targets:
                if model and isinstance(target, ast.Name):
                    rows[target.id] = model
    return rows


def _model_of_chain(node: ast.expr, foreign: ForeignModels) -> str | None:
    root = _root(node)
    if isinstance(root, ast.Attribute):
        return foreign.model_named(root) or foreign.model_named(root.value)
    return foreign.model_named(root)


def _foreign_write(call: ast.Call, foreign: ForeignModels, rows: dict[str, str]) -> str | None:
    """The other app's model `call` writes, if it does."""
    if not isinstance(call.func, ast.Attribute):
        return None
    method, receiver = call.func.attr, call.func.value
    if method in ROW_WRITES and isinstance(receiver, ast.Name) and receiver.id in rows:
        return rows[receiver.id]
    built = isinstance(receiver, ast.Call) and foreign.model_named(receiver.func)
    if method in ROW_WRITES and built:
        return built  # Model(...).save()
    if method in MANAGER_WRITES:
        chain = ast.unparse(receiver)
        model = _model_of_chain(receiver, foreign)
        if model and (".objects" in chain or "._base_manager" in chain):
            return model
    return None


def _functions(tree: ast.Module) -> Iterator[ast.AST]:
    yield tree
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def foreign_writes(module: Module) -> list[str]:
    foreign = ForeignModels.of(module)
    if not foreign.classes and not foreign.modules:
        return []
    found = set()
    for function in _functions(module.tree):
        if (module.name, getattr(function, "name", "")) in MAY_WRITE_ANY_APP:
            continue
        rows = _rows_held(function, foreign) if function is not module.tree else {}
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and (model := _foreign_write(node, foreign, rows)):
                owner = model.split(".")[0]
                found.add(
                    (
                        node.lineno,
                        f"{module.where}:{node.lineno} writes {model} ({ast.unparse(node.func)}):"
                        f" call a service in liaison/{owner}/services.py",
                    )
                )
    return [message for _, message in sorted(found)]


def test_no_app_writes_another_apps_models():
    writers = [
        module
        for module in modules().values()
        if module.app in LAYERS  # interop and demo fill every app's tables by design
    ]
    writes = "\n  ".join(write for module in writers for write in foreign_writes(module))
    assert not writes, f"An app does not write another app's models ({DOC}):\n  {writes}"


# ----- the checks themselves ------------------------------------------------------------


def test_the_walk_resolves_submodules_packages_and_relative_imports():
    care_views = modules()["liaison.care.views"]
    targets = {edge.target.name for edge in imports_of(care_views)}
    assert {"liaison.care.forms", "liaison.accounts.access", "liaison.care.models"} <= targets
    partners_views = modules()["liaison.partners.views"]
    # `from liaison.care import queries as care_queries` names the file, not the package
    assert "liaison.care.queries" in {edge.target.name for edge in imports_of(partners_views)}


def test_a_cycle_is_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    [component] = _strongly_connected(graph)
    assert component == {"a", "b", "c"}
    assert _cycle_through("a", component, graph) == ["a", "b", "c", "a"]


def test_the_arrows_refuse_an_earlier_app_importing_a_later_one():
    partners = modules()["liaison.partners.services"]
    care_models = modules()["liaison.care.models"]
    insights = modules()["liaison.insights.queries"]
    interop = modules()["liaison.interop.services"]
    assert arrows_broken([Import(partners, care_models, 3)]) == [
        "liaison/partners/services.py:3 imports liaison.care.models: "
        "partners may import only core, accounts"
    ]
    assert arrows_broken([Import(modules()["liaison.partners.views"], care_models, 1)]) == []
    assert "nothing imports insights" in arrows_broken([Import(partners, insights, 1)])[0]
    assert "no app imports interop" in arrows_broken([Import(partners, interop, 1)])[0]


def test_writes_to_another_apps_models_are_found():
    source = """
from liaison.care.models import Episode, RedFlag
from liaison.reports.models import Report

def record(*, episode: Episode, red_flags):
    RedFlag.objects.filter(episode=episode).delete()
    RedFlag.objects.update_or_create(episode=episode, kind="x")
    episode.save()
    flag = RedFlag.objects.get(pk=1)
    flag.delete()
    Report.objects.create(episode=episode)
    RedFlag.objects.filter(episode=episode).values("kind")
"""
    path = ROOT / "reports" / "record_example.py"
    module = Module("liaison.reports.record_example", path, source)
    written = foreign_writes(module)
    assert [line.split(" (")[0] for line in written] == [
        "liaison/reports/record_example.py:6 writes care.RedFlag",
        "liaison/reports/record_example.py:7 writes care.RedFlag",
        "liaison/reports/record_example.py:8 writes care.Episode",
        "liaison/reports/record_example.py:10 writes care.RedFlag",
    ]
    assert written[0].endswith(
        "(RedFlag.objects.filter(episode=episode).delete): "
        "call a service in liaison/care/services.py"
    )
