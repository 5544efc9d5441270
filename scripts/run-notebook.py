#!/usr/bin/python3
"""Execute outage-lab notebooks headless with the project's tslab kernel, parameters injected.

    npm run notebooks                                   # every notebook in notebooks/
    npm run notebooks -- notebooks/01-reproduce-the-outage.ipynb -p durationSec=600 -p seed=11

Papermill's convention, for a TypeScript kernel: the cell tagged `parameters` declares each parameter with
`let name = default;`; a cell tagged `injected-parameters` is added after it that assigns the given values
(`name = value;`, type-checked against the declaration). Values are JSON (42, true, "text"); anything else
is taken as a string. Writes the executed notebook and an HTML export to reports/notebooks/ (or --out).
Exit status: 0 ok, 1 a cell failed (its error is printed; the partial notebook is still written), 2 bad
input. Run through `npm run notebooks`, which builds dist/ (the notebooks import it) and sets
JUPYTER_PATH to the project's kernelspec.
"""
import argparse
import json
import os
import re
import sys
import time

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter
except ImportError as e:  # pragma: no cover
    sys.stderr.write(
        f"error: {e.name} is missing: apt-get install -y --no-install-recommends "
        "jupyter-nbconvert python3-nbclient python3-ipykernel\n"
    )
    sys.exit(2)

PARAM_DECL = re.compile(r"^\s*let\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=", re.M)


def fail(message, code=2):
    sys.stderr.write(f"error: {message}\n")
    sys.exit(code)


def parse_params(pairs):
    params = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_$][\w$]*", name):
            fail(f"-p {pair}: expected name=value, e.g. -p durationSec=600")
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        params[name] = value
    return params


def inject(nb, params, path):
    cells = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        if params:
            fail(f"{path}: no cell tagged 'parameters' to inject into")
        return
    at = cells[0]
    declared = PARAM_DECL.findall(nb.cells[at].source)
    for name in params:
        if name not in declared:
            fail(f"-p {name}: not a parameter of {path} (its parameters: {', '.join(declared) or 'none'})")
    if not params:
        return
    # tslab prints the value of a cell's last expression: a final `void 0;` keeps the assignments quiet.
    lines = ["// Injected parameters"] + [f"{k} = {json.dumps(v)};" for k, v in params.items()] + ["void 0;"]
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(at + 1, cell)


def stderr_of(nb):
    out = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                out.append(f"cell {i}: {o.get('text', '').strip()}")
            if o.get("output_type") == "error":
                out.append(f"cell {i}: {o.get('ename')}: {o.get('evalue')}")
    return out


def write(nb, out_dir, stem):
    os.makedirs(out_dir, exist_ok=True)
    ipynb = os.path.join(out_dir, stem + ".ipynb")
    html_path = os.path.join(out_dir, stem + ".html")
    nbformat.write(nb, ipynb)
    # No MathJax or RequireJS from file:// or a CDN: the page works offline with no console errors.
    exporter = HTMLExporter(mathjax_url="", require_js_url="")
    body, _ = exporter.from_notebook_node(nb)
    with open(html_path, "w", encoding="utf-8") as f:
        f.write(body)
    return ipynb, html_path


def run(path, params, out_dir, timeout):
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as e:
        fail(f"{path}: cannot read the notebook ({e})")
    inject(nb, params, path)
    stem = os.path.splitext(os.path.basename(path))[0]
    started = time.time()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="tslab",
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    try:
        client.execute()
    except CellExecutionError:
        errors = stderr_of(nb)
        write(nb, out_dir, stem)
        sys.stderr.write(f"FAIL {path}\n" + "\n".join(errors or ["(no error text)"]) + "\n")
        return False
    # tslab reports some errors as stderr streams without failing the request: treat them as failures.
    errors = [e for e in stderr_of(nb) if "error" in e.lower()]
    ipynb, html_path = write(nb, out_dir, stem)
    if errors:
        sys.stderr.write(f"FAIL {path}\n" + "\n".join(errors) + "\n")
        return False
    sys.stderr.write(f"ok   {path} in {time.time() - started:.1f} s -> {ipynb}, {html_path}\n")
    return True


def main():
    ap = argparse.ArgumentParser(description="Execute outage-lab notebooks with injected parameters.")
    ap.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/*.ipynb)")
    ap.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--out", default="reports/notebooks", help="output directory")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = ap.parse_args()
    paths = args.notebooks or sorted(
        os.path.join("notebooks", f) for f in os.listdir("notebooks") if f.endswith(".ipynb")
    )
    params = parse_params(args.param)
    for p in paths:
        if not os.path.isfile(p):
            fail(f"{p}: no such notebook")
    ok = all([run(p, params, args.out, args.timeout) for p in paths])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
