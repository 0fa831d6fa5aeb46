"""The installable web app: manifest, service worker and the offline page (lessons readable with no network)."""
