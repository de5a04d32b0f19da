from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from liaison.accounts.access import (
    locations_of,
    patient_record_or_404,
    require_manager,
    require_patient_access,
)
from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditEvent
from liaison.care import queries, services
from liaison.care.forms import (
    ClinicianLinkForm,
    DeclineForm,
    FirstVisitForm,
    IntakeForm,
    MarketingSpendForm,
    NameSearchForm,
    OutcomeForm,
    ScheduleForm,
    SpendFiltersForm,
    VisitForm,
)
from liaison.care.instruments import INSTRUMENTS
from liaison.care.models import Episode, MarketingSpend, Patient, Referral
from liaison.care.scoring import QUESTIONNAIRES, ScoringError
from liaison.core.codes import as_code
from liaison.core.exports import csv_response
from liaison.core.filters import page_filters
from liaison.partners.models import Partner
from liaison.partners.services import PartnerError, partner_create

PAGE_SIZE = 50
SUGGESTIONS = 25
View, Export = AuditEvent.Action.VIEW, AuditEvent.Action.EXPORT


def _posted(request):
    """The form data of a POST, even an empty one (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None


def _require_perm(request, *perms: str) -> None:
    if not request.user.has_perms(perms):
        raise PermissionDenied("Your role does not allow this change.")


def _get_patient_for_user(request, code) -> Patient:
    """The patient, or 404 when this user may not see them; the view is audited."""
    patients = Patient.objects.select_related("location", "source_partner")
    return patient_record_or_404(request, patients, code=code, detail="patient page")


def _get_referral_for_user(request, code, detail="referral page") -> Referral:
    referrals = queries.with_progress(
        Referral.objects.select_related(
            "patient", "patient__location", "partner", "partner__specialty", "alternative_partner"
        )
    )
    return patient_record_or_404(request, referrals, code=code, detail=detail)


def _get_episode_for_user(request, code, detail="episode page") -> Episode:
    episodes = Episode.objects.select_related(
        "patient", "patient__location", "referral", "referral__partner", "clinician"
    )
    return patient_record_or_404(request, episodes, code=code, detail=detail)


def _page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring(request, **changes) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


# ---------------------------------------------------------------------------------------
# Patients
# ---------------------------------------------------------------------------------------


def _name_search(request, key: str) -> str:
    """The name searched for on a list. A name is patient data: it never goes in a URL (nor,
    through it, in an access log). The form posts it; it is kept in the session, and the list
    redirects to its plain address."""
    form = _search_filters(request, key).form
    return form.cleaned_data["q"] if form.is_valid() else ""


def _keep_name_search(request, key: str):
    _search_filters(request, key)  # a POST chooses: the name is remembered
    return redirect(request.get_full_path())


def _search_filters(request, key: str):
    return page_filters(request, key=f"search:{key}", form_class=NameSearchForm, posted=True)


@login_required
def patient_list(request):
    require_patient_access(request.user)
    if request.method == "POST":
        return _keep_name_search(request, "patients")
    q = _name_search(request, "patients")
    page = _page(request, queries.patient_list(user=request.user, q=q))
    audit_record(
        request=request,
        action=View,
        obj=Patient,
        detail=f"patient list, page {page.number}" + (", searched" if q else ""),
    )
    return render(
        request,
        "care/patient_list.html",
        {
            "page": page,
            "q": q,
            "query": _querystring(request),
        },
    )


@login_required
def patient_export(request):
    require_patient_access(request.user)
    patients = queries.patient_list(user=request.user, q=_name_search(request, "patients"))
    audit_record(request=request, action=Export, obj=Patient, detail="patient list CSV")
    rows = (
        (
            p.last_name,
            p.first_name,
            p.birth_date,
            p.location.name,
            p.get_channel_display(),
            p.source_partner.display_name if p.source_partner else "",
            p.created_on,
        )
        for p in patients.iterator(chunk_size=2000)
    )
    header = [
        "last_name",
        "first_name",
        "birth_date",
        "location",
        "channel",
        "source_partner",
        "first_recorded",
    ]
    return csv_response(filename="patients.csv", header=header, rows=rows)


@login_required
def patient_detail(request, code):
    patient = _get_patient_for_user(request, code)
    return render(
        request,
        "care/patient_detail.html",
        {
            "patient": patient,
            "events": queries.patient_timeline(patient=patient),
        },
    )


# ---------------------------------------------------------------------------------------
# Referrals: the list, intake, triage, booking, the first visit
# ---------------------------------------------------------------------------------------


def _referral_filters(request) -> queries.ReferralFilters:
    return queries.ReferralFilters(
        progress=request.GET.get("progress", ""),
        q=_name_search(request, "referrals"),
        location_code=_code_param(request, "location"),
        partner_code=_code_param(request, "partner"),
    )


def _code_param(request, name: str) -> str:
    code = as_code(request.GET.get(name, ""))
    return str(code) if code else ""


@login_required
def referral_list(request):
    require_patient_access(request.user)
    if request.method == "POST":
        return _keep_name_search(request, "referrals")
    filters = _referral_filters(request)
    page = _page(request, queries.referral_list(user=request.user, filters=filters))
    audit_record(
        request=request, action=View, obj=Referral, detail=f"referral list, page {page.number}"
    )
    locations = list(locations_of(request.user))
    return render(
        request,
        "care/referral_list.html",
        {
            "page": page,
            "filters": filters,
            "progress_choices": queries.Progress.CHOICES,
            "locations": locations if len(locations) > 1 else [],
            "query": _querystring(request),
            "partner": Partner.objects.filter(code=filters.partner_code).first()
            if filters.partner_code
            else None,
        },
    )


@login_required
def referral_export(request):
    require_patient_access(request.user)
    referrals = queries.referral_list(user=request.user, filters=_referral_filters(request))
    audit_record(request=request, action=Export, obj=Referral, detail="referral list CSV")
    rows = (
        (
            r.received_on,
            r.patient.last_name,
            r.patient.first_name,
            r.patient.birth_date,
            r.partner.display_name,
            r.partner.npi,
            r.patient.location.name,
            r.get_urgency_display(),
            queries.Progress.LABELS[r.progress],
            r.decided_on,
            r.get_decline_reason_display() or "",
            r.scheduled_on,
            r.seen_on,
        )
        for r in referrals.iterator(chunk_size=2000)
    )
    header = [
        "received_on",
        "patient_last_name",
        "patient_first_name",
        "birth_date",
        "partner",
        "partner_npi",
        "location",
        "urgency",
        "status",
        "decided_on",
        "decline_reason",
        "first_visit_booked_for",
        "first_visit",
    ]
    return csv_response(filename="referrals.csv", header=header, rows=rows)


@login_required
def referral_new(request):
    require_patient_access(request.user)
    _require_perm(request, "care.add_patient", "care.add_referral")
    form = IntakeForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            patient, referral = _record_intake(request, form)
        except (PartnerError, IntegrityError) as error:
            form.add_error(None, str(error))
        else:
            return _after_intake(request, patient, referral)
    status = 400 if form.errors else 200
    return render(request, "care/referral_new.html", _intake_context(request, form), status=status)


def _record_intake(request, form: IntakeForm):
    partner = form.chosen_partner
    new_partner = form.new_partner()
    if new_partner is not None:
        _require_perm(request, "partners.add_partner")
        partner = partner_create(new=new_partner, stage=Partner.Stage.PARTNER, by=request.user)
    return services.intake_record(
        patient=form.chosen_patient,
        new_patient=form.new_patient(),
        partner=partner,
        details=form.referral_details(),
        on=timezone.localdate(),
        by=request.user,
        request=request,
    )


def _after_intake(request, patient: Patient, referral: Referral | None):
    name = f"{patient.first_name} {patient.last_name}"
    if referral is None:
        messages.success(request, f"{name} is recorded, with how they found us.")
        return redirect("care-patient-detail", code=patient.code)
    messages.success(
        request,
        f"{name} is recorded, referred by {referral.partner.display_name}. "
        "Triage the referral now, or later from Today.",
    )
    return redirect("care-referral-detail", code=referral.code)


def _intake_context(request, form: IntakeForm) -> dict:
    return {"form": form, "single_location": form.fields["location"].queryset.count() == 1}


@login_required
def referral_detail(request, code):
    referral = _get_referral_for_user(request, code)
    return render(request, "care/referral_detail.html", _referral_context(request, referral))


def _referral_context(request, referral: Referral, **forms) -> dict:
    specialty = forms.pop("specialty", None) or ""
    suggestions = _suggestions(specialty, referral)
    return {
        "referral": referral,
        "progress_label": queries.Progress.LABELS[referral.progress],
        "episodes": list(referral.episodes.order_by("started_on")),
        "decline_form": forms.get("decline_form")
        or DeclineForm(
            referral=referral, suggestions=suggestions, initial={"specialty": specialty}
        ),
        "schedule_form": forms.get("schedule_form")
        or ScheduleForm(initial={"scheduled_on": referral.scheduled_on}),
        "visit_form": forms.get("visit_form")
        or FirstVisitForm(
            location=referral.patient.location,
            initial={
                "clinician": request.user.pk,
                "visit_on": referral.scheduled_on or timezone.localdate(),
            },
        ),
        "suggestions": suggestions,
        "can_triage": request.user.has_perm("care.change_referral"),
        "can_start": request.user.has_perms(["care.add_episode", "care.add_visit"]),
    }


def _suggestions(specialty: str, referral: Referral) -> list:
    return queries.alternative_partners(referral=referral, specialty=specialty, limit=SUGGESTIONS)


@login_required
def referral_alternatives(request, code):
    """The decline form's suggested partners for the chosen specialty (an htmx fragment)."""
    referral = _get_referral_for_user(request, code, detail="referral alternatives")
    specialty = request.GET.get("specialty", "")
    form = DeclineForm(
        suggestions=_suggestions(specialty, referral), initial={"specialty": specialty}
    )
    return render(request, "care/_alternative_partner.html", {"decline_form": form})


