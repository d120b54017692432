# Copy to instance/config.py. Environment variables (DATABASE_URL, SECRET_KEY, REDIS_URL, CIVIC_*)
# override what is set here.

# The public address: links in mails, letters and QR codes; other Host headers get 400.
# Required in production. CIVIC_TRUSTED_HOSTS adds names (e.g. a health check's address).
# CIVIC_BASE_URL = "https://civic.city.example.jp"
# CIVIC_TRUSTED_HOSTS = ["10.0.0.5"]

# CIVIC_SITE_NAME = "さくら区 みんなの参加"
# CIVIC_TIMEZONE = "Asia/Tokyo"

# DATABASE_URL = "postgresql://civic:secret@127.0.0.1/civic"
# REDIS_URL = "redis://127.0.0.1:6379/0"

# Outgoing mail (password resets). Without a host, mail is printed to the console.
# CIVIC_SMTP_HOST = "smtp.example.jp"
# CIVIC_SMTP_PORT = 587
# CIVIC_SMTP_USER = "civic"
# CIVIC_SMTP_PASSWORD = "..."
# CIVIC_MAIL_FROM = "civic@city.example.jp"
