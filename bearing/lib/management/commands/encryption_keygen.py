from typing import Any

from django.core.management.base import BaseCommand

from bearing.lib.crypto import generate_key, new_key_id


class Command(BaseCommand):
    help = "Print a new AES-256 key line for BEARING_ENCRYPTION_KEYS (kid:base64key)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{new_key_id()}:{generate_key()}")
