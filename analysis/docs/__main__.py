"""``python -m analysis.docs [OUT_DIR]``: write the model report (default results/docs)."""

import argparse
from pathlib import Path

from analysis.docs.model_report import DEFAULT_OUT, write_report

parser = argparse.ArgumentParser(prog="python -m analysis.docs", description=__doc__)
parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT, help="where to write the report")
print(write_report(parser.parse_args().out_dir))
