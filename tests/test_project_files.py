"""The plain files a newcomer relies on agree with the code."""

import re
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent


def settings_variables() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list|url)\(\s*"([A-Z_]+)"', source))


def example_variables() -> set[str]:
    return {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if re.match(r"^[A-Z_]+=", line)
    }


def test_every_setting_is_in_env_example_with_a_comment():
    lines = (ROOT / ".env.example").read_text().splitlines()
    assert settings_variables() <= example_variables()
    for i, line in enumerate(lines):
        if re.match(r"^[A-Z_]+=", line):
            above = [previous for previous in lines[:i] if previous.strip()]
            assert above[-1].startswith("#") or re.match(r"^[A-Z_]+=", above[-1]), f"{line} has no comment"


def test_docker_compose_sets_only_known_settings_and_commands():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    known = settings_variables() | {"CELERY_BROKER_URL"}
    for name in ("web", "worker", "maintenance", "beat"):
        assert set(services[name]["environment"]) <= known
        assert services[name]["image"] == services["web"]["image"]
    web_command = " ".join(services["web"]["command"])
    for command in re.findall(r"manage\.py (\w+)", web_command):
        assert command in get_commands()
    assert services["worker"]["ports"] == []
    assert services["beat"]["ports"] == []
    assert services["maintenance"]["ports"] == []


def test_only_the_one_shot_migrate_service_holds_the_owner_and_admin_urls():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    migrate = services["migrate"]
    assert set(migrate["environment"]) <= settings_variables() | {"CELERY_BROKER_URL"}
    assert re.findall(r"manage\.py (\w+)", migrate["command"][-1]) == ["ensure_database", "migrate", "load_demo"]
    assert {"DATABASE_OWNER_URL", "DATABASE_ADMIN_URL"} <= set(migrate["environment"])
    for name in ("web", "worker", "beat"):
        assert not {"DATABASE_OWNER_URL", "DATABASE_ADMIN_URL"} & set(services[name]["environment"])
        assert services[name]["environment"]["DATABASE_URL"] == migrate["environment"]["DATABASE_URL"]
    assert services["web"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_the_test_run_creates_the_database_roles_first():
    makefile = (ROOT / "Makefile").read_text()
    test = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    prerequisites = test.split("##", 1)[0].split()
    # The roles come before lint (its migrations check connects) and before the suite.
    assert prerequisites.index("roles") < prerequisites.index("lint")
    roles = makefile.split("\nroles:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py ensure_database" in roles


def worker_options(command: list[str]) -> dict[str, str]:
    """The --queues, --concurrency and -n of a `celery worker` command line."""
    options = {}
    for i, word in enumerate(command):
        if word.startswith("--") and "=" in word:
            key, value = word[2:].split("=", 1)
            options[key] = value
        elif word == "-n":
            options["name"] = command[i + 1]
    return options


def procfile() -> dict[str, list[str]]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return {name: command.split() for name, command in (line.split(":", 1) for line in lines if line.strip())}


def test_every_run_path_starts_the_main_worker_and_a_one_process_maintenance_worker():
    declared = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    processes = procfile()
    for worker, maintenance in (
        (processes["worker"], processes["maintenance"]),
        (services["worker"]["command"], services["maintenance"]["command"]),
    ):
        main, housekeeping = worker_options(worker), worker_options(maintenance)
        assert main["queues"].split(",") == ["jobs", "webhooks"]
        assert housekeeping["queues"] == "maintenance"
        assert housekeeping["concurrency"] == "1"
        # Two workers on one host need two names.
        assert main["name"].split("@")[0] != housekeeping["name"].split("@")[0]
        assert set(main["queues"].split(",")) | {housekeeping["queues"]} == declared
    assert "maintenance@" in " ".join(services["maintenance"]["healthcheck"]["test"])
