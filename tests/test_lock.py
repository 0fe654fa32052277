"""requirements.lock pins every Python dependency of pyproject.toml with hashes, and
requirements-prod.lock (the Docker image's) is its production part: a dependency added to
pyproject.toml without `make lock` fails here."""

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
RELOCK = "run `make lock`"


def pyproject() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def main_requirements() -> list[Requirement]:
    project = pyproject()
    return [Requirement(line) for line in project["project"]["dependencies"]] + [
        Requirement(line) for line in project["build-system"]["requires"]
    ]


def dev_requirements() -> list[Requirement]:
    return [Requirement(line) for line in pyproject()["project"]["optional-dependencies"]["dev"]]


def read_lock(name: str) -> dict[str, tuple[Requirement, list[str]]]:
    """Each pinned package of a lock file by its canonical name: the pin and its hashes."""
    entries = {}
    text = (ROOT / name).read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        requirement, *options = line.split(" --")
        hashes = [option.removeprefix("hash=") for option in options if option.startswith("hash=")]
        pin = Requirement(requirement)
        entries[canonicalize_name(pin.name)] = (pin, hashes)
    return entries


def pinned_version(pin: Requirement) -> str | None:
    specifiers = list(pin.specifier)
    if len(specifiers) == 1 and specifiers[0].operator == "==":
        return specifiers[0].version
    return None


def problems_of(requirements: list[Requirement], lock: dict, lock_name: str) -> list[str]:
    problems = []
    for requirement in requirements:
        entry = lock.get(canonicalize_name(requirement.name))
        if entry is None:
            problems.append(f"{requirement.name} is not in {lock_name}")
            continue
        version = pinned_version(entry[0])
        if version is None:
            problems.append(f"{requirement.name} is not pinned with == in {lock_name}")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} in {lock_name} is outside {requirement}")
        if not entry[1]:
            problems.append(f"{requirement.name} has no hash in {lock_name}")
    return problems


def test_every_dependency_of_pyproject_is_pinned_with_hashes():
    lock = read_lock("requirements.lock")
    problems = problems_of(main_requirements() + dev_requirements(), lock, "requirements.lock")
    assert not problems, f"{'; '.join(problems)}: {RELOCK}"


def test_every_pinned_package_has_a_sha256_hash():
    for lock_name in ("requirements.lock", "requirements-prod.lock"):
        for name, (pin, hashes) in read_lock(lock_name).items():
            assert pinned_version(pin), f"{name} is not pinned with == in {lock_name}"
            assert hashes, f"{name} has no hash in {lock_name}"
            assert all(digest.startswith("sha256:") for digest in hashes), name


def test_what_the_dependencies_need_in_turn_is_pinned_too():
    """Walks the installed packages' own requirements (with the extras asked for), as pip
    would: each of them has its line in the lock, at the version installed."""
    lock = read_lock("requirements.lock")
    problems = []
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [(requirement.name, frozenset(requirement.extras)) for requirement in dev_requirements()]
    todo += [(requirement.name, frozenset(requirement.extras)) for requirement in main_requirements()]
    while todo:
        name, extras = todo.pop()
        key = (canonicalize_name(name), extras)
        if key in seen:
            continue
        seen.add(key)
        if key[0] not in lock:
            problems.append(f"{name} is not in requirements.lock")
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is pinned but not installed: run `make install`")
            continue
        if distribution.version != pinned_version(lock[key[0]][0]):
            problems.append(f"{name} {distribution.version} is installed, the lock pins another version")
        for line in distribution.requires or []:
            requirement = Requirement(line)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker is None or any(requirement.marker.evaluate(env) for env in environments):
                todo.append((requirement.name, frozenset(requirement.extras)))
    assert not problems, "; ".join(problems)


def test_the_production_lock_is_the_main_part_of_the_lock():
    lock = read_lock("requirements.lock")
    production = read_lock("requirements-prod.lock")
    problems = problems_of(main_requirements(), production, "requirements-prod.lock")
    for name, (pin, hashes) in production.items():
        if name not in lock:
            problems.append(f"{name} is in requirements-prod.lock only")
        elif (str(pin.specifier), sorted(hashes)) != (str(lock[name][0].specifier), sorted(lock[name][1])):
            problems.append(f"{name} differs between the two locks")
    development_only = {canonicalize_name(requirement.name) for requirement in dev_requirements()}
    development_only -= {canonicalize_name(requirement.name) for requirement in main_requirements()}
    problems += [
        f"{name}, a dev dependency, is in requirements-prod.lock"
        for name in development_only & set(production)
    ]
    assert not problems, f"{'; '.join(problems)}: {RELOCK}"
