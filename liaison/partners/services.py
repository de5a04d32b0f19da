import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditEvent
from liaison.core.npi import validate_npi
from liaison.partners.models import (
    Partner,
    PartnerNote,
    PlannedTouchpoint,
    Specialty,
    Touchpoint,
)
from liaison.partners.specialties import SpecialtySlug


def specialties_sync() -> None:
    """Make sure every specialty slug has its row; keeps the practice's wanted/target settings."""
    existing = set(Specialty.objects.values_list("slug", flat=True))
    Specialty.objects.bulk_create(
        Specialty(slug=slug, name=label)
        for slug, label in SpecialtySlug.choices
        if slug not in existing
    )


def specialties_sync_after_migrate(**kwargs) -> None:
    specialties_sync()


# ---------------------------------------------------------------------------------------
# Partners, stages, touchpoints, notes, merges
# ---------------------------------------------------------------------------------------


class PartnerError(Exception):
    """A change the directory's rules refuse; the message says why."""


@dataclass(frozen=True)
class NewPartner:
    """What the desk or the liaison knows about a partner not yet in the directory."""

    kind: str
    last_name: str = ""
    first_name: str = ""
    organization_name: str = ""
    credentials: str = ""
    npi: str | None = None
    specialty: str = SpecialtySlug.OTHER
    phone: str = ""
    fax: str = ""
    city: str = ""
    zip: str = ""


def partner_create(*, new: NewPartner, stage: str, by) -> Partner:
    """Add a partner; an NPI already in the directory is refused, naming who holds it."""
    npi = (new.npi or "").strip() or None
    if npi is not None:
        validate_npi(npi)
        holder = Partner.objects.filter(npi=npi).first()
        if holder is not None:
            raise PartnerError(f"NPI {npi} is already on file for {holder.display_name}.")
    partner = Partner(
        kind=new.kind,
        last_name=new.last_name.strip(),
        first_name=new.first_name.strip(),
        organization_name=new.organization_name.strip(),
        credentials=new.credentials.strip(),
        npi=npi,
        specialty_id=new.specialty,
        phone=new.phone.strip(),
        fax=new.fax.strip(),
        city=new.city.strip(),
        zip=new.zip.strip(),
        stage=stage,
        owner=by if by is not None and stage == Partner.Stage.PROSPECT else None,
    )
    partner.full_clean(validate_unique=False, validate_constraints=False)
    partner.save()
    return partner


def partner_stage_set(*, partner: Partner, stage: str, by) -> Partner:
    if stage not in Partner.Stage.values:
        raise PartnerError("Unknown stage.")
    partner.stage = stage
    partner.save(update_fields=["stage", "updated_at"])
    return partner


def touchpoint_log(
    *,
    partner: Partner,
    occurred_on: dt.date,
    kind: str,
    staff: str = "",
    notes: str = "",
    cost: Decimal | None = None,
    plan: PlannedTouchpoint | None = None,
    by,
) -> Touchpoint:
    """Record a contact. It carries out `plan` if given; a prospect becomes contacted."""
    if plan is not None and (plan.partner_id != partner.pk or plan.touchpoint_id is not None):
        raise PartnerError("That plan is not an open plan of this partner.")
    with transaction.atomic():
        touchpoint = Touchpoint.objects.create(
            partner=partner,
            occurred_on=occurred_on,
            kind=kind,
            staff=staff.strip(),
            notes=notes.strip(),
            cost=cost,
        )
        if plan is not None:
            plan.touchpoint = touchpoint
            plan.save(update_fields=["touchpoint", "updated_at"])
        if partner.stage == Partner.Stage.PROSPECT:
            partner_stage_set(partner=partner, stage=Partner.Stage.CONTACTED, by=by)
    return touchpoint


def touchpoint_plan(
    *, partner: Partner, planned_on: dt.date, kind: str, notes: str = "", owner=None, by
) -> PlannedTouchpoint:
    return PlannedTouchpoint.objects.create(
        partner=partner,
        planned_on=planned_on,
        kind=kind,
        notes=notes.strip(),
        owner=owner or by,
    )


def planned_touchpoint_cancel(*, plan: PlannedTouchpoint, by) -> None:
    if plan.touchpoint_id is not None:
        raise PartnerError("This plan was carried out; it stays on the record.")
    plan.delete()