@login_required
@require_POST
def referral_accept(request, code):
    _require_perm(request, "care.change_referral")
    referral = _get_referral_for_user(request, code, detail="triage")
    try:
        services.referral_accept(
            referral=referral,
            on=max(timezone.localdate(), referral.received_on),
            by=request.user,
            request=request,
        )
    except services.CareError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Accepted. Book the first visit below.")
    return redirect("care-referral-detail", code=referral.code)


@login_required
@require_POST
def referral_decline(request, code):
    _require_perm(request, "care.change_referral")
    referral = _get_referral_for_user(request, code, detail="triage")
    specialty = request.POST.get("specialty", "")
    form = DeclineForm(
        request.POST, referral=referral, suggestions=_suggestions(specialty, referral)
    )
    if form.is_valid():
        try:
            services.referral_decline(
                referral=referral,
                reason=form.cleaned_data["reason"],
                decline_note=form.cleaned_data["decline_note"],
                alternative=form.cleaned_data["alternative"],
                alternative_partner=form.cleaned_data["alternative_partner"],
                on=form.cleaned_data["decided_on"],
                by=request.user,
                request=request,
            )
        except services.CareError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _declined_message(form.cleaned_data["reason"]))
            return redirect("care-referral-detail", code=referral.code)
    context = _referral_context(request, referral, decline_form=form, specialty=specialty)
    return render(request, "care/referral_detail.html", context, status=400)


