# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN python3 <<EOF
import json, pathlib
pathlib.Path("/etc/app.json").write_text(json.dumps({"mode": "prod"}))
EOF
RUN <<EOF bash
set -euo pipefail
echo "ready" | tee /ready
EOF
USER 1000
CMD ["python3", "-c", "print(open('/etc/app.json').read())"]
