"""Practice mode ("Ôn luyện"): short untimed sets of retrieval practice that never count.

``scheduler`` (pure: which questions a trainee needs, the Leitner steps), ``services`` (sets, answers, mastery,
streaks over a session) and ``views`` (the blueprint; works with and without JavaScript).
"""
