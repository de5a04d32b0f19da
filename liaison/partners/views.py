"""The partner pages: directory, board, a partner's page, touchpoints, notes, merges.

A partner's page shows figures from insights and care (counts; patients only to roles that
may see them): pages are faces over several apps, while services and queries keep the arrows.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from liaison.accounts.access import can_see_patients, require_manager
from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditEvent
from liaison.care import queries as care_queries
from liaison.core.codes import as_code
from liaison.core.exports import csv_response
from liaison.core.filters import page_filters
from liaison.insights.queries import (
    Scope,
    partner_scorecard_today,
    practice_scorecards,
    reports_on_time,
)
from liaison.partners import queries, services
from liaison.partners.forms import (
    CadenceForm,
    DirectoryFilterForm,
    MergeForm,
    NoteForm,
    PartnerForm,
    PlanForm,
    StageForm,
    TouchpointForm,
    search_options,
)
from liaison.partners.models import Partner, PartnerStage, PlannedTouchpoint
from liaison.partners.services import PartnerError
from liaison.reports.models import Report

PAGE_SIZE = 50
BOARD_CARDS = 12
RECENT_ROWS = 10
SESSION_FILTERS = "partner_directory_filters"


def _posted(request):
    """The form data of a POST, even an empty one (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None


def _require_perm(request, *perms: str) -> None:
    if not request.user.has_perms(perms):
        raise PermissionDenied("Your role does not allow this.")


def _get_partner_for_user(request, code, *perms: str) -> Partner:
    """The partner, for a user whose role may see the directory (and hold `perms`)."""
    _require_perm(request, "partners.view_partner", *perms)
    partners = Partner.objects.select_related("specialty", "owner", "works_at", "introduced_by")
    return get_object_or_404(partners, code=code)


# ---------------------------------------------------------------------------------------
# Directory, export, search
# ---------------------------------------------------------------------------------------


def _trend_pks(trend: str, cards) -> frozenset[int] | None:
    if not trend:
        return None
    if trend == "reconnect":
        return frozenset(c.pk for c in cards if c.needs_reconnect)
    return frozenset(c.pk for c in cards if c.trend == trend)


def _directory(form: DirectoryFilterForm):
    """The directory filtered by `form` and each partner's scorecard, keyed by partner id."""
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if v}
    cards = practice_scorecards(as_of=timezone.localdate())
    filters = queries.DirectoryFilters(
        q=data.get("q", ""),
        specialty=data.get("specialty", ""),
        stage=data.get("stage", ""),
        area=data.get("area", ""),
        owner=data.get("owner", ""),
        pks=_trend_pks(data.get("trend", ""), cards.values()),
    )
    return form, queries.partner_directory(filters=filters), cards


@login_required
def directory(request):
    _require_perm(request, "partners.view_partner")
    filters = page_filters(request, key=SESSION_FILTERS, form_class=DirectoryFilterForm)
    if filters.restored:
        # A bare visit returns to the last filters used, in the address like any other choice.
        return redirect(f"{request.path}?{filters.query}")
    form, partners, cards = _directory(filters.form)
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(p, cards.get(p.pk)) for p in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partners/directory.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "filtered": bool(filters.form.data),  # the values chosen, none empty
            "can_add": request.user.has_perm("partners.add_partner"),
        },
    )


@login_required
def directory_export(request):
    _require_perm(request, "partners.view_partner")
    _, partners, cards = _directory(DirectoryFilterForm(request.GET))
    header = [
        "name",
        "kind",
        "npi",
        "specialty",
        "stage",
        "trend",
        "needs_reconnect",
        "referrals_12m",
        "last_referral_on",
        "last_touchpoint_on",
        "works_at",
        "city",
        "zip",
        "phone",
        "fax",
        "email",
        "owner",
        "contact_cadence_days",
    ]

    def row(p):
        card = cards.get(p.pk)
        return [
            p.display_name,
            p.kind,
            p.npi,
            p.specialty.name,
            p.get_stage_display(),
            card.trend if card else "",
            card.needs_reconnect if card else "",
            card.referrals if card else 0,
            card.last_referral_on if card else None,
            card.last_touchpoint_on if card else None,
            p.works_at.organization_name if p.works_at else "",
            p.city,
            p.zip,
            p.phone,
            p.fax,
            p.email,
            p.owner.get_full_name() if p.owner else "",
            p.contact_cadence_days,
        ]

    rows = (row(p) for p in partners.iterator(chunk_size=2000))
    return csv_response(filename="partners.csv", header=header, rows=rows)


