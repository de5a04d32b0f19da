from django import forms


class PracticeFilesUploadForm(forms.Form):
    archive = forms.FileField(
        label="Zip of practice files",
        help_text="One zip holding some or all of locations.csv, partners.csv, patients.csv, "
        "referrals.csv, episodes.csv, visits.csv, outcomes.csv, payments.csv, "
        "touchpoints.csv and reports.csv.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_archive(self):
        archive = self.cleaned_data["archive"]
        if not archive.name.lower().endswith(".zip"):
            raise forms.ValidationError("Choose a .zip file.")
        return archive
