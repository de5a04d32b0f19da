from liaison.accounts.models import Role
from liaison.factories import LocationFactory, PatientFactory, UserFactory


def test_front_desk_logs_in_and_sees_their_clinics_patients(page, log_in, screenshot):
    riverside = LocationFactory(name="Riverside Clinic")
    hillcrest = LocationFactory(name="Hillcrest Clinic")
    PatientFactory(location=riverside, first_name="Ines", last_name="Carvalho")
    PatientFactory(location=hillcrest, first_name="Tom", last_name="Lindqvist")
    desk = UserFactory(username="desk", role=Role.FRONT_DESK, locations=[riverside])

    log_in(desk)
    screenshot("home")
    assert page.get_by_role("heading", name="Today").is_visible()

    page.get_by_role("link", name="Patients").click()
    page.wait_for_url("**/care/patients/")
    screenshot("patients")
    assert page.get_by_role("link", name="Carvalho, Ines").is_visible()
    assert page.get_by_text("Lindqvist").count() == 0


def test_the_liaison_role_has_no_patients_area(page, log_in, screenshot):
    liaison = UserFactory(username="marketing", role=Role.LIAISON)
    log_in(liaison)
    screenshot("home")
    assert page.get_by_role("link", name="Patients").count() == 0
    response = page.goto("/care/patients/")
    assert response.status in {403, 404}


def test_a_wrong_password_says_so_on_the_login_page(page, screenshot):
    UserFactory(username="owner", role=Role.MANAGER)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    screenshot("refused")
    assert page.get_by_text("Please enter a correct username and password").is_visible()