@login_required
def search(request):
    """Partners matching what the desk typed (an htmx fragment for the intake form)."""
    _require_perm(request, "partners.view_partner")
    query = request.GET.get("partner_query") or request.GET.get("q") or ""
    options = search_options(results=queries.partners_search(q=query), query=query)
    return render(
        request,
        "partners/_search_results.html",
        {
            "options": options.options,
            "searched": options.searched,
            "new_checked": options.new_checked,
        },
    )


# ---------------------------------------------------------------------------------------
# The pipeline board
# ---------------------------------------------------------------------------------------


PIPELINE = [
    PartnerStage.PROSPECT,
    PartnerStage.CONTACTED,
    PartnerStage.MEETING,
    PartnerStage.PARTNER,
    PartnerStage.LOST,
]


def _board_context(request) -> dict:
    mine = request.GET.get("mine") == "1"
    partners = Partner.objects.select_related("specialty", "owner").order_by("-updated_at", "-id")
    if mine:
        partners = partners.filter(owner=request.user)
    counts = queries.stage_counts(owner=request.user if mine else None)
    columns = [
        {
            "stage": stage,
            "label": PartnerStage(stage).label,
            "count": counts[stage],
            "cards": list(partners.filter(stage=stage)[:BOARD_CARDS]),
            "moves": _moves(stage),
        }
        for stage in PIPELINE
    ]
    return {
        "columns": columns,
        "mine": mine,
        "can_move": request.user.has_perm("partners.change_partner"),
    }


@dataclass(frozen=True)
class Move:
    """A button on a board card: the stage it moves to, the words shown and those read out."""

    stage: str
    label: str
    verb: str  # read before the label by screen readers, e.g. "Back to"
    direction: str  # back, ahead or aside: where the arrow goes


def _moves(stage: str) -> list[Move]:
    """One step back or forward along the pipeline, or lost (and a lost partner reopened)."""
    if stage == PartnerStage.LOST:
        return [Move(PartnerStage.PROSPECT, "Reopen", "", "aside")]
    i = PIPELINE.index(stage)
    moves = []
    if i > 0:
        moves.append(Move(PIPELINE[i - 1], PartnerStage(PIPELINE[i - 1]).label, "Back to", "back"))
    if PIPELINE[i + 1] != PartnerStage.LOST:
        moves.append(Move(PIPELINE[i + 1], PartnerStage(PIPELINE[i + 1]).label, "Move to", "ahead"))
    moves.append(Move(PartnerStage.LOST, "Lost", "Mark", "aside"))
    return moves


@login_required
def board(request):
    _require_perm(request, "partners.view_partner")
    return render(request, "partners/board.html", _board_context(request))


@login_required
@require_POST
def stage_set(request, code):
    partner = _get_partner_for_user(request, code, "partners.change_partner")
    form = StageForm(request.POST)
    if form.is_valid():
        services.partner_stage_set(
            partner=partner, stage=form.cleaned_data["stage"], by=request.user
        )
        message = f"{partner.display_name}: {partner.get_stage_display()}."
    else:
        message = "Unknown stage."
    if request.headers.get("HX-Request"):
        context = _board_context(request)
        context["announcement"] = message
        return render(request, "partners/_board.html", context)
    messages.success(request, message)
    return redirect(_safe_next(request, partner))


def _safe_next(request, partner: Partner) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("partners-detail", args=[partner.code])


# ---------------------------------------------------------------------------------------
# A partner's page
# ---------------------------------------------------------------------------------------


