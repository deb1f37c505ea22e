#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image, in /autograder/source: the zip that
# `python tools/handout.py --gradescope ZIP` writes. It installs the CPU build of torch (no GPU there,
# and a tenth of the download) and the lesson's requirements, in a virtual environment run_autograder uses.
set -euo pipefail
cd "$(dirname "$0")"
VENV=${AUTOGRADER_VENV:-/autograder/venv}
if ! python3 -m venv "$VENV"; then  # Ubuntu's python3 may lack venv until its package is installed
  apt-get update && apt-get install -y python3-venv
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
"$VENV/bin/pip" install -r requirements.txt
