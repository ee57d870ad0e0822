"""``kerasgan zoo``: list, describe and fetch zoo entries.

::

    kerasgan zoo list                # table: name, family, data, metrics, weights
    kerasgan zoo info dcgan-digits   # the entry as YAML
    kerasgan zoo fetch dcgan-digits  # download (progress on stderr) + verify, print the path

Nothing heavy is imported until a handler runs.
"""

from kerasgan.cli.args import add_plugin_argument

__all__ = ["register"]

#: Metrics shown by ``kerasgan zoo list``, in this order, when an entry has them.
_SUMMARY_KEYS = ("modes", "high_quality", "fid", "is", "class_accuracy", "task_l1", "content_kept")


def _summary(entry):
    metrics = entry["metrics"]
    if metrics == "none":
        return "-"
    values = metrics["values"]
    parts = []
    for key in _SUMMARY_KEYS:
        if key in values:
            value = values[key]
            parts.append(f"{key}={value:.3g}" if isinstance(value, float) else f"{key}={value}")
    return " ".join(parts) or "-"


def _cmd_list(args):
    from kerasgan.zoo import registry

    rows = [("name", "family", "data", "metrics", "weights")]
    # YAML only: the families (and TensorFlow) load when an entry is built.
    for entry in registry.entries(full=bool(args.plugins)):
        weights = "no" if entry["weights"] == "none" else "yes"
        rows.append((entry["name"], entry["family"], entry["data"], _summary(entry),
                     weights))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


def _cmd_info(args):
    import yaml

    from kerasgan import zoo

    entry = zoo.info(args.name)
    print(f"# {zoo.config_path(args.name)}")
    print(yaml.safe_dump(entry, sort_keys=False, default_flow_style=False).rstrip())
    return 0


def _cmd_fetch(args):
    from kerasgan import zoo
    from kerasgan.cli.progress import Progress

    bar = []

    def show(done, size):
        if not bar:
            bar.append(Progress("zoo fetch", f"downloading {args.name}", -(-size // 1024), "KiB"))
        bar[0].update(-(-done // 1024))

    try:
        path = zoo.fetch(args.name, progress=show)
    finally:
        if bar:
            bar[0].close()
    print(path)
    return 0


def register(subparsers):
    """Registers ``kerasgan zoo list|info|fetch`` on the CLI's subparsers."""
    p = subparsers.add_parser(
        "zoo",
        help="model zoo: list entries, show one, fetch its pretrained weights",
        description=(
            "Named, reproducible configs with pretrained weights. Train one yourself with "
            "'kerasgan train --config NAME --out DIR'; load one in Python with "
            "kerasgan.zoo.load(NAME). Weights are cached in $KERASGAN_HOME/weights "
            "(default ~/.kerasgan); KERASGAN_WEIGHTS_URL sets a download mirror."
        ),
    )
    actions = p.add_subparsers(dest="zoo_command", metavar="ACTION", parser_class=type(p))
    actions.required = True
    listing = actions.add_parser("list", help="table of entries")
    listing.set_defaults(handler=_cmd_list)
    info = actions.add_parser("info", help="print an entry (YAML)")
    info.add_argument("name", help="entry name (see 'kerasgan zoo list')")
    info.set_defaults(handler=_cmd_info)
    fetch = actions.add_parser("fetch", help="download and verify weights; print the path")
    fetch.add_argument("name", help="entry name (see 'kerasgan zoo list')")
    fetch.set_defaults(handler=_cmd_fetch)
    for action in (listing, info, fetch):
        add_plugin_argument(action)
