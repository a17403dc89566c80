"""The stakeholder site commands: csi site build, csi site serve."""

from __future__ import annotations

from pathlib import Path

import click

from csi_tool.cli.support import as_of_option, option_date, register_root, say
from csi_tool.site import DEFAULT_OUT


@click.group()
def site() -> None:
    """Build or preview the stakeholder site (MkDocs-material)."""


@site.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for the built site (relative to the register root).",
)
@as_of_option
@click.option(
    "--site-url",
    metavar="URL",
    help="Where the site is published, e.g. https://acme.github.io/improvements/ (overrides "
    "site_url in site/mkdocs.yml): the 404 page and the sitemap need it under a sub-path.",
)
@click.pass_context
def site_build(ctx: click.Context, out: Path, as_of: str | None, site_url: str | None) -> None:
    """Generate the register's pages and build the site in strict mode."""
    from csi_tool.site.builder import build_site

    if site_url is not None and not site_url.lower().startswith(("https://", "http://")):
        raise click.BadParameter("must be an http(s) address", param_hint="--site-url")
    root = register_root(ctx)
    built = build_site(root, out, option_date(as_of, "--as-of"), site_url)
    say(
        f"built {built.pages} pages into {built.out} "
        f"(generated in {built.generate_seconds:.1f} s, built in {built.build_seconds:.1f} s); "
        f"open {built.out / 'index.html'}"
    )


@site.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@as_of_option
@click.pass_context
def site_serve(ctx: click.Context, port: int, as_of: str | None) -> None:
    """Build the site and serve it on http://127.0.0.1:PORT/ for a local preview."""
    from csi_tool.site.builder import serve_site

    root = register_root(ctx)
    say(f"building, then serving on http://127.0.0.1:{port}/ (Ctrl-C stops)", err=True)
    serve_site(root, port, option_date(as_of, "--as-of"))
