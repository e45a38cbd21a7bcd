"""Write .env from .env.example with a freshly generated SECRET_KEY (only if .env is missing)."""

import secrets
import sys
from pathlib import Path

example, target = Path(sys.argv[1]), Path(sys.argv[2])
if target.exists():
    sys.exit(0)
lines = []
for line in example.read_text().splitlines():
    if line.startswith("SECRET_KEY="):
        line = "SECRET_KEY=" + secrets.token_urlsafe(50)
    lines.append(line)
target.write_text("\n".join(lines) + "\n")
print(f"Wrote {target} from {example} with a new SECRET_KEY; edit it to change settings.")
