"""Taking a quiz (DESIGN §2): the engine (draw, rules, question types, attempts) and its views.

The engine modules are plain Python used by views, CLI and tests; ``views.py`` holds the blueprint.
"""
