# Copy to instance/config.py and adjust. Environment variables QUIZAPP_* override these.
# DATABASE_URL = "postgresql+psycopg://quizapp:change-me@127.0.0.1/quizapp"
# PUBLIC_URL = "https://hoctap.example.vn"
# SESSION_COOKIE_SECURE = True
# PROXY_COUNT = 1
