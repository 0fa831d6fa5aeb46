"""The question bank at /admin/questions: ``views`` (the blueprint: browse, the editor), ``pages`` (a question's
page), ``actions`` (the workflow steps), ``forms``."""
