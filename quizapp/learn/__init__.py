"""The trainee's side outside a quiz: the dashboard, the lessons (Markdown) and "my results"."""