def _declined_message(reason: str) -> str:
    if reason == Referral.DeclineReason.NOT_APPROPRIATE:
        return "Declined. A redirect letter to the referring partner is now owed (Reports)."
    return "Declined."


@login_required
@require_POST
def referral_schedule(request, code):
    _require_perm(request, "care.change_referral")
    referral = _get_referral_for_user(request, code, detail="booking")
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.referral_schedule(
                referral=referral,
                on=form.cleaned_data["scheduled_on"],
                by=request.user,
                request=request,
            )
        except services.CareError as error:
            form.add_error("scheduled_on", str(error))
        else:
            messages.success(request, "First visit booked.")
            return redirect("care-referral-detail", code=referral.code)
    context = _referral_context(request, referral, schedule_form=form)
    return render(request, "care/referral_detail.html", context, status=400)


@login_required
@require_POST
def referral_first_visit(request, code):
    """The first visit, attended or missed, opens the episode of care."""
    _require_perm(request, "care.add_episode", "care.add_visit")
    referral = _get_referral_for_user(request, code, detail="first visit")
    form = FirstVisitForm(request.POST, location=referral.patient.location)
    if form.is_valid():
        plan = services.EpisodePlan(
            started_on=form.cleaned_data["visit_on"], clinician=form.cleaned_data["clinician"]
        )
        try:
            episode = services.episode_start(
                patient=referral.patient,
                referral=referral,
                plan=plan,
                first_visit=form.cleaned_data["status"],
                by=request.user,
                request=request,
            )
        except (services.CareError, IntegrityError) as error:
            form.add_error(None, _refused(error))
        else:
            messages.success(request, "First visit recorded: the episode of care is open.")
            return redirect("care-episode-detail", code=episode.code)
    context = _referral_context(request, referral, visit_form=form)
    return render(request, "care/referral_detail.html", context, status=400)


