"""Executes a notebook with nbclient under Debian's python3 kernel and fails (exit 1) on any
cell error; with --render FILE.md also writes it as Markdown with its outputs and figures
(docs/notebook.md, figures next to it under img/), so the docs show what the notebook shows.

    PYTHONPATH=build/release/python /usr/bin/python3 tests/python/run_notebook.py \\
        examples/eastern-flank.ipynb --render docs/notebook.md
"""
import argparse
import base64
import os
import sys
import time

import nbclient
import nbformat


def render(nb, path, name):
    out_dir = os.path.dirname(path)
    img_dir = os.path.join(out_dir, "img")
    os.makedirs(img_dir, exist_ok=True)
    lines = [f"<!-- Generated from examples/{name}.ipynb by tests/python/run_notebook.py "
             "--render; do not edit. -->", ""]
    figure = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines += [cell.source, ""]
            continue
        lines += ["```python", cell.source, "```", ""]
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stdout":
                lines += ["```", out.text.rstrip(), "```", ""]
            elif out.output_type in ("execute_result", "display_data"):
                data = out.get("data", {})
                if "image/png" in data:
                    figure += 1
                    file = f"{name}-{figure}.png"
                    with open(os.path.join(img_dir, file), "wb") as f:
                        f.write(base64.b64decode(data["image/png"]))
                    lines += [f"![figure {figure}](img/{file})", ""]
                elif "text/plain" in data and not data["text/plain"].startswith("<"):
                    lines += ["```", data["text/plain"].rstrip(), "```", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("notebook")
    p.add_argument("--render", metavar="FILE.md")
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = p.parse_args()
    nb = nbformat.read(args.notebook, as_version=4)
    start = time.monotonic()
    client = nbclient.NotebookClient(nb, timeout=args.timeout, kernel_name="python3",
                                     resources={"metadata": {"path": os.getcwd()}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        print(f"{args.notebook}: a cell failed:\n{e}", file=sys.stderr)
        return 1
    print(f"{args.notebook}: {len(nb.cells)} cells ran in {time.monotonic() - start:.1f} s")
    if args.render:
        render(nb, args.render, os.path.splitext(os.path.basename(args.notebook))[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