@login_required
def detail(request, code):
    partner = _get_partner_for_user(request, code)
    return _detail_page(request, partner)


def _detail_page(request, partner: Partner, *, status: int = 200, **forms):
    """The partner's page; after a refused form, again with that form and its errors (400)."""
    context = _detail_context(request, partner, **forms)
    return render(request, "partners/detail.html", context, status=status)


def _detail_context(request, partner: Partner, **forms) -> dict:
    user, today = request.user, timezone.localdate()
    card = partner_scorecard_today(partner=partner, as_of=today)
    context = {
        "partner": partner,
        "card": card,
        "by_month": care_queries.referrals_by_month(partner_id=partner.pk, as_of=today),
        "members": list(partner.members.order_by("last_name", "first_name")[:50]),
        "introduced": list(partner.introduced.order_by("last_name", "organization_name")[:50]),
        "can_edit": user.has_perm("partners.change_partner"),
        "can_merge": user.has_perm("partners.delete_partner"),
        "today": today,
    }
    context.update(_patients_context(request, partner))
    context.update(_contacts_context(request, partner, **forms))
    context.update(_notes_context(request, partner, **forms))
    return context


def _patients_context(request, partner: Partner) -> dict:
    """Counts for every role; the patients themselves only for roles that may see them."""
    counts = care_queries.partner_referral_counts(partner_id=partner.pk)
    today = timezone.localdate()
    context = {
        "progress_counts": [(care_queries.Progress.LABELS[k], n) for k, n in counts.items()],
        "can_see_patients": can_see_patients(request.user),
        # Every report owed to the partner and due in the last 12 months, written or not.
        "reports_on_time": reports_on_time(scope=Scope(as_of=today), partner_pk=partner.pk).all,
    }
    if context["can_see_patients"]:
        filters = care_queries.ReferralFilters(partner_code=str(partner.code))
        referrals = care_queries.referral_list(user=request.user, filters=filters)
        context["recent_referrals"] = list(referrals[:RECENT_ROWS])
        audit_record(
            request=request,
            action=AuditEvent.Action.VIEW,
            obj=referrals.model,
            detail=f"partner page {partner.code}: referrals",
        )
        context["reports"] = list(
            Report.objects.visible_to(request.user)
            .filter(referral__partner=partner)
            .select_related("referral__patient")
            .order_by("-due_on", "-id")[:RECENT_ROWS]
        )
    return context


def _contacts_context(request, partner: Partner, **forms) -> dict:
    user = request.user
    if not user.has_perm("partners.view_touchpoint"):
        return {"can_see_touchpoints": False}
    today = timezone.localdate()
    return {
        "can_see_touchpoints": True,
        "can_log": user.has_perm("partners.add_touchpoint"),
        "touchpoints": list(partner.touchpoints.order_by("-occurred_on", "-id")[:RECENT_ROWS]),
        "touchpoint_count": partner.touchpoints.count(),
        "plans": list(partner.planned_touchpoints.open().select_related("owner")),
        "plan_form": forms.get("plan_form") or PlanForm(initial=_plan_initial(request)),
        "cadence_form": CadenceForm(initial={"contact_cadence_days": partner.contact_cadence_days}),
        "spend": queries.partner_spend(partner=partner, year=today.year),
        "next_contact_on": queries.next_contact_due(
            partner,
            partner.touchpoints.filter(occurred_on__lte=today)
            .values_list("occurred_on", flat=True)
            .order_by("-occurred_on")
            .first(),
        ),
    }


def _notes_context(request, partner: Partner, **forms) -> dict:
    user = request.user
    if not user.has_perm("partners.view_partnernote"):
        return {"can_see_notes": False}
    return {
        "can_see_notes": True,
        "can_note": user.has_perm("partners.add_partnernote"),
        "notes": list(partner.case_notes.select_related("author")[:20]),
        "note_form": forms.get("note_form") or NoteForm(),
    }