def _refused(error: Exception) -> str:
    if isinstance(error, IntegrityError):
        return "The record refused this change: check the dates against the referral."
    return str(error)


# ---------------------------------------------------------------------------------------
# Episodes: visits, outcome measurements, the chart
# ---------------------------------------------------------------------------------------


def _clinical_links(episode: Episode) -> dict:
    """The clinical record's forms belong to the reports app; linked when there."""
    links = {}
    for key, name in (
        ("evaluation", "reports-episode-evaluation"),
        ("discharge", "reports-episode-discharge"),
    ):
        try:
            links[key] = reverse(name, args=[episode.code])
        except NoReverseMatch:
            links[key] = None
    return links


@login_required
def episode_detail(request, code):
    episode = _get_episode_for_user(request, code)
    return render(request, "care/episode_detail.html", _episode_context(request, episode))


def _episode_context(request, episode: Episode, visit_form=None) -> dict:
    today = timezone.localdate()
    series = queries.episode_outcomes(episode=episode)
    primary = next((s for s in series if s.instrument.code == episode.primary_measure), None)
    return {
        "episode": episode,
        "patient": episode.patient,
        "visits": list(episode.visits.order_by("-visit_on", "-id")),
        "visit_counts": queries.visit_counts(episode=episode),
        "visit_form": visit_form or VisitForm(),
        "series": series,
        "primary": primary,
        "instruments": list(INSTRUMENTS.values()),
        "links": _clinical_links(episode),
        "can_record": request.user.has_perm("care.add_outcome"),
        "can_add_visit": request.user.has_perm("care.add_visit") and not episode.ended_on,
        "reports": [
            (report, report.sent_on is None and report.due_on < today)
            for report in episode.reports.order_by("due_on")
        ],
    }


@login_required
@require_POST
def episode_visit_add(request, code):
    _require_perm(request, "care.add_visit")
    episode = _get_episode_for_user(request, code, detail="visit recorded")
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            services.visit_record(
                episode=episode,
                on=form.cleaned_data["visit_on"],
                status=form.cleaned_data["status"],
                by=request.user,
                request=request,
            )
        except services.CareError as error:
            form.add_error("visit_on", str(error))
        else:
            messages.success(request, "Visit recorded.")
            return redirect("care-episode-detail", code=episode.code)
    context = _episode_context(request, episode, visit_form=form)
    return render(request, "care/episode_detail.html", context, status=400)


def _instrument_or_404(code: str) -> str:
    if code not in INSTRUMENTS:
        raise Http404("Unknown instrument.")
    return code


