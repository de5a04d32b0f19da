from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from liaison.accounts.access import require_manager
from liaison.care.queries import clinicians_to_match
from liaison.interop import services
from liaison.interop.forms import PracticeFilesUploadForm
from liaison.interop.models import PracticeImport
from liaison.interop.practice_files.progress import read_progress
from liaison.interop.runs import progress_path
from liaison.interop.tasks import fail_stalled_imports

RECENT = 10


def _require_manager(request) -> None:
    require_manager(request.user, "Only a manager imports practice files.")


def _get_import_for_user(request, code) -> PracticeImport:
    _require_manager(request)
    return get_object_or_404(PracticeImport, code=code)


@login_required
def import_start(request):
    _require_manager(request)
    form = PracticeFilesUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        practice_import = services.practice_import_start(
            upload=form.cleaned_data["archive"],
            dry_run=request.POST.get("action") != "import",
            by=request.user,
        )
        return redirect("interop-import-detail", code=practice_import.code)
    fail_stalled_imports()
    recent = PracticeImport.objects.select_related("user")[:RECENT]
    context = {"form": form, "recent": recent, "to_match": len(clinicians_to_match())}
    return render(request, "interop/import_start.html", context)


@login_required
def import_detail(request, code):
    practice_import = _get_import_for_user(request, code)
    return render(request, "interop/import_detail.html", _status_context(practice_import))


@login_required
def import_status(request, code):
    """The status fragment the detail page polls (htmx) until the import has finished."""
    practice_import = _get_import_for_user(request, code)
    return render(request, "interop/_import_status.html", _status_context(practice_import))


@login_required
@require_POST
def import_confirm(request, code):
    dry_run_import = _get_import_for_user(request, code)
    if not services.can_confirm(dry_run_import):
        return redirect("interop-import-detail", code=code)
    practice_import = services.practice_import_confirm(
        dry_run_import=dry_run_import, by=request.user
    )
    return redirect("interop-import-detail", code=practice_import.code)


def _status_context(practice_import: PracticeImport) -> dict:
    if fail_stalled_imports():
        practice_import.refresh_from_db()
    progress = read_progress(progress_path(practice_import))
    totals = {"rows": 0, "inserted": 0, "updated": 0, "unchanged": 0}
    files = []
    for name, counts in practice_import.summary.items():
        unchanged = counts["rows"] - counts["inserted"] - counts["updated"]
        files.append({"name": name, **counts, "unchanged": unchanged})
        for key in totals:
            totals[key] += files[-1][key]
    return {
        "practice_import": practice_import,
        "progress": progress,
        "percent": round(100 * progress["fraction"]),
        "files": files,
        "totals": totals,
        "more_errors": practice_import.error_count - len(practice_import.error_lines),
        "can_confirm": services.can_confirm(practice_import),
    }
