"""Authoring the question bank in the browser: drafts, the approval workflow, regrading.

``drafts`` (new questions and new wordings, always as drafts; the loader's rules apply). Trainees
only ever draw a question's approved ``current_version``: nothing here changes a draw until an
admin approves.

``transfer`` (question files: a file imported as drafts, a topic exported in any format) and
``lessons`` (lesson drafts, checked against the sections questions use, approved by an admin).
"""
