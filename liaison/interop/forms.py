from django import forms
from django.utils.html import format_html

from liaison.interop.practice_files.schema import FILES


class PracticeFilesUploadForm(forms.Form):
    archive = forms.FileField(
        label="Zip of practice files",
        help_text=format_html(
            "One zip holding some or all of {} and {}. The format is described in "
            "<code>docs/practice-files.md</code>.",
            ", ".join(spec.name for spec in FILES[:-1]),
            FILES[-1].name,
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_archive(self):
        archive = self.cleaned_data["archive"]
        if not archive.name.lower().endswith(".zip"):
            raise forms.ValidationError("Choose a .zip file.")
        return archive