@login_required
def outcome_new(request, code, instrument):
    _require_perm(request, "care.add_outcome")
    instrument = _instrument_or_404(instrument)
    episode = _get_episode_for_user(request, code, detail=f"outcome entry {instrument}")
    form = OutcomeForm(_posted(request), instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.outcome_record(
                episode=episode,
                instrument=instrument,
                measured_on=form.cleaned_data["measured_on"],
                answers=form.answers(),
                by=request.user,
                request=request,
            )
        except (ScoringError, services.CareError) as error:
            form.add_error(None, str(error))
        else:
            unit = INSTRUMENTS[instrument].unit
            messages.success(request, f"{instrument} recorded: score {outcome.score}{unit}.")
            return redirect("care-episode-detail", code=episode.code)
    return render(
        request,
        "care/outcome_new.html",
        _outcome_context(episode, form),
        status=400 if form.errors else 200,
    )


def _outcome_context(episode: Episode, form: OutcomeForm) -> dict:
    questionnaire = QUESTIONNAIRES.get(form.instrument)
    return {
        "rows": (len(questionnaire.items) + 1) // 2 if questionnaire else 0,
        "episode": episode,
        "patient": episode.patient,
        "form": form,
        "instrument": INSTRUMENTS[form.instrument],
        "questionnaire": questionnaire,
    }


@login_required
@require_POST
def outcome_preview(request, code, instrument):
    """The score as the answers stand, while the clinician types (an htmx fragment)."""
    _require_perm(request, "care.add_outcome")
    instrument = _instrument_or_404(instrument)
    require_patient_access(request.user)
    get_object_or_404(Episode.objects.visible_to(request.user), code=code)
    form = OutcomeForm(request.POST, instrument=instrument)
    score, error = None, ""
    if form.is_valid():
        try:
            score, _ = services.outcome_score(instrument=instrument, answers=form.answers())
        except ScoringError as refused:
            error = str(refused)
    else:
        error = "Check the highlighted answers."
    return render(
        request,
        "care/_outcome_preview.html",
        {
            "score": score,
            "error": error,
            "instrument": INSTRUMENTS[instrument],
        },
    )


# ---------------------------------------------------------------------------------------
# Marketing spend (managers only: what winning patients costs, per channel)
# ---------------------------------------------------------------------------------------


def _require_manager(request) -> None:
    require_manager(request.user, "Only a manager enters marketing spend.")


def _get_spend_for_manager(request, code) -> MarketingSpend:
    _require_manager(request)
    return get_object_or_404(MarketingSpend.objects.select_related("location"), code=code)


def _spend_filters(request) -> tuple[SpendFiltersForm, queries.SpendFilters]:
    form = SpendFiltersForm(request.GET if {"channel", "year"} & set(request.GET) else None)
    return form, form.filters()


@login_required
def spend_list(request):
    _require_manager(request)
    form, filters = _spend_filters(request)
    rows = queries.marketing_spend_list(filters=filters)
    return render(
        request,
        "care/marketing_spend_list.html",
        {
            "page": _page(request, rows),
            "form": form,
            "filters": filters,
            "total": queries.marketing_spend_total(rows),
            "years": sorted({*queries.spend_years(), timezone.localdate().year}, reverse=True),
            "query": _querystring(request),
        },
    )


@login_required
def spend_export(request):
    _require_manager(request)
    _, filters = _spend_filters(request)
    rows = (
        (
            s.spent_on,
            s.get_channel_display(),
            s.location.name if s.location else "",
            s.amount,
            s.description,
        )
        for s in queries.marketing_spend_list(filters=filters).iterator(chunk_size=2000)
    )
    header = ["spent_on", "channel", "location", "amount_usd", "description"]
    return csv_response(filename="marketing-spend.csv", header=header, rows=rows)


@login_required
def spend_new(request):
    _require_manager(request)
    form = MarketingSpendForm(_posted(request), initial={"spent_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        return _spend_saved(
            request,
            form,
            None,
            lambda details: services.marketing_spend_create(details=details, by=request.user),
        )
    return _spend_form(request, form, spend=None)


@login_required
def spend_edit(request, code):
    spend = _get_spend_for_manager(request, code)
    form = MarketingSpendForm(_posted(request), initial=MarketingSpendForm.initial_for(spend))
    if request.method == "POST" and form.is_valid():
        return _spend_saved(
            request,
            form,
            spend,
            lambda details: services.marketing_spend_update(
                spend=spend, details=details, by=request.user
            ),
        )
    return _spend_form(request, form, spend=spend)


@login_required
@require_POST
def spend_delete(request, code):
    spend = _get_spend_for_manager(request, code)
    services.marketing_spend_delete(spend=spend, by=request.user)
    messages.success(request, f"Deleted: {_spend_words(spend)}.")
    return redirect("care-marketing-spend-list")


def _spend_saved(request, form: MarketingSpendForm, spend: MarketingSpend | None, save):
    """Save through `save(details)`; a refusal of the service re-renders the form with it."""
    try:
        saved = save(form.details())
    except services.CareError as error:
        form.add_error(None, str(error))
        return _spend_form(request, form, spend=spend)
    messages.success(request, f"Saved: {_spend_words(saved)}.")
    return redirect("care-marketing-spend-list")


def _spend_words(spend: MarketingSpend) -> str:
    return f"{spend.get_channel_display()}, ${spend.amount:,.2f} on {spend.spent_on:%b %-d, %Y}"


def _spend_form(request, form: MarketingSpendForm, spend: MarketingSpend | None):
    return render(
        request,
        "care/marketing_spend_form.html",
        {"form": form, "spend": spend},
        status=400 if form.errors else 200,
    )


@login_required
def clinicians_to_match(request):
    """Clinician names from the practice's files that match no user, for a manager to link."""
    require_manager(request.user, "Only a manager links clinicians.")
    form = ClinicianLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        linked = services.episode_clinician_link(
            written=form.cleaned_data["written"],
            clinician=form.cleaned_data["clinician"],
            by=request.user,
            request=request,
        )
        clinician = form.cleaned_data["clinician"].get_full_name()
        messages.success(request, f"{linked} episodes now name {clinician}.")
        return redirect("care-clinicians-to-match")
    status = 400 if request.method == "POST" else 200
    context = {"names": queries.clinicians_to_match(), "form": form}
    return render(request, "care/clinicians_to_match.html", context, status=status)
