"""`csi intake`: an idea raised through the repository's issue form becomes a draft record.

GitHub renders an issue form's answers into the issue's body as Markdown, one `### Label`
heading per field; `issue_form.py` reads them back (by the labels of the form csi writes),
`draft.py` turns them into a `logged` record and says what is missing when they cannot.
Issue text is untrusted: it only ever reaches a record through the YAML writer and its
validation, never a shell. Imports records/ and below."""