def partner_cadence_set(*, partner: Partner, days: int | None, by) -> Partner:
    partner.contact_cadence_days = days
    partner.save(update_fields=["contact_cadence_days", "updated_at"])
    return partner


def partner_note_add(*, partner: Partner, kind: str, text: str, on: dt.date, by) -> PartnerNote:
    if not text.strip():
        raise PartnerError("Write the note.")
    return PartnerNote.objects.create(
        partner=partner, kind=kind, text=text.strip(), written_on=on, author=by
    )


# Apps whose rows carry patient data: a merge that moves them is written to the audit trail.
PATIENT_DATA_APPS = {"care", "correspondence"}

# Fields a merge copies from the duplicate when the partner kept has them blank.
_FILLABLE = [
    "npi",
    "first_name",
    "credentials",
    "taxonomy_code",
    *Partner.CONTACT_DETAILS,
    "external_id",
    "contact_cadence_days",
    "owner_id",
    "introduced_by_id",
    "works_at_id",
]


@transaction.atomic
def partner_merge(*, keep: Partner, duplicate: Partner, by, request=None) -> Partner:
    """Fold `duplicate` into `keep`: every record pointing at the duplicate (referrals, the
    patients it sent, touchpoints, plans, notes, members, partners it introduced, and any
    other app's rows) moves to `keep`; blank fields of `keep` are filled from it; then the
    duplicate is deleted. All or nothing; audited."""
    if keep.pk == duplicate.pk:
        raise PartnerError("Choose two different partners to merge.")
    keep = Partner.objects.select_for_update().get(pk=keep.pk)
    duplicate = Partner.objects.select_for_update().get(pk=duplicate.pk)
    moved = _repoint_relations(keep=keep, duplicate=duplicate)
    filled = _fill_blanks(keep=keep, duplicate=duplicate)
    duplicate_code = duplicate.code
    # Unique values (NPI, the practice's id) must leave the duplicate before `keep` takes them.
    Partner.objects.filter(pk=duplicate.pk).update(npi=None, external_id=None)
    duplicate.delete()
    keep.save()
    counts = ", ".join(f"{n} {m._meta.verbose_name_plural}" for m, n in moved.items() if n)
    audit_record(
        request=request,
        user=by,
        action=AuditEvent.Action.UPDATE,
        obj=keep,
        detail=f"merged partner {duplicate_code}: moved {counts or 'nothing'}"
        + (f"; filled {', '.join(filled)}" if filled else ""),
    )
    for model, n in moved.items():
        if n and model._meta.app_label in PATIENT_DATA_APPS:
            # Rows of patient data now name another partner: the trail records the change.
            audit_record(
                request=request,
                user=by,
                action=AuditEvent.Action.UPDATE,
                obj=model,
                detail=f"{n} moved to partner {keep.code} by a partner merge",
            )
    return keep


def _repoint_relations(*, keep: Partner, duplicate: Partner) -> dict[type, int]:
    """Move every foreign key to the duplicate over to `keep`, whichever app owns it: found
    through the model's relations, so a relation added later is merged without a change here."""
    moved: dict[type, int] = {}
    for relation in Partner._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue
        model, field = relation.related_model, relation.field
        rows = model._base_manager.filter(**{field.name: duplicate})
        if relation.one_to_one and model._base_manager.filter(**{field.name: keep}).exists():
            # `keep` has its own (e.g. communication preferences): the duplicate's goes with it.
            continue
        if model is Partner:
            rows = rows.exclude(pk=keep.pk)
        moved[model] = moved.get(model, 0) + rows.update(**{field.name: keep})
    return moved


def _fill_blanks(*, keep: Partner, duplicate: Partner) -> list[str]:
    filled = []
    for name in _FILLABLE:
        if getattr(keep, name) in (None, "") and getattr(duplicate, name) not in (None, ""):
            value = getattr(duplicate, name)
            if name in ("works_at_id", "introduced_by_id") and value in (keep.pk, duplicate.pk):
                continue
            setattr(keep, name, value)
            filled.append(name.removesuffix("_id"))
    if keep.works_at_id == duplicate.pk:
        keep.works_at_id = None
    if keep.introduced_by_id == duplicate.pk:
        keep.introduced_by_id = None
    if duplicate.notes.strip():
        keep.notes = "\n\n".join(n for n in [keep.notes.strip(), duplicate.notes.strip()] if n)
    return filled