@login_required
def new(request):
    _require_perm(request, "partners.add_partner")
    form = PartnerForm(
        _posted(request), initial={"stage": PartnerStage.PROSPECT, "owner": request.user}
    )
    if request.method == "POST" and form.is_valid():
        partner = form.save()
        messages.success(request, f"{partner.display_name} is in the directory.")
        return redirect("partners-detail", code=partner.code)
    return render(
        request,
        "partners/edit.html",
        {"form": form, "partner": None},
        status=400 if form.errors else 200,
    )


@login_required
def edit(request, code):
    partner = _get_partner_for_user(request, code, "partners.change_partner")
    form = PartnerForm(_posted(request), instance=partner)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("partners-detail", code=partner.code)
    return render(
        request,
        "partners/edit.html",
        {"form": form, "partner": partner},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def cadence_set(request, code):
    partner = _get_partner_for_user(request, code, "partners.change_partner")
    form = CadenceForm(request.POST)
    if form.is_valid():
        services.partner_cadence_set(
            partner=partner, days=form.cleaned_data["contact_cadence_days"], by=request.user
        )
        cadence = partner.get_contact_cadence_days_display() or "none"
        messages.success(request, f"Contact cadence: {cadence}.")
    return redirect("partners-detail", code=partner.code)


# ---------------------------------------------------------------------------------------
# Touchpoints, plans, notes
# ---------------------------------------------------------------------------------------


@login_required
def touchpoint_new(request, code):
    partner = _get_partner_for_user(request, code, "partners.add_touchpoint")
    form = TouchpointForm(
        _posted(request),
        partner=partner,
        user=request.user,
        initial=_touchpoint_initial(request, partner),
    )
    if request.method == "POST" and form.is_valid():
        _log_touchpoint(request, partner, form)
        if request.GET.get("next") == "today":
            return redirect("insights-home")
        return redirect("partners-detail", code=partner.code)
    today = timezone.localdate()
    return render(
        request,
        "partners/touchpoint_new.html",
        {
            "partner": partner,
            "form": form,
            "spend": queries.partner_spend(partner=partner, year=today.year),
        },
        status=400 if form.errors else 200,
    )


def _touchpoint_initial(request, partner: Partner) -> dict:
    """A plan opened from Today (or due within a week) fills the form in."""
    plans = partner.planned_touchpoints.open().order_by("planned_on")
    plan = None
    if request.GET.get("plan"):
        plan = plans.filter(code=as_code(request.GET["plan"])).first()
    if plan is None:
        soon = timezone.localdate() + dt.timedelta(days=7)
        plan = plans.filter(planned_on__lte=soon).first()
    if plan is None:
        return {}
    return {"plan": plan, "kind": plan.kind, "notes": plan.notes}


def _plan_initial(request) -> dict:
    """A link (the insights' "Plan a touchpoint") may fill the plan form in by query string."""
    return {k: request.GET[k] for k in ("planned_on", "kind", "notes") if k in request.GET}


def _log_touchpoint(request, partner: Partner, form: TouchpointForm) -> None:
    d = form.cleaned_data
    services.touchpoint_log(
        partner=partner,
        occurred_on=d["occurred_on"],
        kind=d["kind"],
        staff=d["staff"],
        notes=d["notes"],
        cost=d["cost"],
        plan=d["plan"],
        by=request.user,
    )
    text = f"Touchpoint with {partner.display_name} logged."
    if d.get("next_on"):
        services.touchpoint_plan(
            partner=partner,
            planned_on=d["next_on"],
            kind=d["next_kind"] or d["kind"],
            by=request.user,
        )
        text += f" Next one planned for {d['next_on']:%b %-d}."
    spend = form.spend_after
    if spend is not None and spend.level != "ok":
        messages.warning(
            request,
            f"Gifts and meals for this partner in {spend.year}: "
            f"${spend.spent:,.2f} of the ${spend.limit:,.2f} yearly limit.",
        )
    messages.success(request, text)


@login_required
@require_POST
def plan_new(request, code):
    partner = _get_partner_for_user(request, code, "partners.add_plannedtouchpoint")
    form = PlanForm(request.POST)
    if form.is_valid():
        services.touchpoint_plan(partner=partner, by=request.user, **form.cleaned_data)
        messages.success(request, "Planned.")
        return redirect("partners-detail", code=partner.code)
    return _detail_page(request, partner, plan_form=form, status=400)


@login_required
@require_POST
def plan_cancel(request, code):
    _require_perm(request, "partners.delete_plannedtouchpoint")
    plan = get_object_or_404(PlannedTouchpoint.objects.select_related("partner"), code=code)
    try:
        services.planned_touchpoint_cancel(plan=plan, by=request.user)
    except PartnerError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Plan cancelled.")
    return redirect("partners-detail", code=plan.partner.code)


@login_required
@require_POST
def note_new(request, code):
    partner = _get_partner_for_user(request, code, "partners.add_partnernote")
    form = NoteForm(request.POST)
    if form.is_valid():
        services.partner_note_add(
            partner=partner,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            on=timezone.localdate(),
            by=request.user,
        )
        messages.success(request, "Note added.")
        return redirect("partners-detail", code=partner.code)
    return _detail_page(request, partner, note_form=form, status=400)


@login_required
def touchpoint_export(request, code):
    partner = _get_partner_for_user(request, code, "partners.view_touchpoint")
    rows = (
        (t.occurred_on, t.get_kind_display(), t.staff, t.cost, t.notes)
        for t in partner.touchpoints.order_by("-occurred_on", "-id").iterator()
    )
    return csv_response(
        filename="touchpoints.csv",
        rows=rows,
        header=["occurred_on", "kind", "staff", "cost_usd", "notes"],
    )


# ---------------------------------------------------------------------------------------
# Merging a duplicate
# ---------------------------------------------------------------------------------------


@login_required
def merge(request, code):
    """A manager folds this partner (the duplicate) into the one to keep."""
    duplicate = _get_partner_for_user(request, code, "partners.delete_partner")
    require_manager(request.user, "Only a manager merges partners.")
    q = request.GET.get("q", "").strip()
    candidates = _merge_candidates(duplicate, q)
    likely_only = not q and queries.partners_named_like(partner=duplicate).exists()
    form = MergeForm(_posted(request), candidates=candidates, likely_only=likely_only)
    if request.method == "POST" and form.is_valid():
        keep = services.partner_merge(
            keep=form.cleaned_data["keep"], duplicate=duplicate, by=request.user, request=request
        )
        messages.success(
            request, f"Merged: everything of the duplicate is now {keep.display_name}'s."
        )
        return redirect("partners-detail", code=keep.code)
    return render(
        request,
        "partners/merge.html",
        {
            "duplicate": duplicate,
            "form": form,
            "q": q,
            "counts": _merge_counts(duplicate),
        },
        status=400 if form.errors else 200,
    )


def _merge_candidates(duplicate: Partner, q: str):
    likely = queries.partners_named_like(partner=duplicate).values("pk")
    condition = Q(pk__in=likely)
    if q:
        condition |= queries.search_q(q)
    shown = (
        Partner.objects.filter(condition)
        .exclude(pk=duplicate.pk)
        .order_by("last_name", "organization_name")
        .values_list("pk", flat=True)[:20]
    )
    # A plain (unsliced) queryset, so that the form can validate the choice against it.
    return (
        Partner.objects.filter(pk__in=list(shown))
        .select_related("specialty")
        .order_by("last_name", "organization_name")
    )


def _merge_counts(duplicate: Partner) -> list[tuple[str, int]]:
    return [
        ("referrals", duplicate.referrals.count()),
        ("patients sent", duplicate.sent_patients.count()),
        ("touchpoints", duplicate.touchpoints.count()),
        ("planned touchpoints", duplicate.planned_touchpoints.count()),
        ("notes", duplicate.case_notes.count()),
        ("members", duplicate.members.count()),
        ("partners introduced", duplicate.introduced.count()),
    ]
