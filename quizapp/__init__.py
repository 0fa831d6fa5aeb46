"""quizapp: lessons, randomised quizzes, ward reports and certificates for political training."""

from __future__ import annotations

import os

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Assemble the application: configuration, extensions, blueprints and commands.

    Nothing here touches the database or prompts; ``flask --app quizapp init`` does that.
    """
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)

    from .config import load_config

    load_config(app, test_config)

    from . import db, extensions, params

    db.init_app(app)
    extensions.init_app(app)
    params.init_app(app)  # the bounded <int:> converter, before any rule uses it

    # Every area keeps its blueprint in views.py; the package __init__ files import nothing.
    from .admin.views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .certificates.views import bp as certificates_bp
    from .learn.views import bp as learn_bp
    from .offline.views import bp as offline_bp
    from .practice.views import bp as practice_bp
    from .quiz.views import bp as quiz_bp
    from .reports.views import bp as reports_bp

    for bp in (auth_bp, learn_bp, quiz_bp, reports_bp, certificates_bp, admin_bp, offline_bp, practice_bp):
        app.register_blueprint(bp)

    from . import cli, web

    cli.init_app(app)
    web.init_app(app)
    return app
