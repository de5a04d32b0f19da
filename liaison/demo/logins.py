"""The demo's staff: four logins, one per role, sharing one password so that `make run` can
print how to log in, and the clinicians the simulation hired for every site."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from liaison.accounts.models import Role, User
from liaison.accounts.roles import sync_roles
from liaison.demo.world import World

DEMO_PASSWORD = "liaison-demo-2026"
# The four logins come first; more clinicians fill the larger practices.
DEMO_STAFF = [
    ("manager", Role.MANAGER, "Dana", "Whitfield", ""),
    ("frontdesk", Role.FRONT_DESK, "Rosa", "Delgado", ""),
    ("clinician", Role.CLINICIAN, "Maya", "Okafor", "DPT"),
    ("liaison", Role.LIAISON, "Jordan", "Ellis", ""),
]
DEMO_USERNAMES = tuple(username for username, *_ in DEMO_STAFF)


def create_staff(world: World) -> None:
    """The four demo logins, then the world's clinicians, all with DEMO_PASSWORD."""
    sync_roles()
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
    all_locations = [s.location_id for s in world.sites]
    first_site = all_locations[:1]
    for username, role, first, last, credentials in DEMO_STAFF:
        user = _create_user(
            username=username,
            first_name=first,
            last_name=last,
            credentials=credentials,
            password=password,
            group=groups[role],
            locations=first_site if role in (Role.FRONT_DESK, Role.CLINICIAN) else all_locations,
            is_staff=role == Role.MANAGER,
        )
        world.staff_names[username] = f"{first} {last}"
        if role in (Role.MANAGER, Role.LIAISON):
            world.owner_ids.append(user.id)
    for clinician in world.clinicians:
        _create_user(
            username=clinician.username,
            first_name=clinician.first_name,
            last_name=clinician.last_name,
            credentials=clinician.credentials,
            password=password,
            group=groups[Role.CLINICIAN],
            locations=[world.sites[clinician.site].location_id],
        )


def _create_user(
    *,
    username: str,
    first_name: str,
    last_name: str,
    credentials: str,
    password: str,
    group: Group,
    locations: list[int],
    is_staff: bool = False,
) -> User:
    user = User.objects.create(
        username=username,
        first_name=first_name,
        last_name=last_name,
        credentials=credentials,
        email=f"{username}@frontrange-demo.example",
        password=password,
        is_staff=is_staff,
    )
    user.groups.add(group)
    user.locations.set(locations)
    return user


def demo_logins() -> list[tuple[str, str]]:
    """(username, role) of the demo logins that still have DEMO_PASSWORD, for `make run`."""
    logins = []
    for user in User.objects.filter(username__in=DEMO_USERNAMES, is_active=True):
        if user.check_password(DEMO_PASSWORD):
            logins.append((user.username, user.role))
    order = {name: i for i, name in enumerate(DEMO_USERNAMES)}
    return sorted(logins, key=lambda login: order[login[0]])
