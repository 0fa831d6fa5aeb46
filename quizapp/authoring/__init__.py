"""Authoring the question bank in the browser: drafts, the approval workflow, regrading.

``drafts`` (new questions and new wordings, always as drafts; the loader's rules apply). Trainees
only ever draw a question's approved ``current_version``: nothing here changes a draw until an
admin approves.
"""
